package gpkg

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"
)

// geomTables pairs each fixture-type table with the fixtures it holds.
var geomTables = []struct{ table, geomType string }{
	{"0", "POINT"},
	{`路 "x" 'y'`, "LINESTRING"},
	{"polygons with spaces", "POLYGON"},
	{"规划_multipoint", "MULTIPOINT"},
	{"multilinestring", "MULTILINESTRING"},
	{"multipolygon", "MULTIPOLYGON"},
	{"collection", "GEOMETRYCOLLECTION"},
	{"any", "GEOMETRY"},
}

// createFixtureFile writes a GeoPackage holding every fixture in the tables
// of its type (and all of them in "any"), plus an attributes table.
func createFixtureFile(t *testing.T, path string) {
	t.Helper()
	ctx := context.Background()
	db, err := Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	tx, err := db.W.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	for _, gt := range geomTables {
		spec := TableSpec{Table: gt.table, GeomType: gt.geomType, SRSID: 4550, Description: "fixtures",
			Columns: []Column{{Name: "uid", Type: "TEXT", Unique: true}, {Name: "version", Type: "INTEGER", NotNull: true, Default: "0"}}}
		if err := db.CreateTable(ctx, tx, spec); err != nil {
			t.Fatal(err)
		}
		if err := db.CreateSpatialIndex(ctx, tx, gt.table, "geom"); err != nil {
			t.Fatal(err)
		}
		insertFixtures(t, tx, gt.table, gt.geomType)
		if err := db.UpdateExtent(ctx, tx, gt.table); err != nil {
			t.Fatal(err)
		}
	}
	spec := TableSpec{Table: "lantu_journal", DataType: "attributes", Columns: []Column{{Name: "op", Type: "TEXT"}}}
	if err := db.CreateTable(ctx, tx, spec); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
}

func insertFixtures(t *testing.T, tx *sql.Tx, table, geomType string) {
	t.Helper()
	for _, fx := range loadFixtures(t) {
		if geomType != "GEOMETRY" && geomTypeName(fx.geom) != geomType {
			continue
		}
		blob, err := EncodeGeometry(fx.geom, 4550)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tx.Exec("INSERT INTO "+QuoteIdent(table)+" (geom, uid) VALUES (?, ?)", blob, fx.name); err != nil {
			t.Fatalf("%s: %v", fx.name, err)
		}
	}
	if _, err := tx.Exec("INSERT INTO " + QuoteIdent(table) + " (geom, uid) VALUES (NULL, 'null')"); err != nil {
		t.Fatal(err)
	}
}

func geomTypeName(g orb.Geometry) string {
	if _, ok := g.(orb.Collection); ok {
		return "GEOMETRYCOLLECTION"
	}
	return strings.ToUpper(g.GeoJSONType())
}

func TestCreateValidates(t *testing.T) {
	path := filepath.Join(t.TempDir(), "蓝图 a?b#c%d.gpkg")
	createFixtureFile(t, path)
	validateWithGDAL(t, path)
	db, err := Open(path, false)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if probs := db.Check(context.Background()); len(probs) > 0 {
		t.Fatalf("Check: %v", probs)
	}
	layers, err := db.Layers(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(layers) != len(geomTables)+1 {
		t.Fatalf("%d layers, want %d", len(layers), len(geomTables)+1)
	}
	for _, l := range layers {
		checkLayer(t, db, l)
	}
}

// checkLayer checks what Layers reported for a table createFixtureFile made.
func checkLayer(t *testing.T, db *DB, l LayerInfo) {
	t.Helper()
	if l.DataType == "attributes" {
		if l.Table != "lantu_journal" || l.PK != "fid" || l.GeomColumn != "" {
			t.Fatalf("attributes layer %+v", l)
		}
		return
	}
	if l.PK != "fid" || l.GeomColumn != "geom" || l.SRSID != 4550 || !l.RTree || l.IsView || len(l.Columns) != 4 {
		t.Fatalf("layer %+v", l)
	}
	if want := (Column{Name: "uid", Type: "TEXT", Unique: true}); l.Columns[2] != want {
		t.Fatalf("column %+v, want %+v", l.Columns[2], want)
	}
	if want := (Column{Name: "version", Type: "INTEGER", NotNull: true, Default: "0"}); l.Columns[3] != want {
		t.Fatalf("column %+v, want %+v", l.Columns[3], want)
	}
	var n, indexed int
	if err := db.R.QueryRow("SELECT count(*) FROM " + QuoteIdent(l.Table) + " WHERE geom IS NOT NULL AND NOT ST_IsEmpty(geom)").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if err := db.R.QueryRow("SELECT count(*) FROM " + QuoteIdent(RTreeName(l.Table, "geom"))).Scan(&indexed); err != nil {
		t.Fatal(err)
	}
	if n != indexed || n == 0 || !l.HasExtent {
		t.Fatalf("%s: %d non-empty geometries, %d indexed, extent %v", l.Table, n, indexed, l.HasExtent)
	}
}

func TestCreateExisting(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.gpkg")
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Create(path); !errors.Is(err, os.ErrExist) || !strings.Contains(err.Error(), path) {
		t.Fatalf("err = %v, want ErrExist naming the file", err)
	}
}

func TestUnknownSRS(t *testing.T) {
	db, err := Create(filepath.Join(t.TempDir(), "srs.gpkg"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	err = db.EnsureSRS(ctx, nil, 999999)
	if !errors.Is(err, ErrUnknownSRS) || !strings.Contains(err.Error(), "999999") {
		t.Fatalf("EnsureSRS: %v, want ErrUnknownSRS naming the code", err)
	}
	err = db.CreateTable(ctx, nil, TableSpec{Table: "t", GeomType: "POINT", SRSID: 999999})
	if !errors.Is(err, ErrUnknownSRS) {
		t.Fatalf("CreateTable: %v, want ErrUnknownSRS", err)
	}
	if err := db.EnsureSRS(ctx, nil, 4490); err != nil {
		t.Fatal(err)
	}
	var def string
	if err := db.R.QueryRow("SELECT definition FROM gpkg_spatial_ref_sys WHERE srs_id = 4490").Scan(&def); err != nil || !strings.HasPrefix(def, "GEOGCS[") {
		t.Fatalf("definition %q, %v; want WKT1", def, err)
	}
}

func TestOpenReadOnly(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ro.gpkg")
	createFixtureFile(t, path)
	db, err := Open(path, true)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if !db.ReadOnly || db.W != nil {
		t.Fatalf("ReadOnly=%v W=%v", db.ReadOnly, db.W)
	}
	if _, err := db.Layers(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := db.R.Exec("DELETE FROM gpkg_extensions"); err == nil {
		t.Fatal("a read-only reader accepted a write")
	}
	if err := db.EnsureSRS(context.Background(), nil, 4490); err == nil {
		t.Fatal("EnsureSRS on a read-only file succeeded")
	}
}

func TestDSN(t *testing.T) {
	cases := []struct {
		path          string
		ro, immutable bool
		want, notWant string
	}{
		{"/a b/c?d#e%f.gpkg", false, false, "file:/a%20b/c%3Fd%23e%25f.gpkg?", "mode=ro"},
		{"/蓝图.gpkg", true, false, "mode=ro", "immutable"},
		{"/x.gpkg", true, true, "immutable=1", "journal_mode"},
		{"/x.gpkg", false, false, "_journal_mode=WAL", "mode=ro"},
	}
	for _, c := range cases {
		got := dsn(c.path, c.ro, c.immutable)
		if !strings.Contains(got, c.want) || strings.Contains(got, c.notWant) || !strings.Contains(got, "_busy_timeout=10000") {
			t.Errorf("dsn(%q, %v, %v) = %q, want %q without %q", c.path, c.ro, c.immutable, got, c.want, c.notWant)
		}
	}
}

// TestConcurrentReadWrite reads through the reader pool while the writer
// inserts: WAL lets both proceed, and -race checks the DB value.
func TestConcurrentReadWrite(t *testing.T) {
	path := filepath.Join(t.TempDir(), "concurrent.gpkg")
	createFixtureFile(t, path)
	db, err := Open(path, false)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	blob, _ := EncodeGeometry(orb.Point{1, 2}, 4550)
	done := make(chan error, 4)
	for range 3 {
		go func() {
			for range 20 {
				if _, err := db.Layers(context.Background()); err != nil {
					done <- err
					return
				}
			}
			done <- nil
		}()
	}
	go func() {
		for range 50 {
			if _, err := db.W.Exec(`INSERT INTO "0" (geom) VALUES (?)`, blob); err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	for range 4 {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	var n int
	if err := db.R.QueryRow(`SELECT count(*) FROM "rtree_0_geom"`).Scan(&n); err != nil || n != 52 {
		t.Fatalf("%d indexed points (%v), want 2 fixtures + 50", n, err)
	}
}
