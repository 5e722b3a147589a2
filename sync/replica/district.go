package replica

import (
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// meets tells whether g intersects the district (boundary included): a
// vertex of either inside the other, or two edges that cross.
func (a *districtArea) meets(g orb.Geometry) bool {
	if g == nil || !a.bound.Intersects(g.Bound()) {
		return false
	}
	pts, segs := parts(g)
	for _, p := range pts {
		if planar.MultiPolygonContains(a.poly, p) {
			return true
		}
	}
	if mp, ok := asMulti(g); ok {
		for _, p := range a.poly {
			for _, r := range p {
				if len(r) > 0 && planar.MultiPolygonContains(mp, r[0]) {
					return true
				}
			}
		}
	}
	_, dsegs := parts(a.poly)
	for _, s := range segs {
		for _, d := range dsegs {
			if crosses(s, d) {
				return true
			}
		}
	}
	return false
}

type segment [2]orb.Point

// parts lists a geometry's vertices and edges.
func parts(g orb.Geometry) ([]orb.Point, []segment) {
	var pts []orb.Point
	var segs []segment
	line := func(ls []orb.Point) {
		pts = append(pts, ls...)
		for i := 1; i < len(ls); i++ {
			segs = append(segs, segment{ls[i-1], ls[i]})
		}
	}
	switch g := g.(type) {
	case orb.Point:
		pts = append(pts, g)
	case orb.MultiPoint:
		pts = append(pts, g...)
	case orb.LineString:
		line(g)
	case orb.MultiLineString:
		for _, l := range g {
			line(l)
		}
	case orb.Ring:
		line(g)
	case orb.Polygon:
		for _, r := range g {
			line(r)
		}
	case orb.MultiPolygon:
		for _, p := range g {
			for _, r := range p {
				line(r)
			}
		}
	case orb.Collection:
		for _, c := range g {
			p, s := parts(c)
			pts, segs = append(pts, p...), append(segs, s...)
		}
	}
	return pts, segs
}

func orient(a, b, c orb.Point) float64 {
	return (b[0]-a[0])*(c[1]-a[1]) - (b[1]-a[1])*(c[0]-a[0])
}

// crosses tells whether two segments share a point.
func crosses(s, t segment) bool {
	d1, d2 := orient(t[0], t[1], s[0]), orient(t[0], t[1], s[1])
	d3, d4 := orient(s[0], s[1], t[0]), orient(s[0], s[1], t[1])
	if ((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0)) {
		return true
	}
	on := func(p, a, b orb.Point, d float64) bool {
		return d == 0 && min(a[0], b[0]) <= p[0] && p[0] <= max(a[0], b[0]) && min(a[1], b[1]) <= p[1] && p[1] <= max(a[1], b[1])
	}
	return on(s[0], t[0], t[1], d1) || on(s[1], t[0], t[1], d2) || on(t[0], s[0], s[1], d3) || on(t[1], s[0], s[1], d4)
}
