package dxf

import (
	"errors"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"lantu/layers/peer/peertest"
)

func TestReadEntities(t *testing.T) {
	data, err := os.ReadFile("testdata/entities.dxf")
	if err != nil {
		t.Fatal(err)
	}
	d, err := Read("entities.dxf", data)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Features) != 6 || d.Skipped["CIRCLE"] != 1 || d.CodePage != "ANSI_1252" {
		t.Fatalf("features %d, skipped %v, code page %q", len(d.Features), d.Skipped, d.CodePage)
	}
	want := []struct {
		entity, layer, text string
		geom                orb.Geometry
	}{
		{"LINE", "道路中线", "", orb.LineString{{533000, 4629000}, {533100.5, 4629050.25}}},
		{"LWPOLYLINE", "用地红线", "", orb.Polygon{{{533000, 4629000}, {533040, 4629000}, {533040, 4629030}, {533000, 4629030}, {533000, 4629000}}}},
		{"POLYLINE", "0", "", orb.LineString{{1, 2}, {3, 4}, {5, 2}}},
		{"POINT", "控制点", "", orb.Point{533010, 4629010}},
		{"TEXT", "注记", "沈阳市规划局", orb.Point{533020, 4629020}},
		{"MTEXT", "注记", "第一行\n第二行", orb.Point{533030, 4629030}},
	}
	for i, w := range want {
		f := d.Features[i]
		if f.Entity != w.entity || f.Layer != w.layer || f.Text != w.text || !orb.Equal(f.Geometry, w.geom) {
			t.Errorf("feature %d = %+v, want %+v", i, f, w)
		}
	}
	if d.Features[1].Handle != "1B" {
		t.Errorf("handle %q", d.Features[1].Handle)
	}
}

func TestReadErrors(t *testing.T) {
	data, _ := os.ReadFile("testdata/entities.dxf")
	good := string(data)
	cases := []struct {
		name, text string
		want       error
		says       string
	}{
		{"binary", "AutoCAD Binary DXF\r\n\x1a\x00", ErrBinary, "bad.dxf"},
		{"code", "abc\nSECTION\n", ErrSyntax, "bad.dxf:1"},
		{"number", strings.Replace(good, "533100.5", "5x3", 1), ErrSyntax, "bad.dxf:26: LINE (line 15)"},
		{"no entities", "  0\nEOF\n", ErrSyntax, "no ENTITIES"},
		{"short", strings.Replace(good, " 11\n533100.5\n 21\n4629050.25\n", "", 1), ErrSyntax, "LINE has no complete coordinate 11/21"},
	}
	for _, c := range cases {
		_, err := Read("bad.dxf", []byte(c.text))
		if !errors.Is(err, c.want) || !strings.Contains(err.Error(), c.says) {
			t.Errorf("%s: err = %v, want %v saying %q", c.name, err, c.want, c.says)
		}
	}
}

// TestReadGDALRivers reads a DXF that ogr2ogr writes from the real rivers
// and compares each line with what ogrinfo reads from it.
func TestReadGDALRivers(t *testing.T) {
	ogr2ogr, ogrinfo := peertest.Tool(t, "ogr2ogr"), peertest.Tool(t, "ogrinfo")
	path := filepath.Join(t.TempDir(), "rivers.dxf")
	src := filepath.Join("..", "gpkg", "testdata", "vector", "shenyang_rivers_gshhg.geojson")
	if out, err := exec.Command(ogr2ogr, "-f", "DXF", path, src).CombinedOutput(); err != nil {
		t.Fatalf("ogr2ogr: %v\n%s", err, out)
	}
	out, err := exec.Command(ogrinfo, "-ro", "-al", "-q", path).Output()
	if err != nil {
		t.Fatal(err)
	}
	lengths := gdalLengths(t, string(out))
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	d, err := Read(path, data)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Features) != len(lengths) || len(lengths) != 25 {
		t.Fatalf("read %d features, ogrinfo %d", len(d.Features), len(lengths))
	}
	for i, f := range d.Features {
		ls, ok := f.Geometry.(orb.LineString)
		if !ok || math.Abs(planar.Length(ls)-lengths[i]) > 1e-9 {
			t.Errorf("feature %d: %T length %v, ogrinfo %v", i, f.Geometry, planar.Length(f.Geometry), lengths[i])
		}
	}
}

var lineRE = regexp.MustCompile(`LINESTRING \(([^)]*)\)`)

// gdalLengths parses ogrinfo's LINESTRINGs and returns their lengths.
func gdalLengths(t *testing.T, out string) []float64 {
	var ls []float64
	for _, m := range lineRE.FindAllStringSubmatch(out, -1) {
		var line orb.LineString
		for _, xy := range strings.Split(m[1], ",") {
			f := strings.Fields(xy)
			x, _ := strconv.ParseFloat(f[0], 64)
			y, _ := strconv.ParseFloat(f[1], 64)
			line = append(line, orb.Point{x, y})
		}
		ls = append(ls, planar.Length(line))
	}
	return ls
}

func FuzzRead(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/*.dxf")
	for _, p := range seeds {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := Read("fuzz.dxf", data)
		if err != nil {
			if !strings.Contains(err.Error(), "fuzz.dxf") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		for _, ft := range d.Features {
			for _, pt := range points(ft.Geometry) {
				if math.IsNaN(pt[0]) || math.IsNaN(pt[1]) || math.IsInf(pt[0], 0) || math.IsInf(pt[1], 0) {
					t.Fatalf("%s at line %d: coordinate %v", ft.Entity, ft.Line, pt)
				}
			}
			if p, ok := ft.Geometry.(orb.Polygon); ok && (len(p) == 0 || len(p[0]) == 0 || p[0][0] != p[0][len(p[0])-1]) {
				t.Fatalf("polygon not closed: %v", p)
			}
		}
	})
}

// TestReadGDALHatches reads the polygons ogr2ogr writes as HATCH entities
// from the real Liaoning cities and compares count and areas with what
// ogrinfo (SpatiaLite ST_Area) reads from the same file.
func TestReadGDALHatches(t *testing.T) {
	ogr2ogr, ogrinfo := peertest.Tool(t, "ogr2ogr"), peertest.Tool(t, "ogrinfo")
	path := filepath.Join(t.TempDir(), "cities.dxf")
	src := filepath.Join("..", "gpkg", "testdata", "vector", "liaoning_cities_echarts.geojson")
	if out, err := exec.Command(ogr2ogr, "-f", "DXF", path, src).CombinedOutput(); err != nil {
		t.Fatalf("ogr2ogr: %v\n%s", err, out)
	}
	out, err := exec.Command(ogrinfo, "-ro", "-q", "-geom=NO", "-dialect", "SQLite", "-sql", "SELECT ST_Area(geometry) AS a FROM entities", path).Output()
	if err != nil {
		t.Fatal(err)
	}
	var want []float64
	for _, m := range regexp.MustCompile(`a \(Real\) = (\S+)`).FindAllStringSubmatch(string(out), -1) {
		v, _ := strconv.ParseFloat(m[1], 64)
		want = append(want, v)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	d, err := Read(path, data)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Features) != len(want) || len(want) < 14 || len(d.Skipped) != 0 {
		t.Fatalf("read %d features (skipped %v), ogrinfo %d", len(d.Features), d.Skipped, len(want))
	}
	for i, f := range d.Features {
		if a := planar.Area(f.Geometry); f.Entity != "HATCH" || math.Abs(a-want[i]) > 1e-9*want[i] {
			t.Errorf("feature %d: %s area %v, ogrinfo %v", i, f.Entity, a, want[i])
		}
	}
}

// points lists every vertex of g.
func points(g orb.Geometry) []orb.Point {
	switch g := g.(type) {
	case orb.Point:
		return []orb.Point{g}
	case orb.LineString:
		return g
	case orb.Polygon:
		var out []orb.Point
		for _, r := range g {
			out = append(out, r...)
		}
		return out
	case orb.MultiPolygon:
		var out []orb.Point
		for _, p := range g {
			out = append(out, points(p)...)
		}
		return out
	}
	return nil
}
