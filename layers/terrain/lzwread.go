package terrain

import (
	"errors"
	"io"
)

// errLZWCode is a code that names no table entry yet.
var errLZWCode = errors.New("lzw: invalid code")

// lzwDecode decodes TIFF LZW src (MSB-first codes of 9 to 12 bits, Clear
// 256, EOI 257, libtiff's early change) into dst, stopping once dst is
// full, at EOI or at the end of src; it returns the bytes written, with
// io.ErrUnexpectedEOF if src ends before EOI and dst is not full. It
// works on the bytes directly, with no reader call per byte and no
// allocation: every table string is a run of the output already written
// (the previous code's string and the next byte), so the table holds
// offsets into dst and a code is one copy.
func lzwDecode(src, dst []byte) (int, error) {
	const clearCode, eoiCode, firstCode, tableSize = 256, 257, 258, 4096
	var offs [tableSize]int
	var lens [tableSize]int
	var acc uint64
	var nbits, i, o int
	width, next := 9, firstCode
	prevOff, prevLen := 0, 0 // the previous code's string in dst; 0: none since Clear
	for o < len(dst) {
		for nbits <= 56 && i < len(src) {
			acc = acc<<8 | uint64(src[i])
			nbits += 8
			i++
		}
		if nbits < width {
			return o, io.ErrUnexpectedEOF
		}
		nbits -= width
		code := int(acc>>uint(nbits)) & (1<<width - 1)
		n := 0
		switch {
		case code == clearCode:
			width, next, prevLen = 9, firstCode, 0
			continue
		case code == eoiCode:
			return o, nil
		case code < 256:
			dst[o], n = byte(code), 1
		case code < next:
			n = copy(dst[o:], dst[offs[code]:offs[code]+lens[code]])
		case code == next && prevLen > 0:
			n = copy(dst[o:], dst[prevOff:prevOff+prevLen])
			if o+n < len(dst) {
				dst[o+n] = dst[prevOff]
				n++
			}
		default:
			return o, errLZWCode
		}
		if prevLen > 0 && next < tableSize {
			offs[next], lens[next] = prevOff, prevLen+1
			next++
		}
		prevOff, prevLen = o, n
		o += n
		if next >= 1<<width-1 && width < 12 {
			width++
		}
	}
	return o, nil
}
