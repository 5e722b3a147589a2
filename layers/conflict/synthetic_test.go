package conflict

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/paulmach/orb"

	"lantu/layers"
)

// syntheticLayers are the layers a synthetic blueprint fills: code, count
// per unit of scale, radius (m), class field, classes.
var syntheticLayers = []struct {
	code    string
	n       int
	radius  float64
	field   string
	classes []string
}{
	{"GH_STBHHX", 40, 600, "", nil},
	{"GH_YJJBNT", 120, 400, "", nil},
	{"GH_CZKFBJ", 20, 1500, "", nil},
	{"GL_YDGHXK", 400, 80, "", nil},
	{"GL_NZY", 200, 100, "", nil},
	{"GH_KGDK", 1500, 60, "ydyhdm", []string{"070101", "0801", "1001", "1401", "0103"}},
	{"GH_GHYDYH", 300, 300, "ydyhdm", []string{"0701", "08", "0103", "1207"}},
	{"GH_CGYD", 300, 300, "ydxz", []string{"R", "A", "M", "E2"}},
	{"GH_TGDL", 300, 300, "ydyhdm", []string{"0701", "0103", "1001"}},
	{"GH_LANX", 30, 200, "", nil},
	{"GH_GYZL", 20, 100, "", nil},
	{"GH_JSYDGZQ", 40, 900, "gzqdm", []string{"010", "020", "030"}},
}

// syntheticBlueprint writes a blueprint of random polygons over a 20 km
// square, with two districts, scaled by k.
func syntheticBlueprint(tb testing.TB, k int) *layers.Blueprint {
	tb.Helper()
	bp, err := layers.Create(filepath.Join(tb.TempDir(), "syn.gpkg"), layers.CreateOptions{User: "bench"})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { bp.Close() })
	w, err := bp.Bulk(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	r := rand.New(rand.NewPCG(42, uint64(k)))
	const x0, y0, size = 500000.0, 4600000.0, 20000.0
	for i, code := range []string{"210102", "210103"} {
		sq := mustGeom(tb, square(x0+float64(i)*size/2, y0, x0+float64(i+1)*size/2, y0+size))
		if err := w.Insert("XZ_QXXZQ", sq, map[string]any{"xzqdm": code}); err != nil {
			tb.Fatal(err)
		}
	}
	for _, l := range syntheticLayers {
		for i := range l.n * k {
			attrs := map[string]any{}
			if l.field != "" {
				attrs[l.field] = l.classes[i%len(l.classes)]
			}
			g := randomBlob(r, x0+r.Float64()*size, y0+r.Float64()*size, l.radius)
			if err := w.Insert(l.code, g, attrs); err != nil {
				tb.Fatal(err)
			}
		}
	}
	if err := w.Commit(); err != nil {
		tb.Fatal(err)
	}
	return bp
}

func randomBlob(r *rand.Rand, cx, cy, radius float64) orb.Polygon {
	const k = 7
	ring := make(orb.Ring, 0, k+1)
	for i := range k {
		a := 2 * math.Pi * float64(i) / k
		d := radius * (0.6 + 0.4*r.Float64())
		ring = append(ring, orb.Point{cx + d*math.Cos(a), cy + d*math.Sin(a)})
	}
	return orb.Polygon{append(ring, ring[0])}
}

func TestSyntheticDefaultRules(t *testing.T) {
	bp := syntheticBlueprint(t, 1)
	set, err := DefaultRules()
	if err != nil {
		t.Fatal(err)
	}
	res, err := Run(context.Background(), bp, set, Options{})
	if err != nil {
		t.Fatal(err)
	}
	stored, err := LoadPatches(context.Background(), bp, Filter{NoGeom: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(stored) != len(res.Patches) || len(res.Patches) == 0 {
		t.Fatalf("%d patches found, %d stored", len(res.Patches), len(stored))
	}
	for _, p := range stored {
		if p.District == "" {
			t.Errorf("patch %d (%s) has no district", p.ID, p.RuleID)
			break
		}
	}
	// District runs see a subset with the same patches.
	part, err := RunSource(context.Background(), BlueprintSource(bp), set, Options{District: "210103"})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, p := range res.Patches {
		if p.District == "210103" {
			n++
		}
	}
	if len(part.Patches) != n {
		t.Errorf("district run: %d patches, whole run has %d in that district", len(part.Patches), n)
	}
}

// BenchmarkSyntheticDefaultRules runs the default rules on a synthetic
// blueprint (LANTU_BENCH_K scales it; 1: about 3.3k features).
func BenchmarkSyntheticDefaultRules(b *testing.B) {
	bp := syntheticBlueprint(b, benchK())
	set, _ := DefaultRules()
	var res *Result
	var err error
	for b.Loop() {
		if res, err = Run(context.Background(), bp, set, Options{}); err != nil {
			b.Fatal(err)
		}
	}
	for _, r := range res.Rules {
		if r.Skipped == "" {
			b.Logf("%-20s %-10s %6d patches %14.1f m² %8.1f ms", r.ID, r.Kind, r.Patches, r.Area, r.Millis)
		}
	}
	b.ReportMetric(float64(len(res.Patches)), "patches")
}

// BenchmarkSyntheticIncremental100 moves 100 detailed-plan plots by 1 m and
// times the re-check.
func BenchmarkSyntheticIncremental100(b *testing.B) {
	bp := syntheticBlueprint(b, benchK())
	ctx := context.Background()
	set, _ := DefaultRules()
	if _, err := Run(ctx, bp, set, Options{}); err != nil {
		b.Fatal(err)
	}
	var uids []string
	bp.Query(ctx, layers.Query{Layers: []string{"GH_KGDK"}, NoGeom: true}, func(f *layers.Feature) error {
		if len(uids) < 100 {
			uids = append(uids, f.UID)
		}
		return nil
	})
	var st *RecheckStats
	var err error
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		shiftFeatures(b, bp, "GH_KGDK", uids, float64(i%2*2-1))
		b.StartTimer()
		if st, err = Recheck(ctx, bp, set, Options{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(st.Features), "features")
	b.ReportMetric(float64(st.Journal), "edits")
}

func benchK() int {
	k := 1
	fmt.Sscan(getenv("LANTU_BENCH_K", "1"), &k)
	return max(k, 1)
}
