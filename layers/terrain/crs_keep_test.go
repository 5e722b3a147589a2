package terrain

import (
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"lantu/layers/peer/peertest"
)

// crsCases are the CRSs of the fixtures in testdata/crs (see NOTE there):
// two with no EPSG code (user-defined GeoKeys) and one EPSG code.
var crsCases = []struct{ file, srs string }{
	{"tmerc_krass.tif", "+proj=tmerc +lat_0=0 +lon_0=123 +k=1 +x_0=500000 +y_0=0 +ellps=krass +units=m +no_defs"},
	{"utm51_intl.tif", "+proj=utm +zone=51 +ellps=intl"},
	{"epsg32651.tif", "EPSG:32651"},
}

// derived are the three gdaldem products, as the CLI writes them.
var derived = []struct {
	name string
	run  func(*Grid, Options) *Grid
	st   SampleType
}{
	{"slope", Slope, Float32}, {"aspect", Aspect, Float32}, {"hillshade", Hillshade, Byte},
}

// TestDerivedKeepCRSGDAL: slope, aspect and hillshade of GeoTIFFs that
// gdal_translate -a_srs georeferenced have the CRS GDAL reads from the
// input, word for word (gdalsrsinfo -o wkt).
func TestDerivedKeepCRSGDAL(t *testing.T) {
	translate := peertest.Tool(t, "gdal_translate")
	srsinfo := peertest.Tool(t, "gdalsrsinfo")
	dir := t.TempDir()
	base := filepath.Join(dir, "base.tif")
	if err := WriteGeoTIFF(base, synthDEM(24, 20), Float32); err != nil {
		t.Fatal(err)
	}
	for _, c := range crsCases {
		t.Run(c.file, func(t *testing.T) {
			in := filepath.Join(dir, c.file)
			if out, err := exec.Command(translate, "-q", "-a_srs", c.srs, base, in).CombinedOutput(); err != nil {
				t.Fatalf("gdal_translate: %v\n%s", err, out)
			}
			want := wktOf(t, srsinfo, in)
			dem, err := ReadDEM(in)
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range derived {
				out := filepath.Join(dir, strings.TrimSuffix(c.file, ".tif")+"_"+d.name+".tif")
				if err := WriteGeoTIFF(out, d.run(dem, DefaultOptions()), d.st); err != nil {
					t.Fatal(err)
				}
				if got := wktOf(t, srsinfo, out); got != want {
					t.Errorf("%s: CRS of the output\n%s\nwant the input's\n%s", d.name, got, want)
				}
			}
		})
	}
}

func wktOf(t *testing.T, srsinfo, path string) string {
	t.Helper()
	out, err := exec.Command(srsinfo, "-o", "wkt", path).CombinedOutput()
	s := strings.TrimSpace(string(out))
	if err != nil || !strings.Contains(s, "PROJCRS") {
		t.Fatalf("gdalsrsinfo %s: %v\n%s", path, err, out)
	}
	return s
}

// TestDerivedKeepGeoKeys: without GDAL, the stored fixtures' GeoKeys,
// doubles and ASCII params come back from every derived file unchanged.
func TestDerivedKeepGeoKeys(t *testing.T) {
	dir := t.TempDir()
	for _, c := range crsCases {
		dem, err := ReadGeoTIFF(filepath.Join("testdata", "crs", c.file))
		if err != nil {
			t.Fatal(err)
		}
		if !dem.GeoKeys.DefinesCRS() {
			t.Fatalf("%s: no CRS keys read: %+v", c.file, dem.GeoKeys)
		}
		for _, d := range derived {
			out := filepath.Join(dir, d.name+"_"+c.file)
			if err := WriteGeoTIFF(out, d.run(dem, DefaultOptions()), d.st); err != nil {
				t.Fatal(err)
			}
			back, err := ReadGeoTIFF(out)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(back.GeoKeys, dem.GeoKeys) || back.EPSG != dem.EPSG || back.GeoTransform != dem.GeoTransform {
				t.Errorf("%s %s: keys %+v epsg %d gt %v, want %+v %d %v", c.file, d.name, back.GeoKeys, back.EPSG, back.GeoTransform,
					dem.GeoKeys, dem.EPSG, dem.GeoTransform)
			}
		}
	}
}
