package conflict

import (
	"math"

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
	aList, bList, n, ok := crossings(a, b)
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

// crossings builds the two node lists with every proper crossing linked
// between them; ok is false on a degenerate pair of edges. Only the edges
// of each ring that meet the other's box are tested against each other.
func crossings(a, b []orb.Point) (aList, bList *ghNode, n int, ok bool) {
	aEdges := make([][]*ghNode, len(a))
	bEdges := make([][]*ghNode, len(b))
	aBoxes, bBoxes := edgeBoxes(a), edgeBoxes(b)
	aAll, bAll := aBoxes[len(a)], bBoxes[len(b)]
	tol := 1e-12 * boxScale(aAll, bAll)
	near := make([]int32, 0, len(b))
	for j := range b {
		if bBoxes[j].meets(aAll) {
			near = append(near, int32(j))
		}
	}
	for i := range a {
		eb := aBoxes[i]
		if !eb.meets(bAll) {
			continue
		}
		p, q := a[i], a[(i+1)%len(a)]
		for _, j := range near {
			if !eb.meets(bBoxes[j]) {
				continue
			}
			r, s := b[j], b[(int(j)+1)%len(b)]
			d1, d2 := orient(r, s, p), orient(r, s, q)
			d3, d4 := orient(p, q, r), orient(p, q, s)
			lab, lrs := math.Hypot(q[0]-p[0], q[1]-p[1]), math.Hypot(s[0]-r[0], s[1]-r[1])
			if math.Abs(d1) <= tol*lrs || math.Abs(d2) <= tol*lrs || math.Abs(d3) <= tol*lab || math.Abs(d4) <= tol*lab {
				return nil, nil, 0, false // a touch, a vertex on an edge, or collinear edges
			}
			if (d1 > 0) == (d2 > 0) || (d3 > 0) == (d4 > 0) {
				continue
			}
			t, u := d1/(d1-d2), d3/(d3-d4)
			x := orb.Point{p[0] + t*(q[0]-p[0]), p[1] + t*(q[1]-p[1])}
			na, nb := &ghNode{p: x, cross: true, t: t}, &ghNode{p: x, cross: true, t: u}
			na.neighbour, nb.neighbour = nb, na
			aEdges[i] = append(aEdges[i], na)
			bEdges[j] = append(bEdges[j], nb)
			n++
		}
	}
	return link(a, aEdges), link(b, bEdges), n, true
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
func edgeBoxes(ring []orb.Point) []box {
	out := make([]box, len(ring)+1)
	all := box{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)}
	for j := range ring {
		out[j] = segBox(ring[j], ring[(j+1)%len(ring)])
		all = box{min(all.x0, out[j].x0), min(all.y0, out[j].y0), max(all.x1, out[j].x1), max(all.y1, out[j].y1)}
	}
	out[len(ring)] = all
	return out
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

// link makes the circular list of a ring's vertices with each edge's
// crossings in order along it.
func link(ring []orb.Point, edges [][]*ghNode) *ghNode {
	var head, tail *ghNode
	verts := make([]ghNode, len(ring))
	add := func(n *ghNode) {
		if head == nil {
			head = n
		} else {
			tail.next, n.prev = n, tail
		}
		tail = n
	}
	for i, p := range ring {
		verts[i].p = p
		add(&verts[i])
		xs := edges[i]
		for k := 1; k < len(xs); k++ { // insertion sort: few crossings per edge
			for m := k; m > 0 && xs[m].t < xs[m-1].t; m-- {
				xs[m], xs[m-1] = xs[m-1], xs[m]
			}
		}
		for _, x := range xs {
			add(x)
		}
	}
	tail.next, head.prev = head, tail
	return head
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
