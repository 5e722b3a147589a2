package layerstyle

import (
	"context"
	"path/filepath"
	"testing"

	"lantu/layers/gpkg"
)

// BenchmarkParseQML parses the largest fixture QML (QGIS 3.22's 18 KB
// single-symbol style with labeling), the cost added to opening a layer.
func BenchmarkParseQML(b *testing.B) {
	data := readSeedB(b, "single_parcels.qml")
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := ParseQML(data); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseSLD parses QGIS's SLD of the graduated parcels.
func BenchmarkParseSLD(b *testing.B) {
	data := readSeedB(b, "graduated_parcels.sld")
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := ParseSLD(data); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReadDefaults reads the layer_styles of a fixture (three rows).
func BenchmarkReadDefaults(b *testing.B) {
	db, err := gpkg.Open(filepath.Join("testdata", "single.gpkg"), true)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	for b.Loop() {
		if _, err := ReadDefaults(context.Background(), db.R); err != nil {
			b.Fatal(err)
		}
	}
}
