package qgis_test

import (
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/paulmach/orb"

	"lantu/layers"
	"lantu/layers/catalog"
	"lantu/layers/render"
)

// renderOut is what render_view.py prints.
type renderOut struct {
	Layers []string  `json:"layers"`
	Scale  float64   `json:"scale"`
	Points []sampled `json:"points"`
}

type sampled struct {
	X, Y  int
	FID   int64
	Class string
	Color string // QGIS's symbol colour for the feature, #AARRGGBB
}

// The compared view: 60 × 50 km of the demo city at 62.5 m a pixel.
var (
	viewBox       = orb.Bound{Min: orb.Point{480000, 4600000}, Max: orb.Point{540000, 4650000}}
	viewW, viewH  = 960, 800
	sampleInset   = 4.0 // pixels between a sample and its feature's edge
	colorTolerant = 6   // per channel, for anti-aliasing and rounding
)

// TestQGISDrawsLikeLantu renders the land-use layer of the same view with
// QGIS (the project in the blueprint) and with Lantu (the renderer of
// `lantuctl render`), and once more with QGIS from the layer's SLD, and
// compares the pixels at points well inside the features: same class, same
// colour, and the catalog's colour as Lantu mutes it.
func TestQGISDrawsLikeLantu(t *testing.T) {
	path := tinyDemo(t)
	dir := t.TempDir()
	qgisPNG, sldPNG := filepath.Join(dir, "qgis.png"), filepath.Join(dir, "qgis-sld.png")
	var out renderOut
	runQGIS(t, &out, "render_view.py", path, demoName, qgisPNG, strconv.Itoa(viewW), strconv.Itoa(viewH),
		num(viewBox.Min[0]), num(viewBox.Min[1]), num(viewBox.Max[0]), num(viewBox.Max[1]), "xz_dltb", "0", "xz_dltb", "dlbm",
		num(sampleInset), sldPNG)
	q, qs := readPNG(t, qgisPNG), readPNG(t, sldPNG)
	l := lantuRender(t, path, []string{"XZ_DLTB"})
	cat, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	def := cat.Layer("XZ_DLTB")
	pal := cat.Palette(def)
	classes := map[string]int{}
	bad, worst, wrongSymbol := 0, 0, 0
	for _, p := range out.Points {
		c, ok := pal.Lookup(p.Class)
		if !ok {
			t.Fatalf("fid %d: class %q not in the palette", p.FID, p.Class)
		}
		classes[c.Code]++
		m := render.Muted(c.Color)
		if want := fmt.Sprintf("#%02x%02x%02x%02x", uint8(float64(m.A)*def.Style.Opacity+0.5), m.R, m.G, m.B); p.Color != want {
			if wrongSymbol++; wrongSymbol <= 5 {
				t.Errorf("fid %d (%s): QGIS's symbol %s, want the class colour %s", p.FID, p.Class, p.Color, want)
			}
		}
		want := over(render.DefaultBackground, m, def.Style.Opacity)
		qc, sc, lc := q.At(p.X, p.Y), qs.At(p.X, p.Y), l.At(p.X, p.Y)
		worst = max(worst, diff(qc, lc), diff(sc, lc))
		if !near(qc, lc) || !near(qc, want) || !near(sc, want) {
			bad++
			if bad <= 5 {
				t.Errorf("fid %d (%s) at %d,%d: QGIS %v, QGIS from the SLD %v, Lantu %v, catalog %v", p.FID, p.Class, p.X, p.Y, qc, sc, lc, want)
			}
		}
	}
	t.Logf("QGIS (QML and SLD) vs Lantu at %d feature interiors of %d classes (scale 1:%.0f): %d differ by more than %d, the largest difference is %d",
		len(out.Points), len(classes), out.Scale, bad, colorTolerant, worst)
	if len(out.Points) < 100 || len(classes) < 10 {
		t.Errorf("only %d samples of %d classes: the view misses the land-use patches", len(out.Points), len(classes))
	}
	if bad > 0 {
		savePNG(t, filepath.Join("testdata", "failed", "lantu.png"), l)
		os.Rename(qgisPNG, filepath.Join("testdata", "failed", "qgis.png"))
		t.Logf("both renders are in testdata/failed/")
	}
}

func num(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// lantuRender draws the view as `lantuctl render --bbox --layers --no-labels` does.
func lantuRender(t *testing.T, path string, codes []string) image.Image {
	t.Helper()
	ctx := context.Background()
	bp, err := layers.Open(path, layers.OpenOptions{ReadOnly: true, Lazy: true})
	if err != nil {
		t.Fatal(err)
	}
	defer bp.Close()
	req := render.Request{View: render.Fit(viewBox, viewW, viewH), Layers: codes}
	src, err := render.FromBlueprintView(ctx, bp, req, render.ViewOptions{})
	if err != nil {
		t.Fatal(err)
	}
	img, err := render.New(src, render.Options{}).Render(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

func readPNG(t *testing.T, path string) image.Image {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return img
}

func savePNG(t *testing.T, path string, img image.Image) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Log(err)
		return
	}
	f, err := os.Create(path)
	if err != nil {
		t.Log(err)
		return
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		t.Log(err)
	}
}

// over is c at opacity a over the opaque background bg.
func over(bg, c color.NRGBA, a float64) color.NRGBA {
	a *= float64(c.A) / 255
	mix := func(b, f uint8) uint8 { return uint8(float64(b)*(1-a) + float64(f)*a + 0.5) }
	return color.NRGBA{mix(bg.R, c.R), mix(bg.G, c.G), mix(bg.B, c.B), 255}
}

// near compares two opaque colours channel by channel.
func near(a, b color.Color) bool { return diff(a, b) <= colorTolerant }

// diff is the largest difference of two colours' 8-bit channels.
func diff(a, b color.Color) int {
	ar, ag, ab, _ := a.RGBA()
	br, bg, bb, _ := b.RGBA()
	d := func(x, y uint32) int { return abs(int(x>>8) - int(y>>8)) }
	return max(d(ar, br), d(ag, bg), d(ab, bb))
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}
