package layers_test

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"lantu/layers"
	"lantu/layers/demo"
)

// benchScale is the demo scale benchmarks run on: LANTU_BENCH_SCALE, or
// small.
func benchScale() string {
	if s := os.Getenv("LANTU_BENCH_SCALE"); s != "" {
		return s
	}
	return "small"
}

// benchBlueprint returns the cached demo blueprint of the bench scale.
func benchBlueprint(b *testing.B) string {
	b.Helper()
	path, err := demo.Cached(context.Background(), benchScale())
	if err != nil {
		b.Fatalf("demo blueprint: %v", err) // its source data is embedded: nothing can be missing
	}
	return path
}

// BenchmarkOpen measures opening the blueprint until every layer's index
// is ready, and the heap it holds.
func BenchmarkOpen(b *testing.B) {
	path := benchBlueprint(b)
	var features int
	for b.Loop() {
		bp, err := layers.Open(path, layers.OpenOptions{ReadOnly: true})
		if err != nil {
			b.Fatal(err)
		}
		features = 0
		for _, l := range bp.Layers() {
			features += l.Count()
		}
		b.StopTimer()
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		b.ReportMetric(float64(ms.HeapInuse)/(1<<20), "heap-MB")
		bp.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(features), "features")
}

// openWindow opens the bench blueprint and returns a 5 km x 3 km window at
// its centre.
func openWindow(b *testing.B) (*layers.Blueprint, orb.Bound) {
	bp, err := layers.Open(benchBlueprint(b), layers.OpenOptions{ReadOnly: true})
	if err != nil {
		b.Fatal(err)
	}
	c := bp.Extent().Center()
	return bp, orb.Bound{Min: orb.Point{c[0] - 2500, c[1] - 1500}, Max: orb.Point{c[0] + 2500, c[1] + 1500}}
}

// BenchmarkQuery5km queries a 5 km x 3 km window across all layers from the
// in-memory index.
func BenchmarkQuery5km(b *testing.B) {
	bp, box := openWindow(b)
	defer bp.Close()
	var hits int
	for b.Loop() {
		hits = 0
		for _, l := range bp.Layers() {
			l.Read(func(s *layers.Snapshot) {
				s.Search(box, func(int) bool { hits++; return true })
			})
		}
	}
	b.ReportMetric(float64(hits), "features/query")
}

// BenchmarkQueryFeatures5km streams the same window's features with their
// attributes and geometry from the GeoPackage.
func BenchmarkQueryFeatures5km(b *testing.B) {
	bp, box := openWindow(b)
	defer bp.Close()
	var n int
	for b.Loop() {
		n = 0
		if err := bp.Query(context.Background(), layers.Query{BBox: box}, func(*layers.Feature) error { n++; return nil }); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n), "features/query")
}

// BenchmarkApplyBatch measures batched edits (1000 per transaction).
func BenchmarkApplyBatch(b *testing.B) {
	path := filepath.Join(b.TempDir(), "edit.gpkg")
	bp, err := layers.Create(path, layers.CreateOptions{User: "bench"})
	if err != nil {
		b.Fatal(err)
	}
	defer bp.Close()
	var target *layers.Layer
	for _, l := range bp.Layers() {
		if l.Def.Editable && strings.HasPrefix(l.GeomType, "MULTIPOLYGON") {
			target = l
			break
		}
	}
	if target == nil {
		b.Fatal("no editable polygon layer")
	}
	const batch = 1000
	edits := make([]layers.Edit, batch)
	n := 0
	for b.Loop() {
		for i := range edits {
			x := float64(500000 + (n%1000)*50)
			y := float64(4600000 + (n/1000)*50)
			n++
			edits[i] = layers.Edit{Op: layers.OpInsert, Layer: target.Code,
				Geom: orb.Polygon{{{x, y}, {x + 40, y}, {x + 40, y + 40}, {x, y + 40}, {x, y}}}}
		}
		if _, err := bp.Apply(context.Background(), edits...); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(batch*b.N)/b.Elapsed().Seconds(), "edits/s")
}
