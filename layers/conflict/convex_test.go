package conflict

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkt"
	"github.com/twpayne/go-geos"
)

// TestClipConvexAgainstGEOS clips fixed and random polygons by convex ones
// and compares with GEOS: the area, the validity, and that the fast path
// declines exactly when GEOS finds several pieces.
func TestClipConvexAgainstGEOS(t *testing.T) {
	gc := geos.NewContext()
	type pair struct{ subject, clip string }
	fixed := []pair{
		{"POLYGON((0 0,10 0,10 10,0 10,0 0))", "POLYGON((5 5,15 5,15 15,5 15,5 5))"},                       // overlap
		{"POLYGON((0 0,10 0,10 10,0 10,0 0))", "POLYGON((20 20,30 20,30 30,20 20))"},                       // apart
		{"POLYGON((0 0,10 0,10 10,0 10,0 0))", "POLYGON((10 0,20 0,20 10,10 10,10 0))"},                    // touching edge
		{"POLYGON((2 2,4 2,4 4,2 4,2 2))", "POLYGON((0 0,10 0,10 10,0 10,0 0))"},                           // inside
		{"POLYGON((0 0,10 0,10 10,0 10,0 0))", "POLYGON((2 2,4 2,4 4,2 4,2 2))"},                           // clip inside
		{"POLYGON((0 0,9 0,9 9,6 9,6 3,3 3,3 9,0 9,0 0))", "POLYGON((-1 5,10 5,10 12,-1 12,-1 5))"},        // U: two arms
		{"POLYGON((0 0,9 0,9 9,6 9,6 3,3 3,3 9,0 9,0 0))", "POLYGON((-1 2,10 2,10 12,-1 12,-1 2))"},        // U: one piece
		{"POLYGON((0 0,10 10,0 10,10 0,0 0))", "POLYGON((0 0,10 0,10 10,0 10,0 0))"},                       // bow-tie subject: simpleRing turns it, GEOS repairs
		{"POLYGON((0 0,10 0,10 10,0 10,0 0),(2 2,4 2,4 4,2 4,2 2))", "POLYGON((0 0,10 0,10 10,0 10,0 0))"}, // hole: not simple
	}
	rnd := rand.New(rand.NewPCG(3, 4))
	blob := func(k int, cx, cy, r, jitter float64) string {
		ring := make(orb.Ring, 0, k+1)
		for i := range k {
			a := 2 * math.Pi * float64(i) / float64(k)
			d := r * (1 - jitter + jitter*rnd.Float64())
			ring = append(ring, orb.Point{cx + d*math.Cos(a), cy + d*math.Sin(a)})
		}
		return wkt.MarshalString(orb.Polygon{append(ring, ring[0])})
	}
	for range 400 {
		fixed = append(fixed, pair{blob(8, rnd.Float64()*300, rnd.Float64()*300, 300, 0.6), blob(5, rnd.Float64()*300, rnd.Float64()*300, 80, 0.4)})
	}
	fast, declined := 0, 0
	for _, tc := range fixed {
		sg, _ := wkt.Unmarshal(tc.subject)
		cg, _ := wkt.Unmarshal(tc.clip)
		subject, _ := orientedRing(sg)
		clip, _ := orientedRing(cg)
		if subject == nil || clip == nil || !convex(clip) {
			declined++
			continue
		}
		gs, _ := gc.NewGeomFromWKT(tc.subject)
		gcl, _ := gc.NewGeomFromWKT(tc.clip)
		if !gs.IsValid() {
			declined++ // the engine repairs invalid input and never clips it here
			continue
		}
		want := gs.Intersection(gcl)
		wantArea, parts := want.Area(), want.NumGeometries()
		out, ok := clipConvex(subject, clip)
		if !ok {
			declined++
			continue
		}
		fast++
		if out == nil {
			if wantArea > 1e-9 {
				t.Errorf("%s ∩ %s: fast path says empty, GEOS %.6f", tc.subject, tc.clip, wantArea)
			}
			continue
		}
		area, _, _ := ringMeasures(out)
		if math.Abs(area-wantArea) > 1e-9*math.Max(1, wantArea) {
			t.Errorf("%s ∩ %s: area %.9f, GEOS %.9f", tc.subject, tc.clip, area, wantArea)
		}
		if parts > 1 && want.TypeID() == geos.TypeIDMultiPolygon {
			t.Errorf("%s ∩ %s: fast path kept a result GEOS splits in %d", tc.subject, tc.clip, parts)
		}
		g, err := gc.NewGeomFromWKT(wkt.MarshalString(orb.Polygon{append(orb.Ring(out), out[0])}))
		if err != nil || !g.IsValid() {
			t.Errorf("%s ∩ %s: invalid result %v (%v)", tc.subject, tc.clip, out, err)
		}
	}
	t.Logf("%d pairs on the fast path, %d declined", fast, declined)
	if fast < len(fixed)/2 {
		t.Errorf("only %d of %d pairs took the fast path", fast, len(fixed))
	}
}

func TestConvexAndMeasures(t *testing.T) {
	for _, tc := range []struct {
		wkt    string
		convex bool
	}{
		{"POLYGON((0 0,4 0,4 4,0 4,0 0))", true},
		{"POLYGON((0 0,0 4,4 4,4 0,0 0))", true}, // clockwise: turned
		{"POLYGON((0 0,4 0,2 1,4 4,0 4,0 0))", false},
		{"POLYGON((0 0,2 0,4 0,4 4,0 4,0 0))", true},    // a straight vertex
		{"POLYGON((0 0,10 0,2 6,5 -3,8 6,0 0))", false}, // a star turns twice
	} {
		g, _ := wkt.Unmarshal(tc.wkt)
		r, _ := orientedRing(g)
		if got := convex(r); got != tc.convex {
			t.Errorf("%s: convex %v, want %v", tc.wkt, got, tc.convex)
		}
	}
	sq, _ := wkt.Unmarshal("POLYGON((500000 4600000,500100 4600000,500100 4600050,500000 4600050,500000 4600000))")
	r, _ := orientedRing(sq)
	a, p, c := ringMeasures(r)
	if a != 5000 || p != 300 || c != (orb.Point{500050, 4600025}) {
		t.Errorf("measures %v %v %v", a, p, c)
	}
}
