package shapefile

import (
	"errors"
	"flag"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"testing"

	"github.com/paulmach/orb"
)

var updateSeeds = flag.Bool("update-seeds", false, "rewrite testdata/fuzz/* from seedFiles")

// seedFiles writes small shapefiles of every shape type with Write and
// returns their .shp, .shx and .dbf bytes.
func seedFiles(tb testing.TB) (shp, shx, dbf [][]byte) {
	dir := tb.TempDir()
	files := map[string]*File{
		"poly": districtsFile(Polygon), "polyz": districtsFile(PolygonZ), "polym": districtsFile(PolygonM),
		"line": {Records: []Record{{Geometry: orb.MultiLineString{{{0, 0}, {1, 1}}, {{2, 2}, {3, 1}}}}, {}}},
		"point": {ShapeType: PointZ, Fields: []Field{{Name: "n", Type: Numeric, Decimals: 2}},
			Records: []Record{{Geometry: orb.Point{1, 2}, Z: []float64{3}, M: []float64{4}, Values: []any{1.25}}}},
		"multipoint": {ShapeType: MultiPointM, Records: []Record{{Geometry: orb.MultiPoint{{1, 2}, {3, 4}}}}},
	}
	for _, name := range slices.Sorted(maps.Keys(files)) {
		f := files[name]
		stem := filepath.Join(dir, name)
		if err := Write(stem+".shp", f, WriteOptions{Encoding: "GBK"}); err != nil {
			tb.Fatal(err)
		}
		for ext, dst := range map[string]*[][]byte{".shp": &shp, ".shx": &shx, ".dbf": &dbf} {
			b, err := os.ReadFile(stem + ext)
			if err != nil {
				tb.Fatal(err)
			}
			*dst = append(*dst, b)
		}
	}
	return shp, shx, dbf
}

// TestSeedsCurrent checks that the committed fuzz seeds are the ones our
// writer makes today (so the corpus covers what Write produces); with
// -update-seeds it rewrites them.
func TestSeedsCurrent(t *testing.T) {
	shp, shx, dbf := seedFiles(t)
	for target, seeds := range map[string][][]byte{"FuzzSHP": shp, "FuzzSHX": shx, "FuzzDBF": dbf} {
		dir := filepath.Join("testdata", "fuzz", target)
		if *updateSeeds {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
		}
		for i, s := range seeds {
			body := fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n", s)
			if target == "FuzzDBF" {
				body += "string(\"\")\n"
			}
			path := filepath.Join(dir, fmt.Sprintf("seed%d", i))
			if *updateSeeds {
				if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
					t.Fatal(err)
				}
				continue
			}
			if got, err := os.ReadFile(path); err != nil || string(got) != body {
				t.Errorf("%s is not what Write makes today (%v): run go test -run TestSeedsCurrent -update-seeds", path, err)
			}
		}
	}
}

// allocBound fails t when decode allocated more than the input can justify
// (a count read from the bytes must be bounded by the bytes present).
func allocBound(t *testing.T, n int, decode func()) {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	decode()
	runtime.ReadMemStats(&after)
	if got, limit := after.TotalAlloc-before.TotalAlloc, uint64(200*n+1<<20); got > limit {
		t.Fatalf("decoding %d bytes allocated %d bytes (limit %d)", n, got, limit)
	}
}

func isSentinel(err error) bool {
	for _, s := range []error{ErrFormat, ErrTruncated, ErrMismatch, ErrEncoding, ErrValue} {
		if errors.Is(err, s) {
			return true
		}
	}
	return false
}

func FuzzSHP(f *testing.F) {
	shp, _, _ := seedFiles(f)
	for _, s := range shp {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		allocBound(t, len(b), func() {
			_, shapes, err := decodeSHP(b, nil, true)
			if err != nil && !isSentinel(err) {
				t.Fatalf("error %v wraps no sentinel", err)
			}
			for _, s := range shapes {
				if s.z != nil && s.geom != nil && len(s.z) != len(vertexList(s.geom)) {
					t.Fatalf("%d Z values for %d vertices", len(s.z), len(vertexList(s.geom)))
				}
			}
		})
	})
}

// vertexList lists the vertices of g in walk order.
func vertexList(g orb.Geometry) []orb.Point {
	switch g := g.(type) {
	case orb.Point:
		return []orb.Point{g}
	case orb.MultiPoint:
		return g
	case orb.LineString:
		return g
	case orb.MultiLineString:
		var pts []orb.Point
		for _, l := range g {
			pts = append(pts, l...)
		}
		return pts
	}
	return vertices(g)
}

// FuzzSHX decodes fuzzed .shx bytes and reads a fixed .shp through them.
func FuzzSHX(f *testing.F) {
	shp, shx, _ := seedFiles(f)
	for _, s := range shx {
		f.Add(s)
	}
	target := shp[0]
	f.Fuzz(func(t *testing.T, b []byte) {
		allocBound(t, len(b)+len(target), func() {
			_, spans, err := decodeSHX(b)
			if err != nil {
				if !isSentinel(err) {
					t.Fatalf("error %v wraps no sentinel", err)
				}
				return
			}
			if _, _, err := decodeSHP(target, spans, true); err != nil && !isSentinel(err) {
				t.Fatalf("error %v wraps no sentinel", err)
			}
		})
	})
}

func FuzzDBF(f *testing.F) {
	_, _, dbf := seedFiles(f)
	for _, s := range dbf {
		f.Add(s, "")
		f.Add(s, "GBK")
	}
	f.Fuzz(func(t *testing.T, b []byte, enc string) {
		allocBound(t, len(b), func() {
			tab, err := decodeDBF(b, "", enc)
			if err != nil {
				if !isSentinel(err) {
					t.Fatalf("error %v wraps no sentinel", err)
				}
				return
			}
			for _, row := range tab.rows {
				if len(row) != len(tab.fields) {
					t.Fatalf("%d values for %d fields", len(row), len(tab.fields))
				}
			}
		})
	})
}
