package shapefile

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// gdalCase is a Shapefile written by ogr2ogr from one of the sources.
type gdalCase struct {
	name, source string
	args         []string // ogr2ogr options besides the paths
	encoding     string   // the attribute encoding we must detect
	dropCPG      bool     // delete the .cpg after GDAL has read the file
	shapeType    ShapeType
	records      int
}

var gdalCases = []gdalCase{
	{"cities_gbk", "cities", []string{"-lco", "ENCODING=GBK", "-select", "id,name,childNum"}, "GBK", false, Polygon, 14},
	{"cities_gbk_nocpg", "cities", []string{"-lco", "ENCODING=GBK", "-select", "id,name,childNum"}, "GBK", true, Polygon, 14},
	{"cities_utf8", "cities", []string{"-lco", "ENCODING=UTF-8", "-select", "id,name,childNum"}, "UTF-8", false, Polygon, 14},
	{"cities_utf8_nocpg", "cities", []string{"-lco", "ENCODING=UTF-8", "-select", "id,name,childNum"}, "UTF-8", true, Polygon, 14},
	{"cities_ldid77", "cities", []string{"-lco", "ENCODING=LDID/77", "-select", "id,name,childNum"}, "GBK", false, Polygon, 14},
	{"cities_gb18030", "cities", []string{"-lco", "ENCODING=GB18030", "-select", "id,name,childNum"}, "GB18030", false, Polygon, 14},
	{"outline", "shenyang_outline_echarts", []string{"-lco", "ENCODING=UTF-8", "-select", "name,childNum"}, "UTF-8", false, Polygon, 1},
	{"rivers", "shenyang_rivers_gshhg", nil, "ISO-8859-1", false, PolyLine, 25},
	{"rivers_multi", "shenyang_rivers_gshhg", []string{"-nlt", "MULTILINESTRING", "-explodecollections"}, "ISO-8859-1", false, PolyLine, 25},
	{"districts_gbk", "districts", []string{"-lco", "ENCODING=GBK", "-dim", "XY"}, "GBK", false, Polygon, 3},
	{"districts_z", "districts", []string{"-lco", "ENCODING=UTF-8", "-dim", "XYZ"}, "UTF-8", false, PolygonZ, 3},
	{"districts_m", "districts", []string{"-lco", "ENCODING=UTF-8", "-dim", "XYM"}, "UTF-8", false, PolygonM, 3},
	{"measured", "zm", []string{"-lco", "ENCODING=UTF-8", "-nlt", "MULTIPOLYGONM", "-select", "name"}, "UTF-8", false, PolygonM, 2},
	{"centres", "centres", []string{"-lco", "ENCODING=GBK", "-oo", "X_POSSIBLE_NAMES=lon", "-oo", "Y_POSSIBLE_NAMES=lat", "-oo", "AUTODETECT_TYPE=YES"}, "GBK", false, Point, 14},
	{"centres_z", "centres", []string{"-lco", "ENCODING=UTF-8", "-oo", "X_POSSIBLE_NAMES=lon", "-oo", "Y_POSSIBLE_NAMES=lat", "-oo", "Z_POSSIBLE_NAMES=height", "-oo", "AUTODETECT_TYPE=YES"}, "UTF-8", true, PointZ, 14},
	{"centres_multi", "centres", []string{"-lco", "ENCODING=GBK", "-oo", "X_POSSIBLE_NAMES=lon", "-oo", "Y_POSSIBLE_NAMES=lat", "-nlt", "MULTIPOINT"}, "GBK", true, MultiPoint, 14},
}

// TestReadGDALFixtures reads Shapefiles written by ogr2ogr and compares
// every record with what GDAL reads from the same files: counts, fields,
// values (Chinese text included), geometry with its polygon grouping,
// areas, Z and M.
func TestReadGDALFixtures(t *testing.T) {
	dir := t.TempDir()
	src := sources(t, dir)
	for _, c := range gdalCases {
		t.Run(c.name, func(t *testing.T) {
			shp := filepath.Join(dir, c.name+".shp")
			args := append([]string{"-f", "ESRI Shapefile"}, c.args...)
			if strings.HasSuffix(src[c.source], ".csv") {
				args = append(args, "-a_srs", "EPSG:4326")
			}
			ogr2ogr(t, append(args, shp, src[c.source])...)
			want, fields := gdalRead(t, shp), gdalFields(t, shp)
			var measures [][]float64
			if c.shapeType.HasM() && !c.shapeType.HasZ() {
				measures = gdalMeasures(t, shp)
			}
			if c.dropCPG {
				if err := os.Remove(filepath.Join(dir, c.name+".cpg")); err != nil {
					t.Fatal(err)
				}
			}
			f, err := Read(shp, ReadOptions{KeepZM: true})
			if err != nil {
				t.Fatal(err)
			}
			checkFile(t, c, f, want, fields)
			checkMeasures(t, f, measures)
		})
	}
}

func checkFile(t *testing.T, c gdalCase, f *File, want []gdalFeature, fields []string) {
	t.Helper()
	if f.ShapeType != c.shapeType || f.Encoding != c.encoding || len(f.Records) != c.records {
		t.Fatalf("got %v, %s, %d records; want %v, %s, %d", f.ShapeType, f.Encoding, len(f.Records),
			c.shapeType, c.encoding, c.records)
	}
	if got := ourFields(f.Fields); !slices.Equal(got, fields) {
		t.Errorf("fields\n got %q\nwant %q (ogrinfo)", got, fields)
	}
	if len(want) != len(f.Records) {
		t.Fatalf("%d records, GDAL reads %d", len(f.Records), len(want))
	}
	if f.PRJ == "" || !strings.Contains(f.PRJ, "WGS") {
		t.Errorf("PRJ %q, want GDAL's WGS 84 WKT", f.PRJ)
	}
	for i, r := range f.Records {
		checkRecord(t, i, f.Fields, r, want[i])
	}
}

func checkRecord(t *testing.T, i int, fields []Field, r Record, want gdalFeature) {
	t.Helper()
	for j, fd := range fields {
		if !sameValue(r.Values[j], want.props[fd.Name], fd.Type) {
			t.Errorf("record %d field %s: %#v, GDAL %#v", i+1, fd.Name, r.Values[j], want.props[fd.Name])
		}
	}
	if (r.Geometry == nil) != (want.geom == nil) {
		t.Fatalf("record %d: geometry %v, GDAL %v", i+1, r.Geometry, want.geom)
	}
	if r.Geometry == nil {
		return
	}
	if r.Geometry.GeoJSONType() != want.geom.GeoJSONType() {
		t.Errorf("record %d: %s, GDAL %s", i+1, r.Geometry.GeoJSONType(), want.geom.GeoJSONType())
	}
	if canonical(r.Geometry) != canonical(want.geom) {
		t.Errorf("record %d: geometry differs from GDAL's\n got %.300s\nwant %.300s", i+1, canonical(r.Geometry), canonical(want.geom))
	}
	if !sameArea(r.Geometry, want.geom) {
		t.Errorf("record %d: area %v, GDAL's %v", i+1, r.Geometry, want.geom)
	}
	if want.z != nil && !slices.Equal(r.Z, want.z) {
		t.Errorf("record %d: Z %v, GDAL %v", i+1, r.Z, want.z)
	}
}

func checkMeasures(t *testing.T, f *File, want [][]float64) {
	t.Helper()
	if want == nil {
		return
	}
	var got [][]float64
	for _, r := range f.Records {
		if r.Geometry != nil {
			got = append(got, r.M)
		}
	}
	if len(got) != len(want) {
		t.Fatalf("%d measured geometries, GDAL %d", len(got), len(want))
	}
	for i := range got {
		if !slices.Equal(got[i], want[i]) {
			t.Errorf("geometry %d: M %v, GDAL %v", i+1, got[i], want[i])
		}
	}
}
