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
	_, err := walkMembers(b, skipValue, fn)
	return err
}

// eachValidMember is eachMember for JSON not checked yet: every member's
// value is checked as JSON (as json.Valid checks it) before fn sees it,
// and nothing but white space may follow the object.
func eachValidMember(b []byte, fn func(key string, val []byte) error) error {
	end, err := walkMembers(b, func(b []byte, i int) (int, error) { return validValue(b, i, 0) }, fn)
	if err == nil && skipWS(b, end) != len(b) {
		err = fmt.Errorf("%w: invalid character after the object at byte %d", ErrDecode, end)
	}
	return err
}

// walkMembers walks the object b, skipping each value with skip, and
// returns the index past its closing brace.
func walkMembers(b []byte, skip func([]byte, int) (int, error), fn func(key string, val []byte) error) (int, error) {
	i := skipWS(b, 0)
	if i >= len(b) || b[i] != '{' {
		return i, fmt.Errorf("%w: want a JSON object", ErrDecode)
	}
	i = skipWS(b, i+1)
	if i < len(b) && b[i] == '}' {
		return i + 1, nil
	}
	for i < len(b) {
		if b[i] != '"' {
			return i, fmt.Errorf("%w: want a member name at byte %d", ErrDecode, i)
		}
		end, err := skip(b, i)
		if err != nil {
			return i, err
		}
		key, err := memberName(b[i:end])
		if err != nil {
			return i, err
		}
		i = skipWS(b, end)
		if i >= len(b) || b[i] != ':' {
			return i, fmt.Errorf("%w: want ':' at byte %d", ErrDecode, i)
		}
		start := skipWS(b, i+1)
		if i, err = skip(b, start); err != nil {
			return i, err
		}
		if err := fn(key, b[start:i]); err != nil {
			return i, err
		}
		i = skipWS(b, i)
		if i < len(b) && b[i] == '}' {
			return i + 1, nil
		}
		if i >= len(b) || b[i] != ',' {
			return i, fmt.Errorf("%w: want ',' or '}' at byte %d", ErrDecode, i)
		}
		i = skipWS(b, i+1)
	}
	return i, fmt.Errorf("%w: unterminated object", ErrDecode)
}

// memberName decodes a raw JSON string (a member name, mostly); the
// names every feature has come without an allocation.
func memberName(q []byte) (string, error) {
	switch string(q) {
	case `"type"`:
		return "type", nil
	case `"id"`:
		return "id", nil
	case `"geometry"`:
		return "geometry", nil
	case `"properties"`:
		return "properties", nil
	case `"coordinates"`:
		return "coordinates", nil
	case `"version"`:
		return PropVersion, nil
	case `"updated_at"`:
		return PropUpdatedAt, nil
	case `"updated_by"`:
		return PropUpdatedBy, nil
	case `"Feature"`:
		return "Feature", nil
	case `"MultiPolygon"`:
		return "MultiPolygon", nil
	case `"Polygon"`:
		return "Polygon", nil
	}
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
