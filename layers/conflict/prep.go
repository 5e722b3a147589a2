package conflict

import (
	"fmt"
	"math"
	"slices"

	"github.com/paulmach/orb"
	"github.com/tidwall/rtree"
)

// The Go side of an overlay, built once per rule and shared read-only by
// the workers: B's boxes in an R-tree and, for each B feature that is one
// simple ring, that ring. A pair of simple rings is clipped in Go and never
// meets GEOS; a worker parses a B feature into its GEOS context only when a
// pair needs GEOS (holes, degenerate configurations), and A the same way.

// goRing is a feature's Go form: its simple counter-clockwise outer ring
// (no closing point), or nil when the feature is anything else (holes,
// several parts, a self-touching or degenerate ring): then GEOS handles it.
type goRing struct {
	ring   []orb.Point
	boxes  []box // edgeBoxes(ring)
	convex bool
}

// prepB checks B's coordinates, finds each feature's simple ring and
// indexes the boxes. eager lists the B features a worker parses into GEOS
// up front: those without a simple ring, so their repairs are recorded and
// their errors raised as before.
func (e *ruleRun) prepB() error {
	r := e.rule
	if err := r.checkNumbers(); err != nil { // a rule built in code skipped ParseRules: NaN crashes GEOS
		return fmt.Errorf("rule %s: %w", r.ID, err)
	}
	e.bRings = make([]goRing, len(e.b))
	e.bTree = &rtree.RTreeGN[float64, int32]{}
	e.eager = e.eager[:0]
	for i := range e.b {
		f := &e.b[i]
		if !finite(f.Geom) {
			return fmt.Errorf("%w: layer %q fid %d: a coordinate is NaN or infinite", ErrGeometry, r.B.Layer, f.FID)
		}
		if r.Kind != KindSetback && r.Kind != KindWithin {
			if ring := validRing(f.Geom); ring != nil {
				e.bRings[i] = goRing{ring: ring, boxes: edgeBoxes(ring), convex: convex(ring)}
			}
		}
		if e.bRings[i].ring == nil {
			e.eager = append(e.eager, i)
		}
		if f.Geom == nil {
			continue
		}
		bb := f.Geom.Bound().Pad(max(r.Distance, 0))
		e.bTree.Insert([2]float64{bb.Min[0], bb.Min[1]}, [2]float64{bb.Max[0], bb.Max[1]}, int32(i))
	}
	return nil
}

// candidates appends to buf the B features whose boxes meet bb, in B order.
func (e *ruleRun) candidates(bb orb.Bound, buf []int32) []int32 {
	buf = buf[:0]
	if e.bTree == nil {
		return buf
	}
	e.bTree.Search([2]float64{bb.Min[0], bb.Min[1]}, [2]float64{bb.Max[0], bb.Max[1]},
		func(_, _ [2]float64, i int32) bool {
			buf = append(buf, i)
			return true
		})
	slices.Sort(buf)
	return buf
}

// validRing returns g's ring (counter-clockwise, no closing point) when g
// is a polygon of one simple ring with area, which GEOS holds valid; nil
// otherwise. It is conservative: a near-touch counts as a touch.
func validRing(g orb.Geometry) []orb.Point {
	r := simpleRing(g)
	if r == nil || !isSimple(r) {
		return nil
	}
	return r
}

// isSimple tells whether a counter-clockwise ring without closing point
// has area, no repeated or backtracking vertices, and no two edges that
// meet other than consecutive ones at their shared vertex. Edges are swept
// by their left ends.
func isSimple(r []orb.Point) bool {
	n := len(r)
	if n < 3 || ringArea2(r) <= 0 {
		return false
	}
	for i := range n {
		a, b, c := r[i], r[(i+1)%n], r[(i+2)%n]
		if a == b || (orient(a, b, c) == 0 && dot(b[0]-a[0], b[1]-a[1], c[0]-b[0], c[1]-b[1]) <= 0) {
			return false
		}
	}
	order := make([]int32, n)
	boxes := make([]box, n)
	for i := range n {
		order[i], boxes[i] = int32(i), segBox(r[i], r[(i+1)%n])
	}
	slices.SortFunc(order, func(x, y int32) int { return cmpFloat(boxes[x].x0, boxes[y].x0) })
	tol := 1e-12 * scaleOf(r, nil)
	for k, i := range order {
		for _, j := range order[k+1:] {
			if boxes[j].x0 > boxes[i].x1 {
				break
			}
			if adjacent(int(i), int(j), n) || !boxes[i].meets(boxes[j]) {
				continue
			}
			if segmentsMeet(r[i], r[(int(i)+1)%n], r[j], r[(int(j)+1)%n], tol) {
				return false
			}
		}
	}
	return true
}

func adjacent(i, j, n int) bool { return (i+1)%n == j || (j+1)%n == i }

// segmentsMeet tells whether segments p-q and r-s cross, touch or come
// within a relative tolerance of touching.
func segmentsMeet(p, q, r, s orb.Point, tol float64) bool {
	d1, d2 := orient(r, s, p), orient(r, s, q)
	d3, d4 := orient(p, q, r), orient(p, q, s)
	lrs, lpq := math.Hypot(s[0]-r[0], s[1]-r[1]), math.Hypot(q[0]-p[0], q[1]-p[1])
	if math.Abs(d1) <= tol*lrs || math.Abs(d2) <= tol*lrs || math.Abs(d3) <= tol*lpq || math.Abs(d4) <= tol*lpq {
		return true // (nearly) on the other's line, and the boxes meet: a touch for our purpose
	}
	return (d1 > 0) != (d2 > 0) && (d3 > 0) != (d4 > 0)
}
