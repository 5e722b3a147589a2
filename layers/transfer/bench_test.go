package transfer

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"lantu/layers"
)

// benchCSV writes n 50 x 50 m squares as a WKT CSV with a Chinese name.
func benchCSV(b *testing.B, n int) string {
	b.Helper()
	var sb strings.Builder
	sb.WriteString("WKT,项目名称,面积(平方米)\n")
	for i := 0; i < n; i++ {
		x, y := 500000+float64(i%100)*60, 4600000+float64(i/100)*60
		fmt.Fprintf(&sb, "\"POLYGON ((%g %g,%g %g,%g %g,%g %g,%g %g))\",项目%d,2500\n", x, y, x+50, y, x+50, y+50, x, y+50, x, y, i)
	}
	p := filepath.Join(b.TempDir(), "p.csv")
	if err := os.WriteFile(p, []byte(sb.String()), 0o644); err != nil {
		b.Fatal(err)
	}
	return p
}

// BenchmarkImport reads and imports 10,000 polygons from CSV into the
// editable GL_XZFA (Apply batches, journaled) and as a new layer (Bulk).
func BenchmarkImport(b *testing.B) {
	const n = 10000
	path := benchCSV(b, n)
	for _, c := range []struct {
		name string
		opt  ImportOptions
	}{{"GL_XZFA_journaled", ImportOptions{Layer: "GL_XZFA", SRS: 4550}}, {"new_layer_bulk", ImportOptions{As: "imp", SRS: 4550}}} {
		b.Run(c.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				bp, err := layers.Create(filepath.Join(b.TempDir(), fmt.Sprintf("bp%d.gpkg", i)), layers.CreateOptions{})
				if err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				src, err := Read(path, ReadOptions{})
				if err != nil {
					b.Fatal(err)
				}
				rep, err := Import(context.Background(), bp, src, c.opt)
				if err != nil || rep.Imported != n {
					b.Fatalf("%v %+v", err, rep)
				}
				b.StopTimer()
				bp.Close()
				b.StartTimer()
			}
			b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "features/s")
		})
	}
}

// BenchmarkExport writes the 10,000 imported polygons in each format.
func BenchmarkExport(b *testing.B) {
	const n = 10000
	bp, err := layers.Create(filepath.Join(b.TempDir(), "bp.gpkg"), layers.CreateOptions{})
	if err != nil {
		b.Fatal(err)
	}
	defer bp.Close()
	src, err := Read(benchCSV(b, n), ReadOptions{})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := Import(context.Background(), bp, src, ImportOptions{Layer: "GL_XZFA", SRS: 4550}); err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	for _, ext := range []string{".gpkg", ".geojson", ".shp", ".csv", ".txt"} {
		b.Run(ext[1:], func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				out := filepath.Join(dir, fmt.Sprintf("x%d%s", i, ext))
				if _, err := Export(context.Background(), bp, out, ExportOptions{Layer: "GL_XZFA", Force: true}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "features/s")
		})
	}
}
