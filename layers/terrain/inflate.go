package terrain

import (
	"encoding/binary"
	"errors"
	"hash/adler32"
	"io"
	"math/bits"
	"sync"
)

// Errors of the zlib/Deflate decoder.
var (
	errInflate  = errors.New("inflate: invalid Deflate data")
	errZlibHead = errors.New("inflate: invalid zlib header")
	errAdler    = errors.New("inflate: Adler-32 checksum mismatch")
)

// zlibDecode decodes zlib src (RFC 1950 around RFC 1951 Deflate, no preset
// dictionary) into dst, stopping once dst is full or at the end of the
// final block; it returns the bytes written. A stream that ends inside dst
// must end with its Adler-32 checksum of them; one that fills dst is not
// read further (a TIFF tile cut by the image edge holds rows that are not
// wanted), as TIFF readers do. Data that ends early gives
// io.ErrUnexpectedEOF. The whole output is the window: matches are copied
// within dst, eight bytes at a time away from its end, and the code
// tables live in a pooled decoder, so decoding allocates nothing.
func zlibDecode(src, dst []byte) (int, error) {
	if len(src) < 2 {
		return 0, io.ErrUnexpectedEOF
	}
	if src[0]&0x0f != 8 || src[0]>>4 > 7 || (uint(src[0])<<8|uint(src[1]))%31 != 0 || src[1]&0x20 != 0 {
		return 0, errZlibHead
	}
	d := inflaters.Get().(*inflater)
	defer inflaters.Put(d)
	s := inflateState{src: src, dst: dst, i: 2}
	complete, err := d.run(&s)
	if err != nil || !complete {
		return s.o, err
	}
	p := s.i - int(s.nb/8) // the byte after the final block
	if p+4 > len(src) {
		return s.o, io.ErrUnexpectedEOF
	}
	if binary.BigEndian.Uint32(src[p:]) != adler32.Checksum(dst[:s.o]) {
		return s.o, errAdler
	}
	return s.o, nil
}

// inflateState is the decoder's position: the next byte of src at i,
// nb bits of src (least significant first) in bits, o bytes written. The
// bytes past src read as zeros; reading into them is caught by overrun.
type inflateState struct {
	src, dst []byte
	i, o     int
	bits     uint64
	nb       uint
}

// refill tops bits up to 56 bits or more: one 8-byte load where 8 bytes
// remain (the bits of a partly taken byte are loaded again next time, to
// the same place), else byte by byte with zeros past the end.
func (s *inflateState) refill() {
	if s.i+8 <= len(s.src) {
		s.bits |= binary.LittleEndian.Uint64(s.src[s.i:]) << (s.nb & 63)
		s.i += int(63-s.nb) >> 3
		s.nb |= 56
		return
	}
	for s.nb <= 56 {
		if s.i < len(s.src) {
			s.bits |= uint64(s.src[s.i]) << (s.nb & 63)
		}
		s.nb += 8
		s.i++
	}
}

// refillEnd is refill's byte by byte part, for the decoding loop's locals.
func refillEnd(src []byte, bits uint64, nb uint, i int) (uint64, uint, int) {
	s := inflateState{src: src, i: i, bits: bits, nb: nb}
	s.refill()
	return s.bits, s.nb, s.i
}

// overrun reports whether more bits were taken than src holds.
func (s *inflateState) overrun() bool { return 8*s.i-int(s.nb) > 8*len(s.src) }

// take returns the next n (at most 32) bits.
func (s *inflateState) take(n uint) uint32 {
	if s.nb < n {
		s.refill()
	}
	v := uint32(s.bits & (1<<n - 1))
	s.bits >>= n
	s.nb -= n
	return v
}

// A code table entry: the bits to take in its low byte, flags, and in the
// high 16 bits the symbol, or where a subtable starts.
const (
	huffSub     = 0x100 // the entry names a subtable, indexed by the next bits
	huffInvalid = 0x200 // no code has these bits
)

// Root table bits and the most entries the tables can need (every long
// code in a subtable of its own, of the longest length).
const (
	litRoot, distRoot = 10, 8
	litEntries        = 1<<litRoot + 288<<(15-litRoot)
	distEntries       = 1<<distRoot + 32<<(15-distRoot)
)

// huffman is a canonical Huffman code as a two-level lookup table.
type huffman struct {
	table   []uint32
	root    uint
	subBits uint
}

// build makes h the code of lengths (a length 0: no code), refusing an
// over-subscribed set and an incomplete one unless it is a single code of
// one bit, as zlib does; complete insists on a complete set (the code
// length code). No codes at all is allowed: any use is then an error.
func (h *huffman) build(lengths []uint8, complete bool) bool {
	var count [16]int
	for _, l := range lengths {
		count[l]++
	}
	count[0] = 0
	left, longest := 1, 0
	for l := 1; l <= 15; l++ {
		left = left<<1 - count[l]
		if left < 0 {
			return false
		}
		if count[l] > 0 {
			longest = l
		}
	}
	if left > 0 && (complete || longest != 1) && longest != 0 {
		return false
	}
	for k := range h.table[:1<<h.root] {
		h.table[k] = huffInvalid
	}
	h.subBits = uint(max(0, longest-int(h.root)))
	var next [16]int
	for l := 1; l <= 15; l++ {
		next[l] = (next[l-1] + count[l-1]) << 1
	}
	used := 1 << h.root
	for sym, l := range lengths {
		if l == 0 {
			continue
		}
		code := next[l]
		next[l]++
		used = h.put(sym, uint(l), reverseBits(code, uint(l)), used)
	}
	return true
}

// put enters sym, of code r (bits in reading order) of l bits, into the
// table, opening a subtable at used for a code longer than the root; it
// returns the entries used.
func (h *huffman) put(sym int, l uint, r int, used int) int {
	e := uint32(sym) << 16
	if l <= h.root {
		for k := r; k < 1<<h.root; k += 1 << l {
			h.table[k] = e | uint32(l)
		}
		return used
	}
	p := r & (1<<h.root - 1)
	if h.table[p]&huffSub == 0 {
		h.table[p] = uint32(used)<<16 | huffSub | uint32(h.root)
		for k := range h.table[used : used+1<<h.subBits] {
			h.table[used+k] = huffInvalid
		}
		used += 1 << h.subBits
	}
	sub := int(h.table[p] >> 16)
	for k := r >> h.root; k < 1<<h.subBits; k += 1 << (l - h.root) {
		h.table[sub+k] = e | uint32(l-h.root)
	}
	return used
}

// reverseBits reverses the n low bits of code (Huffman codes are packed
// from their most significant bit, and read from the least).
func reverseBits(code int, n uint) int { return int(bits.Reverse16(uint16(code)) >> (16 - n)) }

// lookup returns the entry of the code at the bottom of bits and the root
// bits taken first when the code is in a subtable (else 0).
func (h *huffman) lookup(bits uint64) (uint32, uint) {
	e := h.table[bits&(1<<h.root-1)]
	if e&huffSub == 0 {
		return e, 0
	}
	return h.table[int(e>>16)+int(bits>>(h.root&63)&(1<<h.subBits-1))], h.root
}

// decode takes the next code of h from s (bits holds enough) and returns
// its symbol, or -1 for bits that no code has.
func (h *huffman) decode(s *inflateState) int {
	e, r := h.lookup(s.bits)
	if e&huffInvalid != 0 {
		return -1
	}
	s.bits >>= (r + uint(e&0xff)) & 63
	s.nb -= r + uint(e&0xff)
	return int(e >> 16)
}

// inflater holds the code tables of one stream's dynamic blocks. Not safe
// for concurrent use; inflaters pools them.
type inflater struct {
	lit, dist   huffman
	litT        [litEntries]uint32
	distT       [distEntries]uint32
	lengths     [286 + 32]uint8
	codeLenCode huffman
	codeLenT    [1 << 7]uint32
}

var inflaters = sync.Pool{New: func() any {
	d := new(inflater)
	d.lit = huffman{table: d.litT[:], root: litRoot}
	d.dist = huffman{table: d.distT[:], root: distRoot}
	d.codeLenCode = huffman{table: d.codeLenT[:], root: 7}
	return d
}}

// fixedLit and fixedDist are Deflate's fixed codes (block type 1).
var fixedLit, fixedDist = func() (*huffman, *huffman) {
	var l [288]uint8
	for i := range l {
		switch {
		case i < 144, i >= 280:
			l[i] = 8
		case i < 256:
			l[i] = 9
		default:
			l[i] = 7
		}
	}
	var d [32]uint8
	for i := range d {
		d[i] = 5
	}
	lit := &huffman{table: make([]uint32, litEntries), root: litRoot}
	dist := &huffman{table: make([]uint32, distEntries), root: distRoot}
	lit.build(l[:], false)
	dist.build(d[:], false)
	return lit, dist
}()

// run decodes blocks until the final one (complete) or a full dst.
func (d *inflater) run(s *inflateState) (complete bool, err error) {
	for {
		head := s.take(3)
		var full bool
		switch head >> 1 {
		case 0:
			full, err = stored(s)
		case 1:
			full, err = codes(s, fixedLit, fixedDist)
		case 2:
			if err = d.readCodes(s); err == nil {
				full, err = codes(s, &d.lit, &d.dist)
			}
		default:
			err = errInflate
		}
		if err == nil && s.overrun() {
			err = io.ErrUnexpectedEOF
		}
		if err != nil || full {
			return false, err
		}
		if head&1 == 1 {
			return true, nil
		}
	}
}

// stored copies a stored block (type 0).
func stored(s *inflateState) (full bool, err error) {
	s.bits, s.i, s.nb = 0, s.i-int(s.nb/8), 0 // to the byte boundary
	if s.i+4 > len(s.src) {
		return false, io.ErrUnexpectedEOF
	}
	n := int(binary.LittleEndian.Uint16(s.src[s.i:]))
	if binary.LittleEndian.Uint16(s.src[s.i+2:]) != ^uint16(n) {
		return false, errInflate
	}
	s.i += 4
	k := min(n, len(s.dst)-s.o)
	if s.i+k > len(s.src) {
		return false, io.ErrUnexpectedEOF
	}
	copy(s.dst[s.o:], s.src[s.i:s.i+k])
	s.o += k
	s.i += k
	return k < n, nil
}

// codeLenOrder is the order of the code length code's lengths.
var codeLenOrder = [19]uint8{16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15}

// readCodes reads a dynamic block's codes (type 2) into d.lit and d.dist.
func (d *inflater) readCodes(s *inflateState) error {
	nlit, ndist, nclen := int(s.take(5))+257, int(s.take(5))+1, int(s.take(4))+4
	if nlit > 286 || ndist > 30 {
		return errInflate
	}
	var cl [19]uint8
	for _, k := range codeLenOrder[:nclen] {
		cl[k] = uint8(s.take(3))
	}
	if !d.codeLenCode.build(cl[:], true) {
		return errInflate
	}
	l := d.lengths[:nlit+ndist]
	for i := 0; i < len(l); {
		s.refill()
		sym := d.codeLenCode.decode(s)
		rep, v := 1, uint8(sym)
		switch {
		case sym < 0:
			return errInflate
		case sym == 16:
			if i == 0 {
				return errInflate
			}
			rep, v = 3+int(s.take(2)), l[i-1]
		case sym == 17:
			rep, v = 3+int(s.take(3)), 0
		case sym == 18:
			rep, v = 11+int(s.take(7)), 0
		}
		if i+rep > len(l) {
			return errInflate
		}
		for range rep {
			l[i] = v
			i++
		}
	}
	if l[256] == 0 || !d.lit.build(l[:nlit], false) || !d.dist.build(l[nlit:], false) {
		return errInflate
	}
	return nil
}

// Base lengths and distances of the length (257..285) and distance codes,
// and their extra bits.
var (
	lenBase   = [29]uint16{3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258}
	lenExtra  = [29]uint8{0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0}
	distBase  = [30]uint32{1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577}
	distExtra = [30]uint8{0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13}
)

// codes decodes a Huffman-coded block up to its end of block, or until
// dst is full. Its loop keeps the bit window in locals (refilled as in
// refill) and decodes the literals that the window holds before the next
// refill.
func codes(s *inflateState, lit, dist *huffman) (full bool, err error) {
	src, dst := s.src, s.dst
	bits, nb, i, o := s.bits, s.nb, s.i, s.o
	defer func() { s.bits, s.nb, s.i, s.o = bits, nb, i, o }()
	for {
		if nb < 48 { // a literal/length code, its extra bits, a distance and its extra bits
			if i+8 <= len(src) {
				bits |= binary.LittleEndian.Uint64(src[i:]) << (nb & 63)
				i += int(63-nb) >> 3
				nb |= 56
			} else {
				bits, nb, i = refillEnd(src, bits, nb, i)
			}
		}
		e, r := lit.lookup(bits)
		if e&huffInvalid != 0 {
			return false, errInflate
		}
		bits >>= (r + uint(e&0xff)) & 63
		nb -= r + uint(e&0xff)
		sym := int(e >> 16)
		if sym < 256 {
			if o >= len(dst) {
				return true, nil
			}
			dst[o] = byte(sym)
			o++
			continue
		}
		if sym == 256 {
			return false, nil
		}
		if sym > 285 {
			return false, errInflate
		}
		sym -= 257
		n := int(lenBase[sym]) + int(bits&(1<<lenExtra[sym]-1))
		bits >>= lenExtra[sym] & 63
		nb -= uint(lenExtra[sym])
		e, r = dist.lookup(bits)
		ds := int(e >> 16)
		if e&huffInvalid != 0 || ds >= 30 {
			return false, errInflate
		}
		bits >>= (r + uint(e&0xff)) & 63
		nb -= r + uint(e&0xff)
		back := int(distBase[ds]) + int(bits&(1<<distExtra[ds]-1))
		bits >>= distExtra[ds] & 63
		nb -= uint(distExtra[ds])
		if back > o {
			return false, errInflate
		}
		if !copyMatch(dst, o, back, n) {
			o = len(dst)
			return true, nil
		}
		o += n
	}
}

// copyMatch copies the n bytes back bytes before dst[o:] to it, as far as
// dst holds them, and reports whether all fitted. Away from the end of
// dst and back 8 or more, it copies eight bytes at a time (each word read
// before the next is written, so overlapping runs come out as Deflate's
// byte by byte copy); the up to seven bytes past o+n it writes are later
// overwritten.
func copyMatch(dst []byte, o, back, n int) bool {
	if back >= 8 && o+n+8 <= len(dst) {
		for k := 0; k < n; k += 8 {
			binary.LittleEndian.PutUint64(dst[o+k:], binary.LittleEndian.Uint64(dst[o-back+k:]))
		}
		return true
	}
	k := min(n, len(dst)-o)
	for j := range k {
		dst[o+j] = dst[o-back+j]
	}
	return k == n
}
