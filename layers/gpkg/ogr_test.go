package gpkg

import (
	"context"
	"database/sql"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/paulmach/orb"

	"lantu/layers/peer/peertest"
)

// gdalLayers are the layers TestReadGDAL has ogr2ogr write into one file.
var gdalLayers = []struct {
	name, src string
	args      []string
	hasZ      bool
	hasM      bool
}{
	{"rivers", "shenyang_rivers_gshhg.geojson", nil, false, false},
	{"0", "liaoning_cities_echarts.geojson", []string{"-dim", "XYZ"}, true, false},
	{`河流 'a' "b"`, "shenyang_rivers_gshhg.geojson", []string{"-dim", "XYM"}, false, true},
	{"outline zm", "shenyang_outline_echarts.geojson", []string{"-dim", "XYZM", "-nlt", "PROMOTE_TO_MULTI"}, true, true},
	{"cities attributes", "liaoning_cities_echarts.geojson", []string{"-nlt", "NONE"}, false, false},
	{"no index", "shenyang_rivers_gshhg.geojson", []string{"-lco", "SPATIAL_INDEX=NO"}, false, false},
}

// makeGDALFile writes the gdalLayers into one GeoPackage with ogr2ogr and
// adds a view registered in gpkg_contents.
func makeGDALFile(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "gdal 文件.gpkg")
	for i, l := range gdalLayers {
		args := []string{"-f", "GPKG"}
		if i > 0 {
			args = append(args, "-update")
		}
		args = append(args, append(l.args, "-nln", l.name, path, filepath.Join(vectorData, l.src))...)
		ogr2ogr(t, args...)
	}
	addView(t, path)
	return path
}

// addView creates a view over "rivers" and registers it as GDAL documents.
func addView(t *testing.T, path string) {
	t.Helper()
	db, err := sql.Open(DriverName, dsn(path, false, false))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, s := range []string{
		`CREATE VIEW "river view" AS SELECT fid AS OGC_FID, geom, level FROM rivers WHERE level >= 2`,
		`INSERT INTO gpkg_contents (table_name, identifier, data_type, srs_id) VALUES ('river view', 'river view', 'features', 4326)`,
		`INSERT INTO gpkg_geometry_columns (table_name, column_name, geometry_type_name, srs_id, z, m) VALUES ('river view', 'geom', 'LINESTRING', 4326, 0, 0)`,
	} {
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

func TestReadGDAL(t *testing.T) {
	peertest.Tool(t, "ogrinfo")
	path := makeGDALFile(t)
	want := ogrCounts(t, path)
	db, err := Open(path, false)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	layers, err := db.Layers(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(layers) != len(gdalLayers)+1 {
		t.Fatalf("%d layers, want %d", len(layers), len(gdalLayers)+1)
	}
	for _, l := range layers {
		t.Run(l.Table, func(t *testing.T) { checkGDALLayer(t, db, l, want[l.Table]) })
	}
	if probs := db.Check(context.Background()); len(probs) > 0 {
		t.Fatalf("Check on a GDAL file: %v", probs)
	}
}

func checkGDALLayer(t *testing.T, db *DB, l LayerInfo, wantCount int) {
	var wantZ, wantM, wantRTree bool
	for _, g := range gdalLayers {
		if g.name == l.Table {
			wantZ, wantM, wantRTree = g.hasZ, g.hasM, g.args == nil || g.hasZ || g.hasM
		}
	}
	switch {
	case l.IsView:
		if l.PK != "OGC_FID" || l.RTree {
			t.Fatalf("view %+v", l)
		}
	case l.DataType == "attributes":
		if l.GeomColumn != "" || l.PK != "fid" {
			t.Fatalf("attributes %+v", l)
		}
	case l.PK != "fid" || l.GeomColumn != "geom" || l.SRSID != 4326 || l.RTree != wantRTree || !l.HasExtent:
		t.Fatalf("features %+v", l)
	}
	n, z, m := decodeAll(t, db, l)
	if n != wantCount || z != wantZ || m != wantM {
		t.Fatalf("%d rows z=%v m=%v; ogrinfo counts %d, want z=%v m=%v", n, z, m, wantCount, wantZ, wantM)
	}
}

// decodeAll decodes every geometry of a layer and reports the row count and
// whether any geometry had Z or M.
func decodeAll(t *testing.T, db *DB, l LayerInfo) (n int, hasZ, hasM bool) {
	col := "NULL"
	if l.GeomColumn != "" {
		col = QuoteIdent(l.GeomColumn)
	}
	rows, err := db.R.Query(fmt.Sprintf("SELECT %s, %s FROM %s", QuoteIdent(l.PK), col, QuoteIdent(l.Table)))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var fid int64
		var blob []byte
		if err := rows.Scan(&fid, &blob); err != nil {
			t.Fatal(err)
		}
		n++
		if blob == nil {
			continue
		}
		g, err := DecodeGeometry(blob)
		if err != nil {
			t.Fatalf("fid %d: %v", fid, err)
		}
		hasZ, hasM = hasZ || g.HasZ, hasM || g.HasM
	}
	return n, hasZ, hasM
}

// TestWriteIntoGDALFile inserts, updates and deletes through our driver in
// a file GDAL made: GDAL's triggers call our ST_ functions, and the file
// stays valid.
func TestWriteIntoGDALFile(t *testing.T) {
	peertest.Tool(t, "ogrinfo")
	path := makeGDALFile(t)
	before := ogrCounts(t, path)["rivers"]
	db, err := Open(path, false)
	if err != nil {
		t.Fatal(err)
	}
	blob, _ := EncodeGeometry(orb.LineString{{123, 42}, {123.5, 42.5}}, 4326)
	for _, s := range []string{"INSERT INTO rivers (geom, level) VALUES (?, 9)", "UPDATE rivers SET geom = ? WHERE fid = 1"} {
		if _, err := db.W.Exec(s, blob); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	if _, err := db.W.Exec("DELETE FROM rivers WHERE fid = 2"); err != nil {
		t.Fatal(err)
	}
	if err := db.UpdateExtent(context.Background(), nil, "rivers"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	validateWithGDAL(t, path)
	if got := ogrCounts(t, path)["rivers"]; got != before {
		t.Fatalf("ogrinfo counts %d rivers, want %d", got, before)
	}
}

// TestRTreeTriggers walks the trigger cases of the R-tree extension.
func TestRTreeTriggers(t *testing.T) {
	ctx := context.Background()
	db, err := Create(filepath.Join(t.TempDir(), "triggers.gpkg"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.CreateTable(ctx, nil, TableSpec{Table: "t", SRSID: 4326}); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateSpatialIndex(ctx, nil, "t", "geom"); err != nil {
		t.Fatal(err)
	}
	sq, _ := EncodeGeometry(orb.Polygon{{{1, 2}, {3, 2}, {3, 5}, {1, 2}}}, 4326)
	pt, _ := EncodeGeometry(orb.Point{7, 8}, 4326)
	empty, _ := EncodeGeometry(orb.LineString{}, 4326)
	steps := []struct {
		sql  string
		args []any
		ids  []int64
	}{
		{"INSERT INTO t (fid, geom) VALUES (1, ?), (2, NULL), (3, ?)", []any{sq, empty}, []int64{1}},
		{"UPDATE t SET geom = ? WHERE fid = 2", []any{pt}, []int64{1, 2}},
		{"UPDATE t SET geom = NULL WHERE fid = 1", nil, []int64{2}},
		{"UPDATE t SET fid = 20 WHERE fid = 2", nil, []int64{20}},
		{"UPDATE t SET fid = 21, geom = NULL WHERE fid = 20", nil, nil},
		{"UPDATE t SET geom = ? WHERE fid = 3", []any{sq}, []int64{3}},
		{"DELETE FROM t WHERE fid = 3", nil, nil},
	}
	for _, s := range steps {
		if _, err := db.W.Exec(s.sql, s.args...); err != nil {
			t.Fatalf("%s: %v", s.sql, err)
		}
		if got := rtreeIDs(t, db); !slices.Equal(got, s.ids) {
			t.Fatalf("after %s: rtree ids %v, want %v", s.sql, got, s.ids)
		}
	}
}

func rtreeIDs(t *testing.T, db *DB) []int64 {
	rows, err := db.W.Query("SELECT id FROM rtree_t_geom ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	return ids
}

// TestReadGDALTypes has ogr2ogr write every fixture geometry (plus a NULL)
// from testdata/gdal_types.csv in 2D, XYZ and XYZM, and decodes GDAL's blobs
// back to the fixtures.
func TestReadGDALTypes(t *testing.T) {
	peertest.Tool(t, "ogrinfo")
	want := map[string]fixture{}
	for _, fx := range loadFixtures(t) {
		want[fx.name] = fx
	}
	for _, dim := range []string{"XY", "XYZ", "XYZM"} {
		t.Run(dim, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "types.gpkg")
			ogr2ogr(t, "-f", "GPKG", "-dim", dim, "-a_srs", "EPSG:4550", "-nln", "types", "-oo", "GEOM_POSSIBLE_NAMES=wkt",
				"-oo", "KEEP_GEOM_COLUMNS=NO", path, filepath.Join("testdata", "gdal_types.csv"))
			db, err := Open(path, true)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			n := checkTypes(t, db, want, dim != "XY", dim == "XYZM")
			if c := ogrCounts(t, path)["types"]; c != n || n != len(want)+1 {
				t.Fatalf("%d rows, ogrinfo counts %d, want %d", n, c, len(want)+1)
			}
			if probs := db.Check(context.Background()); len(probs) > 0 {
				t.Fatalf("Check: %v", probs)
			}
		})
	}
}

func checkTypes(t *testing.T, db *DB, want map[string]fixture, hasZ, hasM bool) int {
	rows, err := db.R.Query("SELECT name, geom FROM types")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var name string
		var blob []byte
		if err := rows.Scan(&name, &blob); err != nil {
			t.Fatal(err)
		}
		n++
		fx, ok := want[name]
		if !ok {
			if blob != nil {
				t.Fatalf("%s: blob for a NULL geometry", name)
			}
			continue
		}
		g, err := DecodeGeometry(blob)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		empty := isEmpty(fx.geom)
		if !sameGeom(g.Geom, fx.geom) || g.Empty != empty || g.SRSID != 4550 || (!empty && (g.HasZ != hasZ || g.HasM != hasM)) {
			t.Fatalf("%s: got %#v empty=%v z=%v m=%v srs=%d, want %s", name, g.Geom, g.Empty, g.HasZ, g.HasM, g.SRSID, fx.wkt)
		}
		if bd, ok := BlobBound(blob); ok != !empty || (ok && bd != fx.geom.Bound()) {
			t.Fatalf("%s: BlobBound %v %v, want %v", name, bd, ok, fx.geom.Bound())
		}
	}
	return n
}

// TestGDALReadsOurBlobs has ogr2ogr export the "any" table of a file we
// wrote to CSV with WKT, and compares GDAL's reading with the fixtures.
func TestGDALReadsOurBlobs(t *testing.T) {
	peertest.Tool(t, "ogr2ogr")
	dir := t.TempDir()
	path := filepath.Join(dir, "ours.gpkg")
	createFixtureFile(t, path)
	out := filepath.Join(dir, "any.csv")
	ogr2ogr(t, "-f", "CSV", "-lco", "GEOMETRY=AS_WKT", out, path, "any")
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	fixtures := loadFixtures(t)
	if len(recs) != len(fixtures)+2 { // header and the NULL row
		t.Fatalf("%d CSV records, want %d", len(recs), len(fixtures)+2)
	}
	byName := map[string]string{}
	for _, r := range recs[1:] {
		byName[r[1]] = r[0] // WKT, uid, version
	}
	for _, fx := range fixtures {
		if got := parseWKT(t, byName[fx.name]); !sameGeom(got, fx.geom) {
			t.Errorf("%s: GDAL reads %s, want %s", fx.name, byName[fx.name], fx.wkt)
		}
	}
}

// TestSpatialIndexFill indexes a filled table (more rows than one fill
// batch, with NULL, empty and broken geometries) and compares the R-tree
// with the one the triggers build for the same rows.
func TestSpatialIndexFill(t *testing.T) {
	ctx := context.Background()
	db, err := Create(filepath.Join(t.TempDir(), "fill.gpkg"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, table := range []string{"filled", "triggered"} {
		if err := db.CreateTable(ctx, nil, TableSpec{Table: table, SRSID: 4550}); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.CreateSpatialIndex(ctx, nil, "triggered", "geom"); err != nil {
		t.Fatal(err)
	}
	var blobs [][]byte
	for _, fx := range loadFixtures(t) {
		b, _ := EncodeGeometry(fx.geom, 4550)
		blobs = append(blobs, b)
	}
	blobs = append(blobs, nil, []byte("GP broken"))
	for i := range fillBatch + 500 {
		for _, table := range []string{"filled", "triggered"} {
			q := "INSERT INTO " + table + " (fid, geom) VALUES (?, ?)"
			if _, err := db.W.Exec(q, 3*i+1, blobs[i%len(blobs)]); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := db.CreateSpatialIndex(ctx, nil, "filled", "geom"); err != nil {
		t.Fatal(err)
	}
	var diff, n, want int
	err = db.R.QueryRow(`SELECT (SELECT count(*) FROM (SELECT * FROM rtree_filled_geom EXCEPT SELECT * FROM rtree_triggered_geom)),
		(SELECT count(*) FROM rtree_filled_geom), (SELECT count(*) FROM rtree_triggered_geom)`).Scan(&diff, &n, &want)
	if err != nil || diff != 0 || n != want || n == 0 {
		t.Fatalf("%d of %d filled R-tree rows differ from the triggers' %d rows (%v)", diff, n, want, err)
	}
}
