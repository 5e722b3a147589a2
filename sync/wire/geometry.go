package wire

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"

	"github.com/paulmach/orb"
)

// maxGeometryDepth bounds nested GeometryCollections.
const maxGeometryDepth = 8

type rawGeometry struct {
	Type        string            `json:"type"`
	Coordinates json.RawMessage   `json:"coordinates"`
	Geometries  []json.RawMessage `json:"geometries"`
}

// DecodeGeometry decodes a GeoJSON geometry (RFC 7946) and checks it:
// positions of two or more finite numbers (a third is dropped), line
// strings of two or more positions, polygon rings closed and of four or
// more positions, no empty geometry. null (or nothing) decodes to nil.
// Errors wrap ErrDecode and name the position that is wrong.
func DecodeGeometry(raw json.RawMessage) (orb.Geometry, error) {
	if len(bytes.TrimSpace(raw)) > 0 && !json.Valid(raw) {
		return nil, fmt.Errorf("%w: geometry: not valid JSON", ErrDecode)
	}
	return decodeValidGeometry(raw)
}

// decodeValidGeometry is DecodeGeometry for JSON already checked valid.
func decodeValidGeometry(raw json.RawMessage) (orb.Geometry, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	return decodeGeometry(raw, "geometry", 0)
}

// splitGeometry finds the members of a geometry object.
func splitGeometry(raw []byte) (rawGeometry, error) {
	var g rawGeometry
	var geoms []byte
	typed := true
	err := eachMember(raw, func(key string, val []byte) error {
		switch key {
		case "type":
			g.Type, typed = jsonString(val)
		case "coordinates":
			g.Coordinates = val
		case "geometries":
			geoms = val
		}
		return nil
	})
	if err == nil && !typed {
		err = fmt.Errorf("%w: type is not a string", ErrDecode)
	}
	if err == nil && geoms != nil {
		if err = json.Unmarshal(geoms, &g.Geometries); err != nil {
			err = fmt.Errorf("geometries: %w", err)
		}
	}
	return g, err
}

func decodeGeometry(raw json.RawMessage, path string, depth int) (orb.Geometry, error) {
	if typ, coords, ok := compactGeometry(raw); ok {
		if g, err := decodeCoords(typ, coords, path); err == nil {
			return g, nil
		}
		// An error is reported by the general walk, the same way.
	}
	return walkGeometry(raw, path, depth)
}

// walkGeometry is decodeGeometry finding the members by a walk.
func walkGeometry(raw json.RawMessage, path string, depth int) (orb.Geometry, error) {
	g, err := splitGeometry(raw)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrDecode, path, err)
	}
	if g.Type == "GeometryCollection" {
		return decodeCollection(g, path, depth)
	}
	if len(bytes.TrimSpace(g.Coordinates)) == 0 {
		return nil, fmt.Errorf("%w: %s: %s without coordinates", ErrDecode, path, quoteType(g.Type))
	}
	return decodeCoords(g.Type, g.Coordinates, path)
}

// compactGeometry finds the type and coordinates of a geometry written as
// AppendGeometry writes it, {"type":"T","coordinates":C}, without walking
// C; ok is false for any other shape (members in another order, more
// members, white space), which the general walk then reads. C may have
// white space after it.
func compactGeometry(raw []byte) (typ string, coords []byte, ok bool) {
	const head, mid = `{"type":"`, `","coordinates":`
	if !bytes.HasPrefix(raw, []byte(head)) || len(raw) < len(head)+len(mid)+2 || raw[len(raw)-1] != '}' {
		return "", nil, false
	}
	rest := raw[len(head):]
	q := bytes.IndexByte(rest, '"')
	if q < 0 || !bytes.HasPrefix(rest[q:], []byte(mid)) || bytes.IndexByte(rest[:q], '\\') >= 0 {
		return "", nil, false
	}
	typ, err := memberName(raw[len(head)-1 : len(head)+q+1])
	if err != nil || typ == "GeometryCollection" {
		return "", nil, false
	}
	return typ, rest[q+len(mid) : len(rest)-1], true
}

// decodeCoords decodes the coordinates of a geometry of type typ.
func decodeCoords(typ string, coords []byte, path string) (orb.Geometry, error) {
	g := rawGeometry{Type: typ, Coordinates: coords}
	path += ".coordinates"
	fail := func(err error) error { return fmt.Errorf("%w: %s: %w", ErrDecode, path, err) }
	switch g.Type {
	case "Point":
		p, err := scanCoords(g.Coordinates, func(s *coordScanner) (pt, error) {
			p, n, err := s.position()
			return pt{p, n}, err
		})
		if err != nil {
			return nil, fail(err)
		}
		if p.n < 2 {
			return nil, fmt.Errorf("%w: %s: a position has %d numbers, want 2 or 3", ErrDecode, path, p.n)
		}
		return p.p, nil
	case "MultiPoint", "LineString":
		pts, err := scanCoords(g.Coordinates, (*coordScanner).positions)
		if err != nil {
			return nil, fail(err)
		}
		if g.Type == "MultiPoint" {
			return nonEmpty(orb.MultiPoint(pts), len(pts), path)
		}
		return lineString(pts, path)
	case "MultiLineString":
		ls, err := scanCoords(g.Coordinates, (*coordScanner).rings)
		if err != nil {
			return nil, fail(err)
		}
		return multiLine(ls, path)
	case "Polygon":
		rs, err := scanCoords(g.Coordinates, (*coordScanner).rings)
		if err != nil {
			return nil, fail(err)
		}
		return polygon(rs, path)
	case "MultiPolygon":
		ps, err := scanCoords(g.Coordinates, (*coordScanner).polygons)
		if err != nil {
			return nil, fail(err)
		}
		return multiPolygon(ps, path)
	}
	return nil, fmt.Errorf("%w: %s: unknown geometry type %s", ErrDecode, path, quoteType(g.Type))
}

func quoteType(t string) string { return strconv.Quote(t) }

func decodeCollection(g rawGeometry, path string, depth int) (orb.Geometry, error) {
	if depth >= maxGeometryDepth {
		return nil, fmt.Errorf("%w: %s: GeometryCollections nested deeper than %d", ErrDecode, path, maxGeometryDepth)
	}
	c := make(orb.Collection, 0, len(g.Geometries))
	for i, r := range g.Geometries {
		m, err := decodeGeometry(r, fmt.Sprintf("%s.geometries[%d]", path, i), depth+1)
		if err != nil {
			return nil, err
		}
		c = append(c, m)
	}
	return nonEmpty(c, len(c), path)
}

// pt is a parsed position and how many numbers it had.
type pt struct {
	p orb.Point
	n int
}

// The path of a part is put together only for an error: a feed page
// holds many parts.

func multiLine(ls [][]orb.Point, path string) (orb.Geometry, error) {
	out := make(orb.MultiLineString, 0, len(ls))
	for i, pts := range ls {
		if len(pts) < 2 {
			_, err := lineString(pts, fmt.Sprintf("%s[%d]", path, i))
			return nil, err
		}
		out = append(out, orb.LineString(pts))
	}
	return nonEmpty(out, len(out), path)
}

func multiPolygon(ps [][][]orb.Point, path string) (orb.Geometry, error) {
	out := make(orb.MultiPolygon, 0, len(ps))
	for i, rs := range ps {
		p, err := polygonAt(rs, path, i)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return nonEmpty(out, len(out), path)
}

// polygonAt is polygon for part i of path.
func polygonAt(rs [][]orb.Point, path string, i int) (orb.Polygon, error) {
	if !goodRings(rs) {
		_, err := polygon(rs, fmt.Sprintf("%s[%d]", path, i))
		return nil, err
	}
	out := make(orb.Polygon, len(rs))
	for k, pts := range rs {
		out[k] = orb.Ring(pts)
	}
	return out, nil
}

// goodRings tells whether polygon would take rs without an error.
func goodRings(rs [][]orb.Point) bool {
	for _, pts := range rs {
		if len(pts) < 4 || pts[0] != pts[len(pts)-1] {
			return false
		}
	}
	return len(rs) > 0
}

func nonEmpty(g orb.Geometry, n int, path string) (orb.Geometry, error) {
	if n == 0 {
		return nil, fmt.Errorf("%w: %s: empty %s (send null for no geometry)", ErrDecode, path, g.GeoJSONType())
	}
	return g, nil
}

func lineString(pts []orb.Point, path string) (orb.Geometry, error) {
	if len(pts) < 2 {
		return nil, fmt.Errorf("%w: %s: a LineString has %d positions, want at least 2", ErrDecode, path, len(pts))
	}
	return orb.LineString(pts), nil
}

func polygon(rs [][]orb.Point, path string) (orb.Geometry, error) {
	if len(rs) == 0 {
		return nil, fmt.Errorf("%w: %s: empty Polygon (send null for no geometry)", ErrDecode, path)
	}
	if goodRings(rs) {
		return polygonAt(rs, path, 0)
	}
	out := make(orb.Polygon, 0, len(rs))
	for i, pts := range rs {
		p := fmt.Sprintf("%s[%d]", path, i)
		if len(pts) < 4 {
			return nil, fmt.Errorf("%w: %s: a ring has %d positions, want at least 4", ErrDecode, p, len(pts))
		}
		if pts[0] != pts[len(pts)-1] {
			return nil, fmt.Errorf("%w: %s: ring is not closed (first position %v, last %v)", ErrDecode, p, pts[0], pts[len(pts)-1])
		}
		out = append(out, orb.Ring(pts))
	}
	return out, nil
}

// AppendGeometry appends g as GeoJSON (null for nil).
func AppendGeometry(b []byte, g orb.Geometry) []byte {
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
			b = appendPoints(sep(b, i), l)
		}
		b = append(b, ']')
	case orb.Ring:
		return AppendGeometry(b, orb.Polygon{g})
	case orb.Polygon:
		b = append(b, `{"type":"Polygon","coordinates":`...)
		b = appendPolygon(b, g)
	case orb.MultiPolygon:
		b = append(b, `{"type":"MultiPolygon","coordinates":[`...)
		for i, p := range g {
			b = appendPolygon(sep(b, i), p)
		}
		b = append(b, ']')
	case orb.Collection:
		b = append(b, `{"type":"GeometryCollection","geometries":[`...)
		for i, c := range g {
			b = AppendGeometry(sep(b, i), c)
		}
		b = append(b, ']')
	case orb.Bound:
		return AppendGeometry(b, g.ToPolygon())
	default:
		return append(b, "null"...)
	}
	return append(b, '}')
}

func sep(b []byte, i int) []byte {
	if i > 0 {
		return append(b, ',')
	}
	return b
}

func appendPoint(b []byte, p orb.Point) []byte {
	b = append(b, '[')
	b = AppendNumber(b, p[0])
	b = append(b, ',')
	b = AppendNumber(b, p[1])
	return append(b, ']')
}

func appendPoints(b []byte, ps []orb.Point) []byte {
	b = append(b, '[')
	for i, p := range ps {
		b = appendPoint(sep(b, i), p)
	}
	return append(b, ']')
}

func appendPolygon(b []byte, p orb.Polygon) []byte {
	b = append(b, '[')
	for i, r := range p {
		b = appendPoints(sep(b, i), r)
	}
	return append(b, ']')
}

// AppendNumber writes a float as encoding/json does; NaN and infinities,
// which JSON cannot hold, become null.
func AppendNumber(b []byte, v float64) []byte {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return append(b, "null"...)
	}
	abs := math.Abs(v)
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		return strconv.AppendFloat(b, v, 'e', -1, 64)
	}
	if out, ok := appendShortDecimal(b, v); ok {
		return out
	}
	return strconv.AppendFloat(b, v, 'f', -1, 64)
}

// appendShortDecimal writes v as strconv's shortest 'f' form when v is the
// double nearest a decimal m/10^k of at most 15 digits with k <= 9 (a
// coordinate to the millimetre, say): two such decimals never share a
// double (15 digits survive a round trip through float64), so that
// decimal is the shortest that reads back as v. ok is false for other
// values, 0 among them, left to strconv.
func appendShortDecimal(b []byte, v float64) ([]byte, bool) {
	const maxMantissa = 1e15
	neg := v < 0
	a := math.Abs(v)
	if a < 1e-6 || a >= maxMantissa {
		return b, false
	}
	for k := 0; k <= 9; k++ {
		m := a * pow10[k]
		if m >= maxMantissa {
			return b, false
		}
		if m != math.Trunc(m) || m/pow10[k] != a {
			continue
		}
		if neg {
			b = append(b, '-')
		}
		mi, p := uint64(m), uint64(pow10[k])
		b = strconv.AppendUint(b, mi/p, 10)
		if k == 0 {
			return b, true
		}
		var frac [9]byte
		f := mi % p
		for j := k - 1; j >= 0; j-- {
			frac[j], f = byte('0'+f%10), f/10
		}
		n := k
		for n > 0 && frac[n-1] == '0' {
			n--
		}
		if n > 0 {
			b = append(append(b, '.'), frac[:n]...)
		}
		return b, true
	}
	return b, false
}
