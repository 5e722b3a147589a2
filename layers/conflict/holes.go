package conflict

import (
	"github.com/paulmach/orb"
)

// Polygons with holes on the B side (a development boundary with the
// villages it leaves out) in Go: A ∩ B is A clipped by B's outer ring,
// less the holes lying wholly inside A; a hole inside the outer ring of A
// ∩ B is a hole of the patch, one wholly around A leaves no patch. A hole
// whose edges meet A's, or a result of several rings with a hole to
// place, goes to GEOS. B's rings are checked to make a valid polygon first
// (makeGoPolygon): each simple, the holes inside the outer ring and apart,
// no two rings meeting.

// makeGoPolygon is makeGoRing for a polygon whose holes are allowed: the
// outer ring's goRing with the holes' (each counter-clockwise), or false
// when a ring is not simple or the rings do not make a valid polygon. c is
// scratch.
func makeGoPolygon(g orb.Geometry, keys *[]edgeKey, c *clipper) (goRing, bool) {
	p, ok := g.(orb.Polygon)
	if mp, isMP := g.(orb.MultiPolygon); isMP && len(mp) == 1 {
		p, ok = mp[0], true
	}
	if !ok || len(p) < 2 {
		return makeGoRing(g, nil, keys)
	}
	outer, ok := makeGoRing(orb.Polygon{p[0]}, nil, keys)
	if !ok {
		return goRing{}, false
	}
	outer.convex = false // clipConvex knows no holes
	for _, h := range p[1:] {
		gh, ok := makeGoRing(orb.Polygon{h}, nil, keys)
		if !ok || !ringInside(c, &gh, &outer) {
			return goRing{}, false
		}
		for k := range outer.holes {
			if !ringsApart(c, &gh, &outer.holes[k]) {
				return goRing{}, false
			}
		}
		outer.holes = append(outer.holes, gh)
	}
	return outer, true
}

// ringInside tells whether a lies strictly inside b, their edges apart.
func ringInside(c *clipper, a, b *goRing) bool {
	if !b.bound().contains(a.bound()) {
		return false
	}
	if n, ok := c.crossings(a, b); !ok || n > 0 {
		return false
	}
	in, ok := insideStrict(a.ring[0], b)
	return ok && in
}

// ringsApart tells whether neither of a and b meets or holds the other.
func ringsApart(c *clipper, a, b *goRing) bool {
	if !a.bound().meets(b.bound()) {
		return true
	}
	if n, ok := c.crossings(a, b); !ok || n > 0 {
		return false
	}
	for _, t := range [][2]*goRing{{a, b}, {b, a}} {
		if in, ok := insideStrict(t[0].ring[0], t[1]); !ok || in {
			return false
		}
	}
	return true
}

// polygonMeasures are the measures of b's polygon: its outer ring less its
// holes.
func polygonMeasures(b *goRing) measures {
	m := b.m
	cx, cy := m.area*m.centroid[0], m.area*m.centroid[1]
	for _, h := range b.holes {
		m.area -= h.m.area
		m.perimeter += h.m.perimeter
		cx, cy = cx-h.m.area*h.m.centroid[0], cy-h.m.area*h.m.centroid[1]
	}
	m.centroid = orb.Point{cx / m.area, cy / m.area}
	return m
}

// holedClip is A ∩ B for a B with holes: the result polygons and their
// measures, or ok false when GEOS must decide.
func (c *clipper) holedClip(a, b *goRing) (mp orb.MultiPolygon, m measures, ok bool) {
	rings, m, ok := c.clip(a, b)
	if !ok || len(rings) == 0 {
		return nil, m, ok
	}
	if c.whole == wholeB { // B lies inside A: B itself, holes and all
		return orb.MultiPolygon{c.polygon(b.closed, b.holes)}, polygonMeasures(b), true
	}
	var inner []goRing
	ab := a.bound()
	for k := range b.holes {
		h := &b.holes[k]
		if !h.bound().meets(ab) {
			continue
		}
		n, ok := c.crossings(a, h)
		if !ok || n > 0 {
			return nil, m, false
		}
		if h.bound().contains(ab) {
			in, ok := insideStrict(a.ring[0], h)
			if !ok {
				return nil, m, false
			}
			if in {
				return nil, measures{}, true // A lies in the hole
			}
		}
		if ab.contains(h.bound()) {
			in, ok := insideStrict(h.ring[0], a)
			if !ok {
				return nil, m, false
			}
			if in {
				inner = append(inner, *h)
			}
		}
	}
	if len(inner) == 0 {
		mp = make(orb.MultiPolygon, len(rings))
		for i, r := range rings {
			mp[i] = orb.Polygon{r}
		}
		return mp, m, true
	}
	if len(rings) > 1 {
		return nil, m, false // which piece holds the hole: GEOS knows
	}
	outer := goRing{m: m}
	outer.holes = inner
	return orb.MultiPolygon{c.polygon(rings[0], inner)}, polygonMeasures(&outer), true
}

// polygon is outer with the holes, each closed and clockwise.
func (c *clipper) polygon(outer orb.Ring, holes []goRing) orb.Polygon {
	p := make(orb.Polygon, 0, 1+len(holes))
	p = append(p, outer)
	for _, h := range holes {
		n := len(h.ring)
		r := c.slab.points(n + 1)
		for i := range n {
			r[i] = h.ring[n-1-i]
		}
		r[n] = r[0]
		p = append(p, r)
	}
	return p
}
