package main

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"lantu/layers"
	"lantu/layers/gpkg"
	"lantu/layers/peer"
	"lantu/layers/peer/peertest"
)

// gdalFixture writes testdata/gdal/*.csv as layers of one GeoPackage
// (EPSG:4550) with ogr2ogr: NULL geometries, empty geometries of every
// type, a CIRCULARSTRING and a MULTISURFACE layer.
func gdalFixture(t *testing.T) string {
	t.Helper()
	ogr := peertest.Tool(t, "ogr2ogr")
	path := filepath.Join(t.TempDir(), "gdal.gpkg")
	for _, l := range [][2]string{{"parcels", "POLYGON"}, {"empties", "GEOMETRY"}, {"arcs", "CIRCULARSTRING"}, {"rings", "MULTISURFACE"}} {
		args := []string{"-f", "GPKG", "-update", "-append", path, filepath.Join("testdata", "gdal", l[0]+".csv"),
			"-oo", "GEOM_POSSIBLE_NAMES=WKT", "-oo", "KEEP_GEOM_COLUMNS=NO", "-a_srs", "EPSG:4550", "-nlt", l[1], "-nln", l[0]}
		if out, err := exec.Command(ogr, args...).CombinedOutput(); err != nil {
			t.Fatalf("ogr2ogr %v: %v\n%s", args, err, out)
		}
	}
	return path
}

// execSQL runs statements on path with Lantu's driver (GDAL's triggers call
// ST_IsEmpty and friends).
func execSQL(t *testing.T, path string, stmts ...string) {
	t.Helper()
	db, err := sql.Open(gpkg.DriverName, "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

// badRings is a geometry blob whose polygon claims 2^31-1 rings.
const badRings = "x'47500001c61100000103000000ffffff7f'"

var featureCountRE = regexp.MustCompile(`(?m)^Layer name: (.*)\n(?:.*\n)*?Feature Count: (\d+)`)

func ogrinfoCounts(t *testing.T, path string) map[string]int {
	t.Helper()
	out, err := exec.Command(peertest.Tool(t, "ogrinfo"), "-so", "-al", path).CombinedOutput()
	if err != nil {
		t.Fatalf("ogrinfo: %v\n%s", err, out)
	}
	counts := map[string]int{}
	for _, m := range featureCountRE.FindAllStringSubmatch(string(out), -1) {
		counts[m[1]], _ = strconv.Atoi(m[2])
	}
	return counts
}

// TestInfoMatchesOgrinfo: `lantuctl info` lists ogrinfo's tables with
// ogrinfo's feature counts, and lists the unreadable layer and geometry
// it skipped.
func TestInfoMatchesOgrinfo(t *testing.T) {
	path := gdalFixture(t)
	execSQL(t, path, "UPDATE parcels SET geom = "+badRings+" WHERE fid = 3",
		`INSERT INTO gpkg_contents (table_name, data_type, identifier, srs_id) VALUES ('ghost', 'features', 'ghost', 4550)`,
		`INSERT INTO gpkg_geometry_columns VALUES ('ghost', 'geom', 'POLYGON', 4550, 0, 0)`)
	want := ogrinfoCounts(t, path)
	bp, err := layers.Open(path, layers.OpenOptions{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer bp.Close()
	info := describe(bp)
	got := map[string]int{}
	for _, l := range info.Layers {
		got[l.Table] = l.Count
	}
	if len(got) != len(want) || len(want) != 4 {
		t.Fatalf("info %v, ogrinfo %v", got, want)
	}
	for table, n := range want {
		if got[table] != n {
			t.Errorf("%s: info counts %d, ogrinfo %d", table, got[table], n)
		}
	}
	var out bytes.Buffer
	printProblems(&out, info.Problems)
	for _, s := range []string{"skipped layer ghost: ", "parcels fid 3: geometry unreadable"} {
		if !strings.Contains(out.String(), s) {
			t.Errorf("info's problem list lacks %q:\n%s", s, out.String())
		}
	}
}

// TestValidateListsEveryBadBlob: validate names every corrupt feature and
// fails; on a sound GDAL file it says which validators ran.
func TestValidateListsEveryBadBlob(t *testing.T) {
	path := gdalFixture(t)
	var out bytes.Buffer
	if err := validate(context.Background(), &out, path, true); err != nil {
		t.Fatalf("sound file: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "valid GeoPackage (Lantu's checks only)") {
		t.Errorf("--no-gdal output %q", out.String())
	}
	execSQL(t, path, "UPDATE parcels SET geom = "+badRings+" WHERE fid = 1",
		"UPDATE arcs SET geom = substr(geom, 1, 20) WHERE fid = 2")
	out.Reset()
	err := validate(context.Background(), &out, path, true)
	// The R-tree triggers wrote a (0,0) box for the blob they could not
	// read: that is a third, structural problem.
	if err == nil || !strings.Contains(err.Error(), "3 problems") || !strings.Contains(out.String(), "R-tree extent") {
		t.Fatalf("err = %v, want 3 problems\n%s", err, out.String())
	}
	for _, s := range []string{"parcels: fid 1: ", "arcs: fid 2: "} {
		if !strings.Contains(out.String(), s) {
			t.Errorf("validate output lacks %q:\n%s", s, out.String())
		}
	}
	if strings.Contains(out.String(), "valid GeoPackage") {
		t.Errorf("validate calls a corrupt file valid:\n%s", out.String())
	}
}

// TestValidateRunsGDALWithBindings: GDAL's validator runs with a Python
// that imports osgeo, so its geometry checks see the corrupt blob too.
func TestValidateRunsGDALWithBindings(t *testing.T) {
	peertest.PythonGDAL(t)
	path := gdalFixture(t)
	var out bytes.Buffer
	if err := validate(context.Background(), &out, path, false); err != nil {
		t.Fatalf("sound file: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "Lantu's checks and GDAL's validate_gpkg.py") {
		t.Errorf("output %q", out.String())
	}
	execSQL(t, path, "UPDATE parcels SET geom = "+badRings+" WHERE fid = 1")
	out.Reset()
	if err := validate(context.Background(), &out, path, false); err == nil || !strings.Contains(out.String(), "Req 19") {
		t.Fatalf("err = %v; GDAL's validator did not see the corrupt blob:\n%s", err, out.String())
	}
}

// TestValidateSaysGDALCouldNotRun: a validator that cannot run (no Python
// with GDAL's bindings) is said so, with the reason, and is a failure, not
// "valid".
func TestValidateSaysGDALCouldNotRun(t *testing.T) {
	missing := fmt.Errorf("%w: no Python imports GDAL's bindings (Debian package python3-gdal)", peer.ErrMissing)
	line, err := gdalVerdict("x.gpkg", "", missing)
	if !errors.Is(err, errValidatorMissing) || !strings.Contains(line, "could not run") || !strings.Contains(line, "python3-gdal") {
		t.Fatalf("line %q, err %v", line, err)
	}
	if line, err := gdalVerdict("x.gpkg", "", nil); err != nil || strings.Contains(line, "could not") {
		t.Fatalf("validator ran clean: line %q, err %v", line, err)
	}
}
