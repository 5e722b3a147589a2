package terrain

import (
	"math"
	"os/exec"
	"path/filepath"
	"testing"

	"lantu/layers/peer/peertest"
)

// codecLayouts are gdal_translate creation options for every codec and
// predictor the streaming reader decodes on Float32: tiles that the image
// edge cuts, and strips.
var codecLayouts = map[string][]string{
	"lzw_p1_tiled":     {"-co", "TILED=YES", "-co", "COMPRESS=LZW"},
	"lzw_p2_tiled":     {"-co", "TILED=YES", "-co", "COMPRESS=LZW", "-co", "PREDICTOR=2"},
	"lzw_p3_tiled":     {"-co", "TILED=YES", "-co", "COMPRESS=LZW", "-co", "PREDICTOR=3"},
	"lzw_p3_strips":    {"-co", "COMPRESS=LZW", "-co", "PREDICTOR=3", "-co", "BLOCKYSIZE=5"},
	"deflate_p1_tiled": {"-co", "TILED=YES", "-co", "COMPRESS=DEFLATE"},
	"deflate_p2_tiled": {"-co", "TILED=YES", "-co", "COMPRESS=DEFLATE", "-co", "PREDICTOR=2"},
	"deflate_p3_tiled": {"-co", "TILED=YES", "-co", "COMPRESS=DEFLATE", "-co", "PREDICTOR=3", "-co", "ZLEVEL=9"},
}

// TestCodecsMatchGDAL decodes the whole-process benchmark's surface (with
// nodata holes, cut by the tile edges) written by gdal_translate with each
// codec and predictor, and compares every value bit for bit with what
// gdal_translate decodes from the same file into an uncompressed copy.
func TestCodecsMatchGDAL(t *testing.T) {
	translate := peertest.Tool(t, "gdal_translate")
	dir := t.TempDir()
	src := benchSurface(700)
	src.Width, src.Height, src.Data = 613, 541, src.Data[:613*541] // tiles of 256 cut by both edges
	for i := 0; i < len(src.Data); i += 997 {
		src.Data[i] = float32(math.Inf(1)) // and values no smooth surface has
	}
	base := filepath.Join(dir, "base.tif")
	if err := WriteGeoTIFF(base, src, Float32); err != nil {
		t.Fatal(err)
	}
	for name, co := range codecLayouts {
		t.Run(name, func(t *testing.T) {
			coded, plain := filepath.Join(dir, name+".tif"), filepath.Join(dir, name+"_plain.tif")
			for _, args := range [][]string{append(append([]string{"-q"}, co...), base, coded), {"-q", coded, plain}} {
				if out, err := exec.Command(translate, args...).CombinedOutput(); err != nil {
					t.Fatalf("gdal_translate %v: %v\n%s", args, err, out)
				}
			}
			ours, err := ReadGeoTIFF(coded)
			if err != nil {
				t.Fatal(err)
			}
			gdal, err := ReadGeoTIFF(plain)
			if err != nil {
				t.Fatal(err)
			}
			if ours.Width != gdal.Width || ours.Height != gdal.Height {
				t.Fatalf("%d x %d, GDAL %d x %d", ours.Width, ours.Height, gdal.Width, gdal.Height)
			}
			for i, v := range gdal.Data {
				if math.Float32bits(ours.Data[i]) != math.Float32bits(v) {
					t.Fatalf("cell %d (row %d, column %d) = %v, GDAL %v", i, i/gdal.Width, i%gdal.Width, ours.Data[i], v)
				}
			}
		})
	}
}
