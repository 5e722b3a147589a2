package conflict

import (
	"math"
	"slices"

	"github.com/paulmach/orb"
)

// The overlay's general fast path: the intersection of two simple
// polygons without holes, neither of them convex, by Greiner-Hormann
// traversal in Go. Two tessellations overlaid are mostly such pairs, and
// GEOS's overlay of them dominated the run. The path gives up (ok false,
// GEOS decides) on every degenerate configuration: a vertex on or near the
// other's edge, collinear or touching edges. Without those, the crossings
// alternate in and out, and the result is a set of disjoint simple rings
// (the intersection of two simply connected regions has no holes).

// ghNode is a vertex of one ring's list, original or crossing.
type ghNode struct {
	p          orb.Point
	next, prev *ghNode
	neighbour  *ghNode // the same crossing in the other ring's list
	cross      bool
	entry      bool // a crossing where this ring enters the other
	seen       bool
	t          float64 // position along its edge, for ordering crossings
}

// clipSimple intersects two counter-clockwise simple rings (no closing
// point). It returns the counter-clockwise result rings (none: the
// interiors do not meet), or ok false when the configuration is degenerate.
func clipSimple(a, b []orb.Point) (rings [][]orb.Point, ok bool) {
	var c clipper
	return c.clip(a, b, nil)
}

// clipper is clipSimple with its working memory kept between calls, and
// the edge boxes of the last subject ring remembered (a worker clips one A
// ring against each of its B neighbours in turn): they are found again by
// the ring's first element's address (aKey keeps that array alive, so no
// other ring can take its place), so a ring must not change between
// calls. Used by one goroutine.
type clipper struct {
	nodes          []ghNode
	xs             []xing
	order          []int32
	near           []int32
	aBoxes, bBoxes []box
	aKey           *orb.Point // the ring aBoxes belong to
	aLen           int
}

// xing is one proper crossing of edge i of a with edge j of b.
type xing struct {
	i, j   int32
	ta, tb float64
	p      orb.Point
	na     int32 // its node in a's list
}

// clip is clipSimple; bBoxes, when not nil, are b's edge boxes (edgeBoxes).
func (c *clipper) clip(a, b []orb.Point, bBoxes []box) (rings [][]orb.Point, ok bool) {
	n, ok := c.crossings(a, b, bBoxes)
	if !ok {
		return nil, false
	}
	if n == 0 {
		return containedRing(a, b)
	}
	aIn, ok := insideStrict(a[0], b)
	if !ok {
		return nil, false
	}
	bIn, ok := insideStrict(b[0], a)
	if !ok {
		return nil, false
	}
	aList, bList := c.link(a, b)
	markEntries(aList, aIn)
	markEntries(bList, bIn)
	if rings, ok = traverse(aList, len(a)+len(b)+2*n); !ok {
		return nil, false
	}
	return checkedRings(rings, a, b)
}

// checkedRings refuses a result that cannot be right: a ring without area,
// or more area than the smaller operand has.
func checkedRings(rings [][]orb.Point, a, b []orb.Point) ([][]orb.Point, bool) {
	sum := 0.0
	for _, r := range rings {
		if len(r) < 3 {
			return nil, false
		}
		ar := ringArea2(r)
		if ar <= 0 {
			return nil, false
		}
		sum += ar
	}
	if sum > math.Min(ringArea2(a), ringArea2(b))*(1+1e-9) {
		return nil, false
	}
	return rings, true
}

// containedRing is the intersection of two rings whose edges never cross:
// one of them, or nothing.
func containedRing(a, b []orb.Point) ([][]orb.Point, bool) {
	in, ok := insideStrict(a[0], b)
	if !ok {
		return nil, false
	}
	if in {
		return [][]orb.Point{a}, true
	}
	if in, ok = insideStrict(b[0], a); !ok {
		return nil, false
	}
	if in {
		return [][]orb.Point{b}, true
	}
	return nil, true
}

// crossings finds every proper crossing of the rings' edges (c.xs);
// ok is false on a degenerate pair of edges. Only the edges of each ring
// that meet the other's box are tested against each other.
func (c *clipper) crossings(a, b []orb.Point, bBoxes []box) (n int, ok bool) {
	if len(a) == 0 || c.aKey != &a[0] || c.aLen != len(a) {
		c.aBoxes = appendEdgeBoxes(c.aBoxes[:0], a)
		c.aKey, c.aLen = &a[0], len(a)
	}
	if bBoxes == nil {
		c.bBoxes = appendEdgeBoxes(c.bBoxes[:0], b)
		bBoxes = c.bBoxes
	}
	aBoxes := c.aBoxes
	aAll, bAll := aBoxes[len(a)], bBoxes[len(b)]
	tol := 1e-12 * boxScale(aAll, bAll)
	c.near, c.xs = c.near[:0], c.xs[:0]
	for j := range b {
		if bBoxes[j].meets(aAll) {
			c.near = append(c.near, int32(j))
		}
	}
	for i := range a {
		eb := aBoxes[i]
		if !eb.meets(bAll) {
			continue
		}
		p, q := a[i], a[(i+1)%len(a)]
		for _, j := range c.near {
			if !eb.meets(bBoxes[j]) {
				continue
			}
			r, s := b[j], b[(int(j)+1)%len(b)]
			d1, d2 := orient(r, s, p), orient(r, s, q)
			d3, d4 := orient(p, q, r), orient(p, q, s)
			lab, lrs := math.Hypot(q[0]-p[0], q[1]-p[1]), math.Hypot(s[0]-r[0], s[1]-r[1])
			if math.Abs(d1) <= tol*lrs || math.Abs(d2) <= tol*lrs || math.Abs(d3) <= tol*lab || math.Abs(d4) <= tol*lab {
				return 0, false // a touch, a vertex on an edge, or collinear edges
			}
			if (d1 > 0) == (d2 > 0) || (d3 > 0) == (d4 > 0) {
				continue
			}
			t, u := d1/(d1-d2), d3/(d3-d4)
			x := orb.Point{p[0] + t*(q[0]-p[0]), p[1] + t*(q[1]-p[1])}
			c.xs = append(c.xs, xing{i: int32(i), j: j, ta: t, tb: u, p: x})
		}
	}
	return len(c.xs), true
}

// boxScale is the largest coordinate magnitude of two boxes (at least 1),
// scaleOf for rings whose boxes are known.
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

// edgeBoxes returns the box of each edge of ring, then the ring's box.
func edgeBoxes(ring []orb.Point) []box { return appendEdgeBoxes(nil, ring) }

func appendEdgeBoxes(out []box, ring []orb.Point) []box {
	all := box{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)}
	for j := range ring {
		b := segBox(ring[j], ring[(j+1)%len(ring)])
		out = append(out, b)
		all = box{min(all.x0, b.x0), min(all.y0, b.y0), max(all.x1, b.x1), max(all.y1, b.y1)}
	}
	return append(out, all)
}

// scaleOf is the largest coordinate magnitude of both rings (at least 1),
// for tolerances.
func scaleOf(a, b []orb.Point) float64 {
	m := 1.0
	for _, r := range [][]orb.Point{a, b} {
		for _, p := range r {
			m = max(m, math.Abs(p[0]), math.Abs(p[1]))
		}
	}
	return m
}

func orient(a, b, c orb.Point) float64 {
	return (b[0]-a[0])*(c[1]-a[1]) - (b[1]-a[1])*(c[0]-a[0])
}

// link makes the two circular lists of the rings' vertices with each
// edge's crossings (c.xs) in order along it, the same crossing linked
// between them. The nodes live in c.nodes, sized up front so no pointer
// into it moves; they are valid until the next clip.
func (c *clipper) link(a, b []orb.Point) (aList, bList *ghNode) {
	need := len(a) + len(b) + 2*len(c.xs)
	if cap(c.nodes) < need {
		c.nodes = make([]ghNode, 0, need+need/2)
	}
	c.nodes = c.nodes[:0]
	c.order = c.order[:0]
	for k := range c.xs {
		c.order = append(c.order, int32(k))
	}
	xs := c.xs
	slices.SortFunc(c.order, func(x, y int32) int { // along a: by edge, then position
		if xs[x].i != xs[y].i {
			return int(xs[x].i - xs[y].i)
		}
		return cmpFloat(xs[x].ta, xs[y].ta)
	})
	aList = c.ring(a, func(k int32) (int32, float64) { return xs[k].i, xs[k].ta }, func(k int32, n int32) { xs[k].na = n })
	slices.SortFunc(c.order, func(x, y int32) int { // along b
		if xs[x].j != xs[y].j {
			return int(xs[x].j - xs[y].j)
		}
		return cmpFloat(xs[x].tb, xs[y].tb)
	})
	bList = c.ring(b, func(k int32) (int32, float64) { return xs[k].j, xs[k].tb }, func(k int32, n int32) {
		na, nb := &c.nodes[xs[k].na], &c.nodes[n]
		na.neighbour, nb.neighbour = nb, na
	})
	return aList, bList
}

// ring appends one ring's list to c.nodes: each vertex, then the crossings
// on its edge in c.order (edge and position given by at); placed is told
// each crossing's node index.
func (c *clipper) ring(r []orb.Point, at func(k int32) (int32, float64), placed func(k, node int32)) *ghNode {
	first := len(c.nodes)
	add := func(n ghNode) int32 {
		c.nodes = append(c.nodes, n)
		return int32(len(c.nodes) - 1)
	}
	o := 0
	for i, p := range r {
		add(ghNode{p: p})
		for ; o < len(c.order); o++ {
			k := c.order[o]
			e, t := at(k)
			if int(e) != i {
				break
			}
			placed(k, add(ghNode{p: c.xs[k].p, cross: true, t: t}))
		}
	}
	last := len(c.nodes) - 1
	for i := first; i <= last; i++ {
		nx, pv := i+1, i-1
		if i == last {
			nx = first
		}
		if i == first {
			pv = last
		}
		c.nodes[i].next, c.nodes[i].prev = &c.nodes[nx], &c.nodes[pv]
	}
	return &c.nodes[first]
}

// markEntries sets the entry flag of each crossing along the list: the
// ring is outside the other before an entry.
func markEntries(list *ghNode, startInside bool) {
	in := startInside
	for n := list; ; {
		if n.cross {
			n.entry = !in
			in = !in
		}
		if n = n.next; n == list {
			return
		}
	}
}

// traverse walks from each unseen entry crossing of a's list forwards,
// switching rings at each crossing. With both rings counter-clockwise the
// walk always goes forwards; a backward step (inconsistent flags from
// rounding) or a runaway walk gives up (ok false). limit bounds the steps.
func traverse(aList *ghNode, limit int) ([][]orb.Point, bool) {
	var out [][]orb.Point
	for start := aList; ; {
		if start.cross && start.entry && !start.seen {
			ring, ok := walk(start, limit)
			if !ok {
				return nil, false
			}
			out = append(out, ring)
		}
		if start = start.next; start == aList {
			return out, true
		}
	}
}

func walk(start *ghNode, limit int) ([]orb.Point, bool) {
	var ring []orb.Point
	cur := start
	for steps := 0; steps <= limit; {
		if !cur.entry {
			return nil, false
		}
		cur.seen, cur.neighbour.seen = true, true
		ring = append(ring, cur.p)
		for cur = cur.next; !cur.cross; cur = cur.next {
			ring = append(ring, cur.p)
			steps++
		}
		if cur = cur.neighbour; cur == start || cur.neighbour == start {
			return dedupe(ring), true
		}
		steps++
	}
	return nil, false
}

// insideStrict tells whether p lies inside the ring (even-odd); ok is false
// when p is within a tolerance of one of its edges.
func insideStrict(p orb.Point, ring []orb.Point) (in, ok bool) {
	tol := 1e-12 * scaleOf(ring, []orb.Point{p})
	for i := range ring {
		a, b := ring[i], ring[(i+1)%len(ring)]
		l := math.Hypot(b[0]-a[0], b[1]-a[1])
		if math.Abs(orient(a, b, p)) <= tol*l &&
			p[0] >= math.Min(a[0], b[0])-tol && p[0] <= math.Max(a[0], b[0])+tol &&
			p[1] >= math.Min(a[1], b[1])-tol && p[1] <= math.Max(a[1], b[1])+tol {
			return false, false
		}
		if (a[1] > p[1]) != (b[1] > p[1]) && p[0] < a[0]+(p[1]-a[1])*(b[0]-a[0])/(b[1]-a[1]) {
			in = !in
		}
	}
	return in, true
}
