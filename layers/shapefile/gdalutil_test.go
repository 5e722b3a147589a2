package shapefile

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/planar"

	"lantu/assets"
	"lantu/layers/peer/peertest"
)

// districtsGeoJSON is a small hand-made fixture: Chinese names, a polygon
// with a hole, a NULL geometry, a multipolygon whose second part sits in
// the first part's hole, dates, reals and NULLs. Coordinates carry Z.
const districtsGeoJSON = `{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"name":"和平区","code":210102,"area":1.5,"founded":"1948-11-02","note":"有洞"},
 "geometry":{"type":"Polygon","coordinates":[[[0,0,1],[10,0,2],[10,10,3],[0,10,4],[0,0,1]],[[2,2,5],[4,2,6],[4,4,7],[2,4,8],[2,2,5]]]}},
{"type":"Feature","properties":{"name":"铁西区","code":210106,"area":null,"founded":null,"note":null},"geometry":null},
{"type":"Feature","properties":{"name":"沈河区","code":210103,"area":2.25,"founded":"1955-01-01","note":"多部分"},
 "geometry":{"type":"MultiPolygon","coordinates":[
  [[[20,0,1],[30,0,1],[30,10,1],[20,10,1],[20,0,1]],[[22,2,2],[22,8,2],[28,8,2],[28,2,2],[22,2,2]]],
  [[[24,4,3],[26,4,3],[26,6,3],[24,6,3],[24,4,3]]],
  [[[40,0,9],[50,0,9],[50,5,9],[40,5,9],[40,0,9]]]]}}
]}`

// zmCSV holds measured geometries as WKT (GeoJSON has no M).
const zmCSV = `WKT,name
"POLYGON M ((0 0 1,0 10 2,10 10 3,10 0 4,0 0 1),(2 2 5,4 2 6,4 4 7,2 4 8,2 2 5))",和平区
"MULTIPOLYGON M (((20 0 1,20 10 1,30 10 1,30 0 1,20 0 1),(22 2 2,28 2 2,28 8 2,22 8 2,22 2 2)),((24 4 3,24 6 3,26 6 3,26 4 3,24 4 3)))",沈河区
`

// sources writes the source data of the fixtures into dir: the cities
// (testdata), the Shenyang outline and rivers (assets), the districts and
// the measured CSV (above), and the cities' centres as a CSV of points.
func sources(t *testing.T, dir string) map[string]string {
	t.Helper()
	demo := assets.DemoSource()
	out := map[string]string{}
	for _, name := range []string{"shenyang_outline_echarts", "shenyang_rivers_gshhg"} {
		b, err := fs.ReadFile(demo, "vector/"+name+".geojson")
		if err != nil {
			t.Fatal(err)
		}
		out[name] = writeFile(t, dir, name+".geojson", b)
	}
	cities, err := os.ReadFile(filepath.Join("testdata", "vector", "liaoning_cities_echarts.geojson"))
	if err != nil {
		t.Fatal(err)
	}
	out["cities"] = writeFile(t, dir, "cities.geojson", cities)
	out["districts"] = writeFile(t, dir, "districts.geojson", []byte(districtsGeoJSON))
	out["zm"] = writeFile(t, dir, "zm.csv", []byte(zmCSV))
	out["centres"] = writeFile(t, dir, "centres.csv", centresCSV(t, cities))
	return out
}

func writeFile(t *testing.T, dir, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// centresCSV lists each city's name, centre ("cp") and child count.
func centresCSV(t *testing.T, cities []byte) []byte {
	var fc struct {
		Features []struct {
			Properties struct {
				Name     string    `json:"name"`
				CP       []float64 `json:"cp"`
				ChildNum int       `json:"childNum"`
			} `json:"properties"`
		} `json:"features"`
	}
	if err := json.Unmarshal(cities, &fc); err != nil {
		t.Fatal(err)
	}
	var sb strings.Builder
	sb.WriteString("name,lon,lat,height\n")
	for _, f := range fc.Features {
		p := f.Properties
		fmt.Fprintf(&sb, "%s,%v,%v,%d\n", p.Name, p.CP[0], p.CP[1], p.ChildNum)
	}
	return []byte(sb.String())
}

// ogr2ogr runs ogr2ogr with args, failing the test on error.
func ogr2ogr(t testing.TB, args ...string) {
	t.Helper()
	if out, err := exec.Command(peertest.Tool(t, "ogr2ogr"), args...).CombinedOutput(); err != nil {
		t.Fatalf("ogr2ogr %v: %v\n%s", args, err, out)
	}
}

// gdalFeature is one feature as GDAL reads it.
type gdalFeature struct {
	geom  orb.Geometry
	z     []float64 // third coordinates in GeoJSON order, nil when 2D
	props map[string]any
}

// gdalRead returns the features of a shapefile as ogr2ogr converts them
// to GeoJSON (RFC7946=NO, so ring orientation is the file's).
func gdalRead(t *testing.T, path string) []gdalFeature {
	t.Helper()
	cmd := exec.Command(peertest.Tool(t, "ogr2ogr"), "-f", "GeoJSON", "/vsistdout/", path)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("ogr2ogr to GeoJSON %s: %v", path, err)
	}
	var fc struct {
		Features []struct {
			Properties map[string]any  `json:"properties"`
			Geometry   json.RawMessage `json:"geometry"`
		} `json:"features"`
	}
	if err := json.Unmarshal(out, &fc); err != nil {
		t.Fatalf("GDAL GeoJSON of %s: %v", path, err)
	}
	feats := make([]gdalFeature, len(fc.Features))
	for i, f := range fc.Features {
		feats[i].props = f.Properties
		if string(f.Geometry) == "null" || len(f.Geometry) == 0 {
			continue
		}
		g, err := geojson.UnmarshalGeometry(f.Geometry)
		if err != nil {
			t.Fatalf("GDAL geometry %d of %s: %v", i, path, err)
		}
		feats[i].geom, feats[i].z = g.Geometry(), thirdCoords(f.Geometry)
	}
	return feats
}

// thirdCoords collects the third number of every position in a GeoJSON
// geometry, in order; nil when positions have two.
func thirdCoords(raw json.RawMessage) []float64 {
	var g struct {
		Coordinates any `json:"coordinates"`
	}
	if json.Unmarshal(raw, &g) != nil {
		return nil
	}
	var z []float64
	var walk func(v any)
	walk = func(v any) {
		a, ok := v.([]any)
		if !ok {
			return
		}
		if len(a) > 0 {
			if _, num := a[0].(float64); num {
				if len(a) >= 3 {
					z = append(z, a[2].(float64))
				}
				return
			}
		}
		for _, e := range a {
			walk(e)
		}
	}
	walk(g.Coordinates)
	return z
}

var fieldLineRE = regexp.MustCompile(`(?m)^([^\s:]+): (\w+)(?:\((\w+)\))? \((\d+)\.(\d+)\)$`)

// gdalFields lists "name type(subtype) width.precision" as ogrinfo -so says.
func gdalFields(t *testing.T, path string) []string {
	t.Helper()
	out, err := exec.Command(peertest.Tool(t, "ogrinfo"), "-so", "-al", path).Output()
	if err != nil {
		t.Fatalf("ogrinfo %s: %v", path, err)
	}
	var fields []string
	for _, m := range fieldLineRE.FindAllStringSubmatch(string(out), -1) {
		fields = append(fields, fmt.Sprintf("%s %s(%s) %s.%s", m[1], m[2], m[3], m[4], m[5]))
	}
	return fields
}

// gdalMeasures returns, per feature, the M values of ogrinfo's WKT.
func gdalMeasures(t *testing.T, path string) [][]float64 {
	t.Helper()
	out, err := exec.Command(peertest.Tool(t, "ogrinfo"), "-al", "-q", path).Output()
	if err != nil {
		t.Fatalf("ogrinfo %s: %v", path, err)
	}
	var ms [][]float64
	wkt := regexp.MustCompile(`(?m)^  [A-Z]+ M \((.*)\)$`)
	for _, m := range wkt.FindAllStringSubmatch(string(out), -1) {
		nums := regexp.MustCompile(`-?[0-9.e+]+`).FindAllString(m[1], -1)
		var v []float64
		for i := 2; i < len(nums); i += 3 {
			x, _ := strconv.ParseFloat(nums[i], 64)
			v = append(v, x)
		}
		ms = append(ms, v)
	}
	return ms
}

// ourFields renders fields as gdalFields does, with GDAL's type names.
func ourFields(fields []Field) []string {
	out := make([]string, len(fields))
	for i, f := range fields {
		typ, sub := "String", ""
		switch {
		case f.Type == Numeric && f.Decimals == 0 && f.Length < 10:
			typ = "Integer"
		case f.Type == Numeric && f.Decimals == 0:
			typ = "Integer64"
		case f.Type == Numeric || f.Type == Float:
			typ = "Real"
		case f.Type == Date:
			typ, f.Length = "Date", 10 // GDAL shows a date's text width
		case f.Type == Logical:
			typ = "String" // GDAL 3.6 reads L fields as text
		}
		out[i] = fmt.Sprintf("%s %s(%s) %d.%d", f.Name, typ, sub, f.Length, f.Decimals)
	}
	return out
}

// sameValue compares one of our values with GDAL's GeoJSON property of a
// field of type ft. GDAL 3.6 reads logicals as the text T, F or ?, where
// we read true, false or nil.
func sameValue(ours, gdal any, ft FieldType) bool {
	if ft == Logical {
		return gdal == map[any]any{true: "T", false: "F", nil: "?"}[ours]
	}
	switch v := ours.(type) {
	case nil:
		return gdal == nil
	case int64:
		return gdal == float64(v)
	case float64:
		g, ok := gdal.(float64)
		return ok && math.Abs(g-v) <= 1e-12*math.Max(1, math.Abs(v))
	case time.Time:
		return gdal == v.Format("2006-01-02")
	}
	return ours == gdal
}

// canonical renders a geometry with its polygons and their holes sorted, so
// that two groupings compare equal when they hold the same rings the same
// way (orientation included).
func canonical(g orb.Geometry) string {
	switch g := g.(type) {
	case orb.Polygon:
		return canonical(orb.MultiPolygon{g})
	case orb.MultiPolygon:
		var polys []string
		for _, p := range g {
			holes := make([]string, 0, len(p))
			for _, r := range p[1:] {
				holes = append(holes, fmt.Sprint(r))
			}
			slices.Sort(holes)
			polys = append(polys, fmt.Sprint(p[0])+" holes "+strings.Join(holes, ","))
		}
		slices.Sort(polys)
		return "polygons " + strings.Join(polys, " | ")
	case orb.LineString:
		return canonical(orb.MultiLineString{g})
	case orb.Point:
		return canonical(orb.MultiPoint{g})
	}
	return fmt.Sprintf("%T %v", g, g)
}

// sameArea reports whether a and b have the same planar area.
func sameArea(a, b orb.Geometry) bool {
	x, y := planar.Area(a), planar.Area(b)
	return math.Abs(x-y) <= 1e-9*math.Max(1, x)
}

var regexpWarning = regexp.MustCompile(`(?m)^(Warning|ERROR) `)
