package terrain

import (
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"lantu/layers/gpkg"
	"lantu/layers/peer/peertest"
)

func TestImportGdalinfo(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dem.gpkg")
	db, err := gpkg.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	dem := synthDEM(600, 300)
	if err := Import(context.Background(), FileTarget(db), "dem", dem, 4550); err != nil {
		t.Fatal(err)
	}
	var tiles, levels int
	if err := db.W.QueryRow(`SELECT count(*), count(DISTINCT zoom_level) FROM dem`).Scan(&tiles, &levels); err != nil {
		t.Fatal(err)
	}
	if levels != 3 || tiles != 6+2+1 {
		t.Fatalf("%d tiles in %d levels, want 9 in 3", tiles, levels)
	}
	db.Close()
	checkValidator(t, path)
	peertest.Tool(t, "gdal_translate")
	out := filepath.Join(t.TempDir(), "back.tif")
	if msg, err := exec.Command("gdal_translate", "-q", "GPKG:"+path+":dem", out).CombinedOutput(); err != nil {
		t.Fatalf("gdal_translate: %v\n%s", err, msg)
	}
	back, err := ReadGeoTIFF(out)
	if err != nil {
		t.Fatal(err)
	}
	if back.EPSG != 4550 || back.GeoTransform[0] != dem.GeoTransform[0] || back.GeoTransform[3] != dem.GeoTransform[3] || back.GeoTransform[1] != 30 {
		info, _ := exec.Command("gdalinfo", path).CombinedOutput()
		t.Fatalf("GDAL reads EPSG %d gt %v size %dx%d\n%s", back.EPSG, back.GeoTransform, back.Width, back.Height, info)
	}
	for r := 0; r < dem.Height; r++ {
		for c := 0; c < dem.Width; c++ {
			if a, b := dem.At(c, r), back.At(c, r); a != b {
				t.Fatalf("cell %d,%d: stored %v, GDAL reads %v", c, r, a, b)
			}
		}
	}
	info, _ := exec.Command("gdalinfo", path).CombinedOutput()
	if !strings.Contains(string(info), "NoData Value=-9999") {
		t.Fatalf("gdalinfo:\n%s", info)
	}
}

// checkValidator runs GDAL's validate_gpkg.py when python3-gdal ships it.
func checkValidator(t *testing.T, path string) {
	t.Helper()
	peertest.ValidateGPKG(t, path)
}

func TestCoverageRead(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dem.gpkg")
	db, err := gpkg.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	dem := synthDEM(600, 300)
	ctx := context.Background()
	if err := Import(ctx, FileTarget(db), "dem", dem, 4550); err != nil {
		t.Fatal(err)
	}
	cov, err := OpenCoverage(ctx, db, "dem")
	if err != nil {
		t.Fatal(err)
	}
	if len(cov.Levels) != 3 || cov.EPSG != 4550 {
		t.Fatalf("levels %+v epsg %d", cov.Levels, cov.EPSG)
	}
	x, y := 500000+30*123.5, 4650000-30*77.5
	v, ok, err := cov.At(ctx, x, y)
	if err != nil || !ok || float32(v) != dem.At(123, 77) {
		t.Fatalf("At = %v %v %v, want %v", v, ok, err, dem.At(123, 77))
	}
	g, err := cov.Read(ctx, orb.Bound{Min: orb.Point{500000, 4641000}, Max: orb.Point{518000, 4650000}}, 100)
	if err != nil || g.GeoTransform[1] != 60 {
		t.Fatalf("display read: cell %v, %v", g.GeoTransform[1], err)
	}
}

// TestReadGDALCoverages reads coverages GDAL wrote: Int16 as 16-bit PNG
// tiles with scale/offset and a raw data_null, Float32 as TIFF tiles.
func TestReadGDALCoverages(t *testing.T) {
	peertest.Tool(t, "gdal_translate")
	src := filepath.Join("testdata", "terra_elev_lux.tif")
	want, err := ReadGeoTIFF(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, ot string }{{"integer", "Int16"}, {"float", "Float32"}} {
		path := filepath.Join(t.TempDir(), tc.name+".gpkg")
		if msg, err := exec.Command("gdal_translate", "-q", "-ot", tc.ot, "-of", "GPKG", "-co", "RASTER_TABLE=dem", src, path).CombinedOutput(); err != nil {
			t.Fatalf("gdal_translate: %v\n%s", err, msg)
		}
		db, err := gpkg.Open(path, true)
		if err != nil {
			t.Fatal(err)
		}
		cov, err := OpenCoverage(context.Background(), db, "dem")
		if err != nil {
			t.Fatal(err)
		}
		g, err := cov.Read(context.Background(), orb.Bound{Min: orb.Point{want.GeoTransform[0], want.GeoTransform[3] + float64(want.Height)*want.GeoTransform[5]},
			Max: orb.Point{want.GeoTransform[0] + float64(want.Width)*want.GeoTransform[1], want.GeoTransform[3]}}, 0)
		if err != nil {
			t.Fatal(err)
		}
		bad := 0
		for r := 0; r < want.Height; r++ {
			for c := 0; c < want.Width; c++ {
				x, y := want.GeoTransform[0]+(float64(c)+0.5)*want.GeoTransform[1], want.GeoTransform[3]+(float64(r)+0.5)*want.GeoTransform[5]
				gc, gr := int((x-g.GeoTransform[0])/g.GeoTransform[1]), int((y-g.GeoTransform[3])/g.GeoTransform[5])
				a, b := want.At(c, r), g.At(gc, gr)
				if want.IsNoData(a) != g.IsNoData(b) || (!want.IsNoData(a) && a != b) {
					bad++
				}
			}
		}
		db.Close()
		if bad > 0 {
			t.Errorf("%s: %d of %d cells differ from the source GeoTIFF", tc.name, bad, want.Width*want.Height)
		}
	}
}
