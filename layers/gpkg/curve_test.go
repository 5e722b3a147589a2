package gpkg

import (
	"errors"
	"fmt"
	"math"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/paulmach/orb"

	"lantu/layers/peer/peertest"
)

// curveLayers are the CSV fixtures of testdata/curves and the geometry type
// ogr2ogr gives each layer.
var curveLayers = []struct{ name, nlt string }{
	{"circularstring", "CIRCULARSTRING"},
	{"circularstring_z", "CIRCULARSTRINGZ"},
	{"compoundcurve", "COMPOUNDCURVE"},
	{"curvepolygon", "CURVEPOLYGON"},
	{"multicurve", "MULTICURVE"},
	{"multisurface", "MULTISURFACE"},
}

// makeCurveFile writes every curve fixture as a layer of one GeoPackage
// with ogr2ogr and returns its path.
func makeCurveFile(t *testing.T) string {
	t.Helper()
	ogr := peertest.Tool(t, "ogr2ogr")
	path := filepath.Join(t.TempDir(), "curves.gpkg")
	for _, l := range curveLayers {
		csv := filepath.Join("testdata", "curves", l.name+".csv")
		args := []string{"-f", "GPKG", "-update", "-append", path, csv, "-oo", "GEOM_POSSIBLE_NAMES=WKT",
			"-oo", "KEEP_GEOM_COLUMNS=NO", "-nlt", l.nlt, "-nln", l.name}
		if out, err := exec.Command(ogr, args...).CombinedOutput(); err != nil {
			t.Fatalf("ogr2ogr %v: %v\n%s", args, err, out)
		}
	}
	return path
}

// readBlobs decodes every geometry of table by fid; NULL geometries are nil.
func readBlobs(t *testing.T, db *DB, table string) map[int64]orb.Geometry {
	t.Helper()
	rows, err := db.R.Query("SELECT fid, geom FROM " + QuoteIdent(table))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[int64]orb.Geometry{}
	for rows.Next() {
		var fid int64
		var blob []byte
		if err := rows.Scan(&fid, &blob); err != nil {
			t.Fatal(err)
		}
		if blob == nil {
			out[fid] = nil
			continue
		}
		g, err := DecodeGeometry(blob)
		if err != nil {
			t.Fatalf("%s fid %d: %v", table, fid, err)
		}
		out[fid] = g.Geom
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestCurvesMatchGDALLinear: every curve layer ogr2ogr writes decodes, and
// its linearisation has GDAL's vertex count (ogr2ogr -nlt
// CONVERT_TO_LINEAR) with every vertex within 1e-9 of GDAL's.
func TestCurvesMatchGDALLinear(t *testing.T) {
	path := makeCurveFile(t)
	lin := filepath.Join(t.TempDir(), "linear.gpkg")
	ogr := peertest.Tool(t, "ogr2ogr")
	if out, err := exec.Command(ogr, "-f", "GPKG", lin, path, "-nlt", "CONVERT_TO_LINEAR").CombinedOutput(); err != nil {
		t.Fatalf("ogr2ogr CONVERT_TO_LINEAR: %v\n%s", err, out)
	}
	curved, err := Open(path, true)
	if err != nil {
		t.Fatal(err)
	}
	defer curved.Close()
	linear, err := Open(lin, true)
	if err != nil {
		t.Fatal(err)
	}
	defer linear.Close()
	for _, l := range curveLayers {
		t.Run(l.name, func(t *testing.T) {
			got, want := readBlobs(t, curved, l.name), readBlobs(t, linear, l.name)
			if len(got) != len(want) || len(got) == 0 {
				t.Fatalf("%d features, GDAL's linear copy has %d", len(got), len(want))
			}
			for fid, w := range want {
				if err := sameVertices(got[fid], w, 1e-9); err != nil {
					t.Errorf("fid %d: %v\n got %v\nwant %v", fid, err, got[fid], w)
				}
			}
		})
	}
}

// sameVertices compares two linear geometries vertex by vertex, allowing
// tol relative to the coordinates' magnitude.
func sameVertices(a, b orb.Geometry, tol float64) error {
	pa, pb := vertices(a), vertices(b)
	if len(pa) != len(pb) {
		return fmt.Errorf("%d vertices, want %d", len(pa), len(pb))
	}
	if fmt.Sprintf("%T", a) != fmt.Sprintf("%T", b) {
		return fmt.Errorf("type %T, want %T", a, b)
	}
	for i := range pa {
		d := math.Hypot(pa[i][0]-pb[i][0], pa[i][1]-pb[i][1])
		if d > tol*max(1, math.Abs(pb[i][0]), math.Abs(pb[i][1])) {
			return fmt.Errorf("vertex %d is %v, want %v", i, pa[i], pb[i])
		}
	}
	return nil
}

func vertices(g orb.Geometry) []orb.Point {
	var out []orb.Point
	switch g := g.(type) {
	case orb.Point:
		out = append(out, g)
	case orb.LineString:
		out = append(out, g...)
	case orb.Ring:
		out = append(out, g...)
	case orb.Polygon:
		for _, r := range g {
			out = append(out, r...)
		}
	case orb.MultiLineString:
		for _, l := range g {
			out = append(out, l...)
		}
	case orb.MultiPolygon:
		for _, p := range g {
			out = append(out, vertices(p)...)
		}
	}
	return out
}

// TestArcChordDeviation checks the stated tolerance: no chord of a
// linearised arc strays more than R·(1−cos 2°) from the circle.
func TestArcChordDeviation(t *testing.T) {
	for _, r := range []float64{0.01, 1, 1000, 5e6} {
		a, b, c := orb.Point{-r, 0}, orb.Point{0, r}, orb.Point{r, 0}
		ls := linearizeArcs([]orb.Point{a, b, c})
		bound := r * (1 - math.Cos(ArcStepDegrees/2*math.Pi/180))
		for i := 0; i+1 < len(ls); i++ {
			mid := orb.Point{(ls[i][0] + ls[i+1][0]) / 2, (ls[i][1] + ls[i+1][1]) / 2}
			if dev := r - math.Hypot(mid[0], mid[1]); dev > bound*(1+1e-9) {
				t.Fatalf("r=%g segment %d deviates %g > %g", r, i, dev, bound)
			}
			if math.Abs(math.Hypot(ls[i][0], ls[i][1])-r) > 1e-9*r {
				t.Fatalf("r=%g vertex %d %v is off the circle", r, i, ls[i])
			}
		}
		if ls[0] != a || ls[len(ls)-1] != c || len(ls) != 46 {
			t.Fatalf("r=%g: %d vertices from %v to %v, want 46 from %v to %v", r, len(ls), ls[0], ls[len(ls)-1], a, c)
		}
	}
}

// TestCurveWKBErrors: malformed curves are errors, not panics or silent
// garbage.
func TestCurveWKBErrors(t *testing.T) {
	for name, b := range malformed {
		t.Run(name, func(t *testing.T) {
			if g, _, _, err := DecodeWKB(b); err == nil {
				t.Fatalf("decoded to %v", g)
			} else if !errors.Is(err, ErrInvalidWKB) {
				t.Fatalf("error %v is not ErrInvalidWKB", err)
			}
		})
	}
}

// malformed holds hand-assembled little-endian ISO WKB for TestCurveWKBErrors.
var malformed = map[string][]byte{
	"CIRCULARSTRING (0 0, 1 1, 2 0, 3 3)":         wkbOf(wkbCircularString, pts(0, 0, 1, 1, 2, 0, 3, 3)),
	"CIRCULARSTRING (0 0, 1 1)":                   wkbOf(wkbCircularString, pts(0, 0, 1, 1)),
	"COMPOUNDCURVE ((0 0, 1 0), (2 0, 3 0))":      wkbOf(wkbCompoundCurve, u32le(2), wkbOf(wkbLineString, pts(0, 0, 1, 0)), wkbOf(wkbLineString, pts(2, 0, 3, 0))),
	"COMPOUNDCURVE (COMPOUNDCURVE ((0 0, 1 0)))":  wkbOf(wkbCompoundCurve, u32le(1), wkbOf(wkbCompoundCurve, u32le(1), wkbOf(wkbLineString, pts(0, 0, 1, 0)))),
	"MULTICURVE (POLYGON ((0 0, 1 0, 1 1, 0 0)))": wkbOf(wkbMultiCurve, u32le(1), wkbOf(wkbPolygon, u32le(1), pts(0, 0, 1, 0, 1, 1, 0, 0))),
	"MULTIPOLYGON (CURVEPOLYGON ((0 0, 1 0, 1 1, 0 0)))": wkbOf(wkbMultiPolygon, u32le(1),
		wkbOf(wkbCurvePolygon, u32le(1), wkbOf(wkbLineString, pts(0, 0, 1, 0, 1, 1, 0, 0)))),
}

func wkbOf(typ uint32, parts ...[]byte) []byte {
	b := append([]byte{1}, u32le(typ)...)
	for _, p := range parts {
		b = append(b, p...)
	}
	return b
}

func u32le(v uint32) []byte { return []byte{byte(v), byte(v >> 8), byte(v >> 16), byte(v >> 24)} }

// pts encodes a counted 2D point sequence.
func pts(xy ...float64) []byte {
	b := u32le(uint32(len(xy) / 2))
	for _, v := range xy {
		bits := math.Float64bits(v)
		for i := 0; i < 8; i++ {
			b = append(b, byte(bits>>(8*i)))
		}
	}
	return b
}
