package wire

import "fmt"

// The checkers here accept exactly the JSON that json.Valid accepts (RFC
// 8259; invalid UTF-8 inside strings is let through, as encoding/json
// lets it through and decodes it to U+FFFD), one value at a time, so that
// a snapshot record is checked in the same pass that finds its members
// instead of in a pass of its own.

// maxJSONDepth bounds nesting, as encoding/json's scanner does.
const maxJSONDepth = 10000

// validValue checks the JSON value starting at b[i] (after white space)
// and returns the index just past it.
func validValue(b []byte, i, depth int) (int, error) {
	i = skipWS(b, i)
	if i >= len(b) {
		return i, fmt.Errorf("%w: unexpected end of JSON", ErrDecode)
	}
	switch c := b[i]; {
	case c == '"':
		return validString(b, i)
	case c == '{' || c == '[':
		if depth >= maxJSONDepth {
			return i, fmt.Errorf("%w: nested deeper than %d at byte %d", ErrDecode, maxJSONDepth, i)
		}
		if c == '{' {
			return validObject(b, i, depth+1)
		}
		return validArray(b, i, depth+1)
	case c == 't':
		return validLiteral(b, i, "true")
	case c == 'f':
		return validLiteral(b, i, "false")
	case c == 'n':
		return validLiteral(b, i, "null")
	case c == '-' || c >= '0' && c <= '9':
		return validNumber(b, i)
	}
	return i, fmt.Errorf("%w: invalid character %q looking for a value at byte %d", ErrDecode, b[i], i)
}

func validLiteral(b []byte, i int, lit string) (int, error) {
	if len(b)-i < len(lit) || string(b[i:i+len(lit)]) != lit {
		return i, fmt.Errorf("%w: invalid literal at byte %d, want %s", ErrDecode, i, lit)
	}
	return i + len(lit), nil
}

// validNumber checks -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?.
func validNumber(b []byte, i int) (int, error) {
	start := i
	bad := func() (int, error) { return i, fmt.Errorf("%w: malformed number at byte %d", ErrDecode, start) }
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && b[i] >= '1' && b[i] <= '9':
		i = digits(b, i)
	default:
		return bad()
	}
	if i < len(b) && b[i] == '.' {
		if j := digits(b, i+1); j > i+1 {
			i = j
		} else {
			return bad()
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if j := digits(b, i); j > i {
			i = j
		} else {
			return bad()
		}
	}
	return i, nil
}

func digits(b []byte, i int) int {
	for i < len(b) && b[i] >= '0' && b[i] <= '9' {
		i++
	}
	return i
}

// validString checks the string at b[i] == '"': no control characters,
// only JSON's escapes.
func validString(b []byte, i int) (int, error) {
	for i++; i < len(b); i++ {
		switch c := b[i]; {
		case c == '"':
			return i + 1, nil
		case c < 0x20:
			return i, fmt.Errorf("%w: control character in a string at byte %d", ErrDecode, i)
		case c == '\\':
			i++
			if i >= len(b) {
				break
			}
			switch b[i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if len(b)-i < 5 || !isHex(b[i+1]) || !isHex(b[i+2]) || !isHex(b[i+3]) || !isHex(b[i+4]) {
					return i, fmt.Errorf("%w: malformed \\u escape at byte %d", ErrDecode, i)
				}
				i += 4
			default:
				return i, fmt.Errorf("%w: invalid escape at byte %d", ErrDecode, i)
			}
		}
	}
	return i, fmt.Errorf("%w: unterminated string", ErrDecode)
}

func isHex(c byte) bool { return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }

func validArray(b []byte, i, depth int) (int, error) {
	i = skipWS(b, i+1)
	if i < len(b) && b[i] == ']' {
		return i + 1, nil
	}
	for {
		var err error
		if i, err = validValue(b, i, depth); err != nil {
			return i, err
		}
		i = skipWS(b, i)
		switch {
		case i >= len(b):
			return i, fmt.Errorf("%w: unterminated array", ErrDecode)
		case b[i] == ']':
			return i + 1, nil
		case b[i] != ',':
			return i, fmt.Errorf("%w: want ',' or ']' at byte %d", ErrDecode, i)
		}
		i++
	}
}

func validObject(b []byte, i, depth int) (int, error) {
	i = skipWS(b, i+1)
	if i < len(b) && b[i] == '}' {
		return i + 1, nil
	}
	for {
		if i >= len(b) || b[i] != '"' {
			return i, fmt.Errorf("%w: want a member name at byte %d", ErrDecode, i)
		}
		var err error
		if i, err = validString(b, i); err != nil {
			return i, err
		}
		if i = skipWS(b, i); i >= len(b) || b[i] != ':' {
			return i, fmt.Errorf("%w: want ':' at byte %d", ErrDecode, i)
		}
		if i, err = validValue(b, i+1, depth); err != nil {
			return i, err
		}
		i = skipWS(b, i)
		switch {
		case i >= len(b):
			return i, fmt.Errorf("%w: unterminated object", ErrDecode)
		case b[i] == '}':
			return i + 1, nil
		case b[i] != ',':
			return i, fmt.Errorf("%w: want ',' or '}' at byte %d", ErrDecode, i)
		}
		i = skipWS(b, i+1)
	}
}
