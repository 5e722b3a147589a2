package conflict

import (
	"cmp"
	"fmt"
	"math"
	"runtime"
	"slices"
	"sync"

	"github.com/paulmach/orb"
	"github.com/tidwall/rtree"
)

// The Go side of an overlay, built once per rule and shared read-only by
// the workers: B's boxes in an R-tree and, for each B feature that is one
// simple ring, that ring with its edge boxes and measures. A pair of
// simple rings is clipped in Go and never meets GEOS; a worker parses a B
// feature into its GEOS context only when a pair needs GEOS (holes,
// degenerate configurations), and A the same way.

// goRing is a feature's Go form: its simple counter-clockwise outer ring
// (no closing point), or nil when the feature is anything else (holes,
// several parts, a self-touching or degenerate ring): then GEOS handles it.
type goRing struct {
	ring   []orb.Point
	closed orb.Ring // ring with its closing point; may share the feature's memory
	boxes  []box    // edgeBoxes(ring)
	convex bool
	m      measures // of the ring alone
	holes  []goRing // B only: the polygon's holes, counter-clockwise (holes.go)
}

// bound is the ring's box.
func (g *goRing) bound() box { return g.boxes[len(g.ring)] }

// makeGoRing returns g's goRing when g is a polygon of one simple ring with
// area and finite coordinates, which GEOS holds valid. The edge boxes are
// appended to boxes[:0]; keys is scratch for the simplicity test. The ring
// shares g's points when g's ring is closed and counter-clockwise.
func makeGoRing(g orb.Geometry, boxes []box, keys *[]edgeKey) (goRing, bool) {
	ring, closed := orientedRing(g)
	if ring == nil {
		return goRing{}, false
	}
	gr := goRing{ring: ring, closed: closed}
	gr.boxes, gr.m = appendBoxesMeasures(boxes[:0], ring)
	if !(gr.m.area > 0) || !isSimple(ring, gr.boxes, keys) {
		return goRing{}, false
	}
	gr.convex = convex(ring)
	return gr, true
}

// orientedRing returns g's outer ring counter-clockwise, open and closed,
// when g is one polygon without holes of at least three finite vertices;
// nil otherwise. A closed counter-clockwise ring is returned as it is.
func orientedRing(g orb.Geometry) ([]orb.Point, orb.Ring) {
	var p orb.Polygon
	switch g := g.(type) {
	case orb.Polygon:
		p = g
	case orb.MultiPolygon:
		if len(g) != 1 {
			return nil, nil
		}
		p = g[0]
	default:
		return nil, nil
	}
	if len(p) != 1 || len(p[0]) < 4 {
		return nil, nil
	}
	r := p[0]
	open := []orb.Point(r)
	if r[0] == r[len(r)-1] {
		open = r[:len(r)-1]
	}
	if len(open) < 3 || !finitePoints(open) {
		return nil, nil
	}
	a2 := ringArea2(open)
	if len(open) < len(r) && a2 >= 0 {
		return open, r
	}
	c := make(orb.Ring, len(open)+1)
	copy(c, open)
	if a2 < 0 {
		reversePoints(c[:len(open)])
	}
	c[len(open)] = c[0]
	return c[:len(open)], c
}

// finitePoints tells whether every coordinate of r is a finite number.
func finitePoints(r []orb.Point) bool {
	for _, p := range r {
		if !isFinite(p[0]) || !isFinite(p[1]) {
			return false
		}
	}
	return true
}

func reversePoints(r []orb.Point) {
	for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
		r[i], r[j] = r[j], r[i]
	}
}

// prepB checks B's coordinates, finds each feature's simple ring and
// indexes the boxes, the features shared among goroutines. eager lists the
// B features a worker parses into GEOS up front: those without a simple
// ring, so their repairs are recorded and their errors raised as before.
func (e *ruleRun) prepB() error {
	r := e.rule
	if err := r.checkNumbers(); err != nil { // a rule built in code skipped ParseRules: NaN crashes GEOS
		return fmt.Errorf("rule %s: %w", r.ID, err)
	}
	e.bRings = make([]goRing, len(e.b))
	bounds := make([]orb.Bound, len(e.b))
	if i := e.prepRings(bounds); i >= 0 {
		return fmt.Errorf("%w: layer %q fid %d: a coordinate is NaN or infinite", ErrGeometry, r.B.Layer, e.b[i].FID)
	}
	e.bTree = &rtree.RTreeGN[float64, int32]{}
	e.eager = e.eager[:0]
	for i := range e.b {
		if e.bRings[i].ring == nil {
			e.eager = append(e.eager, i)
		}
		if e.b[i].Geom == nil {
			continue
		}
		bb := bounds[i].Pad(max(r.Distance, 0))
		e.bTree.Insert([2]float64{bb.Min[0], bb.Min[1]}, [2]float64{bb.Max[0], bb.Max[1]}, int32(i))
	}
	return nil
}

// prepRings fills e.bRings and each B feature's box, splitting B among as
// many goroutines as the run has workers. It returns the first B feature
// with a coordinate that is not finite, or -1.
func (e *ruleRun) prepRings(bounds []orb.Bound) int {
	n := e.opt.Workers
	if n <= 0 {
		n = runtime.NumCPU()
	}
	n = max(1, min(n, len(e.b)/1024))
	bad := make([]int, n)
	var wg sync.WaitGroup
	for w := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			bad[w] = e.prepSome(w*len(e.b)/n, (w+1)*len(e.b)/n, bounds)
		}()
	}
	wg.Wait()
	for _, i := range bad {
		if i >= 0 {
			return i
		}
	}
	return -1
}

// prepSome is prepRings for B features lo..hi-1.
func (e *ruleRun) prepSome(lo, hi int, bounds []orb.Bound) int {
	var keys []edgeKey
	var c clipper
	goOK := e.rule.Kind != KindSetback && e.rule.Kind != KindWithin
	for i := lo; i < hi; i++ {
		f := &e.b[i]
		if goOK {
			if gr, ok := makeGoPolygon(f.Geom, &keys, &c); ok {
				e.bRings[i], bounds[i] = gr, gr.bound().bound()
				continue
			}
		}
		if !finite(f.Geom) {
			return i
		}
		if f.Geom != nil {
			bounds[i] = f.Geom.Bound()
		}
	}
	return -1
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
	gr, ok := makeGoRing(g, nil, nil)
	if !ok {
		return nil
	}
	return gr.ring
}

// edgeKey is an edge by its box's west end, for the simplicity sweep.
type edgeKey struct {
	x0 float64
	i  int32
}

// isSimple tells whether a counter-clockwise ring without closing point,
// its edge boxes given (edgeBoxes), has no repeated or backtracking
// vertices and no two edges that meet other than consecutive ones at their
// shared vertex. Edges are compared chain by chain, or for long rings swept
// by their west ends; keys (nil: none) is scratch for the sweep.
func isSimple(r []orb.Point, boxes []box, keys *[]edgeKey) bool {
	n := len(r)
	if n < 3 {
		return false
	}
	for i := range n {
		a, b, c := r[i], r[next(i, n)], r[next(next(i, n), n)]
		if a == b || (orient(a, b, c) == 0 && dot(b[0]-a[0], b[1]-a[1], c[0]-b[0], c[1]-b[1]) <= 0) {
			return false
		}
	}
	all := boxes[n]
	tol := 1e-12 * boxScale(all, all)
	if n > 128 {
		return sweptSimple(r, boxes, keys, tol)
	}
	meet := func(i, j int) bool {
		return boxes[i].meets(boxes[j]) && !adjacent(i, j, n) && segmentsMeet(r[i], r[next(i, n)], r[j], r[next(j, n)], tol)
	}
	chains := boxes[n+1:]
	for p, cp := range chains {
		for q := p; q < len(chains); q++ {
			if !cp.meets(chains[q]) {
				continue
			}
			for i := p * chainEdges; i < min(n, (p+1)*chainEdges); i++ {
				j0 := q * chainEdges
				if q == p {
					j0 = i + 1
				}
				for j := j0; j < min(n, (q+1)*chainEdges); j++ {
					if meet(i, j) {
						return false
					}
				}
			}
		}
	}
	return true
}

// sweptSimple is isSimple's edge test for long rings: edges sorted by
// their boxes' west ends, each compared with those starting before it ends.
func sweptSimple(r []orb.Point, boxes []box, keys *[]edgeKey, tol float64) bool {
	n := len(r)
	if keys == nil {
		keys = new([]edgeKey)
	}
	ks := (*keys)[:0]
	for i := range n {
		ks = append(ks, edgeKey{boxes[i].x0, int32(i)})
	}
	*keys = ks
	sortEdgeKeys(ks)
	for k, ki := range ks {
		bi := boxes[ki.i]
		for _, kj := range ks[k+1:] {
			if kj.x0 > bi.x1 {
				break
			}
			i, j := int(ki.i), int(kj.i)
			if adjacent(i, j, n) || !bi.meets(boxes[j]) {
				continue
			}
			if segmentsMeet(r[i], r[next(i, n)], r[j], r[next(j, n)], tol) {
				return false
			}
		}
	}
	return true
}

// sortEdgeKeys sorts by x0. A ring's edges come in a few monotone runs,
// which insertion sort handles faster than the general sort does a ring
// of tens of edges; long rings take the general sort.
func sortEdgeKeys(ks []edgeKey) {
	if len(ks) > 96 {
		slices.SortFunc(ks, func(x, y edgeKey) int { return cmp.Compare(x.x0, y.x0) })
		return
	}
	for i := 1; i < len(ks); i++ {
		k := ks[i]
		j := i
		for ; j > 0 && ks[j-1].x0 > k.x0; j-- {
			ks[j] = ks[j-1]
		}
		ks[j] = k
	}
}

// adjacent tells whether edges i and j of a ring of n follow each other.
func adjacent(i, j, n int) bool {
	d := i - j
	return d == 1 || d == -1 || d == n-1 || d == 1-n
}

// next is the index after i of a ring of n, without a division.
func next(i, n int) int {
	if i++; i == n {
		return 0
	}
	return i
}

// segmentsMeet tells whether segments p-q and r-s cross, touch or come
// within a relative tolerance of touching.
func segmentsMeet(p, q, r, s orb.Point, tol float64) bool {
	d1, d2 := orient(r, s, p), orient(r, s, q)
	d3, d4 := orient(p, q, r), orient(p, q, s)
	lrs, lpq := math.Sqrt(sq(s[0]-r[0])+sq(s[1]-r[1])), math.Sqrt(sq(q[0]-p[0])+sq(q[1]-p[1]))
	if math.Abs(d1) <= tol*lrs || math.Abs(d2) <= tol*lrs || math.Abs(d3) <= tol*lpq || math.Abs(d4) <= tol*lpq {
		return true // (nearly) on the other's line, and the boxes meet: a touch for our purpose
	}
	return (d1 > 0) != (d2 > 0) && (d3 > 0) != (d4 > 0)
}
