package render

import (
	"flag"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden images in testdata/golden")

// Golden comparison tolerance: a pixel differs when a channel is off by more
// than pixelTolerance; up to maxDiffShare of the pixels may differ.
const (
	pixelTolerance = 24
	maxDiffShare   = 0.002
)

// assertGolden compares img with testdata/golden/name.png, writing the
// image to testdata/failed/ on mismatch (or to golden/ with -update).
func assertGolden(t *testing.T, name string, img image.Image) {
	t.Helper()
	golden := filepath.Join("testdata", "golden", name+".png")
	if *update {
		if err := writePNG(golden, img); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := readPNG(golden)
	if err != nil {
		t.Fatalf("golden %s: %v (run with -update to create it)", golden, err)
	}
	if n, share := diffPixels(img, want, pixelTolerance); share > maxDiffShare {
		failed := filepath.Join("testdata", "failed", name+".png")
		_ = writePNG(failed, img)
		t.Errorf("%s: %d pixels (%.3f%%) differ from the golden image; got %s", name, n, 100*share, failed)
	}
}

// diffPixels counts the pixels whose channels differ by more than tol.
func diffPixels(a, b image.Image, tol int) (int, float64) {
	if a.Bounds().Size() != b.Bounds().Size() {
		return -1, 1
	}
	ra, rb := a.Bounds(), b.Bounds()
	n := 0
	for y := 0; y < ra.Dy(); y++ {
		for x := 0; x < ra.Dx(); x++ {
			r1, g1, b1, a1 := a.At(ra.Min.X+x, ra.Min.Y+y).RGBA()
			r2, g2, b2, a2 := b.At(rb.Min.X+x, rb.Min.Y+y).RGBA()
			if far(r1, r2, tol) || far(g1, g2, tol) || far(b1, b2, tol) || far(a1, a2, tol) {
				n++
			}
		}
	}
	return n, float64(n) / float64(ra.Dx()*ra.Dy())
}

func far(a, b uint32, tol int) bool {
	d := int(a>>8) - int(b>>8)
	return d > tol || d < -tol
}

func readPNG(path string) (image.Image, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return png.Decode(f)
}

func writePNG(path string, img image.Image) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := png.Encode(f, img); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	return f.Close()
}
