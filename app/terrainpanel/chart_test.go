package terrainpanel

import (
	"flag"
	"image"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"testing"

	"lantu/layers/terrain"
)

var update = flag.Bool("update", false, "rewrite golden images in testdata/golden")

// hills is a 4.2 km profile over two hills with a gap of nodata.
func hills() terrain.ProfileResult {
	var r terrain.ProfileResult
	for i := 0; i <= 140; i++ {
		d := float64(i) * 30
		v := 80 + 120*math.Pow(math.Sin(d/1400), 2) + 25*math.Sin(d/300)
		r.Points = append(r.Points, terrain.ProfilePoint{Distance: d, Elevation: v, Valid: i < 95 || i > 102})
	}
	r.Length = 4200
	return r
}

func TestChartGolden(t *testing.T) {
	flat := terrain.ProfileResult{Length: 900, Points: []terrain.ProfilePoint{
		{Distance: 0, Elevation: 42, Valid: true}, {Distance: 450, Elevation: 42, Valid: true}, {Distance: 900, Elevation: 42, Valid: true}}}
	cases := []struct {
		name string
		p    terrain.ProfileResult
		w, h int
	}{
		{"profile_hills", hills(), chartW, chartH},
		{"profile_flat", flat, chartW, chartH},
		{"profile_wide", hills(), 640, 240},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			img := Chart(c.p, c.w, c.h)
			if img == nil {
				t.Fatal("no chart")
			}
			assertGolden(t, c.name, img)
		})
	}
}

func TestChartRefuses(t *testing.T) {
	one := terrain.ProfileResult{Length: 10, Points: []terrain.ProfilePoint{{Elevation: 5, Valid: true}}}
	cases := []struct {
		name string
		p    terrain.ProfileResult
		w, h int
	}{
		{"one valid point", one, chartW, chartH},
		{"no points", terrain.ProfileResult{}, chartW, chartH},
		{"too small", hills(), 40, 30},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if img := Chart(c.p, c.w, c.h); img != nil {
				t.Errorf("drew a %v chart", img.Rect.Size())
			}
		})
	}
}

func TestTicks(t *testing.T) {
	cases := []struct {
		lo, hi float64
		n      int
		want   []float64
	}{
		{0, 4.2, 6, []float64{0, 1, 2, 3, 4, 5}},
		{55, 230, 5, []float64{50, 100, 150, 200, 250}},
		{41.5, 42.5, 5, []float64{41.4, 41.6, 41.8, 42, 42.2, 42.4, 42.6}},
	}
	for _, c := range cases {
		got := ticks(c.lo, c.hi, c.n)
		if len(got) != len(c.want) {
			t.Errorf("ticks(%v, %v) = %v, want %v", c.lo, c.hi, got, c.want)
			continue
		}
		for i := range got {
			if math.Abs(got[i]-c.want[i]) > 1e-9 {
				t.Errorf("ticks(%v, %v) = %v, want %v", c.lo, c.hi, got, c.want)
				break
			}
		}
	}
}

// assertGolden compares img with testdata/golden/name.png exactly, writing
// it to testdata/failed/ on a mismatch (or to golden/ with -update).
func assertGolden(t *testing.T, name string, img *image.RGBA) {
	t.Helper()
	golden := filepath.Join("testdata", "golden", name+".png")
	if *update {
		if err := writePNG(golden, img); err != nil {
			t.Fatal(err)
		}
		return
	}
	f, err := os.Open(golden)
	if err != nil {
		t.Fatalf("golden %s: %v (run with -update to create it)", golden, err)
	}
	defer f.Close()
	want, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	if !sameImage(img, want) {
		failed := filepath.Join("testdata", "failed", name+".png")
		_ = writePNG(failed, img)
		t.Errorf("%s differs from the golden image; got %s", name, failed)
	}
}

func sameImage(a *image.RGBA, b image.Image) bool {
	if a.Bounds() != b.Bounds() {
		return false
	}
	for y := a.Rect.Min.Y; y < a.Rect.Max.Y; y++ {
		for x := a.Rect.Min.X; x < a.Rect.Max.X; x++ {
			r1, g1, b1, a1 := a.At(x, y).RGBA()
			r2, g2, b2, a2 := b.At(x, y).RGBA()
			if r1>>8 != r2>>8 || g1>>8 != g2>>8 || b1>>8 != b2>>8 || a1>>8 != a2>>8 {
				return false
			}
		}
	}
	return true
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
		return err
	}
	return f.Close()
}
