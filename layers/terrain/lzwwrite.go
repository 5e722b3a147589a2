package terrain

// lzwEncode compresses src with the TIFF flavour of LZW (MSB-first codes of
// 9 to 12 bits, Clear 256, EOI 257, and libtiff's "early change": the code
// width grows one code before the table would overflow it), as libtiff's
// LZWEncode writes it.
func lzwEncode(src []byte) []byte {
	const (
		clearCode = 256
		eoiCode   = 257
		firstCode = 258
		maxCode   = 4095
		hashSize  = 1 << 14
	)
	e := lzwWriter{out: make([]byte, 0, len(src)/2+16), width: 9}
	var keys [hashSize]uint32 // (prefix<<8 | byte) + 1; 0 is empty
	var codes [hashSize]uint16
	reset := func() {
		clear(keys[:])
	}
	e.put(clearCode)
	if len(src) == 0 {
		e.put(eoiCode)
		return e.flush()
	}
	next, limit := firstCode, 511
	prefix := uint32(src[0])
	for _, c := range src[1:] {
		key := prefix<<8 | uint32(c) + 1
		h := (key * 2654435761) >> (32 - 14)
		for keys[h] != 0 && keys[h] != key {
			h = (h + 1) & (hashSize - 1)
		}
		if keys[h] == key {
			prefix = uint32(codes[h])
			continue
		}
		e.put(prefix)
		keys[h], codes[h] = key, uint16(next)
		next++
		prefix = uint32(c)
		if next == maxCode-1 {
			e.put(clearCode)
			reset()
			next, limit, e.width = firstCode, 511, 9
		} else if next > limit {
			e.width++
			limit = 1<<e.width - 1
		}
	}
	e.put(prefix)
	e.put(eoiCode)
	return e.flush()
}

// lzwWriter packs codes most significant bit first.
type lzwWriter struct {
	out   []byte
	acc   uint32
	nacc  uint
	width uint
}

func (e *lzwWriter) put(code uint32) {
	e.acc = e.acc<<e.width | code
	e.nacc += e.width
	for e.nacc >= 8 {
		e.nacc -= 8
		e.out = append(e.out, byte(e.acc>>e.nacc))
	}
	e.acc &= 1<<e.nacc - 1
}

func (e *lzwWriter) flush() []byte {
	if e.nacc > 0 {
		e.out = append(e.out, byte(e.acc<<(8-e.nacc)))
	}
	return e.out
}
