package transfer

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"sort"
	"testing"

	"lantu/layers"
)

// citiesBlueprint imports the real cities (GeoJSON) into the catalog
// layer XZ_QXXZQ with a mapping, so exports have Chinese text and repaired
// polygons.
func citiesBlueprint(t *testing.T) *layers.Blueprint {
	t.Helper()
	bp := newBlueprint(t)
	src := readSource(t, citiesJSON, ReadOptions{})
	rep, err := Import(context.Background(), bp, src, ImportOptions{Layer: "XZ_QXXZQ", Map: map[string]string{"name": "行政区名称", "id": "xzqdm"}})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Imported != 14 || rep.Journal || !slices.Contains(rep.Mapping.Unmapped, "childNum") {
		t.Fatalf("import report %+v", rep)
	}
	return bp
}

// TestExportRoundTrip exports the cities in every format, reads ogrinfo's
// count, fields and names of the export, imports it back as a new layer
// and compares each feature: Hausdorff distance within 1e-9 m, attributes
// equal.
func TestExportRoundTrip(t *testing.T) {
	bp := citiesBlueprint(t)
	orig := features(t, bp, "XZ_QXXZQ")
	dir := t.TempDir()
	cases := []struct {
		name, file string
		opt        ExportOptions
		srs        int     // for the re-import: CSV carries no CRS
		tol        float64 // metres
	}{
		{"gpkg", "x.gpkg", ExportOptions{}, 0, 1e-9},
		{"geojson 4550", "x4550.geojson", ExportOptions{CRS: 4550}, 0, 1e-9},
		{"geojson crs84", "x84.geojson", ExportOptions{}, 0, 1e-8}, // PROJ forward + inverse: 2e-9 m measured
		{"shp", "x.shp", ExportOptions{}, 0, 1e-9},
		{"shp gbk", "xg.shp", ExportOptions{Encoding: "GBK"}, 0, 1e-9},
		{"csv", "x.csv", ExportOptions{}, 4550, 1e-9},
		{"csv gbk", "xg.csv", ExportOptions{Encoding: "GBK"}, 4550, 1e-9},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out := filepath.Join(dir, c.file)
			c.opt.Layer = "XZ_QXXZQ"
			if _, err := Export(context.Background(), bp, out, c.opt); err != nil {
				t.Fatal(err)
			}
			checkOGR(t, out, orig, c.name != "csv gbk") // a CSV says nothing of its encoding to GDAL
			src := readSource(t, out, ReadOptions{Encoding: c.opt.Encoding})
			as := fmt.Sprintf("rt%d", i)
			rep, err := Import(context.Background(), bp, src, ImportOptions{As: as, SRS: c.srs})
			if err != nil {
				t.Fatal(err)
			}
			if rep.Imported != len(orig) || len(rep.Repaired)+len(rep.Refused) != 0 {
				t.Fatalf("re-import: %d imported, repaired %v, refused %v", rep.Imported, rep.Repaired, rep.Refused)
			}
			back := features(t, bp, as)
			worst := compareFeatures(t, orig, back, c.tol)
			t.Logf("worst Hausdorff distance %.3g m", worst)
		})
	}
}

// compareFeatures matches by xzqdm and compares geometry and attributes.
func compareFeatures(t *testing.T, a, b []*layers.Feature, tol float64) float64 {
	t.Helper()
	key := func(fs []*layers.Feature) {
		sort.Slice(fs, func(i, j int) bool { return fmt.Sprint(fs[i].Attrs["xzqdm"]) < fmt.Sprint(fs[j].Attrs["xzqdm"]) })
	}
	key(a)
	key(b)
	worst := 0.0
	for i := range a {
		d := hausdorff(t, a[i].Geom, b[i].Geom)
		worst = max(worst, d)
		if d > tol {
			t.Errorf("%v: geometry moved %g m", a[i].Attrs["xzqmc"], d)
		}
		for _, k := range []string{"xzqdm", "xzqmc", "mj"} {
			if fmt.Sprint(a[i].Attrs[k]) != fmt.Sprint(b[i].Attrs[k]) {
				t.Errorf("%v: %s = %v, back %v", a[i].Attrs["xzqmc"], k, a[i].Attrs[k], b[i].Attrs[k])
			}
		}
	}
	return worst
}

// checkOGR: ogrinfo sees the export's count, fields and Chinese names.
func checkOGR(t *testing.T, path string, orig []*layers.Feature, names bool) {
	t.Helper()
	n, fields := ogrSummary(t, path)
	if n != len(orig) {
		t.Errorf("ogrinfo: %d features, want %d", n, len(orig))
	}
	for _, f := range []string{"xzqdm", "xzqmc", "mj"} {
		if !slices.Contains(fields, f) {
			t.Errorf("ogrinfo fields %v lack %s", fields, f)
		}
	}
	if !names {
		return
	}
	var want, got []string
	for _, f := range orig {
		want = append(want, f.Attrs["xzqmc"].(string))
	}
	table := "xz_qxxzq"
	switch filepath.Ext(path) {
	case ".shp", ".csv", ".geojson":
		table = filepath.Base(path[:len(path)-len(filepath.Ext(path))])
	}
	if filepath.Ext(path) == ".geojson" {
		table = "xz_qxxzq"
	}
	for _, r := range ogrSQL(t, path, "SELECT xzqmc FROM \""+table+"\"") {
		got = append(got, r["xzqmc"])
	}
	sort.Strings(want)
	sort.Strings(got)
	if !slices.Equal(got, want) {
		t.Errorf("ogrinfo names %v, want %v", got, want)
	}
}
