package render

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/paulmach/orb/encoding/wkt"

	"lantu/layers"
	"lantu/layers/demo"
)

// demoBlueprint opens the demo blueprint of a scale, generating it once
// into $TMPDIR/lantu-bench.
func demoBlueprint(b *testing.B, scale string) *layers.Blueprint {
	b.Helper()
	path := filepath.Join(os.TempDir(), "lantu-bench", scale+".gpkg")
	if _, err := os.Stat(path); err != nil {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			b.Fatal(err)
		}
		tmp := path + ".tmp"
		for _, s := range []string{"", "-wal", "-shm"} {
			os.Remove(tmp + s)
		}
		if _, err := demo.Generate(context.Background(), tmp, demo.Options{Scale: scale, Seed: 1}); err != nil {
			b.Fatalf("demo %s: %v", scale, err)
		}
		if err := os.Rename(tmp, path); err != nil {
			b.Fatal(err)
		}
	}
	bp, err := layers.Open(path, layers.OpenOptions{ReadOnly: true})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { bp.Close() })
	return bp
}

// BenchmarkDemo renders the demo blueprints (small, then city) at
// 1920x1080: full extent, a cold 5 km view, and a 100 px pan over cached
// tiles, all default-visible layers with labels; then the full extent
// through Mapnik for comparison.
func BenchmarkDemo(b *testing.B) {
	for _, scale := range []string{"small", "city"} {
		b.Run(scale, func(b *testing.B) {
			bp := demoBlueprint(b, scale)
			src := FromBlueprint(bp)
			benchFrames(b, src, bp.Extent())
			b.Run("mapnik", func(b *testing.B) {
				compareMapnik(b, src, bp.Path(), Fit(bp.Extent(), 1920, 1080), tablesOf(bp))
			})
		})
	}
}

// BenchmarkBlueprintSynthetic draws the 30 km synthetic city stored in a
// real blueprint (catalog tables and styles: land-use patches with GB/T
// 21010 classes, buildings, road centre lines, hazard points), so the
// benchmark covers the Snapshot path and catalog styles even without the
// demo generator.
func BenchmarkBlueprintSynthetic(b *testing.B) {
	path := filepath.Join(os.TempDir(), "lantu-bench", "synthetic-bp-30km.gpkg")
	if _, err := os.Stat(path); err != nil {
		if err := writeSyntheticBlueprint(path, syntheticCity(30000)); err != nil {
			b.Fatal(err)
		}
	}
	bp, err := layers.Open(path, layers.OpenOptions{ReadOnly: true})
	if err != nil {
		b.Fatal(err)
	}
	defer bp.Close()
	src := FromBlueprint(bp)
	benchFrames(b, src, bp.Extent())
	b.Run("mapnik", func(b *testing.B) {
		compareMapnik(b, src, bp.Path(), Fit(bp.Extent(), 1920, 1080), tablesOf(bp))
	})
}

// syntheticTables maps the synthetic layers to catalog layers and their
// class and label fields.
var syntheticTables = map[string][3]string{
	"landuse": {"XZ_DLTB", "dlbm", ""}, "buildings": {"XZ_JZW", "", ""},
	"roads": {"XZ_DLZXX", "", ""}, "poi": {"XZ_DZZHD", "", "mc"},
}

// writeSyntheticBlueprint stores in-memory synthetic layers in a new
// blueprint.
func writeSyntheticBlueprint(path string, ll LayerList) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp := path + ".tmp"
	for _, s := range []string{"", "-wal", "-shm"} {
		os.Remove(tmp + s)
	}
	bp, err := layers.Create(tmp, layers.CreateOptions{})
	if err != nil {
		return err
	}
	w, err := bp.Bulk(context.Background())
	if err != nil {
		bp.Close()
		return err
	}
	for _, l := range ll {
		m := l.Data.(*memLayer)
		t := syntheticTables[l.Code]
		for _, f := range m.feats {
			g, err := wkt.Unmarshal(memWKT(m.origin, f))
			if err != nil {
				w.Rollback()
				bp.Close()
				return err
			}
			attrs := map[string]any{}
			if t[1] != "" {
				attrs[t[1]] = gbClass(f.class)
			}
			if t[2] != "" {
				attrs[t[2]] = f.label
			}
			if err := w.Insert(t[0], g, attrs); err != nil {
				w.Rollback()
				bp.Close()
				return err
			}
		}
	}
	if err := w.Commit(); err != nil {
		bp.Close()
		return err
	}
	if err := bp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// gbClass turns a synthetic class into a GB/T 21010 land-use code.
func gbClass(c string) string {
	return map[string]string{"0701": "0702", "0702": "0701", "0901": "0508", "1001": "1003",
		"1401": "0301", "0801": "0101", "1101": "1101"}[c]
}

// tablesOf maps layer codes to their tables.
func tablesOf(bp *layers.Blueprint) map[string]string {
	m := map[string]string{}
	for _, l := range bp.Layers() {
		m[l.Code] = l.Table
	}
	return m
}
