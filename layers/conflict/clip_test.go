package conflict

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
	"github.com/twpayne/go-geos"
)

// clipSeed is LANTU_CLIP_SEED, or a fixed default; the test prints it.
func clipSeed(t *testing.T) uint64 {
	s, err := strconv.ParseUint(os.Getenv("LANTU_CLIP_SEED"), 10, 64)
	if err != nil {
		s = 20261201
	}
	t.Logf("seed %d (LANTU_CLIP_SEED overrides)", s)
	return s
}

// starPolygon is a random star-shaped, generally non-convex ring around c.
func starPolygon(r *rand.Rand, c orb.Point, radius float64, n int) []orb.Point {
	ring := make([]orb.Point, n)
	for i := range n {
		a := 2 * math.Pi * (float64(i) + 0.8*r.Float64()) / float64(n)
		d := radius * (0.4 + 0.6*r.Float64())
		ring[i] = orb.Point{c[0] + d*math.Cos(a), c[1] + d*math.Sin(a)}
	}
	return ring
}

func geosRing(t *testing.T, gctx *geos.Context, r []orb.Point) *geos.Geom {
	closed := append(orb.Ring(append([]orb.Point(nil), r...)), r[0])
	b, err := wkb.Marshal(orb.Polygon{closed})
	if err != nil {
		t.Fatal(err)
	}
	g, err := gctx.NewGeomFromWKB(b)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// TestClipSimpleAgainstGEOS compares the Greiner-Hormann fast path with
// GEOS on random non-convex pairs far from the origin (as EPSG:4550
// coordinates are): every result it accepts has GEOS's area, valid rings
// and no more pieces than GEOS has, and it declines only degenerate cases.
func TestClipSimpleAgainstGEOS(t *testing.T) {
	r := rand.New(rand.NewPCG(clipSeed(t), 3))
	gctx := geos.NewContext()
	accepted := 0
	const cases = 3000
	var reused clipper // as a worker keeps one: every result must be clipSimple's
	var prevA []orb.Point
	for k := range cases {
		base := orb.Point{500000 + r.Float64()*1000, 4600000 + r.Float64()*1000}
		a := starPolygon(r, base, 100, 3+r.IntN(40))
		b := starPolygon(r, orb.Point{base[0] + (r.Float64()-0.5)*250, base[1] + (r.Float64()-0.5)*250}, 50+100*r.Float64(), 3+r.IntN(40))
		ga, gb := geosRing(t, gctx, a), geosRing(t, gctx, b)
		if !ga.IsValid() || !gb.IsValid() {
			continue
		}
		rings, ok := clipSimple(a, b)
		if k%2 == 1 { // the same A against a second B
			again, ok2 := reusedClip(&reused, prevA, b)
			want, okw := clipSimple(prevA, b)
			if ok2 != okw || fmt.Sprint(again) != fmt.Sprint(want) {
				t.Errorf("case %d: a reused clipper gave %v (%v), clipSimple %v (%v)", k, again, ok2, want, okw)
			}
		}
		if again, ok2 := reusedClip(&reused, a, b); ok2 != ok || fmt.Sprint(again) != fmt.Sprint(rings) {
			t.Errorf("case %d: a reused clipper gave %v (%v), clipSimple %v (%v)", k, again, ok2, rings, ok)
		}
		prevA = a
		if !ok {
			continue
		}
		accepted++
		inter := ga.Intersection(gb)
		want := inter.Area()
		got := 0.0
		for _, ring := range rings {
			ar, _, _ := ringMeasures(ring)
			got += ar
			if g := geosRing(t, gctx, ring); !g.IsValid() {
				t.Errorf("case %d: result ring invalid: %s", k, g.IsValidReason())
			}
		}
		if math.Abs(got-want) > 1e-9*math.Max(want, 1) {
			t.Errorf("case %d: area %.9f, GEOS %.9f (%d rings, GEOS %d parts)", k, got, want, len(rings), inter.NumGeometries())
		}
	}
	t.Logf("%d of %d cases took the fast path", accepted, cases)
	if accepted < cases/2 {
		t.Errorf("only %d of %d random cases took the fast path", accepted, cases)
	}
}

// reusedClip is clipSimple through a clipper kept between calls.
func reusedClip(c *clipper, a, b []orb.Point) ([]orb.Ring, bool) {
	ga, oka := makeGoRing(orb.Polygon{closeRing(a)}, nil, nil)
	gb, okb := makeGoRing(orb.Polygon{closeRing(b)}, nil, nil)
	if !oka || !okb {
		return nil, false
	}
	rings, _, ok := c.clip(&ga, &gb)
	return rings, ok
}

// TestClipSimpleDegenerate: shared edges, a shared vertex, identical rings
// and a vertex on an edge all go to GEOS.
func TestClipSimpleDegenerate(t *testing.T) {
	sq := func(x, y, s float64) []orb.Point {
		return []orb.Point{{x, y}, {x + s, y}, {x + s, y + s}, {x, y + s}}
	}
	for name, c := range map[string][2][]orb.Point{
		"identical":      {sq(0, 0, 10), sq(0, 0, 10)},
		"shared edge":    {sq(0, 0, 10), sq(10, 0, 10)},
		"shared vertex":  {sq(0, 0, 10), sq(10, 10, 10)},
		"vertex on edge": {sq(0, 0, 10), {{5, 10}, {8, 15}, {2, 15}}},
		"inner touching": {sq(0, 0, 10), sq(0, 2, 5)},
	} {
		if _, ok := clipSimple(c[0], c[1]); ok {
			t.Errorf("%s: fast path accepted a degenerate pair", name)
		}
	}
	if rings, ok := clipSimple(sq(0, 0, 10), sq(2, 2, 5)); !ok || len(rings) != 1 || ringArea2(rings[0]) != 50 {
		t.Errorf("contained square: %v %v", rings, ok)
	}
	if rings, ok := clipSimple(sq(0, 0, 10), sq(20, 0, 5)); !ok || len(rings) != 0 {
		t.Errorf("disjoint squares: %v %v", rings, ok)
	}
}
