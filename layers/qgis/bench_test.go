package qgis

import (
	"context"
	"path/filepath"
	"testing"

	"lantu/layers"
)

// BenchmarkStyles writes the QML and SLD of every vector catalog layer.
func BenchmarkStyles(b *testing.B) {
	cat := defaultCatalog(b)
	ls := vectorLayers(cat)
	var n int
	for b.Loop() {
		n = 0
		for _, l := range ls {
			n += len(QML(cat, l, l.Style)) + len(SLD(cat, l, l.Style))
		}
	}
	b.ReportMetric(float64(n), "bytes/op")
}

// BenchmarkWrite writes both tables into an empty blueprint (what the
// demo and `lantuctl qgis` add to their time).
func BenchmarkWrite(b *testing.B) {
	bp, err := layers.Create(filepath.Join(b.TempDir(), "plan.gpkg"), layers.CreateOptions{})
	if err != nil {
		b.Fatal(err)
	}
	defer bp.Close()
	for b.Loop() {
		if err := Write(context.Background(), bp); err != nil {
			b.Fatal(err)
		}
	}
}
