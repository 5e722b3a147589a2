package shapefile

import (
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"lantu/assets"
	"lantu/layers/peer/peertest"
)

// citiesFile is the cities GeoJSON as a File (Polygon and MultiPolygon,
// rings as in the GeoJSON: counter-clockwise shells).
func citiesFile(t testing.TB) *File {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "vector", "liaoning_cities_echarts.geojson"))
	if err != nil {
		t.Fatal(err)
	}
	fc, err := geojson.UnmarshalFeatureCollection(b)
	if err != nil {
		t.Fatal(err)
	}
	f := &File{ShapeType: Polygon, PRJ: wgs84PRJ, Fields: []Field{
		{Name: "id", Type: Character}, {Name: "name", Type: Character}, {Name: "childNum", Type: Numeric}}}
	for _, ft := range fc.Features {
		vals := []any{ft.ID, ft.Properties["name"], int64(ft.Properties["childNum"].(float64))}
		f.Records = append(f.Records, Record{Geometry: ft.Geometry, Values: vals})
	}
	return f
}

const wgs84PRJ = `GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]`

// districtsFile holds every field type, NULLs, a long Chinese field name,
// holes (given clockwise, as in GeoJSON), a NULL shape and a multipolygon
// with an island in a hole; Z is x+100y, M ten times Z.
func districtsFile(t ShapeType) *File {
	sq := func(x0, y0, x1, y1 float64) orb.Ring { // counter-clockwise
		return orb.Ring{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}
	}
	rev := func(r orb.Ring) orb.Ring { r = slices.Clone(r); slices.Reverse(r); return r }
	day := func(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC) }
	f := &File{ShapeType: t, PRJ: wgs84PRJ, Fields: []Field{
		{Name: "名称", Type: Character, Length: 20}, {Name: "code", Type: Numeric},
		{Name: "area_km2", Type: Float, Length: 19, Decimals: 6}, {Name: "founded", Type: Date},
		{Name: "active", Type: Logical}, {Name: "名称字段很长的说明", Type: Character}}}
	f.Records = []Record{
		{Geometry: orb.Polygon{sq(0, 0, 10, 10), rev(sq(2, 2, 4, 4))},
			Values: []any{"和平区", int64(210102), 1.5, day(1948, 11, 2), true, "有洞的区"}},
		{Values: []any{"铁西区", int64(210106), nil, nil, nil, nil}},
		{Geometry: orb.MultiPolygon{{sq(20, 0, 30, 10), rev(sq(22, 2, 28, 8))}, {sq(24, 4, 26, 6)}},
			Values: []any{"沈河区", int64(-5), 2.25, day(2024, 2, 29), false, "多部分，岛在洞中"}},
	}
	if t.HasZ() || t.HasM() {
		for i := range f.Records {
			r := &f.Records[i]
			for _, p := range vertices(r.Geometry) {
				r.Z, r.M = append(r.Z, p[0]+100*p[1]), append(r.M, 10*(p[0]+100*p[1]))
			}
			if !t.HasZ() {
				r.Z = nil
			}
		}
	}
	return f
}

func vertices(g orb.Geometry) []orb.Point {
	var pts []orb.Point
	switch g := g.(type) {
	case orb.Polygon:
		for _, r := range g {
			pts = append(pts, r...)
		}
	case orb.MultiPolygon:
		for _, p := range g {
			pts = append(pts, vertices(p)...)
		}
	}
	return pts
}

// TestWriteReadByGDAL writes Shapefiles with Write and checks that GDAL
// reads the same counts, fields (names as FieldNames maps them), values
// (Chinese text in both encodings), geometry (clockwise shells, holes
// grouped as written), areas, Z and M, with no warning.
func TestWriteReadByGDAL(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		name     string
		f        *File
		encoding string
	}{
		{"cities_utf8", citiesFile(t), ""},
		{"cities_gbk", citiesFile(t), "GBK"},
		{"districts_utf8", districtsFile(Polygon), "UTF-8"},
		{"districts_gbk", districtsFile(Polygon), "GBK"},
		{"districts_z", districtsFile(PolygonZ), "GBK"},
		{"districts_m", districtsFile(PolygonM), "UTF-8"},
		{"rivers", riversFile(t), ""},
		{"centres_z", pointsFile(PointZ), "GBK"},
		{"centres_multi", pointsFile(MultiPointM), "GBK"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			shp := filepath.Join(dir, c.name+".shp")
			if err := Write(shp, c.f, WriteOptions{Encoding: c.encoding}); err != nil {
				t.Fatal(err)
			}
			ours, err := Read(shp, ReadOptions{KeepZM: true})
			if err != nil {
				t.Fatal(err)
			}
			checkWritten(t, shp, c.f, ours)
		})
	}
}

func checkWritten(t *testing.T, shp string, in, ours *File) {
	t.Helper()
	got, fields := gdalRead(t, shp), gdalFields(t, shp)
	if len(got) != len(in.Records) || len(ours.Records) != len(in.Records) {
		t.Fatalf("GDAL reads %d records, we read %d, wrote %d", len(got), len(ours.Records), len(in.Records))
	}
	if want := ourFields(ours.Fields); !slices.Equal(fields, want) {
		t.Errorf("GDAL fields %q, want %q", fields, want)
	}
	for i, r := range ours.Records {
		checkRecord(t, i, ours.Fields, r, got[i])
		for j, fd := range ours.Fields {
			if !sameValue(in.Records[i].Values[j], got[i].props[fd.Name], fd.Type) {
				t.Errorf("record %d field %s: wrote %v, GDAL reads %v", i+1, ours.Fields[j].Name,
					in.Records[i].Values[j], got[i].props[ours.Fields[j].Name])
			}
		}
		checkWrittenGeometry(t, i, in.Records[i], r)
	}
	if ours.ShapeType.HasM() && !ours.ShapeType.HasZ() {
		checkMeasures(t, ours, gdalMeasures(t, shp))
	}
	checkNoWarnings(t, shp, in)
}

// checkWrittenGeometry compares what we wrote with what we read back: the
// same area, shells clockwise, and Z/M still attached to the same vertex.
func checkWrittenGeometry(t *testing.T, i int, in, back Record) {
	t.Helper()
	if (in.Geometry == nil) != (back.Geometry == nil) || in.Geometry == nil {
		return
	}
	if !sameArea(in.Geometry, back.Geometry) {
		t.Errorf("record %d: area changed", i+1)
	}
	if _, poly := in.Geometry.(orb.Polygon); !poly && in.Geometry.GeoJSONType() != "MultiPolygon" {
		if canonical(in.Geometry) != canonical(back.Geometry) || !slices.Equal(in.Z, back.Z) || !slices.Equal(in.M, back.M) {
			t.Errorf("record %d: wrote %v Z %v M %v, read %v Z %v M %v", i+1, in.Geometry, in.Z, in.M, back.Geometry, back.Z, back.M)
		}
		return
	}
	mp, _ := back.Geometry.(orb.MultiPolygon)
	if p, ok := back.Geometry.(orb.Polygon); ok {
		mp = orb.MultiPolygon{p}
	}
	for _, p := range mp {
		for k, r := range p {
			if (signedArea(r) <= 0) != (k == 0) {
				t.Errorf("record %d: ring %d has the wrong orientation", i+1, k)
			}
		}
	}
	if (back.Z != nil) != (in.Z != nil) || (back.M != nil) != (in.M != nil) {
		t.Fatalf("record %d: wrote Z %v, M %v; read back Z %v, M %v", i+1, in.Z != nil, in.M != nil, back.Z != nil, back.M != nil)
	}
	if back.Z != nil && !slices.Equal(zByVertex(in.Geometry, in.Z), zByVertex(back.Geometry, back.Z)) {
		t.Errorf("record %d: Z moved to other vertices", i+1)
	}
	if back.M != nil && !slices.Equal(zByVertex(in.Geometry, in.M), zByVertex(back.Geometry, back.M)) {
		t.Errorf("record %d: M moved to other vertices", i+1)
	}
}

// zByVertex lists "x y z" per distinct vertex, sorted.
func zByVertex(g orb.Geometry, z []float64) []string {
	var out []string
	k := 0
	var walk func(g orb.Geometry)
	walk = func(g orb.Geometry) {
		switch g := g.(type) {
		case orb.MultiPolygon:
			for _, p := range g {
				walk(p)
			}
		case orb.Polygon:
			for _, r := range g {
				for _, p := range r {
					out, k = append(out, fmt.Sprint(p, z[k])), k+1
				}
			}
		}
	}
	walk(g)
	slices.Sort(out)
	return slices.Compact(out)
}

// checkNoWarnings runs ogrinfo -al on files made from clean data and
// fails on anything GDAL prints to stderr.
func checkNoWarnings(t *testing.T, shp string, in *File) {
	t.Helper()
	if len(in.Records) > 3 {
		return // the cities are dirty on purpose: GDAL warns about them
	}
	cmd := exec.Command(peertest.Tool(t, "ogrinfo"), "-al", "-q", shp)
	out, err := cmd.CombinedOutput()
	if err != nil || regexpWarning.Match(out) {
		t.Errorf("ogrinfo %s: %v\n%s", shp, err, out)
	}
}

// riversFile is the Shenyang rivers (LineStrings) as a File.
func riversFile(t testing.TB) *File {
	t.Helper()
	b, err := fs.ReadFile(assets.DemoSource(), "vector/shenyang_rivers_gshhg.geojson")
	if err != nil {
		t.Fatal(err)
	}
	fc, err := geojson.UnmarshalFeatureCollection(b)
	if err != nil {
		t.Fatal(err)
	}
	f := &File{PRJ: wgs84PRJ, Fields: []Field{{Name: "level", Type: Numeric}, {Name: "hdr", Type: Character}}}
	for _, ft := range fc.Features {
		vals := []any{int64(ft.Properties["level"].(float64)), ft.Properties["hdr"]}
		f.Records = append(f.Records, Record{Geometry: ft.Geometry, Values: vals})
	}
	return f
}

// pointsFile is a few Chinese-named points of type t, with Z and M, and a
// NULL shape; multipoint types get two points a record.
func pointsFile(t ShapeType) *File {
	f := &File{ShapeType: t, PRJ: wgs84PRJ, Fields: []Field{{Name: "名称", Type: Character}}}
	for i, name := range []string{"沈阳市", "大连市", "鞍山市"} {
		p := orb.Point{123 + float64(i)/10, 41 + float64(i)/7}
		r := Record{Geometry: p, Z: []float64{float64(i)}, M: []float64{float64(10 * i)}, Values: []any{name}}
		if t.Base() == MultiPoint {
			r.Geometry, r.Z, r.M = orb.MultiPoint{p, {p[0] + 1, p[1]}}, []float64{1, 2}, []float64{3, 4}
		}
		if !t.HasZ() {
			r.Z = nil
		}
		f.Records = append(f.Records, r)
	}
	return append1(f, Record{Values: []any{"空"}})
}

func append1(f *File, r Record) *File {
	f.Records = append(f.Records, r)
	return f
}
