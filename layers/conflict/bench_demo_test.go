package conflict

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/paulmach/orb"

	"lantu/layers"
	"lantu/layers/demo"
)

// benchScale is the demo scale: LANTU_BENCH_SCALE, or small.
func benchScale() string {
	if s := os.Getenv("LANTU_BENCH_SCALE"); s != "" {
		return s
	}
	return "small"
}

// demoCopy opens a private copy of the cached demo blueprint.
func demoCopy(b *testing.B) *layers.Blueprint {
	b.Helper()
	path, err := demo.Cached(context.Background(), benchScale())
	if err != nil {
		b.Fatalf("demo blueprint: %v", err) // its source data is embedded: nothing can be missing
	}
	dst := filepath.Join(b.TempDir(), "bp.gpkg")
	if err := copyFile(path, dst); err != nil {
		b.Fatal(err)
	}
	bp, err := layers.Open(dst, layers.OpenOptions{User: "bench"})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { bp.Close() })
	return bp
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// BenchmarkDefaultRules runs the default rule set on the demo blueprint,
// storing the patches.
func BenchmarkDefaultRules(b *testing.B) {
	bp := demoCopy(b)
	set, err := DefaultRules()
	if err != nil {
		b.Fatal(err)
	}
	var res *Result
	for b.Loop() {
		if res, err = Run(context.Background(), bp, set, Options{}); err != nil {
			b.Fatal(err)
		}
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	area := 0.0
	for _, r := range res.Rules {
		area += r.Area
		if r.Skipped == "" {
			b.Logf("%-20s %-10s %6d patches %14.1f m² %8.1f ms", r.ID, r.Kind, r.Patches, r.Area, r.Millis)
		}
	}
	b.ReportMetric(float64(len(res.Patches)), "patches")
	b.ReportMetric(area/1e6, "km²")
	b.ReportMetric(float64(ms.Sys)/(1<<20), "MB-sys")
}

// BenchmarkIncremental100 moves 100 plots of the detailed plan by 1 m and
// times the re-check of the default rules.
func BenchmarkIncremental100(b *testing.B) {
	bp := demoCopy(b)
	ctx := context.Background()
	set, err := DefaultRules()
	if err != nil {
		b.Fatal(err)
	}
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
	if len(uids) == 0 {
		b.Fatal("demo has no GH_KGDK plots") // the demo fills every vector layer
	}
	var st *RecheckStats
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

func shiftFeatures(b *testing.B, bp *layers.Blueprint, layer string, uids []string, dx float64) {
	ctx := context.Background()
	edits := make([]layers.Edit, 0, len(uids))
	for _, u := range uids {
		f, err := bp.FeatureByUID(ctx, layer, u)
		if err != nil {
			b.Fatal(err)
		}
		edits = append(edits, layers.Edit{Op: layers.OpUpdate, Layer: layer, UID: u, Geom: shift(f.Geom, dx)})
	}
	if _, err := bp.Apply(ctx, edits...); err != nil {
		b.Fatal(err)
	}
}

func shift(g orb.Geometry, dx float64) orb.Geometry {
	switch t := g.(type) {
	case orb.Polygon:
		out := make(orb.Polygon, len(t))
		for i, r := range t {
			out[i] = make(orb.Ring, len(r))
			for j, p := range r {
				out[i][j] = orb.Point{p[0] + dx, p[1]}
			}
		}
		return out
	case orb.MultiPolygon:
		out := make(orb.MultiPolygon, len(t))
		for i, p := range t {
			out[i] = shift(p, dx).(orb.Polygon)
		}
		return out
	}
	return g
}

func getenv(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}
