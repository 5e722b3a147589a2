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
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	return decodeGeometry(raw, "geometry", 0)
}

func decodeGeometry(raw json.RawMessage, path string, depth int) (orb.Geometry, error) {
	var g rawGeometry
	if err := json.Unmarshal(raw, &g); err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrDecode, path, err)
	}
	if g.Type == "GeometryCollection" {
		return decodeCollection(g, path, depth)
	}
	if len(bytes.TrimSpace(g.Coordinates)) == 0 {
		return nil, fmt.Errorf("%w: %s: %s without coordinates", ErrDecode, path, quoteType(g.Type))
	}
	path += ".coordinates"
	switch g.Type {
	case "Point":
		var p []float64
		if err := json.Unmarshal(g.Coordinates, &p); err != nil {
			return nil, fmt.Errorf("%w: %s: %w", ErrDecode, path, err)
		}
		return position(p, path)
	case "MultiPoint", "LineString":
		var ps [][]float64
		if err := json.Unmarshal(g.Coordinates, &ps); err != nil {
			return nil, fmt.Errorf("%w: %s: %w", ErrDecode, path, err)
		}
		pts, err := positions(ps, path)
		if err != nil {
			return nil, err
		}
		if g.Type == "MultiPoint" {
			return nonEmpty(orb.MultiPoint(pts), len(pts), path)
		}
		return lineString(pts, path)
	case "MultiLineString":
		return decodeMultiLine(g.Coordinates, path)
	case "Polygon":
		var rs [][][]float64
		if err := json.Unmarshal(g.Coordinates, &rs); err != nil {
			return nil, fmt.Errorf("%w: %s: %w", ErrDecode, path, err)
		}
		return polygon(rs, path)
	case "MultiPolygon":
		return decodeMultiPolygon(g.Coordinates, path)
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

func decodeMultiLine(raw json.RawMessage, path string) (orb.Geometry, error) {
	var ls [][][]float64
	if err := json.Unmarshal(raw, &ls); err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrDecode, path, err)
	}
	out := make(orb.MultiLineString, 0, len(ls))
	for i, l := range ls {
		p := fmt.Sprintf("%s[%d]", path, i)
		pts, err := positions(l, p)
		if err != nil {
			return nil, err
		}
		line, err := lineString(pts, p)
		if err != nil {
			return nil, err
		}
		out = append(out, line.(orb.LineString))
	}
	return nonEmpty(out, len(out), path)
}

func decodeMultiPolygon(raw json.RawMessage, path string) (orb.Geometry, error) {
	var ps [][][][]float64
	if err := json.Unmarshal(raw, &ps); err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrDecode, path, err)
	}
	out := make(orb.MultiPolygon, 0, len(ps))
	for i, rs := range ps {
		p, err := polygon(rs, fmt.Sprintf("%s[%d]", path, i))
		if err != nil {
			return nil, err
		}
		out = append(out, p.(orb.Polygon))
	}
	return nonEmpty(out, len(out), path)
}

func nonEmpty(g orb.Geometry, n int, path string) (orb.Geometry, error) {
	if n == 0 {
		return nil, fmt.Errorf("%w: %s: empty %s (send null for no geometry)", ErrDecode, path, g.GeoJSONType())
	}
	return g, nil
}

func position(p []float64, path string) (orb.Point, error) {
	if len(p) < 2 {
		return orb.Point{}, fmt.Errorf("%w: %s: a position has %d numbers, want 2 or 3", ErrDecode, path, len(p))
	}
	for _, v := range p {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return orb.Point{}, fmt.Errorf("%w: %s: a coordinate is not finite", ErrDecode, path)
		}
	}
	return orb.Point{p[0], p[1]}, nil
}

func positions(ps [][]float64, path string) ([]orb.Point, error) {
	out := make([]orb.Point, len(ps))
	for i, p := range ps {
		q, err := position(p, fmt.Sprintf("%s[%d]", path, i))
		if err != nil {
			return nil, err
		}
		out[i] = q
	}
	return out, nil
}

func lineString(pts []orb.Point, path string) (orb.Geometry, error) {
	if len(pts) < 2 {
		return nil, fmt.Errorf("%w: %s: a LineString has %d positions, want at least 2", ErrDecode, path, len(pts))
	}
	return orb.LineString(pts), nil
}

func polygon(rs [][][]float64, path string) (orb.Geometry, error) {
	if len(rs) == 0 {
		return nil, fmt.Errorf("%w: %s: empty Polygon (send null for no geometry)", ErrDecode, path)
	}
	out := make(orb.Polygon, 0, len(rs))
	for i, r := range rs {
		p := fmt.Sprintf("%s[%d]", path, i)
		pts, err := positions(r, p)
		if err != nil {
			return nil, err
		}
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
	return strconv.AppendFloat(b, v, 'f', -1, 64)
}
