package terrain

import (
	"context"
	"os/exec"
	"path/filepath"
	"testing"

	"lantu/layers/gpkg"
	"lantu/layers/peer/peertest"
)

func TestImportHillshade(t *testing.T) {
	path := filepath.Join(t.TempDir(), "shade.gpkg")
	db, err := gpkg.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	dem := synthDEM(600, 300)
	ctx := context.Background()
	if err := Import(ctx, FileTarget(db), "dem", dem, 4550); err != nil {
		t.Fatal(err)
	}
	// A second coverage: the extension rows must not repeat.
	if err := ImportCoverage(ctx, FileTarget(db), "slope", Slope(dem, DefaultOptions()), 4550, SlopeMeta); err != nil {
		t.Fatal(err)
	}
	if err := ImportHillshade(ctx, FileTarget(db), "shade", dem, DefaultOptions()); err != nil {
		t.Fatal(err)
	}
	var tiles, levels int
	if err := db.W.QueryRow(`SELECT count(*), count(DISTINCT zoom_level) FROM shade`).Scan(&tiles, &levels); err != nil {
		t.Fatal(err)
	}
	if levels != 3 || tiles != 6+2+1 {
		t.Fatalf("%d tiles in %d levels, want 9 in 3", tiles, levels)
	}
	db.Close()
	checkValidator(t, path)
	peertest.Tool(t, "gdal_translate")
	out := filepath.Join(t.TempDir(), "shade.tif")
	if msg, err := exec.Command("gdal_translate", "-q", "-b", "1", "GPKG:"+path+":shade", out).CombinedOutput(); err != nil {
		t.Fatalf("gdal_translate: %v\n%s", err, msg)
	}
	back, err := ReadGeoTIFF(out)
	if err != nil {
		t.Fatal(err)
	}
	want := Hillshade(dem, DefaultOptions())
	for r := 1; r < dem.Height-1; r++ {
		for c := 1; c < dem.Width-1; c++ {
			a := float32(max(1, roundByte(want.At(c, r))))
			if want.IsNoData(want.At(c, r)) {
				a = 0 // transparent
			}
			if b := back.At(c, r); a != b {
				t.Fatalf("cell %d,%d: hillshade %v, GDAL reads the tiles as %v", c, r, a, b)
			}
		}
	}
}
