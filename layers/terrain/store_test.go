package terrain

import (
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"lantu/layers/gpkg"
)

func TestImportGdalinfo(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dem.gpkg")
	db, err := gpkg.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	dem := synthDEM(600, 300)
	if err := Import(context.Background(), db, "dem", dem, 4550); err != nil {
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
	if _, err := exec.LookPath("gdal_translate"); err != nil {
		t.Skip("gdal_translate not installed; skipping the GDAL read-back")
	}
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
	out, err := exec.Command("sh", "-c", "dpkg -L python3-gdal 2>/dev/null | grep validate_gpkg.py | head -1").Output()
	script := strings.TrimSpace(string(out))
	if err != nil || script == "" {
		t.Log("validate_gpkg.py not found (python3-gdal missing); skipping the validator")
		return
	}
	if msg, err := exec.Command("/usr/bin/python3", script, path).CombinedOutput(); err != nil {
		t.Fatalf("validate_gpkg.py: %v\n%s", err, msg)
	}
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
	if err := Import(ctx, db, "dem", dem, 4550); err != nil {
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
