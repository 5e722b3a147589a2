package gpkg

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"
)

// TestOpenBadFiles opens files that are not (sound) GeoPackages: each must
// fail with an error naming the file, and never panic.
func TestOpenBadFiles(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		name    string
		make    func(t *testing.T, path string)
		notGPKG bool
	}{
		{"truncated.gpkg", truncated, true},
		{"random.gpkg", randomBytes, true},
		{"plain sqlite.gpkg", plainSQLite, true},
		{"wrong app id.gpkg", wrongAppID, true},
		{"no tables.gpkg", gpkgIDNoTables, true},
		{"empty.gpkg", func(t *testing.T, p string) { writeFile(t, p, nil) }, true},
		{"missing.gpkg", func(t *testing.T, p string) {}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(dir, c.name)
			c.make(t, path)
			db, err := Open(path, false)
			if err == nil {
				db.Close()
				t.Fatal("Open succeeded")
			}
			if !strings.Contains(err.Error(), path) {
				t.Fatalf("error %q does not name the file", err)
			}
			t.Log(err)
			if c.notGPKG && !errors.Is(err, ErrNotGeoPackage) {
				t.Fatalf("error %v is not ErrNotGeoPackage", err)
			}
		})
	}
}

func writeFile(t *testing.T, path string, b []byte) {
	t.Helper()
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// truncated writes a valid GeoPackage and cuts it to half its size.
func truncated(t *testing.T, path string) {
	createFixtureFile(t, path)
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(path, st.Size()/2); err != nil {
		t.Fatal(err)
	}
}

func randomBytes(t *testing.T, path string) {
	seed := uint64(20261128)
	t.Logf("random seed %d", seed)
	r := rand.New(rand.NewPCG(seed, seed))
	b := make([]byte, 8192)
	for i := range b {
		b[i] = byte(r.UintN(256))
	}
	writeFile(t, path, b)
}

func plainSQLite(t *testing.T, path string) {
	db, err := sql.Open(DriverName, dsn(path, false, false))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec("CREATE TABLE t (a INTEGER)"); err != nil {
		t.Fatal(err)
	}
}

// gpkgIDNoTables writes an SQLite file with the GPKG application_id and no
// GeoPackage tables.
func gpkgIDNoTables(t *testing.T, path string) {
	plainSQLite(t, path)
	db, err := sql.Open(DriverName, dsn(path, false, false))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(fmt.Sprintf("PRAGMA application_id = %d", appGPKG)); err != nil {
		t.Fatal(err)
	}
}

func wrongAppID(t *testing.T, path string) {
	createFixtureFile(t, path)
	db, err := sql.Open(DriverName, dsn(path, false, false))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec("PRAGMA application_id = 1234"); err != nil {
		t.Fatal(err)
	}
}

// TestOldApplicationIDs accepts GeoPackage 1.0 and 1.1 headers.
func TestOldApplicationIDs(t *testing.T) {
	for _, id := range []int{appGP10, appGP11} {
		path := filepath.Join(t.TempDir(), "old.gpkg")
		createFixtureFile(t, path)
		db, err := sql.Open(DriverName, dsn(path, false, false))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(fmt.Sprintf("PRAGMA application_id = %d", id)); err != nil {
			t.Fatal(err)
		}
		db.Close()
		g, err := Open(path, true)
		if err != nil {
			t.Fatalf("application_id %#x: %v", id, err)
		}
		g.Close()
	}
}

// TestBrokenBlobRow stores a broken blob in an indexed table: the insert
// must not fail in the triggers, decoding reports the error, and the R-tree
// indexes only rows with a readable header envelope (like GDAL, the triggers
// trust the envelope and do not parse the WKB).
func TestBrokenBlobRow(t *testing.T) {
	ctx := context.Background()
	db, err := Create(filepath.Join(t.TempDir(), "broken.gpkg"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.CreateTable(ctx, nil, TableSpec{Table: "t", GeomType: "POLYGON", SRSID: 4326}); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateSpatialIndex(ctx, nil, "t", "geom"); err != nil {
		t.Fatal(err)
	}
	good, _ := EncodeGeometry(orb.Polygon{{{0, 0}, {1, 0}, {1, 1}, {0, 0}}}, 4326)
	for _, b := range [][]byte{good, good[:len(good)-5], []byte("not a blob")} {
		if _, err := db.W.Exec("INSERT INTO t (geom) VALUES (?)", b); err != nil {
			t.Fatal(err)
		}
	}
	var n int
	if err := db.R.QueryRow("SELECT count(*) FROM rtree_t_geom").Scan(&n); err != nil || n != 2 {
		t.Fatalf("%d rows indexed (%v), want 2", n, err)
	}
	var blob []byte
	if err := db.R.QueryRow("SELECT geom FROM t WHERE fid = 2").Scan(&blob); err != nil {
		t.Fatal(err)
	}
	if _, err := DecodeGeometry(blob); !errors.Is(err, ErrInvalidWKB) {
		t.Fatalf("decode: %v, want ErrInvalidWKB", err)
	}
	if err := db.UpdateExtent(ctx, nil, "t"); err != nil {
		t.Fatal(err)
	}
}

// TestAttributesOnlyFile reads a GeoPackage without gpkg_geometry_columns,
// which the specification allows when there are no feature tables.
func TestAttributesOnlyFile(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "attrs.gpkg")
	db, err := Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.CreateTable(ctx, nil, TableSpec{Table: "a", DataType: "attributes", Columns: []Column{{Name: "v", Type: "TEXT"}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.W.Exec("DROP TABLE gpkg_geometry_columns"); err != nil {
		t.Fatal(err)
	}
	ls, err := db.Layers(ctx)
	if err != nil || len(ls) != 1 || ls[0].DataType != "attributes" {
		t.Fatalf("Layers = %+v, %v", ls, err)
	}
	if probs := db.Check(ctx); len(probs) > 0 {
		t.Fatalf("Check: %v", probs)
	}
	db.Close()
	validateWithGDAL(t, path)
}
