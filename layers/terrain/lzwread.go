package terrain

import (
	"encoding/binary"
	"errors"
	"io"
)

// errLZWCode is a code that names no table entry yet.
var errLZWCode = errors.New("lzw: invalid code")

// lzwEntry is one LZW table string: n bytes of the output at off.
type lzwEntry struct{ off, n uint32 }

// lzwDecode decodes TIFF LZW src (MSB-first codes of 9 to 12 bits, Clear
// 256, EOI 257, libtiff's early change) into dst, stopping once dst is
// full, at EOI or at the end of src; it returns the bytes written, with
// io.ErrUnexpectedEOF if src ends before EOI and dst is not full. It
// works on the bytes directly, with no reader call per byte and no
// allocation: every table string is a run of the output already written
// (the previous code's string and the next byte), so the table holds
// offsets into dst and a code is one copy, made eight bytes at a time
// away from the end of dst. Codes are read from a 64-bit window refilled
// with one 8-byte load for every four or more codes. dst must be shorter
// than 4 GiB; past the bytes returned it may hold up to seven bytes of
// scratch.
func lzwDecode(src, dst []byte) (int, error) {
	const clearCode, eoiCode, firstCode, tableSize = 256, 257, 258, 4096
	var table [tableSize]lzwEntry
	var acc uint64 // the next nbits bits of src, most significant first
	var nbits, i, o int
	width, next := 9, firstCode
	grow := 1<<width - 1 // next code at which width grows (early change)
	var prev lzwEntry    // the previous code's string in dst; n 0: none since Clear
	fast := len(dst) - 8 // below this, 8-byte copies stay inside dst
	for o < len(dst) {
		if nbits < width {
			acc, nbits, i = lzwRefill(src, acc, nbits, i)
			if nbits < width {
				return o, io.ErrUnexpectedEOF
			}
		}
		code := int(acc >> ((64 - width) & 63))
		acc <<= width & 63
		nbits -= width
		var n int
		switch {
		case code < 256:
			dst[o], n = byte(code), 1
		case code == clearCode:
			width, next, prev.n = 9, firstCode, 0
			grow = 1<<width - 1
			continue
		case code == eoiCode:
			return o, nil
		case code < next:
			e := table[code]
			n = int(e.n)
			if o+n <= fast {
				copy8(dst, o, int(e.off), n)
			} else {
				n = copy(dst[o:], dst[e.off:e.off+e.n])
			}
		case code == next && prev.n > 0: // KwKwK: the previous string and its first byte
			n = int(prev.n)
			if o+n+1 <= fast {
				copy8(dst, o, int(prev.off), n)
				dst[o+n] = dst[prev.off]
				n++
			} else {
				n = copy(dst[o:], dst[prev.off:prev.off+prev.n])
				if o+n < len(dst) {
					dst[o+n] = dst[prev.off]
					n++
				}
			}
		default:
			return o, errLZWCode
		}
		if prev.n > 0 && next < tableSize {
			table[next] = lzwEntry{prev.off, prev.n + 1}
			next++
		}
		prev = lzwEntry{uint32(o), uint32(n)}
		o += n
		if next >= grow && width < 12 {
			width++
			grow = 1<<width - 1
		}
	}
	return o, nil
}

// lzwRefill tops up the bit window acc holding nbits bits (fewer than 12)
// from src at i: with one 8-byte load where 8 bytes remain (the bits of
// a partly taken byte are loaded again next time, to the same place),
// byte by byte at the end.
func lzwRefill(src []byte, acc uint64, nbits, i int) (uint64, int, int) {
	if i+8 <= len(src) {
		acc |= binary.BigEndian.Uint64(src[i:]) >> (nbits & 63)
		i += (63 - nbits) >> 3
		return acc, nbits | 56, i
	}
	for nbits <= 56 && i < len(src) {
		acc |= uint64(src[i]) << (56 - nbits)
		nbits += 8
		i++
	}
	return acc, nbits, i
}

// copy8 copies the n bytes at dst[from:] to dst[to:], from+n <= to, eight
// bytes at a time: it may write up to seven bytes past to+n (the caller
// keeps them inside dst), which later codes overwrite. Each word is read
// before it is written, and every byte read within n was written before
// this copy began.
func copy8(dst []byte, to, from, n int) {
	if n <= 8 {
		binary.LittleEndian.PutUint64(dst[to:], binary.LittleEndian.Uint64(dst[from:]))
		return
	}
	for k := 0; k < n; k += 8 {
		binary.LittleEndian.PutUint64(dst[to+k:], binary.LittleEndian.Uint64(dst[from+k:]))
	}
}
