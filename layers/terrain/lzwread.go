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
// works on the bytes directly: no reader per byte, no allocation.
func lzwDecode(src, dst []byte) (int, error) {
	const clearCode, eoiCode, firstCode, tableSize = 256, 257, 258, 4096
	var prefix [tableSize]uint16
	var suffix, first [tableSize]byte
	var length [tableSize]uint16
	for c := range 256 {
		suffix[c], first[c], length[c] = byte(c), byte(c), 1
	}
	var acc uint64
	var nbits, i, o int
	width, next, prev := 9, firstCode, -1
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
		switch {
		case code == clearCode:
			width, next, prev = 9, firstCode, -1
			continue
		case code == eoiCode:
			return o, nil
		case code < next && (code < 256 || code >= firstCode):
			if prev >= 0 && next < tableSize {
				prefix[next], suffix[next], first[next], length[next] = uint16(prev), first[code], first[prev], length[prev]+1
				next++
			}
		case code == next && prev >= 0 && next < tableSize:
			prefix[next], suffix[next], first[next], length[next] = uint16(prev), first[prev], first[prev], length[prev]+1
			next++
		default:
			return o, errLZWCode
		}
		o += lzwString(code, dst[o:], &prefix, &suffix, &length)
		prev = code
		if next >= 1<<width-1 && width < 12 {
			width++
		}
	}
	return o, nil
}

// lzwString writes the string of code into dst (as much of its head as
// fits) and returns the bytes written.
func lzwString(code int, dst []byte, prefix *[4096]uint16, suffix *[4096]byte, length *[4096]uint16) int {
	n := int(length[code])
	if n == 1 {
		dst[0] = suffix[code]
		return 1
	}
	for n > len(dst) { // keep the head: walk past the tail that does not fit
		code = int(prefix[code])
		n--
	}
	for k := n - 1; k >= 0; k-- {
		dst[k] = suffix[code]
		code = int(prefix[code])
	}
	return n
}
