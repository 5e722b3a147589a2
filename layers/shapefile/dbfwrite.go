package shapefile

import (
	"bytes"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

const (
	maxNameBytes = 10  // a DBF field name, in bytes of the encoding
	maxWidth     = 254 // a DBF field width
	floatWidth   = 24  // the default width of a Float field, as GDAL's
)

// FieldNames maps names to DBF field names for the given encoding ("" is
// UTF-8): at most 10 bytes in that encoding, cut at a character boundary,
// unique regardless of case. Names that already fit keep their name (the
// first of duplicates wins); the others are cut, then suffixed _1, _2, ...
// (cutting further) until unique. An empty name becomes FIELD. It fails
// with ErrEncoding on an unknown encoding or a name it cannot hold.
func FieldNames(names []string, encoding string) ([]string, error) {
	c, err := lookupCodec(orUTF8(encoding))
	if err != nil {
		return nil, err
	}
	enc := newEncoder(c)
	out := make([]string, len(names))
	taken := map[string]bool{}
	names = slices.Clone(names)
	for i, n := range names {
		if n == "" {
			n, names[i] = "FIELD", "FIELD"
		}
		b, err := enc.bytes(n)
		if err != nil {
			return nil, fmt.Errorf("field %q: %w", n, err)
		}
		if bytes.IndexByte(b, 0) >= 0 {
			return nil, fmt.Errorf("%w: field name %q holds a NUL", ErrEncoding, n)
		}
		if len(b) <= maxNameBytes && !taken[strings.ToUpper(n)] {
			out[i], taken[strings.ToUpper(n)] = n, true
		}
	}
	for i, n := range names {
		if out[i] == "" {
			out[i] = uniqueName(n, enc, taken)
		}
	}
	return out, nil
}

func orUTF8(encoding string) string {
	if encoding == "" {
		return "UTF-8"
	}
	return encoding
}

// uniqueName cuts n to fit maxNameBytes with a suffix, the first free one
// of "", "_1", "_2", ...; n is known to be encodable.
func uniqueName(n string, enc *encoder, taken map[string]bool) string {
	for k := 0; ; k++ {
		suffix := ""
		if k > 0 {
			suffix = "_" + strconv.Itoa(k)
		}
		cand := cutName(n, enc, maxNameBytes-len(suffix)) + suffix
		if !taken[strings.ToUpper(cand)] {
			taken[strings.ToUpper(cand)] = true
			return cand
		}
	}
}

// cutName returns the longest prefix of n (whole characters) that encodes
// to at most limit bytes.
func cutName(n string, enc *encoder, limit int) string {
	size := 0
	for i, r := range n {
		b, _ := enc.bytes(string(r))
		if size+len(b) > limit {
			return n[:i]
		}
		size += len(b)
	}
	return n
}

// column is a field ready to write: its encoded name and settled width.
type column struct {
	Field
	name []byte
}

func appendDBFHeader(dst []byte, records, hdrLen, recLen int, ldid byte, now time.Time) []byte {
	dst = append(dst, 0x03, byte(now.Year()-1900), byte(now.Month()), byte(now.Day()))
	dst = le.AppendUint32(dst, uint32(records))
	dst = le.AppendUint16(dst, uint16(hdrLen))
	dst = le.AppendUint16(dst, uint16(recLen))
	dst = append(dst, make([]byte, 17)...)
	return append(dst, ldid, 0, 0)
}

func appendFieldDescriptor(dst []byte, c column) []byte {
	var d [dbfFieldLen]byte
	copy(d[:11], c.name)
	d[11], d[16], d[17] = byte(c.Type), byte(c.Length), byte(c.Decimals)
	return append(dst, d[:]...)
}

func defaultWidth(fd Field, width int) int {
	switch fd.Type {
	case Logical:
		return 1
	case Date:
		return 8
	case Float:
		return max(width, floatWidth)
	case Numeric:
		return max(width, 1, fd.Decimals+2)
	}
	return max(width, 1)
}

// nullFiller is the byte GDAL's shapelib fills a NULL value with.
func nullFiller(t FieldType) byte {
	switch t {
	case Numeric, Float:
		return '*'
	case Date:
		return '0'
	case Logical:
		return '?'
	}
	return ' '
}

func checkField(fd Field) error {
	switch fd.Type {
	case Character, Numeric, Float, Logical, Date:
	default:
		return fmt.Errorf("%w: field type %q cannot be written", ErrValue, rune(fd.Type))
	}
	if fd.Length < 0 || fd.Length > maxWidth || fd.Decimals < 0 || fd.Decimals > 15 ||
		(fd.Decimals > 0 && fd.Length > 0 && fd.Decimals >= fd.Length-1) {
		return fmt.Errorf("%w: width %d with %d decimals", ErrValue, fd.Length, fd.Decimals)
	}
	return nil
}

// formatValue formats v for field fd (nil for a NULL value).
func formatValue(v any, fd Field, enc *encoder) ([]byte, error) {
	if v == nil {
		return nil, nil
	}
	switch fd.Type {
	case Character:
		s, ok := v.(string)
		if !ok {
			return nil, fmt.Errorf("%w: a %T in a character field", ErrValue, v)
		}
		return formatText(s, enc)
	case Logical:
		b, ok := v.(bool)
		if !ok {
			return nil, fmt.Errorf("%w: a %T in a logical field", ErrValue, v)
		}
		return []byte(map[bool]string{true: "T", false: "F"}[b]), nil
	case Date:
		t, ok := v.(time.Time)
		if !ok {
			return nil, fmt.Errorf("%w: a %T in a date field", ErrValue, v)
		}
		return []byte(t.Format("20060102")), nil
	}
	return formatNumber(v, fd)
}

func formatText(s string, enc *encoder) ([]byte, error) {
	b, err := enc.bytes(s)
	if err != nil {
		return nil, err
	}
	if len(b) > maxWidth {
		return nil, fmt.Errorf("%w: %d bytes of text, more than %d", ErrValue, len(b), maxWidth)
	}
	if len(b) == 0 || strings.TrimRight(s, " ") == "" {
		return nil, nil // blank text reads back as NULL, as in GDAL
	}
	return b, nil
}

// formatNumber formats an integer or float for an N or F field: integers
// as they are, floats with the field's decimals (shortest form for 0 in an
// F field); a fraction in an integer field is an error, not a rounding.
func formatNumber(v any, fd Field) ([]byte, error) {
	if n, ok := asInt(v); ok {
		if fd.Decimals > 0 {
			return strconv.AppendFloat(nil, float64(n), 'f', fd.Decimals, 64), nil
		}
		return strconv.AppendInt(nil, n, 10), nil
	}
	x, ok := asFloat(v)
	if !ok {
		return nil, fmt.Errorf("%w: a %T in a numeric field", ErrValue, v)
	}
	switch {
	case math.IsNaN(x) || math.IsInf(x, 0):
		return nil, nil // a .dbf has no NaN: written as NULL
	case fd.Decimals > 0:
		return strconv.AppendFloat(nil, x, 'f', fd.Decimals, 64), nil
	case fd.Type == Float:
		// Plain decimals (GDAL shows a Float field by its decimal count, and
		// not every reader takes an exponent); the exponent form only for
		// numbers whose decimals would not fit a default-width field.
		if b := strconv.AppendFloat(nil, x, 'f', -1, 64); len(b) <= floatWidth {
			return b, nil
		}
		return strconv.AppendFloat(nil, x, 'g', -1, 64), nil
	case x != math.Trunc(x):
		return nil, fmt.Errorf("%w: %v in an integer field would lose its fraction", ErrValue, x)
	}
	return strconv.AppendFloat(nil, x, 'f', 0, 64), nil
}

func asInt(v any) (int64, bool) {
	switch n := v.(type) {
	case int:
		return int64(n), true
	case int8:
		return int64(n), true
	case int16:
		return int64(n), true
	case int32:
		return int64(n), true
	case int64:
		return n, true
	case uint8:
		return int64(n), true
	case uint16:
		return int64(n), true
	case uint32:
		return int64(n), true
	}
	return 0, false
}

func asFloat(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case float32:
		return float64(x), true
	}
	return 0, false
}
