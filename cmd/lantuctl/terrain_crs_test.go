package main

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"lantu/layers/peer/peertest"
)

// TestTerrainKeepsCRS: `lantuctl terrain slope|aspect|hillshade` of a
// GeoTIFF with a user-defined CRS (no EPSG code) writes the CRS GDAL reads
// from the input, word for word.
func TestTerrainKeepsCRS(t *testing.T) {
	translate := peertest.Tool(t, "gdal_translate")
	srsinfo := peertest.Tool(t, "gdalsrsinfo")
	dir := t.TempDir()
	in := filepath.Join(dir, "utm_intl.tif")
	if out, err := exec.Command(translate, "-q", "-a_srs", "+proj=utm +zone=51 +ellps=intl", terrainFixture(t), in).CombinedOutput(); err != nil {
		t.Fatalf("gdal_translate: %v\n%s", err, out)
	}
	wkt := func(p string) string {
		out, err := exec.Command(srsinfo, "-o", "wkt", p).CombinedOutput()
		if err != nil || !strings.Contains(string(out), "PROJCRS") {
			t.Fatalf("gdalsrsinfo %s: %v\n%s", p, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	want := wkt(in)
	for _, mode := range []string{"slope", "aspect", "hillshade"} {
		out := filepath.Join(dir, mode+".tif")
		if _, err := runOut(t, "terrain", mode, in, "--out", out); err != nil {
			t.Fatal(err)
		}
		if got := wkt(out); got != want {
			t.Errorf("%s: CRS\n%s\nwant\n%s", mode, got, want)
		}
	}
}
