package exchange

import (
	"math"

	"github.com/paulmach/orb"
)

// region answers "does this geometry lie inside these polygons" quickly
// for many geometries: the polygons' edges are binned into horizontal
// bands, so a point test and an edge-crossing test look only at the edges
// of the bands they touch. Boundary contact counts as inside. It is
// read-only after newRegion and safe for concurrent use.
type region struct {
	bound orb.Bound
	y0, h float64
	bands [][]seg
}

type seg struct{ a, b orb.Point }

func newRegion(mp orb.MultiPolygon) *region {
	r := &region{bound: mp.Bound()}
	var segs []seg
	for _, p := range mp {
		for _, ring := range p {
			for i := 1; i < len(ring); i++ {
				segs = append(segs, seg{ring[i-1], ring[i]})
			}
		}
	}
	n := max(1, min(4096, len(segs)/4))
	r.y0, r.h = r.bound.Min[1], (r.bound.Max[1]-r.bound.Min[1])/float64(n)
	if r.h <= 0 {
		r.h = 1
	}
	r.bands = make([][]seg, n)
	for _, s := range segs {
		lo, hi := r.band(math.Min(s.a[1], s.b[1])), r.band(math.Max(s.a[1], s.b[1]))
		for i := lo; i <= hi; i++ {
			r.bands[i] = append(r.bands[i], s)
		}
	}
	return r
}

func (r *region) band(y float64) int {
	i := int((y - r.y0) / r.h)
	return max(0, min(len(r.bands)-1, i))
}

// containsPoint is the even-odd rule over every ring, with points on an
// edge inside.
func (r *region) containsPoint(p orb.Point) bool {
	if !r.bound.Contains(p) {
		return false
	}
	in := false
	for _, s := range r.bands[r.band(p[1])] {
		if onSegment(p, s) {
			return true
		}
		a, b := s.a, s.b
		if (a[1] > p[1]) != (b[1] > p[1]) {
			x := a[0] + (p[1]-a[1])*(b[0]-a[0])/(b[1]-a[1])
			if x > p[0] {
				in = !in
			}
		}
	}
	return in
}

func onSegment(p orb.Point, s seg) bool {
	if cross(s.a, s.b, p) != 0 {
		return false
	}
	return p[0] >= math.Min(s.a[0], s.b[0]) && p[0] <= math.Max(s.a[0], s.b[0]) &&
		p[1] >= math.Min(s.a[1], s.b[1]) && p[1] <= math.Max(s.a[1], s.b[1])
}

func cross(a, b, p orb.Point) float64 {
	return (b[0]-a[0])*(p[1]-a[1]) - (b[1]-a[1])*(p[0]-a[0])
}

// crossesBoundary tells whether segment a-b properly crosses an edge.
func (r *region) crossesBoundary(a, b orb.Point) bool {
	lo, hi := r.band(math.Min(a[1], b[1])), r.band(math.Max(a[1], b[1]))
	for i := lo; i <= hi; i++ {
		for _, s := range r.bands[i] {
			d1, d2 := cross(s.a, s.b, a), cross(s.a, s.b, b)
			d3, d4 := cross(a, b, s.a), cross(a, b, s.b)
			if d1*d2 < 0 && d3*d4 < 0 {
				return true
			}
		}
	}
	return false
}

// contains tells whether every point of g is inside the region: every
// vertex inside and no edge crossing the boundary.
func (r *region) contains(g orb.Geometry) bool {
	ok := true
	eachPath(g, func(ps []orb.Point, _ bool) {
		for i, p := range ps {
			if !ok {
				return
			}
			if !r.containsPoint(p) || (i > 0 && r.crossesBoundary(ps[i-1], p)) {
				ok = false
			}
		}
	})
	return ok
}

// eachPath calls fn for every point sequence of g.
func eachPath(g orb.Geometry, fn func(ps []orb.Point, closed bool)) {
	switch g := g.(type) {
	case orb.Point:
		fn([]orb.Point{g}, false)
	case orb.MultiPoint:
		for _, p := range g {
			fn([]orb.Point{p}, false)
		}
	case orb.LineString:
		fn(g, false)
	case orb.MultiLineString:
		for _, l := range g {
			fn(l, false)
		}
	case orb.Ring:
		fn(g, true)
	case orb.Polygon:
		for _, ring := range g {
			fn(ring, true)
		}
	case orb.MultiPolygon:
		for _, p := range g {
			for _, ring := range p {
				fn(ring, true)
			}
		}
	case orb.Collection:
		for _, m := range g {
			eachPath(m, fn)
		}
	}
}
