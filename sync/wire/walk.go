package wire

import (
	"encoding/json"
	"fmt"
	"unicode/utf8"
)

// The decoders here walk JSON that encoding/json has already checked
// (an UnmarshalJSON method only ever gets a valid value): they find the
// members of an object without decoding them, so a feature's coordinates
// are scanned once, by coordScanner. On invalid input they return errors,
// never panic.

// skipValue returns the index just past the JSON value starting at i.
func skipValue(b []byte, i int) (int, error) {
	i = skipWS(b, i)
	if i >= len(b) {
		return i, fmt.Errorf("%w: unexpected end of JSON", ErrDecode)
	}
	switch b[i] {
	case '"':
		return skipString(b, i)
	case '{', '[':
		return skipNested(b, i)
	}
	for i < len(b) && !isDelim(b[i]) {
		i++
	}
	return i, nil
}

func isDelim(c byte) bool {
	switch c {
	case ',', '}', ']', ' ', '\t', '\n', '\r', ':':
		return true
	}
	return false
}

func skipWS(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// skipString returns the index past the string starting at b[i] == '"'.
func skipString(b []byte, i int) (int, error) {
	for i++; i < len(b); i++ {
		switch b[i] {
		case '\\':
			i++
		case '"':
			return i + 1, nil
		}
	}
	return i, fmt.Errorf("%w: unterminated string", ErrDecode)
}

// skipNested returns the index past the object or array at b[i].
func skipNested(b []byte, i int) (int, error) {
	depth := 0
	for i < len(b) {
		switch b[i] {
		case '"':
			j, err := skipString(b, i)
			if err != nil {
				return j, err
			}
			i = j
			continue
		case '{', '[':
			depth++
		case '}', ']':
			depth--
			if depth == 0 {
				return i + 1, nil
			}
		}
		i++
	}
	return i, fmt.Errorf("%w: unterminated object or array", ErrDecode)
}

// eachMember calls fn with each member's key and raw value of the object b.
func eachMember(b []byte, fn func(key string, val []byte) error) error {
	i := skipWS(b, 0)
	if i >= len(b) || b[i] != '{' {
		return fmt.Errorf("%w: want a JSON object", ErrDecode)
	}
	i = skipWS(b, i+1)
	if i < len(b) && b[i] == '}' {
		return nil
	}
	for i < len(b) {
		if b[i] != '"' {
			return fmt.Errorf("%w: want a member name at byte %d", ErrDecode, i)
		}
		end, err := skipString(b, i)
		if err != nil {
			return err
		}
		key, err := memberName(b[i:end])
		if err != nil {
			return err
		}
		i = skipWS(b, end)
		if i >= len(b) || b[i] != ':' {
			return fmt.Errorf("%w: want ':' at byte %d", ErrDecode, i)
		}
		start := skipWS(b, i+1)
		if i, err = skipValue(b, start); err != nil {
			return err
		}
		if err := fn(key, b[start:i]); err != nil {
			return err
		}
		i = skipWS(b, i)
		if i < len(b) && b[i] == '}' {
			return nil
		}
		if i >= len(b) || b[i] != ',' {
			return fmt.Errorf("%w: want ',' or '}' at byte %d", ErrDecode, i)
		}
		i = skipWS(b, i+1)
	}
	return fmt.Errorf("%w: unterminated object", ErrDecode)
}

func memberName(q []byte) (string, error) {
	for _, c := range q {
		if c == '\\' || c >= utf8.RuneSelf && !utf8.Valid(q) {
			var s string
			if err := json.Unmarshal(q, &s); err != nil {
				return "", fmt.Errorf("%w: member name: %w", ErrDecode, err)
			}
			return s, nil
		}
	}
	return string(q[1 : len(q)-1]), nil
}

// jsonString decodes a raw JSON string value; "" and ok=false for another kind.
func jsonString(raw []byte) (string, bool) {
	if len(raw) < 2 || raw[0] != '"' {
		return "", false
	}
	s, err := memberName(raw)
	return s, err == nil
}
