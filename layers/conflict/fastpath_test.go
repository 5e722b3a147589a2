package conflict

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
	"github.com/paulmach/orb/encoding/wkt"
	"github.com/twpayne/go-geos"
)

// far shifts a WKT polygon written about the origin to EPSG:4550-sized
// coordinates, where rounding is what the engine meets.
func far(s string) string {
	g, err := wkt.Unmarshal(s)
	if err != nil {
		panic(s)
	}
	shift := func(r orb.Ring) {
		for i := range r {
			r[i] = orb.Point{r[i][0] + 500000, r[i][1] + 4600000}
		}
	}
	switch g := g.(type) {
	case orb.Polygon:
		for _, r := range g {
			shift(r)
		}
	case orb.MultiPolygon:
		for _, p := range g {
			for _, r := range p {
				shift(r)
			}
		}
	}
	return wkt.MarshalString(g)
}

const (
	fpStar   = "POLYGON((0 0,40 -5,80 0,70 40,80 80,40 70,0 80,10 40,0 0))"
	fpHoled  = "POLYGON((0 0,100 0,100 100,0 100,0 0),(20 20,20 40,40 40,40 20,20 20),(60 60,60 80,80 80,80 60,60 60))"
	fpHoleCW = "POLYGON((0 0,0 100,100 100,100 0,0 0),(20 20,40 20,40 40,20 40,20 20))"
)

// TestFastPathsAgainstGEOS runs the exclusive overlay on awkward pairs,
// each both ways, and holds every patch to GEOS: the total area, and each
// patch's geometry valid with the area, perimeter and centroid the patch
// states. The Go paths (containment, Greiner-Hormann, holes) must give
// GEOS's answer or hand the pair to GEOS.
func TestFastPathsAgainstGEOS(t *testing.T) {
	// inGo: the Go paths answer the pair (not swapped) rather than GEOS.
	cases := []struct {
		name, a, b string
		inGo       bool
	}{
		{"A inside B", "POLYGON((30 30,50 30,45 40,50 50,30 50,30 30))", fpStar, true},
		{"A equals B", fpStar, fpStar, false},
		{"shared edge", fpStar, "POLYGON((80 0,120 0,120 80,80 80,70 40,80 0))", false},
		{"touching vertex", fpStar, "POLYGON((80 80,120 80,120 120,80 120,80 80))", false},
		{"vertex on edge", fpStar, "POLYGON((40 -5,60 -30,20 -30,40 -5))", false},
		{"sliver", fpStar, "POLYGON((-10 -1e-4,100 -1e-4,100 1e-4,-10 1e-4,-10 -1e-4))", true},
		{"two pieces", "POLYGON((0 0,90 0,90 90,60 90,60 30,30 30,30 90,0 90,0 0))", "POLYGON((-10 50,100 50,100 70,-10 70,-10 50))", true},
		{"crossing", fpStar, "POLYGON((50 20,120 30,110 60,60 70,50 20))", true},
		{"A in a hole", "POLYGON((25 25,35 25,30 35,25 25))", fpHoled, true},
		{"A on a hole's edge", "POLYGON((20 25,10 30,15 35,20 25))", fpHoled, false},
		{"A shares a hole's edge", "POLYGON((20 20,40 20,30 10,20 20))", fpHoled, false},
		{"hole inside A", "POLYGON((10 10,50 12,48 50,12 48,10 10))", fpHoled, true},
		{"both holes inside A", "POLYGON((5 5,95 6,94 94,6 95,5 5))", fpHoled, true},
		{"A crosses a hole", "POLYGON((30 30,50 30,50 50,30 50,30 30))", fpHoled, false},
		{"A crosses the outer ring", "POLYGON((90 -10,110 -10,110 50,90 50,90 -10))", fpHoled, true},
		{"holed B inside A", "POLYGON((-10 -10,110 -10,110 110,-10 110,-10 -10))", fpHoled, true},
		{"A equals the outer ring", "POLYGON((0 0,100 0,100 100,0 100,0 0))", fpHoled, false},
		{"clockwise holed B", "POLYGON((10 10,50 12,48 50,12 48,10 10))", fpHoleCW, true},
		{"two pieces, one holed", "POLYGON((0 0,90 0,90 90,60 90,60 10,30 10,30 90,0 90,0 0))",
			"POLYGON((-10 50,100 50,100 99,-10 99,-10 50),(5 60,25 60,25 80,5 80,5 60))", false},
	}
	gctx := geos.NewContext()
	for _, tc := range cases {
		for _, swap := range []bool{false, true} {
			a, b := far(tc.a), far(tc.b)
			name := tc.name
			if swap {
				a, b, name = b, a, tc.name+" (swapped)"
			}
			t.Run(name, func(t *testing.T) { checkPairAgainstGEOS(t, gctx, a, b) })
		}
		if got := inGo(t, far(tc.a), far(tc.b)); got != tc.inGo {
			t.Errorf("%s: Go paths answer it: %v, want %v", tc.name, got, tc.inGo)
		}
	}
}

// inGo tells whether the Go paths answer A ∩ B (GEOS is not needed).
func inGo(t *testing.T, a, b string) bool {
	var c clipper
	ag, oka := makeGoRing(mustGeom(t, a), nil, nil)
	bg, okb := makeGoPolygon(mustGeom(t, b), nil, &c)
	if !oka || !okb {
		return false
	}
	_, _, ok := c.holedClip(&ag, &bg)
	return ok
}

// checkPairAgainstGEOS overlays A and B (exclusive, no minimum area) and
// compares the patches with GEOS.
func checkPairAgainstGEOS(t *testing.T, gctx *geos.Context, a, b string) {
	t.Helper()
	src := &memSource{srid: 4550}
	src.add(t, "A", a, "x")
	src.add(t, "B", b, "y")
	set := kindRule(t, KindExclusive)
	res, err := RunSource(context.Background(), src, set, Options{Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	ga, err := gctx.NewGeomFromWKT(a)
	if err != nil {
		t.Fatal(err)
	}
	gb, err := gctx.NewGeomFromWKT(b)
	if err != nil {
		t.Fatal(err)
	}
	want := ga.Intersection(gb).Area()
	got := totalArea(res.Patches)
	if math.Abs(got-want) > 1e-9*math.Max(want, 1) {
		t.Errorf("area %.9f, GEOS %.9f (%d patches)", got, want, len(res.Patches))
	}
	for _, p := range res.Patches {
		checkPatchGeometry(t, gctx, p)
	}
}

// checkPatchGeometry holds a patch's stated measures to GEOS's of its
// geometry.
func checkPatchGeometry(t *testing.T, gctx *geos.Context, p Patch) {
	t.Helper()
	raw, err := wkb.Marshal(p.Geom)
	if err != nil {
		t.Fatal(err)
	}
	g, err := gctx.NewGeomFromWKB(raw)
	if err != nil {
		t.Fatal(err)
	}
	if !g.IsValid() {
		t.Errorf("patch geometry invalid: %s: %s", g.IsValidReason(), wkt.MarshalString(p.Geom))
		return
	}
	c := g.Centroid()
	scale := math.Sqrt(math.Max(p.Area, 1))
	switch {
	case math.Abs(g.Area()-p.Area) > 1e-9*math.Max(p.Area, 1):
		t.Errorf("patch area %.9f, GEOS %.9f", p.Area, g.Area())
	case math.Abs(g.Length()-p.Perimeter) > 1e-9*math.Max(p.Perimeter, 1):
		t.Errorf("patch perimeter %.9f, GEOS %.9f", p.Perimeter, g.Length())
	case math.Hypot(c.X()-p.Centroid[0], c.Y()-p.Centroid[1]) > 1e-6*scale:
		t.Errorf("patch centroid %v, GEOS (%f %f)", p.Centroid, c.X(), c.Y())
	}
}

// TestHoledClipAgainstGEOS compares the Go overlay of a simple ring with a
// polygon with holes against GEOS on random pairs: every result it accepts
// has GEOS's area and a valid geometry, and it takes most pairs.
func TestHoledClipAgainstGEOS(t *testing.T) {
	r := rand.New(rand.NewPCG(clipSeed(t), 11))
	gctx := geos.NewContext()
	var c clipper
	var keys []edgeKey
	accepted, tried := 0, 0
	for k := range 2000 {
		base := orb.Point{500000 + r.Float64()*1000, 4600000 + r.Float64()*1000}
		outer := starPolygon(r, base, 200, 8+r.IntN(40))
		poly := orb.Polygon{closeRing(outer)}
		for range 1 + r.IntN(3) {
			hc := orb.Point{base[0] + (r.Float64()-0.5)*120, base[1] + (r.Float64()-0.5)*120}
			hole := starPolygon(r, hc, 10+30*r.Float64(), 3+r.IntN(12))
			reversePoints(hole)
			poly = append(poly, closeRing(hole))
		}
		a := starPolygon(r, orb.Point{base[0] + (r.Float64()-0.5)*300, base[1] + (r.Float64()-0.5)*300}, 20+100*r.Float64(), 3+r.IntN(40))
		gb := geosPolygon(t, gctx, poly)
		ga := geosRing(t, gctx, a)
		if !gb.IsValid() || !ga.IsValid() {
			continue
		}
		tried++
		bg, okb := makeGoPolygon(poly, &keys, &c)
		ag, oka := makeGoRing(orb.Polygon{closeRing(a)}, nil, &keys)
		if !okb || !oka {
			continue
		}
		mp, m, ok := c.holedClip(&ag, &bg)
		if !ok {
			continue
		}
		accepted++
		want := ga.Intersection(gb).Area()
		if math.Abs(m.area-want) > 1e-9*math.Max(want, 1) {
			t.Errorf("case %d: area %.9f, GEOS %.9f", k, m.area, want)
		}
		if len(mp) > 0 {
			if g := geosPolygon(t, gctx, mp); !g.IsValid() || math.Abs(g.Area()-m.area) > 1e-9*math.Max(want, 1) {
				t.Errorf("case %d: result %s (valid %v), area %.9f, stated %.9f", k, wkt.MarshalString(mp), g.IsValid(), g.Area(), m.area)
			}
		}
	}
	t.Logf("%d of %d valid pairs took the Go path", accepted, tried)
	if accepted < tried*3/4 {
		t.Errorf("only %d of %d pairs took the Go path", accepted, tried)
	}
}

func geosPolygon(t *testing.T, gctx *geos.Context, g orb.Geometry) *geos.Geom {
	t.Helper()
	b, err := wkb.Marshal(g)
	if err != nil {
		t.Fatal(err)
	}
	out, err := gctx.NewGeomFromWKB(b)
	if err != nil {
		t.Fatal(fmt.Errorf("%s: %w", strings.TrimSpace(wkt.MarshalString(g)), err))
	}
	return out
}
