package gpkg

import (
	"bytes"
	"context"
	"encoding/binary"
	"math"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"lantu/layers/peer"
	"lantu/layers/peer/peertest"
)

// gdalEmptyFile loads testdata/empty/empty.csv into a GeoPackage with
// ogr2ogr, so its blobs are the ones GDAL writes.
func gdalEmptyFile(t *testing.T) string {
	t.Helper()
	ogr := peertest.Tool(t, "ogr2ogr")
	path := filepath.Join(t.TempDir(), "empty.gpkg")
	args := []string{"-f", "GPKG", path, filepath.Join("testdata", "empty", "empty.csv"),
		"-oo", "GEOM_POSSIBLE_NAMES=WKT", "-oo", "KEEP_GEOM_COLUMNS=NO", "-nln", "empty"}
	if out, err := exec.Command(ogr, args...).CombinedOutput(); err != nil {
		t.Fatalf("ogr2ogr %v: %v\n%s", args, err, out)
	}
	return path
}

// TestEmptyBlobsAsGDAL: for every empty geometry type GDAL writes, Lantu
// decodes it as empty and encodes it back to GDAL's bytes exactly (flags
// 0x11: empty, no envelope; an empty point as two NaN coordinates), and
// both Lantu's blob check and GDAL's validator accept the file.
func TestEmptyBlobsAsGDAL(t *testing.T) {
	path := gdalEmptyFile(t)
	db, err := Open(path, true)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.R.Query("SELECT fid, geom FROM empty ORDER BY fid")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var fid int64
		var blob []byte
		if err := rows.Scan(&fid, &blob); err != nil {
			t.Fatal(err)
		}
		n++
		if fid == 9 {
			if blob != nil {
				t.Fatalf("fid 9 (no WKT) is %x, want NULL", blob)
			}
			continue
		}
		g, err := DecodeGeometry(blob)
		if err != nil {
			t.Fatalf("fid %d: %v", fid, err)
		}
		if g.Empty != (fid != 8) {
			t.Errorf("fid %d: Empty = %v", fid, g.Empty)
		}
		mine, err := EncodeGeometry(g.Geom, g.SRSID)
		if err != nil || !bytes.Equal(mine, blob) {
			t.Errorf("fid %d: Lantu writes %x (%v), GDAL wrote %x", fid, mine, err, blob)
		}
	}
	if n != 9 {
		t.Fatalf("%d rows, want 9", n)
	}
	if probs := db.CheckGeometries(context.Background()); len(probs) > 0 {
		t.Fatalf("CheckGeometries on GDAL's file: %v", probs)
	}
	peertest.ValidateGPKG(t, path)
}

// blobDefects are blobs CheckGeometries must report, each with a word of
// the message it must give.
var blobDefects = []struct {
	name, want string
	blob       func() []byte
}{
	{"empty flag on a point with coordinates", "empty flag set", func() []byte {
		b, _ := EncodeGeometry(orb.Point{1, 2}, 4326)
		b[3] |= flagEmpty
		return b
	}},
	{"empty linestring without the flag", "without the empty flag", func() []byte {
		b, _ := EncodeGeometry(orb.LineString{}, 4326)
		b[3] &^= flagEmpty
		return b
	}},
	{"truncated", "exceeds the 43 bytes left", func() []byte {
		b, _ := EncodeGeometry(orb.LineString{{0, 0}, {1, 1}, {2, 0}}, 4326)
		return b[:len(b)-5]
	}},
	{"absurd count", "count 2147483647", func() []byte {
		b, _ := EncodeGeometry(orb.LineString{{0, 0}, {1, 1}}, 4326)
		binary.LittleEndian.PutUint32(b[40+5:], 0x7fffffff)
		return b
	}},
	{"envelope mismatch", "envelope", func() []byte {
		b, _ := EncodeGeometry(orb.LineString{{0, 0}, {1, 1}}, 4326)
		binary.LittleEndian.PutUint64(b[16:], math.Float64bits(0.5)) // maxx
		return b
	}},
	{"srs mismatch", "srs_id 4550", func() []byte {
		b, _ := EncodeGeometry(orb.Point{1, 2}, 4550)
		return b
	}},
	{"trailing bytes", "bytes after", func() []byte {
		b, _ := EncodeGeometry(orb.Point{1, 2}, 4326)
		return append(b, 0, 0, 0)
	}},
	{"not a blob", "bad magic", func() []byte { return []byte("hello, world") }},
	{"polygon in a linestring column", "WKB type 3", func() []byte {
		b, _ := EncodeGeometry(orb.Polygon{{{0, 0}, {1, 0}, {1, 1}, {0, 0}}}, 4326)
		return b
	}},
}

// defectFile writes one LINESTRING table holding the given blobs (fids 1..n).
func defectFile(t *testing.T, blobs ...[]byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "defects.gpkg")
	db, err := Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	if err := db.CreateTable(ctx, nil, TableSpec{Table: "roads", GeomType: "LINESTRING", SRSID: 4326}); err != nil {
		t.Fatal(err)
	}
	for _, b := range blobs {
		if _, err := db.W.Exec("INSERT INTO roads (geom) VALUES (?)", b); err != nil {
			t.Fatal(err)
		}
	}
	return path
}

// TestCheckGeometriesFindsDefects: every defect is reported with its fid,
// and the good rows are not.
func TestCheckGeometriesFindsDefects(t *testing.T) {
	good, _ := EncodeGeometry(orb.LineString{{0, 0}, {1, 1}}, 4326)
	blobs := [][]byte{good, nil}
	for _, d := range blobDefects {
		blobs = append(blobs, d.blob())
	}
	db, err := Open(defectFile(t, blobs...), true)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	probs := db.CheckGeometries(context.Background())
	byFID := map[int64]string{}
	for _, p := range probs {
		if !p.IsFeature || p.Table != "roads" {
			t.Fatalf("problem %v is not a feature's of roads", p)
		}
		byFID[p.FID] = p.Message
	}
	for i, d := range blobDefects {
		fid := int64(i + 3)
		if msg, ok := byFID[fid]; !ok || !strings.Contains(msg, d.want) {
			t.Errorf("%s (fid %d): got %q, want it to mention %q", d.name, fid, msg, d.want)
		}
	}
	if len(probs) != len(blobDefects) {
		t.Fatalf("%d problems for %d defects: %v", len(probs), len(blobDefects), probs)
	}
}

// TestValidatorSeesWrongEmptyFlag: with the empty-flag bit corrected, GDAL's
// validator still rejects a blob whose empty flag contradicts its content.
func TestValidatorSeesWrongEmptyFlag(t *testing.T) {
	if _, _, err := peer.GPKGValidator(); err != nil {
		peertest.Missing(t, "%v", err)
	}
	path := defectFile(t, blobDefects[0].blob())
	report, err := peer.ValidateGPKG(path)
	if err == nil || !strings.Contains(report, "152") {
		t.Fatalf("validator accepted an empty flag on a point with coordinates: %v %q", err, report)
	}
}

// wkbBits is the bit pattern Lantu (and GDAL) write for a coordinate: NaN,
// the empty point's coordinate, always as the quiet NaN 0x7ff8000000000000.
func wkbBits(v float64) uint64 {
	if v != v {
		return quietNaN
	}
	return math.Float64bits(v)
}
