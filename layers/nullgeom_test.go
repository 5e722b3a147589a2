package layers

import (
	"context"
	"database/sql"
	"errors"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"lantu/layers/gpkg"
	"lantu/layers/peer/peertest"
)

// gdalLayers are the fixtures of testdata/gdal and the geometry type
// ogr2ogr gives each.
var gdalLayers = []struct{ name, nlt string }{
	{"parcels", "POLYGON"},
	{"empties", "GEOMETRY"},
	{"arcs", "CIRCULARSTRING"},
	{"rings", "MULTISURFACE"},
}

// corruptBlob is a geometry blob whose WKB claims 2^31 rings.
var corruptBlob = []byte{'G', 'P', 0, 1, 0xc6, 0x11, 0, 0, 1, 3, 0, 0, 0, 0xff, 0xff, 0xff, 0x7f}

// gdalFile writes the testdata/gdal layers into one GeoPackage (EPSG:4550)
// with ogr2ogr, then overwrites the geometry of parcels fid 3 with
// corruptBlob.
func gdalFile(t *testing.T) string {
	t.Helper()
	ogr := peertest.Tool(t, "ogr2ogr")
	path := filepath.Join(t.TempDir(), "gdal.gpkg")
	for _, l := range gdalLayers {
		args := []string{"-f", "GPKG", "-update", "-append", path, filepath.Join("testdata", "gdal", l.name+".csv"),
			"-oo", "GEOM_POSSIBLE_NAMES=WKT", "-oo", "KEEP_GEOM_COLUMNS=NO", "-a_srs", "EPSG:4550", "-nlt", l.nlt, "-nln", l.name}
		if out, err := exec.Command(ogr, args...).CombinedOutput(); err != nil {
			t.Fatalf("ogr2ogr %v: %v\n%s", args, err, out)
		}
	}
	db, err := sql.Open(gpkg.DriverName, "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec("UPDATE parcels SET geom = ? WHERE fid = 3", corruptBlob); err != nil {
		t.Fatal(err)
	}
	return path
}

var ogrLayerRE = regexp.MustCompile(`(?m)^Layer name: (.*)\n(?:.*\n)*?Feature Count: (\d+)`)

// ogrinfoCounts is ogrinfo's table -> feature count.
func ogrinfoCounts(t *testing.T, path string) map[string]int {
	t.Helper()
	out, err := exec.Command(peertest.Tool(t, "ogrinfo"), "-so", "-al", path).CombinedOutput()
	if err != nil {
		t.Fatalf("ogrinfo: %v\n%s", err, out)
	}
	counts := map[string]int{}
	for _, m := range ogrLayerRE.FindAllStringSubmatch(string(out), -1) {
		counts[m[1]], _ = strconv.Atoi(m[2])
	}
	return counts
}

// TestGDALFileAsOgrinfo: a GeoPackage with NULL geometries, empty
// geometries of every type, curve layers and a corrupt blob opens with
// exactly ogrinfo's tables and feature counts, and the corrupt feature is
// listed as a problem, not a reason to refuse the file.
func TestGDALFileAsOgrinfo(t *testing.T) {
	path := gdalFile(t)
	want := ogrinfoCounts(t, path)
	bp, err := Open(path, OpenOptions{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer bp.Close()
	got := map[string]int{}
	for _, l := range bp.Layers() {
		got[l.Table] = l.Count()
	}
	if len(want) != len(gdalLayers) || !mapsEqual(got, want) {
		t.Fatalf("Blueprint counts %v, ogrinfo %v", got, want)
	}
	probs := bp.Problems()
	if len(probs) != 1 || probs[0].Kind != BadGeometry || probs[0].Table != "parcels" || probs[0].FID != 3 ||
		!errors.Is(probs[0].Err, gpkg.ErrInvalidWKB) {
		t.Fatalf("Problems = %v, want parcels fid 3 unreadable", probs)
	}
	if l := bp.Layer("arcs"); l.Editable() || l.Extent().Max[1] < 4600049 {
		t.Errorf("arcs: editable %v, extent %v (the half circle reaches 4600050)", l.Editable(), l.Extent())
	}
}

func mapsEqual(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// TestNullGeometryFeatures: a row without geometry is in the layer (fid
// index, Query without a box, Feature) but not in the spatial index.
func TestNullGeometryFeatures(t *testing.T) {
	bp, err := Open(gdalFile(t), OpenOptions{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer bp.Close()
	l := bp.Layer("parcels")
	l.Read(func(s *Snapshot) {
		for _, fid := range []int64{1, 2, 3} {
			if _, ok := s.Slot(fid); !ok {
				t.Errorf("fid %d has no slot", fid)
			}
		}
		i, _ := s.Slot(2)
		if s.HasGeometry(i) || s.NumRings(i) != 0 {
			t.Errorf("NULL geometry: HasGeometry %v, %d rings", s.HasGeometry(i), s.NumRings(i))
		}
	})
	if fids := l.Search(bp.Extent().Pad(1e6)); !slices.Equal(fids, []int64{1}) {
		t.Errorf("Search finds %v, want only fid 1 (2 has no geometry, 3 an unreadable one)", fids)
	}
	var fids []int64
	var geomErr error
	err = bp.Query(context.Background(), Query{Layers: []string{"parcels"}}, func(f *Feature) error {
		fids = append(fids, f.FID)
		if f.FID == 3 {
			geomErr = f.GeomErr
		}
		if f.FID != 1 && f.Geom != nil {
			t.Errorf("fid %d has geometry %v", f.FID, f.Geom)
		}
		return nil
	})
	if err != nil || !slices.Equal(fids, []int64{1, 2, 3}) || !errors.Is(geomErr, gpkg.ErrInvalidBlob) {
		t.Fatalf("Query: fids %v, fid 3 GeomErr %v, err %v", fids, geomErr, err)
	}
	f, err := bp.Feature(context.Background(), "parcels", 2)
	if err != nil || f.Geom != nil || f.Attrs["name"] != "not yet drawn" {
		t.Fatalf("Feature(2) = %+v, %v", f, err)
	}
	if n := bp.Layer("empties").Count(); n != 9 {
		t.Errorf("empties: %d features, want 9", n)
	}
}

// TestNullGeometryEditable: in a blueprint layer a feature without geometry
// is counted, its attributes can be edited, and drawing it puts it into the
// spatial index without changing the count.
func TestNullGeometryEditable(t *testing.T) {
	poly, _ := testLayers(t)
	bp, path := newTestBlueprint(t)
	l := bp.Layer(poly.Code)
	_, err := bp.DB().W.Exec("INSERT INTO " + gpkg.QuoteIdent(l.Table) + " (uid, version, updated_at, updated_by) VALUES ('u-null', 0, '', 'tester')")
	if err != nil {
		t.Fatal(err)
	}
	bp.Close()
	bp, err = Open(path, OpenOptions{User: "tester"})
	if err != nil {
		t.Fatal(err)
	}
	defer bp.Close()
	l = bp.Layer(poly.Code)
	if l.Count() != 1 || len(l.Search(orb.Bound{Min: orb.Point{-1e9, -1e9}, Max: orb.Point{1e9, 1e9}})) != 0 {
		t.Fatalf("count %d, want the one NULL feature, not in the index", l.Count())
	}
	f, err := bp.FeatureByUID(context.Background(), poly.Code, "u-null")
	if err != nil || f.Geom != nil {
		t.Fatalf("FeatureByUID: %+v %v", f, err)
	}
	if _, err := bp.Apply(context.Background(), Edit{Op: OpUpdate, Layer: poly.Code, UID: "u-null",
		Attrs: map[string]any{poly.LabelField: "待绘制"}}); err != nil {
		t.Fatalf("attribute edit of a feature without geometry: %v", err)
	}
	sq := mustWKT(t, "POLYGON ((500000 4600000, 500100 4600000, 500100 4600100, 500000 4600000))")
	if _, err := bp.Apply(context.Background(), Edit{Op: OpUpdate, Layer: poly.Code, UID: "u-null", Geom: sq}); err != nil {
		t.Fatalf("drawing it: %v", err)
	}
	if n, hits := l.Count(), l.Search(sq.Bound()); n != 1 || len(hits) != 1 {
		t.Fatalf("after drawing: count %d, %d hits; want 1 and 1", n, len(hits))
	}
	if js := featureJSON(f); !strings.Contains(js.(string), `"geometry":null`) {
		t.Errorf("export of a feature without geometry: %s", js)
	}
}

// TestUnreadableLayerSkipped: a table registered in gpkg_contents that
// cannot be read is listed and skipped; the other layers open.
func TestUnreadableLayerSkipped(t *testing.T) {
	path := gdalFile(t)
	db, err := sql.Open(gpkg.DriverName, "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{
		`CREATE VIEW broken AS SELECT fid, geom FROM nowhere`,
		`INSERT INTO gpkg_contents (table_name, data_type, identifier, srs_id) VALUES ('broken', 'features', 'broken', 4550)`,
		`INSERT INTO gpkg_geometry_columns VALUES ('broken', 'geom', 'POLYGON', 4550, 0, 0)`,
		`INSERT INTO gpkg_contents (table_name, data_type, identifier, srs_id) VALUES ('ghost', 'features', 'ghost', 4550)`,
		`INSERT INTO gpkg_geometry_columns VALUES ('ghost', 'geom', 'POLYGON', 4550, 0, 0)`,
	} {
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	db.Close()
	bp, err := Open(path, OpenOptions{ReadOnly: true})
	if err != nil {
		t.Fatalf("one unreadable layer refused the file: %v", err)
	}
	defer bp.Close()
	sk := bp.SkippedLayers()
	if len(sk) != 2 || sk[0].Table != "broken" || sk[1].Table != "ghost" || bp.Layer("broken") != nil ||
		len(bp.Layers()) != len(gdalLayers) {
		t.Fatalf("skipped %v; layers %d", sk, len(bp.Layers()))
	}
}

// TestLayerOutsideCRS: metre coordinates in a layer declared EPSG:4326
// are one OutsideCRS problem naming the CRS, and the layer still opens;
// coordinates far from a projected CRS's area of use are a warning that
// blocks nothing; the layers in EPSG:4550 near Shenyang are neither.
func TestLayerOutsideCRS(t *testing.T) {
	path := gdalFile(t)
	db, err := sql.Open(gpkg.DriverName, "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{
		`UPDATE gpkg_geometry_columns SET srs_id = 4326 WHERE table_name = 'rings'`,
		`UPDATE gpkg_contents SET srs_id = 4326 WHERE table_name = 'rings'`,
		// Lambert-93 (France): 4600 km north is far south of its area of use.
		`UPDATE gpkg_geometry_columns SET srs_id = 2154 WHERE table_name = 'arcs'`,
	} {
		if _, err := db.Exec(s); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	bp, err := Open(path, OpenOptions{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer bp.Close()
	var crsProbs, warnings []Problem
	for _, p := range bp.Problems() {
		switch p.Kind {
		case OutsideCRS:
			crsProbs = append(crsProbs, p)
		case FarFromAreaOfUse:
			warnings = append(warnings, p)
		}
	}
	if len(warnings) != 1 || warnings[0].Table != "arcs" || !strings.Contains(warnings[0].String(), "EPSG:2154") {
		t.Errorf("warnings %v, want one for arcs naming EPSG:2154", warnings)
	}
	if len(crsProbs) != 1 || crsProbs[0].Table != "rings" || !errors.Is(crsProbs[0].Err, ErrOutsideCRS) ||
		!strings.Contains(crsProbs[0].String(), "EPSG:4326") || bp.Layer("rings").CRSProblem() == nil {
		t.Fatalf("problems %v, want one for rings naming EPSG:4326", crsProbs)
	}
	if bp.Layer("arcs").CRSProblem() != nil || bp.Layer("rings").Count() != 2 {
		t.Fatalf("arcs flagged or rings lost its features")
	}
}
