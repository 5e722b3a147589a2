package gpkg

import (
	"encoding/binary"
	"fmt"
	"math"
	"slices"

	"github.com/paulmach/orb"
)

// WKB geometry type codes (ISO 13249-3 / OGC SFA base codes).
const (
	wkbPoint              = 1
	wkbLineString         = 2
	wkbPolygon            = 3
	wkbMultiPoint         = 4
	wkbMultiLineString    = 5
	wkbMultiPolygon       = 6
	wkbGeometryCollection = 7
	wkbCircularString     = 8
	wkbCompoundCurve      = 9
	wkbCurvePolygon       = 10
	wkbMultiCurve         = 11
	wkbMultiSurface       = 12
	wkbPolyhedralSurface  = 15
	wkbTIN                = 16
	wkbTriangle           = 17
)

// EWKB (PostGIS) flag bits in the type word.
const (
	ewkbZ    = 0x80000000
	ewkbM    = 0x40000000
	ewkbSRID = 0x20000000
)

// maxDepth bounds the nesting of geometry collections so that hostile input
// cannot exhaust the stack.
const maxDepth = 32

// minGeomBytes is the size of the smallest nested WKB geometry: byte order,
// type and a zero count.
const minGeomBytes = 9

// wkbReader walks a WKB buffer. It holds no heap state of its own.
type wkbReader struct {
	b          []byte
	pos        int
	hasZ, hasM bool
	curved     bool // a curve type was linearised
}

// typeInfo is one decoded WKB geometry header.
type typeInfo struct {
	order      binary.ByteOrder
	base       uint32
	dims       int
	hasZ, hasM bool
}

// DecodeWKB decodes ISO WKB (with the 1000/2000/3000 Z/M/ZM offsets) or
// EWKB (high-bit Z/M/SRID flags), in either byte order. orb geometries are
// 2D: Z and M values are dropped and reported through hasZ and hasM. An empty
// point decodes to orb.Point{NaN, NaN}.
//
// Curves are linearised (see ArcStepDegrees): a CircularString or
// CompoundCurve decodes to an orb.LineString, a CurvePolygon or Triangle to
// an orb.Polygon, a MultiCurve to an orb.MultiLineString, a MultiSurface,
// PolyhedralSurface or TIN to an orb.MultiPolygon.
func DecodeWKB(b []byte) (g orb.Geometry, hasZ, hasM bool, err error) {
	r := wkbReader{b: b}
	g, err = r.geometry(0)
	if err != nil {
		return nil, false, false, err
	}
	return g, r.hasZ, r.hasM, nil
}

// decodeWKB is DecodeWKB that also tells whether curves were linearised and
// how many bytes the geometry took.
func decodeWKB(b []byte) (g orb.Geometry, r wkbReader, err error) {
	r = wkbReader{b: b}
	g, err = r.geometry(0)
	return g, r, err
}

func (r *wkbReader) errorf(format string, args ...any) error {
	return fmt.Errorf("%w: "+format+" at byte %d", append([]any{ErrInvalidWKB}, append(args, r.pos)...)...)
}

// header reads the byte order and type word of one geometry.
func (r *wkbReader) header() (typeInfo, error) {
	var ti typeInfo
	if len(r.b)-r.pos < 5 {
		return ti, r.errorf("truncated geometry header")
	}
	switch r.b[r.pos] {
	case 0:
		ti.order = binary.BigEndian
	case 1:
		ti.order = binary.LittleEndian
	default:
		return ti, r.errorf("bad byte order %d", r.b[r.pos])
	}
	t := ti.order.Uint32(r.b[r.pos+1:])
	r.pos += 5
	if t&ewkbSRID != 0 {
		if len(r.b)-r.pos < 4 {
			return ti, r.errorf("truncated EWKB SRID")
		}
		r.pos += 4
	}
	ti.hasZ, ti.hasM = t&ewkbZ != 0, t&ewkbM != 0
	t &^= ewkbZ | ewkbM | ewkbSRID
	switch t / 1000 {
	case 0:
	case 1:
		ti.hasZ = true
	case 2:
		ti.hasM = true
	case 3:
		ti.hasZ, ti.hasM = true, true
	default:
		return ti, r.errorf("unknown geometry type %d", t)
	}
	ti.base = t % 1000
	r.curved = r.curved || (ti.base >= wkbCircularString && ti.base <= wkbMultiSurface)
	if ti.base < wkbPoint || ti.base > wkbTriangle || ti.base == 13 || ti.base == 14 {
		return ti, r.errorf("unsupported geometry type %d", t)
	}
	ti.dims = 2
	if ti.hasZ {
		ti.dims++
		r.hasZ = true
	}
	if ti.hasM {
		ti.dims++
		r.hasM = true
	}
	return ti, nil
}

// count reads an element count and checks that the remaining bytes can hold
// count elements of at least minSize bytes each.
func (r *wkbReader) count(order binary.ByteOrder, minSize int, what string) (int, error) {
	if len(r.b)-r.pos < 4 {
		return 0, r.errorf("truncated %s count", what)
	}
	n := order.Uint32(r.b[r.pos:])
	r.pos += 4
	if uint64(n)*uint64(minSize) > uint64(len(r.b)-r.pos) {
		return 0, r.errorf("%s count %d exceeds the %d bytes left", what, n, len(r.b)-r.pos)
	}
	return int(n), nil
}

func (r *wkbReader) geometry(depth int) (orb.Geometry, error) {
	if depth > maxDepth {
		return nil, r.errorf("geometry nested deeper than %d", maxDepth)
	}
	ti, err := r.header()
	if err != nil {
		return nil, err
	}
	switch ti.base {
	case wkbPoint:
		return r.point(ti)
	case wkbLineString:
		ls, err := r.points(ti)
		return orb.LineString(ls), err
	case wkbPolygon:
		return r.polygon(ti)
	case wkbMultiPoint:
		return r.multiPoint(ti, depth)
	case wkbMultiLineString:
		return r.multiLineString(ti, depth)
	case wkbMultiPolygon, wkbMultiSurface, wkbPolyhedralSurface, wkbTIN:
		return r.multiPolygon(ti, depth)
	case wkbGeometryCollection:
		return r.collection(ti, depth)
	case wkbTriangle:
		return r.polygon(ti)
	default:
		return r.curve(ti, depth)
	}
}

func (r *wkbReader) point(ti typeInfo) (orb.Point, error) {
	if len(r.b)-r.pos < ti.dims*8 {
		return orb.Point{}, r.errorf("truncated point")
	}
	p := orb.Point{r.float(ti.order, 0), r.float(ti.order, 8)}
	r.pos += ti.dims * 8
	return p, nil
}

func (r *wkbReader) float(order binary.ByteOrder, off int) float64 {
	return math.Float64frombits(order.Uint64(r.b[r.pos+off:]))
}

// points reads a counted point sequence into one allocation.
func (r *wkbReader) points(ti typeInfo) ([]orb.Point, error) {
	stride := ti.dims * 8
	n, err := r.count(ti.order, stride, "point")
	if err != nil {
		return nil, err
	}
	ps := make([]orb.Point, n)
	b := r.b[r.pos : r.pos+n*stride]
	if ti.order == binary.LittleEndian {
		for i := range ps {
			o := i * stride
			ps[i] = orb.Point{
				math.Float64frombits(binary.LittleEndian.Uint64(b[o:])),
				math.Float64frombits(binary.LittleEndian.Uint64(b[o+8:])),
			}
		}
	} else {
		for i := range ps {
			o := i * stride
			ps[i] = orb.Point{
				math.Float64frombits(binary.BigEndian.Uint64(b[o:])),
				math.Float64frombits(binary.BigEndian.Uint64(b[o+8:])),
			}
		}
	}
	r.pos += n * stride
	return ps, nil
}

func (r *wkbReader) polygon(ti typeInfo) (orb.Polygon, error) {
	n, err := r.count(ti.order, 4, "ring")
	if err != nil {
		return nil, err
	}
	p := make(orb.Polygon, n)
	for i := range p {
		ring, err := r.points(ti)
		if err != nil {
			return nil, err
		}
		p[i] = ring
	}
	return p, nil
}

// member reads one element of a multi geometry whose WKB type must be one
// of allowed (base codes).
func (r *wkbReader) member(depth int, allowed ...uint32) (orb.Geometry, error) {
	start := r.pos
	ti, err := r.header()
	if err != nil {
		return nil, err
	}
	r.pos = start
	if !slices.Contains(allowed, ti.base) {
		return nil, r.errorf("member of type %d where %v expected", ti.base, allowed)
	}
	return r.geometry(depth + 1)
}

func (r *wkbReader) multiPoint(ti typeInfo, depth int) (orb.MultiPoint, error) {
	n, err := r.count(ti.order, 5+16, "point")
	if err != nil {
		return nil, err
	}
	mp := make(orb.MultiPoint, n)
	for i := range mp {
		g, err := r.member(depth, wkbPoint)
		if err != nil {
			return nil, err
		}
		mp[i] = g.(orb.Point)
	}
	return mp, nil
}

func (r *wkbReader) multiLineString(ti typeInfo, depth int) (orb.MultiLineString, error) {
	n, err := r.count(ti.order, minGeomBytes, "linestring")
	if err != nil {
		return nil, err
	}
	ml := make(orb.MultiLineString, n)
	for i := range ml {
		g, err := r.member(depth, wkbLineString)
		if err != nil {
			return nil, err
		}
		ml[i] = g.(orb.LineString)
	}
	return ml, nil
}

// polygonMembers are the member types of MultiPolygon and its curved and
// surface relatives.
var polygonMembers = map[uint32][]uint32{
	wkbMultiPolygon:      {wkbPolygon},
	wkbMultiSurface:      {wkbPolygon, wkbCurvePolygon},
	wkbPolyhedralSurface: {wkbPolygon},
	wkbTIN:               {wkbTriangle},
}

func (r *wkbReader) multiPolygon(ti typeInfo, depth int) (orb.MultiPolygon, error) {
	n, err := r.count(ti.order, minGeomBytes, "polygon")
	if err != nil {
		return nil, err
	}
	mp := make(orb.MultiPolygon, n)
	for i := range mp {
		g, err := r.member(depth, polygonMembers[ti.base]...)
		if err != nil {
			return nil, err
		}
		mp[i] = g.(orb.Polygon)
	}
	return mp, nil
}

func (r *wkbReader) collection(ti typeInfo, depth int) (orb.Collection, error) {
	n, err := r.count(ti.order, minGeomBytes, "geometry")
	if err != nil {
		return nil, err
	}
	c := make(orb.Collection, n)
	for i := range c {
		g, err := r.geometry(depth + 1)
		if err != nil {
			return nil, err
		}
		c[i] = g
	}
	return c, nil
}

// wkbTypeOf returns the WKB base type code of an orb geometry, or 0 for
// types WKB cannot carry.
func wkbTypeOf(g orb.Geometry) uint32 {
	switch g.(type) {
	case orb.Point:
		return wkbPoint
	case orb.LineString:
		return wkbLineString
	case orb.Ring:
		return wkbLineString
	case orb.Polygon:
		return wkbPolygon
	case orb.Bound:
		return wkbPolygon
	case orb.MultiPoint:
		return wkbMultiPoint
	case orb.MultiLineString:
		return wkbMultiLineString
	case orb.MultiPolygon:
		return wkbMultiPolygon
	case orb.Collection:
		return wkbGeometryCollection
	}
	return 0
}
