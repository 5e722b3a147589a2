package transfer

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"lantu/layers"
)

// BenchmarkImportShapefile reads and imports the Shapefile named by
// LANTU_BENCH_SHP as a new layer of an empty blueprint (skipped without
// it): the in-process half of cmd/lantuctl's BenchmarkImportProcess, for
// profiling with -cpuprofile / -memprofile.
func BenchmarkImportShapefile(b *testing.B) {
	path := os.Getenv("LANTU_BENCH_SHP")
	if path == "" {
		b.Skip("set LANTU_BENCH_SHP to a Shapefile")
	}
	for i := 0; i < b.N; i++ {
		bp, err := layers.Create(filepath.Join(b.TempDir(), "bp.gpkg"), layers.CreateOptions{})
		if err != nil {
			b.Fatal(err)
		}
		src, err := Open(path, ReadOptions{})
		if err != nil {
			b.Fatal(err)
		}
		rep, err := Import(context.Background(), bp, src, ImportOptions{As: "imp"})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(rep.Imported), "features")
		bp.Close()
	}
}
