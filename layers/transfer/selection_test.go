package transfer

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"lantu/layers"
	"lantu/layers/crs"
	"lantu/layers/shapefile"
)

// TestExportSelection exports every fourth city by uid in each format,
// checks exactly those come out (ogrinfo counts them too), imports each
// export back (streamed) and compares: geometry within 1e-9 m (1e-8 for
// CRS84), attributes equal.
func TestExportSelection(t *testing.T) {
	bp := citiesBlueprint(t)
	all := features(t, bp, "XZ_QXXZQ")
	var picked []*layers.Feature
	var uids []string
	for i, f := range all {
		if i%4 == 1 {
			picked, uids = append(picked, f), append(uids, f.UID)
		}
	}
	dir := t.TempDir()
	for i, c := range []struct {
		file string
		srs  int
		tol  float64
	}{{"s.gpkg", 0, 1e-9}, {"s.geojson", 0, 1e-8}, {"s.shp", 0, 1e-9}, {"s.csv", 4550, 1e-9}} {
		t.Run(c.file, func(t *testing.T) {
			out := filepath.Join(dir, c.file)
			rep, err := Export(context.Background(), bp, out, ExportOptions{Layer: "XZ_QXXZQ", UIDs: append(uids, uids[0])})
			if err != nil {
				t.Fatal(err)
			}
			if rep.Features != len(picked) {
				t.Fatalf("exported %d features, selected %d", rep.Features, len(picked))
			}
			checkOGR(t, out, picked, filepath.Ext(out) != ".csv")
			src, err := Open(out, ReadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			as := fmt.Sprintf("sel%d", i)
			if _, err := Import(context.Background(), bp, src, ImportOptions{As: as, SRS: c.srs}); err != nil {
				t.Fatal(err)
			}
			back := features(t, bp, as)
			if len(back) != len(picked) {
				t.Fatalf("re-imported %d features, want %d", len(back), len(picked))
			}
			compareFeatures(t, slices.Clone(picked), back, c.tol)
		})
	}
}

// TestExportSelectionFilters: the where filter still applies to a
// selection, and a uid the layer does not hold is refused by name before
// any file is written.
func TestExportSelectionFilters(t *testing.T) {
	bp := citiesBlueprint(t)
	all := features(t, bp, "XZ_QXXZQ")
	uids := []string{all[0].UID, all[1].UID, all[2].UID}
	keep := fmt.Sprint(all[1].Attrs["xzqdm"])
	out := filepath.Join(t.TempDir(), "w.geojson")
	rep, err := Export(context.Background(), bp, out, ExportOptions{Layer: "XZ_QXXZQ", UIDs: uids, Where: "xzqdm = '" + keep + "'"})
	if err != nil || rep.Features != 1 {
		t.Fatalf("selection and where: %v, %+v", err, rep)
	}
	if got := readSource(t, out, ReadOptions{}); got.Features[0].Attrs["xzqdm"] != all[1].Attrs["xzqdm"] {
		t.Errorf("exported %v, want xzqdm %s", got.Features[0].Attrs, keep)
	}
	bad := filepath.Join(t.TempDir(), "bad.gpkg")
	_, err = Export(context.Background(), bp, bad, ExportOptions{Layer: "XZ_QXXZQ", UIDs: []string{all[0].UID, "no-such-uid"}})
	if !errors.Is(err, ErrInput) || !strings.Contains(err.Error(), "no-such-uid") || !strings.Contains(err.Error(), "XZ_QXXZQ") {
		t.Fatalf("unknown uid: %v", err)
	}
	if _, err := os.Stat(bad); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a refused export left %s", bad)
	}
}

// TestOpenStreamsAsRead: a streamed Shapefile, GeoJSON and GeoPackage
// describe themselves and give the same features as Read, and Sample stops
// early.
func TestOpenStreamsAsRead(t *testing.T) {
	bp := citiesBlueprint(t)
	dir := t.TempDir()
	paths := []string{citiesJSON}
	for _, f := range []string{"c.shp", "c.gpkg", "c4550.geojson"} {
		out := filepath.Join(dir, f)
		opt := ExportOptions{Layer: "XZ_QXXZQ"}
		if f == "c4550.geojson" {
			opt.CRS = 4550
		}
		if _, err := Export(context.Background(), bp, out, opt); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, out)
	}
	for _, p := range paths {
		src, err := Open(p, ReadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		whole := readSource(t, p, ReadOptions{})
		if !src.Streamed() || whole.Streamed() || src.Len() != len(whole.Features) || !reflect.DeepEqual(src.Fields, whole.Fields) ||
			src.GeomType() != whole.GeomType() || src.CRS != whole.CRS {
			t.Errorf("%s: streamed %v %d %v %s %v, read %d %v %s %v", p, src.Streamed(), src.Len(), src.Fields, src.GeomType(), src.CRS,
				len(whole.Features), whole.Fields, whole.GeomType(), whole.CRS)
		}
		var got []Feature
		if err := src.Each(context.Background(), func(f Feature) error { got = append(got, f); return nil }); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, whole.Features) {
			t.Errorf("%s: streamed features differ from Read's", p)
		}
		if s, err := src.Sample(context.Background(), 3); err != nil || !reflect.DeepEqual(s, whole.Features[:3]) {
			t.Errorf("%s: Sample(3) = %d features, %v", p, len(s), err)
		}
	}
}

// TestStreamedBadRecord: a bad value in the middle of a streamed Shapefile
// stops the import naming the .dbf and the record, and the bulk load is
// rolled back (nothing imported, the layer stays empty).
func TestStreamedBadRecord(t *testing.T) {
	dir := t.TempDir()
	f := &shapefile.File{ShapeType: shapefile.Polygon, Fields: []shapefile.Field{{Name: "n", Type: shapefile.Numeric, Length: 6}},
		PRJ: epsgWKT(t, 4550)}
	for i := range 600 {
		f.Records = append(f.Records, shapefile.Record{Geometry: square(500000+float64(i)*10, 4600000, 5)[0], Values: []any{int64(100000 + i)}})
	}
	path := filepath.Join(dir, "b.shp")
	if err := shapefile.Write(path, f, shapefile.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	dbf := strings.TrimSuffix(path, ".shp") + ".dbf"
	b, _ := os.ReadFile(dbf)
	at := strings.Index(string(b), "100499")
	copy(b[at:], "10x499")
	os.WriteFile(dbf, b, 0o644)
	src, err := Open(path, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	bp := newBlueprint(t)
	_, err = Import(context.Background(), bp, src, ImportOptions{As: "bad"})
	if !errors.Is(err, shapefile.ErrValue) || !strings.Contains(err.Error(), "b.dbf") || !strings.Contains(err.Error(), "record 500") ||
		!strings.Contains(err.Error(), "nothing imported") {
		t.Fatalf("error %v", err)
	}
	if l := bp.Layer("bad"); l == nil || l.Count() != 0 {
		t.Errorf("layer after a failed import: %v", l)
	}
}

// epsgWKT is the WKT of an EPSG code, as a .prj holds it.
func epsgWKT(t *testing.T, code int) string {
	t.Helper()
	def, err := crs.Lookup(code)
	if err != nil {
		t.Fatal(err)
	}
	return def.WKT
}
