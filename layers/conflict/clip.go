package conflict

import (
	"math"
	"slices"

	"github.com/paulmach/orb"
)

// The overlay's general fast path: the intersection of two simple
// polygons without holes by Greiner-Hormann traversal in Go. Two
// tessellations overlaid are mostly such pairs, and GEOS's overlay of them
// dominated the run. The path gives up (ok false, GEOS decides) on every
// degenerate configuration: a vertex on or near the other's edge, collinear
// or touching edges. Without those, every crossing is proper: there one
// ring enters the other, which the orientation of the two edges tells, and
// along each ring entries and exits alternate (checked: a ring that breaks
// the alternation is given to GEOS). The result is a set of disjoint simple
// rings (the intersection of two simply connected regions has no holes).
// Rings whose edges never cross are contained in one another or apart,
// which their boxes mostly tell: "A inside B" is A itself, unclipped.

// measures are the area, perimeter and centroid of a ring or a set of
// disjoint rings.
type measures struct {
	area, perimeter float64
	centroid        orb.Point
}

// xing is one proper crossing of edge i of a with edge j of b.
type xing struct {
	i, j       int32
	ta, tb     float64 // positions along the edges
	p          orb.Point
	aIn        bool  // a enters b here (and b leaves a)
	seen       bool  // walked
	posA, posB int32 // its place along a and along b
}

// clipper intersects pairs of goRings, keeping its working memory between
// calls and allocating result rings from a slab. Used by one goroutine.
type clipper struct {
	xs         []xing
	ordA, ordB []int32 // crossings in order along a and along b
	near       []int32 // b's chains meeting the boxes' overlap
	buf        []orb.Point
	out        []orb.Ring
	slab       slab
	whole      int // after clip: wholeA or wholeB when one ring lies inside the other, else 0
}

// Which operand a clip's result is, when one lies inside the other.
const (
	wholeA = 1
	wholeB = 2
)

// clipSimple intersects two counter-clockwise simple rings (no closing
// point). It returns the closed counter-clockwise result rings (none: the
// interiors do not meet), or ok false when the configuration is degenerate.
func clipSimple(a, b []orb.Point) (rings []orb.Ring, ok bool) {
	ga, oka := makeGoRing(orb.Polygon{closeRing(a)}, nil, nil)
	gb, okb := makeGoRing(orb.Polygon{closeRing(b)}, nil, nil)
	if !oka || !okb {
		return nil, false
	}
	var c clipper
	rings, _, ok = c.clip(&ga, &gb)
	return slices.Clone(rings), ok
}

func closeRing(r []orb.Point) orb.Ring {
	return append(append(orb.Ring(nil), r...), r[0])
}

// clip intersects a and b: the closed result rings (valid until the next
// call; their points are the caller's to keep) and their measures. ok is
// false when GEOS must decide. When one ring lies inside the other the
// result is that ring's closed form, shared with it.
func (c *clipper) clip(a, b *goRing) (rings []orb.Ring, m measures, ok bool) {
	c.whole = 0
	n, ok := c.crossings(a, b)
	if !ok {
		return nil, m, false
	}
	if n == 0 {
		return c.contained(a, b)
	}
	if !c.order() {
		return nil, m, false
	}
	return c.traverse(a, b)
}

// contained is the intersection of two rings whose edges never cross:
// one of them, or nothing. A ring can lie inside another only when its box
// does.
func (c *clipper) contained(a, b *goRing) ([]orb.Ring, measures, bool) {
	ab, bb := a.bound(), b.bound()
	if bb.contains(ab) {
		in, ok := insideStrict(a.ring[0], b)
		if !ok {
			return nil, measures{}, false
		}
		if in {
			c.whole = wholeA
			return append(c.out[:0], a.closed), a.m, true
		}
	}
	if ab.contains(bb) {
		in, ok := insideStrict(b.ring[0], a)
		if !ok {
			return nil, measures{}, false
		}
		if in {
			c.whole = wholeB
			return append(c.out[:0], b.closed), b.m, true
		}
	}
	return nil, measures{}, true
}

// crossings finds every proper crossing of the rings' edges (c.xs);
// ok is false on a degenerate pair of edges. Only the edges of chains
// inside the overlap of the rings' boxes, and meeting each other's chain,
// are tested against each other.
func (c *clipper) crossings(a, b *goRing) (n int, ok bool) {
	ab, bb := a.bound(), b.bound()
	ov := box{max(ab.x0, bb.x0), max(ab.y0, bb.y0), min(ab.x1, bb.x1), min(ab.y1, bb.y1)}
	tol := 1e-12 * boxScale(ab, bb)
	c.near, c.xs = c.near[:0], c.xs[:0]
	for k, cb := range b.chains() {
		if cb.meets(ov) {
			c.near = append(c.near, int32(k))
		}
	}
	if len(c.near) == 0 {
		return 0, true
	}
	na, nb := len(a.ring), len(b.ring)
	for ka, ca := range a.chains() {
		if !ca.meets(ov) {
			continue
		}
		for _, kb := range c.near {
			cb := b.chains()[kb]
			if !ca.meets(cb) {
				continue
			}
			for i := ka * chainEdges; i < min(na, (ka+1)*chainEdges); i++ {
				eb := a.boxes[i]
				if !eb.meets(cb) {
					continue
				}
				for j := int(kb) * chainEdges; j < min(nb, int(kb+1)*chainEdges); j++ {
					if eb.meets(b.boxes[j]) && !c.cross(a.ring, b.ring, i, j, tol) {
						return 0, false
					}
				}
			}
		}
	}
	return len(c.xs), true
}

// cross tests edge i of a against edge j of b, recording a proper
// crossing; false when they are degenerate: a touch, a vertex on an edge,
// or collinear edges.
func (c *clipper) cross(ar, br []orb.Point, i, j int, tol float64) bool {
	p, q := ar[i], ar[(i+1)%len(ar)]
	r, s := br[j], br[(j+1)%len(br)]
	d1, d2 := orient(r, s, p), orient(r, s, q)
	d3, d4 := orient(p, q, r), orient(p, q, s)
	tol2 := tol * tol
	lrs2, lpq2 := sq(s[0]-r[0])+sq(s[1]-r[1]), sq(q[0]-p[0])+sq(q[1]-p[1])
	if d1*d1 <= tol2*lrs2 || d2*d2 <= tol2*lrs2 || d3*d3 <= tol2*lpq2 || d4*d4 <= tol2*lpq2 {
		return false
	}
	if (d1 > 0) == (d2 > 0) || (d3 > 0) == (d4 > 0) {
		return true
	}
	t, u := d1/(d1-d2), d3/(d3-d4)
	x := orb.Point{p[0] + t*(q[0]-p[0]), p[1] + t*(q[1]-p[1])}
	// b is counter-clockwise, its inside on the left: a enters where its
	// edge ends left of b's.
	c.xs = append(c.xs, xing{i: int32(i), j: int32(j), ta: t, tb: u, p: x, aIn: d2 > 0})
	return true
}

func sq(x float64) float64 { return x * x }

// order sorts the crossings along each ring and checks that entries and
// exits alternate along both (false: rounding broke the topology).
func (c *clipper) order() bool {
	xs := c.xs
	n := len(xs)
	if n%2 != 0 {
		return false
	}
	c.ordA, c.ordB = c.ordA[:0], c.ordB[:0]
	for k := range n {
		c.ordA, c.ordB = append(c.ordA, int32(k)), append(c.ordB, int32(k))
	}
	slices.SortFunc(c.ordA, func(x, y int32) int {
		if xs[x].i != xs[y].i {
			return int(xs[x].i - xs[y].i)
		}
		return cmpFloat(xs[x].ta, xs[y].ta)
	})
	slices.SortFunc(c.ordB, func(x, y int32) int {
		if xs[x].j != xs[y].j {
			return int(xs[x].j - xs[y].j)
		}
		return cmpFloat(xs[x].tb, xs[y].tb)
	})
	for k := range n {
		ka, kb := c.ordA[k], c.ordB[k]
		xs[ka].posA, xs[kb].posB = int32(k), int32(k)
		if xs[ka].aIn == xs[c.ordA[(k+1)%n]].aIn || xs[kb].aIn == xs[c.ordB[(k+1)%n]].aIn {
			return false
		}
	}
	return true
}

// traverse walks from each unwalked crossing where a enters b: along a to
// its next crossing (where a leaves b and b enters a), then along b to its
// next, and so on back to the start. Each crossing is walked once, so the
// walk ends; a ring without area, or more area than the smaller operand
// has, gives up (ok false).
func (c *clipper) traverse(a, b *goRing) ([]orb.Ring, measures, bool) {
	xs, n := c.xs, int32(len(c.xs))
	c.out = c.out[:0]
	var m measures
	var cx, cy float64
	var last orb.Point
	for _, k0 := range c.ordA {
		if !xs[k0].aIn || xs[k0].seen {
			continue
		}
		buf := c.buf[:0]
		for k, steps := k0, int32(0); ; steps++ {
			if steps > n {
				return nil, measures{}, false
			}
			x := &xs[k]
			x.seen = true
			buf = appendPoint(buf, x.p)
			var nk int32
			if x.aIn {
				nk = c.ordA[(x.posA+1)%n]
				buf = appendRun(buf, a.ring, x.i, x.ta, xs[nk].i, xs[nk].ta)
			} else {
				nk = c.ordB[(x.posB+1)%n]
				buf = appendRun(buf, b.ring, x.j, x.tb, xs[nk].j, xs[nk].tb)
			}
			if k = nk; k == k0 {
				break
			}
		}
		c.buf = buf
		for len(buf) > 1 && buf[0] == buf[len(buf)-1] {
			buf = buf[:len(buf)-1]
		}
		if len(buf) < 3 {
			return nil, measures{}, false
		}
		area, perimeter, ct := ringMeasures(buf)
		if !(area > 0) {
			return nil, measures{}, false
		}
		ring := c.slab.points(len(buf) + 1)
		copy(ring, buf)
		ring[len(buf)] = buf[0]
		c.out = append(c.out, ring)
		m.area, m.perimeter = m.area+area, m.perimeter+perimeter
		cx, cy, last = cx+area*ct[0], cy+area*ct[1], ct
	}
	if len(c.out) == 0 || m.area > math.Min(a.m.area, b.m.area)*(1+1e-9) {
		return nil, measures{}, false
	}
	if len(c.out) == 1 {
		m.centroid = last // as ringMeasures gives it, not rounded again
	} else {
		m.centroid = orb.Point{cx / m.area, cy / m.area}
	}
	return c.out, m, true
}

// appendPoint appends p unless it repeats the last point.
func appendPoint(buf []orb.Point, p orb.Point) []orb.Point {
	if len(buf) > 0 && buf[len(buf)-1] == p {
		return buf
	}
	return append(buf, p)
}

// appendRun appends the vertices of r after position t0 on edge e0 up to
// position t1 on edge e1: r[e0+1] .. r[e1], round the ring if need be.
func appendRun(buf, r []orb.Point, e0 int32, t0 float64, e1 int32, t1 float64) []orb.Point {
	n := len(r)
	cnt := (int(e1) - int(e0) + n) % n
	if cnt == 0 && t1 <= t0 {
		cnt = n
	}
	for s := 1; s <= cnt; s++ {
		buf = appendPoint(buf, r[(int(e0)+s)%n])
	}
	return buf
}

// boxScale is the largest coordinate magnitude of two boxes (at least 1),
// for tolerances.
func boxScale(x, y box) float64 {
	return max(1, -x.x0, x.x1, -x.y0, x.y1, -y.x0, y.x1, -y.y0, y.y1, x.x0, -x.x1, x.y0, -x.y1, y.x0, -y.x1, y.y0, -y.y1)
}

// box is an axis-aligned box, compared without math.Min's NaN care.
type box struct{ x0, y0, x1, y1 float64 }

func segBox(p, q orb.Point) box {
	b := box{p[0], p[1], q[0], q[1]}
	if b.x0 > b.x1 {
		b.x0, b.x1 = b.x1, b.x0
	}
	if b.y0 > b.y1 {
		b.y0, b.y1 = b.y1, b.y0
	}
	return b
}

func (b box) meets(o box) bool { return b.x0 <= o.x1 && o.x0 <= b.x1 && b.y0 <= o.y1 && o.y0 <= b.y1 }

// contains tells whether o lies within b.
func (b box) contains(o box) bool {
	return b.x0 <= o.x0 && o.x1 <= b.x1 && b.y0 <= o.y0 && o.y1 <= b.y1
}

func (b box) bound() orb.Bound {
	return orb.Bound{Min: orb.Point{b.x0, b.y0}, Max: orb.Point{b.x1, b.y1}}
}

// edgeBoxes returns the box of each edge of ring, then the ring's box,
// then the box of each chain of chainEdges edges (edges k*chainEdges on):
// edge pairs are looked for among chain pairs whose boxes meet.
func edgeBoxes(ring []orb.Point) []box { return appendEdgeBoxes(nil, ring) }

// chainEdges is the number of consecutive edges under one chain box.
const chainEdges = 4

func appendEdgeBoxes(out []box, ring []orb.Point) []box {
	out, _ = appendBoxesMeasures(out, ring)
	return out
}

// appendBoxesMeasures is appendEdgeBoxes with the ring's measures
// (ringMeasures) found in the same pass.
func appendBoxesMeasures(out []box, ring []orb.Point) ([]box, measures) {
	n := len(ring)
	out = slices.Grow(out, n+1+(n+chainEdges-1)/chainEdges)
	all := box{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)}
	o := ring[0] // measures about the first vertex, for precision far from the origin
	var a2, cx, cy, perimeter float64
	for j := range ring {
		p, q := ring[j], ring[next(j, n)]
		b := segBox(p, q)
		out = append(out, b)
		all = all.union(b)
		perimeter += math.Sqrt(sq(q[0]-p[0]) + sq(q[1]-p[1]))
		px, py, qx, qy := p[0]-o[0], p[1]-o[1], q[0]-o[0], q[1]-o[1]
		w := px*qy - qx*py
		a2 += w
		cx += (px + qx) * w
		cy += (py + qy) * w
	}
	out = append(out, all)
	for lo := 0; lo < n; lo += chainEdges {
		c := out[lo]
		for _, b := range out[lo+1 : min(lo+chainEdges, n)] {
			c = c.union(b)
		}
		out = append(out, c)
	}
	return out, measures{a2 / 2, perimeter, orb.Point{o[0] + cx/(3*a2), o[1] + cy/(3*a2)}}
}

func (b box) union(o box) box {
	return box{min(b.x0, o.x0), min(b.y0, o.y0), max(b.x1, o.x1), max(b.y1, o.y1)}
}

// chains are the ring's chain boxes (edgeBoxes).
func (g *goRing) chains() []box { return g.boxes[len(g.ring)+1:] }

func orient(a, b, c orb.Point) float64 {
	return (b[0]-a[0])*(c[1]-a[1]) - (b[1]-a[1])*(c[0]-a[0])
}

// insideStrict tells whether p lies inside the ring (even-odd); ok is false
// when p is within a tolerance of one of its edges.
func insideStrict(p orb.Point, r *goRing) (in, ok bool) {
	ring := r.ring
	rb := r.bound()
	tol := 1e-12 * boxScale(rb, box{p[0], p[1], p[0], p[1]})
	for i := range ring {
		eb := r.boxes[i]
		if p[1] < eb.y0-tol || p[1] > eb.y1+tol || p[0] > eb.x1+tol {
			continue // neither near p nor crossing the ray from p to the east
		}
		a, b := ring[i], ring[(i+1)%len(ring)]
		if p[0] >= eb.x0-tol {
			if o := orient(a, b, p); o*o <= tol*tol*(sq(b[0]-a[0])+sq(b[1]-a[1])) {
				return false, false
			}
		}
		if (a[1] > p[1]) != (b[1] > p[1]) && p[0] < a[0]+(p[1]-a[1])*(b[0]-a[0])/(b[1]-a[1]) {
			in = !in
		}
	}
	return in, true
}

// slab hands out point slices carved from large blocks, so that the many
// small rings of an overlay's patches are few allocations (and, holding no
// pointers, cost the collector nothing to scan). Used by one goroutine.
type slab struct{ pts []orb.Point }

const slabPoints = 1 << 13

// points returns a fresh slice of n points (capacity n).
func (s *slab) points(n int) []orb.Point {
	if len(s.pts) < n {
		s.pts = make([]orb.Point, max(n, slabPoints))
	}
	p := s.pts[:n:n]
	s.pts = s.pts[n:]
	return p
}
