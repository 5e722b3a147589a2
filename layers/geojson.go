package layers

import (
	"encoding/json"
	"math"
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/paulmach/orb"
)

// appendFeatureJSON appends f as a GeoJSON Feature (id = uid, properties =
// attributes plus version, keys sorted) without reflection: the journal
// writes two per edit.
func appendFeatureJSON(b []byte, f *Feature) []byte {
	b = append(b, `{"type":"Feature","id":`...)
	b = appendJSONString(b, f.UID)
	b = append(b, `,"geometry":`...)
	b = appendGeometryJSON(b, f.Geom)
	b = append(b, `,"properties":{`...)
	keys := make([]string, 0, len(f.Attrs)+1)
	for k := range f.Attrs {
		if k != "version" {
			keys = append(keys, k)
		}
	}
	keys = append(keys, "version")
	slices.Sort(keys)
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, k)
		b = append(b, ':')
		if k == "version" {
			b = strconv.AppendInt(b, f.Version, 10)
		} else {
			b = appendJSONValue(b, f.Attrs[k])
		}
	}
	return append(b, "}}"...)
}

func appendGeometryJSON(b []byte, g orb.Geometry) []byte {
	switch g := g.(type) {
	case nil:
		return append(b, "null"...)
	case orb.Point:
		b = append(b, `{"type":"Point","coordinates":`...)
		b = appendPoint(b, g)
	case orb.MultiPoint:
		b = append(b, `{"type":"MultiPoint","coordinates":`...)
		b = appendPoints(b, g)
	case orb.LineString:
		b = append(b, `{"type":"LineString","coordinates":`...)
		b = appendPoints(b, g)
	case orb.MultiLineString:
		b = append(b, `{"type":"MultiLineString","coordinates":[`...)
		for i, l := range g {
			b = appendSep(b, i)
			b = appendPoints(b, l)
		}
		b = append(b, ']')
	case orb.Ring:
		return appendGeometryJSON(b, orb.Polygon{g})
	case orb.Polygon:
		b = append(b, `{"type":"Polygon","coordinates":`...)
		b = appendPolygon(b, g)
	case orb.MultiPolygon:
		b = append(b, `{"type":"MultiPolygon","coordinates":[`...)
		for i, p := range g {
			b = appendSep(b, i)
			b = appendPolygon(b, p)
		}
		b = append(b, ']')
	case orb.Collection:
		b = append(b, `{"type":"GeometryCollection","geometries":[`...)
		for i, c := range g {
			b = appendSep(b, i)
			b = appendGeometryJSON(b, c)
		}
		b = append(b, ']')
	case orb.Bound:
		return appendGeometryJSON(b, g.ToPolygon())
	default:
		return append(b, "null"...)
	}
	return append(b, '}')
}

func appendSep(b []byte, i int) []byte {
	if i > 0 {
		return append(b, ',')
	}
	return b
}

func appendPoint(b []byte, p orb.Point) []byte {
	b = append(b, '[')
	b = appendNumber(b, p[0])
	b = append(b, ',')
	b = appendNumber(b, p[1])
	return append(b, ']')
}

func appendPoints(b []byte, ps []orb.Point) []byte {
	b = append(b, '[')
	for i, p := range ps {
		b = appendSep(b, i)
		b = appendPoint(b, p)
	}
	return append(b, ']')
}

func appendPolygon(b []byte, p orb.Polygon) []byte {
	b = append(b, '[')
	for i, r := range p {
		b = appendSep(b, i)
		b = appendPoints(b, r)
	}
	return append(b, ']')
}

// appendNumber writes a float as encoding/json does; NaN and infinities,
// which JSON cannot hold, become null.
func appendNumber(b []byte, v float64) []byte {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return append(b, "null"...)
	}
	abs := math.Abs(v)
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		return strconv.AppendFloat(b, v, 'e', -1, 64)
	}
	return strconv.AppendFloat(b, v, 'f', -1, 64)
}

func appendJSONValue(b []byte, v any) []byte {
	switch v := v.(type) {
	case nil:
		return append(b, "null"...)
	case string:
		return appendJSONString(b, v)
	case int64:
		return strconv.AppendInt(b, v, 10)
	case int:
		return strconv.AppendInt(b, int64(v), 10)
	case float64:
		return appendNumber(b, v)
	case bool:
		return strconv.AppendBool(b, v)
	}
	data, err := json.Marshal(v)
	if err != nil {
		return append(b, "null"...)
	}
	return append(b, data...)
}

// appendJSONString quotes s for JSON; invalid UTF-8 becomes U+FFFD, as
// encoding/json does.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c == '\n':
				b = append(b, '\\', 'n')
			case c == '\r':
				b = append(b, '\\', 'r')
			case c == '\t':
				b = append(b, '\\', 't')
			case c < 0x20:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, `\ufffd`...)
		} else {
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}
