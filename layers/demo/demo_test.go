package demo

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/twpayne/go-geos"

	"lantu/assets"
	"lantu/layers"
	"lantu/layers/gpkg"
	"lantu/layers/peer/peertest"
)

var (
	tinyOnce  sync.Once
	tinyPath  string
	tinyStats *Stats
	tinyErr   error
)

// tiny generates one tiny demo shared by the tests of this package.
func tiny(t *testing.T) (string, *Stats) {
	tinyOnce.Do(func() {
		d, err := os.MkdirTemp("", "lantu-demo-test")
		if err != nil {
			tinyErr = err
			return
		}
		tinyPath = filepath.Join(d, "tiny.gpkg")
		tinyStats, tinyErr = Generate(context.Background(), tinyPath, Options{Scale: "tiny", Seed: 7})
	})
	if tinyErr != nil {
		t.Fatal(tinyErr)
	}
	return tinyPath, tinyStats
}

// TestMain makes every generation without a DataDir read the copy embedded
// in the binary, never a folder named by the environment.
func TestMain(m *testing.M) {
	os.Unsetenv("LANTU_DATA")
	code := m.Run()
	if tinyPath != "" {
		os.RemoveAll(filepath.Dir(tinyPath))
	}
	os.Exit(code)
}

// contentHash hashes every feature's uid, geometry and attributes (not the
// creation time) in layer and fid order.
func contentHash(t *testing.T, path string) string {
	bp, err := layers.Open(path, layers.OpenOptions{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer bp.Close()
	h := sha256.New()
	err = bp.Query(context.Background(), layers.Query{}, func(f *layers.Feature) error {
		wkb, err := gpkg.EncodeWKB(f.Geom)
		if err != nil {
			return fmt.Errorf("%s fid %d: %w", f.Layer.Table, f.FID, err)
		}
		fmt.Fprintf(h, "%s|%s|%x|", f.Layer.Table, f.UID, wkb)
		keys := make([]string, 0, len(f.Attrs))
		for k := range f.Attrs {
			if k != "updated_at" && k != "updated_by" {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		for _, k := range keys {
			fmt.Fprintf(h, "%s=%v;", k, f.Attrs[k])
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func TestGenerateDeterministic(t *testing.T) {
	path, st := tiny(t)
	other := filepath.Join(t.TempDir(), "again.gpkg")
	st2, err := Generate(context.Background(), other, Options{Scale: "tiny", Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	if st.Features != st2.Features || fmt.Sprint(st.Layers) != fmt.Sprint(st2.Layers) {
		t.Fatalf("counts differ: %d vs %d features", st.Features, st2.Features)
	}
	if a, b := contentHash(t, path), contentHash(t, other); a != b {
		t.Fatalf("content hash differs: %s vs %s", a, b)
	}
}

func TestEveryLayerFilled(t *testing.T) {
	path, st := tiny(t)
	bp, err := layers.Open(path, layers.OpenOptions{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer bp.Close()
	for _, l := range bp.Catalog().Layers {
		if l.Geometry == "raster" {
			r := bp.Raster(l.Code)
			if r == nil || r.Tiles == 0 || r.Tiles != st.Layers[l.Code] || r.SRID != bp.SRID() {
				t.Errorf("raster layer %s (%s): %+v, stats %d tiles", l.Code, l.NameZh, r, st.Layers[l.Code])
			}
			continue
		}
		if st.Layers[l.Code] == 0 {
			t.Errorf("layer %s (%s, table %s) has no features", l.Code, l.NameZh, l.Table)
		}
		if bl := bp.Layer(l.Code); bl == nil || bl.Count() != st.Layers[l.Code] {
			t.Errorf("layer %s: stored count differs from stats %d", l.Code, st.Layers[l.Code])
		}
	}
}

// TestGeometriesValid checks every stored geometry with GEOS.
func TestGeometriesValid(t *testing.T) {
	path, _ := tiny(t)
	gc := geos.NewContext()
	bp, err := layers.Open(path, layers.OpenOptions{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer bp.Close()
	err = bp.Query(context.Background(), layers.Query{}, func(f *layers.Feature) error {
		g, err := toGEOS(gc, f)
		if err != nil {
			return err
		}
		if !g.IsValid() {
			t.Errorf("%s fid %d: invalid geometry: %s", f.Layer.Table, f.FID, g.IsValidReason())
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func toGEOS(gc *geos.Context, f *layers.Feature) (*geos.Geom, error) {
	wkb, err := gpkg.EncodeWKB(f.Geom)
	if err != nil {
		return nil, fmt.Errorf("%s fid %d: %w", f.Layer.Table, f.FID, err)
	}
	g, err := gc.NewGeomFromWKB(wkb)
	if err != nil {
		return nil, fmt.Errorf("%s fid %d: %w", f.Layer.Table, f.FID, err)
	}
	return g, nil
}

// TestLandUseTessellates checks that the survey patches neither overlap nor
// leave gaps: their area sum, their union and the city agree within 0.1%.
func TestLandUseTessellates(t *testing.T) {
	path, _ := tiny(t)
	gc := geos.NewContext()
	bp, err := layers.Open(path, layers.OpenOptions{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer bp.Close()
	area := map[string]float64{}
	var patches []*geos.Geom
	err = bp.Query(context.Background(), layers.Query{Layers: []string{"XZ_DLTB", "XZ_SJXZQ"}}, func(f *layers.Feature) error {
		g, err := toGEOS(gc, f)
		if err != nil {
			return err
		}
		area[f.Layer.Code] += g.Area()
		if f.Layer.Code == "XZ_DLTB" {
			patches = append(patches, g)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	union := gc.NewCollection(geos.TypeIDGeometryCollection, patches).UnaryUnion().Area()
	city, sum := area["XZ_SJXZQ"], area["XZ_DLTB"]
	if city == 0 || len(patches) == 0 {
		t.Fatalf("no city outline (%v) or no patches (%d)", city, len(patches))
	}
	if overlap := sum - union; overlap > 1e-6*city {
		t.Errorf("patches overlap by %.0f m²", overlap)
	}
	if gap := math.Abs(city-union) / city; gap > 0.001 {
		t.Errorf("patches cover %.0f m² of %.0f m² (%.3f%% off)", union, city, gap*100)
	}
}

// TestDataDirOverride generates from a folder on disk named by LANTU_DATA
// holding a copy of the embedded data: the content must be the embedded
// copy's.
func TestDataDirOverride(t *testing.T) {
	path, _ := tiny(t)
	dir := filepath.Join(t.TempDir(), "data")
	if err := os.CopyFS(dir, assets.DemoSource()); err != nil {
		t.Fatal(err)
	}
	t.Setenv("LANTU_DATA", dir)
	other := filepath.Join(t.TempDir(), "from-dir.gpkg")
	if _, err := Generate(context.Background(), other, Options{Scale: "tiny", Seed: 7}); err != nil {
		t.Fatal(err)
	}
	if a, b := contentHash(t, path), contentHash(t, other); a != b {
		t.Fatalf("content from LANTU_DATA=%s differs from the embedded copy's: %s vs %s", dir, b, a)
	}
}

// TestMissingData: a data folder lacking a file the demo reads gets an
// error naming that file, and nothing is written.
func TestMissingData(t *testing.T) {
	for _, missing := range []string{outlineFile, riversFile, etopoFile} {
		t.Run(missing, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.CopyFS(dir, assets.DemoSource()); err != nil {
				t.Fatal(err)
			}
			if err := os.Remove(filepath.Join(dir, filepath.FromSlash(missing))); err != nil {
				t.Fatal(err)
			}
			out := filepath.Join(t.TempDir(), "x.gpkg")
			_, err := Generate(context.Background(), out, Options{Scale: "tiny", DataDir: dir})
			if want := filepath.Join(dir, filepath.FromSlash(missing)); err == nil || !strings.Contains(err.Error(), want) {
				t.Fatalf("want an error naming %s, got %v", want, err)
			}
			if _, err := os.Stat(out); !os.IsNotExist(err) {
				t.Errorf("%s was written (%v)", out, err)
			}
		})
	}
}

// TestBadSourceData: a data folder whose outline is not GeoJSON gets an
// error naming the file.
func TestBadSourceData(t *testing.T) {
	dir := t.TempDir()
	if err := os.CopyFS(dir, assets.DemoSource()); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, filepath.FromSlash(outlineFile))
	if err := os.WriteFile(bad, []byte(`{"type": "FeatureCollection", "features": [`), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Generate(context.Background(), filepath.Join(t.TempDir(), "x.gpkg"), Options{Scale: "tiny", DataDir: dir})
	if err == nil || !strings.Contains(err.Error(), bad) {
		t.Fatalf("want an error naming %s, got %v", bad, err)
	}
}

func TestUnknownScale(t *testing.T) {
	if _, err := Generate(context.Background(), filepath.Join(t.TempDir(), "x.gpkg"), Options{Scale: "huge"}); err == nil {
		t.Fatal("want an error for an unknown scale")
	}
}

func benchmarkGenerate(b *testing.B, scale string) {
	for i := 0; i < b.N; i++ {
		path := filepath.Join(b.TempDir(), scale+".gpkg")
		st, err := Generate(context.Background(), path, Options{Scale: scale})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(st.Features)/b.Elapsed().Seconds()*float64(i+1), "features/s")
		b.ReportMetric(float64(st.Features), "features")
	}
}

func BenchmarkGenerateTiny(b *testing.B)   { benchmarkGenerate(b, "tiny") }
func BenchmarkGenerateSmall(b *testing.B)  { benchmarkGenerate(b, "small") }
func BenchmarkGenerateCity(b *testing.B)   { benchmarkGenerate(b, "city") }
func BenchmarkGenerateStress(b *testing.B) { benchmarkGenerate(b, "stress") }

// TestDemoPassesGDALValidator runs GDAL's validate_gpkg.py (with a Python
// that imports GDAL, so its geometry checks run) on the demo: a point layer
// given polygons, or an attributes table keyed by text, fails it.
func TestDemoPassesGDALValidator(t *testing.T) {
	path, _ := tiny(t)
	peertest.ValidateGPKG(t, path)
}
