package shapefile

import (
	"fmt"
	"math"
	"slices"

	"github.com/paulmach/orb"
)

// noData is the M value written for a vertex without one (the format reads
// any value below -1e38 as "no data").
const noData = -1e39

// flat is a geometry as the .shp stores it: parts of points, with Z and M
// per point (nil when absent).
type flat struct {
	parts []int
	pts   []orb.Point
	z, m  []float64
}

// inferType returns the shape type for the first geometry in records.
func inferType(records []Record) ShapeType {
	for _, r := range records {
		switch r.Geometry.(type) {
		case orb.Point:
			return Point
		case orb.MultiPoint:
			return MultiPoint
		case orb.LineString, orb.MultiLineString:
			return PolyLine
		case orb.Polygon, orb.MultiPolygon:
			return Polygon
		}
	}
	return Null
}

// flatten lays r's geometry out for a file of type t; Z and M must have
// one value per vertex or be nil, and be nil when t cannot hold them.
func flatten(r Record, t ShapeType) (flat, error) {
	var f flat
	var err error
	if (r.Z != nil && !t.HasZ()) || (r.M != nil && !t.HasM()) {
		return f, fmt.Errorf("%w: Z or M values for a %v file, which cannot hold them", ErrGeometry, t)
	}
	base := t.Base()
	switch g := r.Geometry.(type) {
	case orb.Point:
		f, err = pointParts(base, orb.MultiPoint{g})
	case orb.MultiPoint:
		if base != MultiPoint {
			return f, fmt.Errorf("%w: a MultiPoint in a %v file", ErrGeometry, base)
		}
		f, err = pointParts(base, g)
	case orb.LineString:
		f, err = lineParts(base, orb.MultiLineString{g})
	case orb.MultiLineString:
		f, err = lineParts(base, g)
	case orb.Polygon:
		f, err = ringParts(base, orb.MultiPolygon{g})
	case orb.MultiPolygon:
		f, err = ringParts(base, g)
	default:
		return f, fmt.Errorf("%w: a %T cannot be written to a shapefile", ErrGeometry, g)
	}
	if err != nil {
		return f, err
	}
	if f.z, err = perVertex("Z", r.Z, len(f.pts)); err != nil {
		return f, err
	}
	if f.m, err = perVertex("M", r.M, len(f.pts)); err != nil {
		return f, err
	}
	if base == Polygon {
		orient(&f, r.Geometry)
	}
	return f, nil
}

func perVertex(what string, v []float64, n int) ([]float64, error) {
	if v != nil && len(v) != n {
		return nil, fmt.Errorf("%w: %d %s values for %d vertices", ErrGeometry, len(v), what, n)
	}
	return slices.Clone(v), nil
}

func pointParts(base ShapeType, mp orb.MultiPoint) (flat, error) {
	if base != Point && base != MultiPoint {
		return flat{}, fmt.Errorf("%w: a point in a %v file", ErrGeometry, base)
	}
	return flat{pts: mp}, nil
}

func lineParts(base ShapeType, ml orb.MultiLineString) (flat, error) {
	if base != PolyLine {
		return flat{}, fmt.Errorf("%w: a line in a %v file", ErrGeometry, base)
	}
	var f flat
	for _, l := range ml {
		if len(l) > 0 {
			f.parts = append(f.parts, len(f.pts))
			f.pts = append(f.pts, l...)
		}
	}
	return f, nil
}

func ringParts(base ShapeType, mp orb.MultiPolygon) (flat, error) {
	if base != Polygon {
		return flat{}, fmt.Errorf("%w: a polygon in a %v file", ErrGeometry, base)
	}
	var f flat
	for _, p := range mp {
		for _, r := range p {
			if len(r) > 0 {
				f.parts = append(f.parts, len(f.pts))
				f.pts = append(f.pts, r...)
			}
		}
	}
	return f, nil
}

// orient makes each shell of the flattened polygon(s) g clockwise and each
// hole counter-clockwise, reversing Z and M with their ring, and closes
// open rings.
func orient(f *flat, g orb.Geometry) {
	mp, ok := g.(orb.MultiPolygon)
	if p, isPoly := g.(orb.Polygon); isPoly {
		mp, ok = orb.MultiPolygon{p}, true
	}
	if !ok {
		return
	}
	part := 0
	for _, p := range mp {
		for i, r := range p {
			if len(r) == 0 {
				continue
			}
			s, e := partRange(f.parts, part, len(f.pts))
			if a := signedArea(orb.Ring(f.pts[s:e])); (i == 0) == (a > 0) {
				reverse(f, s, e)
			}
			part++
		}
	}
	closeRings(f)
}

func reverse(f *flat, s, e int) {
	slices.Reverse(f.pts[s:e])
	if f.z != nil {
		slices.Reverse(f.z[s:e])
	}
	if f.m != nil {
		slices.Reverse(f.m[s:e])
	}
}

// closeRings repeats the first vertex of every open ring at its end.
func closeRings(f *flat) {
	var out flat
	for i := range f.parts {
		s, e := partRange(f.parts, i, len(f.pts))
		out.parts = append(out.parts, len(out.pts))
		out.pts = append(out.pts, f.pts[s:e]...)
		out.z, out.m = appendRange(out.z, f.z, s, e), appendRange(out.m, f.m, s, e)
		if f.pts[s] != f.pts[e-1] {
			out.pts = append(out.pts, f.pts[s])
			out.z, out.m = appendRange(out.z, f.z, s, s+1), appendRange(out.m, f.m, s, s+1)
		}
	}
	*f = out
}

func appendRange(dst, src []float64, s, e int) []float64 {
	if src == nil {
		return nil
	}
	return append(dst, src[s:e]...)
}

// box is a bounding box in x, y, z and m.
type box struct{ x0, y0, x1, y1, z0, z1, m0, m1 float64 }

func emptyBox() box {
	inf := math.Inf(1)
	return box{inf, inf, -inf, -inf, inf, -inf, inf, -inf}
}

// union returns the box holding b and o.
func (b box) union(o box) box {
	return box{min(b.x0, o.x0), min(b.y0, o.y0), max(b.x1, o.x1), max(b.y1, o.y1),
		min(b.z0, o.z0), max(b.z1, o.z1), min(b.m0, o.m0), max(b.m1, o.m1)}
}

func (b *box) add(f flat) {
	for _, p := range f.pts {
		b.x0, b.y0, b.x1, b.y1 = min(b.x0, p[0]), min(b.y0, p[1]), max(b.x1, p[0]), max(b.y1, p[1])
	}
	for _, z := range f.z {
		b.z0, b.z1 = min(b.z0, z), max(b.z1, z)
	}
	for _, m := range f.m {
		if m > -1e38 {
			b.m0, b.m1 = min(b.m0, m), max(b.m1, m)
		}
	}
}

// finite replaces the infinities of an empty range by 0.
func (b box) finite() box {
	v := []*float64{&b.x0, &b.y0, &b.x1, &b.y1, &b.z0, &b.z1, &b.m0, &b.m1}
	for _, p := range v {
		if math.IsInf(*p, 0) {
			*p = 0
		}
	}
	return b
}

// encodeShape appends the record content of f (nil for a NULL shape) for a
// file of type t, and returns f's bounding box (empty for a NULL shape).
func encodeShape(dst []byte, f *flat, t ShapeType) ([]byte, box) {
	b := emptyBox()
	if f == nil || len(f.pts) == 0 {
		return le.AppendUint32(dst, uint32(Null)), b
	}
	dst = le.AppendUint32(dst, uint32(t))
	b.add(*f)
	if t.Base() == Point {
		dst = appendF64(dst, f.pts[0][0], f.pts[0][1])
		return appendPointZM(dst, f, t), b
	}
	dst = encodeParts(dst, f, t, b.finite())
	return dst, b
}

// encodeParts appends the box, counts, parts, points, Z and M of a
// multipoint, polyline or polygon record.
func encodeParts(dst []byte, f *flat, t ShapeType, b box) []byte {
	dst = appendF64(dst, b.x0, b.y0, b.x1, b.y1)
	if t.Base() != MultiPoint {
		dst = le.AppendUint32(dst, uint32(len(f.parts)))
	}
	dst = le.AppendUint32(dst, uint32(len(f.pts)))
	for _, p := range f.parts {
		dst = le.AppendUint32(dst, uint32(p))
	}
	for _, p := range f.pts {
		dst = appendF64(dst, p[0], p[1])
	}
	if t.HasZ() {
		dst = appendBlock(appendF64(dst, b.z0, b.z1), f.z, len(f.pts), 0)
	}
	if t.HasM() && (f.m != nil || !t.HasZ()) {
		dst = appendBlock(appendF64(dst, b.m0, b.m1), f.m, len(f.pts), noData)
	}
	return dst
}

func appendPointZM(dst []byte, f *flat, t ShapeType) []byte {
	if t.HasZ() {
		dst = appendBlock(dst, f.z, 1, 0)
	}
	if t.HasM() && (f.m != nil || !t.HasZ()) {
		dst = appendBlock(dst, f.m, 1, noData)
	}
	return dst
}

// appendBlock appends n values of v, or n times def when v is nil.
func appendBlock(dst []byte, v []float64, n int, def float64) []byte {
	for i := range n {
		x := def
		if v != nil {
			x = v[i]
		}
		dst = appendF64(dst, x)
	}
	return dst
}

func appendF64(dst []byte, v ...float64) []byte {
	for _, x := range v {
		dst = le.AppendUint64(dst, math.Float64bits(x))
	}
	return dst
}

// appendHeader appends the 100-byte header of a .shp or .shx of fileLen
// bytes.
func appendHeader(dst []byte, fileLen int, t ShapeType, b box) []byte {
	dst = be.AppendUint32(dst, fileCode)
	dst = append(dst, make([]byte, 20)...)
	dst = be.AppendUint32(dst, uint32(fileLen/2))
	dst = le.AppendUint32(dst, shpVersion)
	dst = le.AppendUint32(dst, uint32(t))
	return appendF64(dst, b.x0, b.y0, b.x1, b.y1, b.z0, b.z1, b.m0, b.m1)
}
