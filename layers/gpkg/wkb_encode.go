package gpkg

import (
	"encoding/binary"
	"fmt"
	"math"
	"slices"

	"github.com/paulmach/orb"
)

// EncodeWKB encodes g as little-endian 2D ISO WKB. An orb.Point with NaN
// coordinates is written as the empty point; orb.Ring is written as a
// LineString and orb.Bound as a Polygon.
func EncodeWKB(g orb.Geometry) ([]byte, error) {
	n, err := wkbSize(g, 0)
	if err != nil {
		return nil, err
	}
	b := make([]byte, 0, n)
	return appendWKB(b, g), nil
}

// wkbSize returns the encoded size of g and rejects geometries WKB cannot
// carry (nil, unknown types, collections nested too deep).
func wkbSize(g orb.Geometry, depth int) (int, error) {
	if depth > maxDepth {
		return 0, fmt.Errorf("%w: geometry nested deeper than %d", ErrInvalidWKB, maxDepth)
	}
	switch g := g.(type) {
	case orb.Point:
		return 21, nil
	case orb.LineString:
		return 9 + 16*len(g), nil
	case orb.Ring:
		return 9 + 16*len(g), nil
	case orb.Polygon:
		return polygonSize(g), nil
	case orb.Bound:
		return polygonSize(g.ToPolygon()), nil
	case orb.MultiPoint:
		return 9 + 21*len(g), nil
	case orb.MultiLineString:
		n := 9
		for _, l := range g {
			n += 9 + 16*len(l)
		}
		return n, nil
	case orb.MultiPolygon:
		n := 9
		for _, p := range g {
			n += polygonSize(p)
		}
		return n, nil
	case orb.Collection:
		n := 9
		for _, m := range g {
			s, err := wkbSize(m, depth+1)
			if err != nil {
				return 0, err
			}
			n += s
		}
		return n, nil
	}
	return 0, fmt.Errorf("%w: cannot encode geometry of type %T", ErrInvalidWKB, g)
}

func polygonSize(p orb.Polygon) int {
	n := 9
	for _, r := range p {
		n += 4 + 16*len(r)
	}
	return n
}

func appendHeader(b []byte, t uint32, n int) []byte {
	b = append(b, 1)
	b = binary.LittleEndian.AppendUint32(b, t)
	if t == wkbPoint {
		return b
	}
	return binary.LittleEndian.AppendUint32(b, uint32(n))
}

func appendPoints(b []byte, ps []orb.Point) []byte {
	n := len(b)
	b = slices.Grow(b, 16*len(ps))[:n+16*len(ps)]
	for i, p := range ps {
		o := n + 16*i
		binary.LittleEndian.PutUint64(b[o:], math.Float64bits(p[0]))
		binary.LittleEndian.PutUint64(b[o+8:], math.Float64bits(p[1]))
	}
	return b
}

// quietNaN is the NaN an empty point's coordinates are written as: the
// bits GDAL writes (Go's math.NaN has another payload).
const quietNaN = 0x7ff8000000000000

func appendPoint(b []byte, p orb.Point) []byte {
	for _, v := range p {
		bits := math.Float64bits(v)
		if v != v {
			bits = quietNaN
		}
		b = binary.LittleEndian.AppendUint64(b, bits)
	}
	return b
}

func appendPolygon(b []byte, p orb.Polygon) []byte {
	b = appendHeader(b, wkbPolygon, len(p))
	for _, r := range p {
		b = binary.LittleEndian.AppendUint32(b, uint32(len(r)))
		b = appendPoints(b, r)
	}
	return b
}

// appendWKB appends g, which wkbSize has already accepted.
func appendWKB(b []byte, g orb.Geometry) []byte {
	switch g := g.(type) {
	case orb.Point:
		return appendPoint(appendHeader(b, wkbPoint, 0), g)
	case orb.LineString:
		return appendPoints(appendHeader(b, wkbLineString, len(g)), g)
	case orb.Ring:
		return appendPoints(appendHeader(b, wkbLineString, len(g)), g)
	case orb.Polygon:
		return appendPolygon(b, g)
	case orb.Bound:
		return appendPolygon(b, g.ToPolygon())
	case orb.MultiPoint:
		b = appendHeader(b, wkbMultiPoint, len(g))
		for _, p := range g {
			b = appendPoint(appendHeader(b, wkbPoint, 0), p)
		}
		return b
	case orb.MultiLineString:
		b = appendHeader(b, wkbMultiLineString, len(g))
		for _, l := range g {
			b = appendPoints(appendHeader(b, wkbLineString, len(l)), l)
		}
		return b
	case orb.MultiPolygon:
		b = appendHeader(b, wkbMultiPolygon, len(g))
		for _, p := range g {
			b = appendPolygon(b, p)
		}
		return b
	case orb.Collection:
		b = appendHeader(b, wkbGeometryCollection, len(g))
		for _, m := range g {
			b = appendWKB(b, m)
		}
		return b
	}
	return b
}
