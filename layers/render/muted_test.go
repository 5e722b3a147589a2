package render

import (
	"context"
	"image"
	"image/color"
	"math"
	"testing"

	"lantu/layers/catalog"
)

func hueChroma(c color.NRGBA) (l, h, ch float64) {
	l, a, b := toOklab(c)
	return l, math.Atan2(b, a), math.Hypot(a, b)
}

func hueDiff(a, b float64) float64 {
	d := math.Abs(a - b)
	return math.Min(d, 2*math.Pi-d) * 180 / math.Pi
}

// TestMutedKeepsTheStandardsHues checks every class colour of every
// catalog palette: the muted fill has the standard's hue, no more chroma
// and no less lightness, and strong colours lose at least a third of
// their chroma; the outline has the same hue, darker than the fill.
func TestMutedKeepsTheStandardsHues(t *testing.T) {
	cat, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	for name, p := range cat.Palettes {
		for _, c := range p.Classes {
			l0, h0, c0 := hueChroma(c.Color)
			m, o := Muted(c.Color), ClassOutline(c.Color)
			l1, h1, c1 := hueChroma(m)
			l2, h2, _ := hueChroma(o)
			where := name + " " + c.Code
			if c1 > c0+0.002 || l1 < l0-0.002 {
				t.Errorf("%s: %v muted to %v gains chroma or darkens", where, c.Color, m)
			}
			if c0 > 0.15 && c1 > c0*2/3 {
				t.Errorf("%s: %v muted to %v keeps %.0f%% of its chroma", where, c.Color, m, 100*c1/c0)
			}
			if c0 > 0.03 && hueDiff(h0, h1) > 4 {
				t.Errorf("%s: %v muted to %v turns its hue by %.1f°", where, c.Color, m, hueDiff(h0, h1))
			}
			if c1 > 0.03 && hueDiff(h1, h2) > 6 {
				t.Errorf("%s: outline %v of %v turns the hue by %.1f°", where, o, m, hueDiff(h1, h2))
			}
			if l2 > l1-0.15 {
				t.Errorf("%s: outline %v is not darker than the fill %v", where, o, m)
			}
		}
	}
	if got := Muted(color.NRGBA{255, 0, 255, 0x80}); got.A != 0x80 {
		t.Errorf("alpha %d, want kept", got.A)
	}
}

// TestHatchByScale draws one hatched polygon filling the view: at the
// district scale the hatch lines show (pixels differ inside), at the
// overview the area is one flat tint of the hatch colour, not blank.
func TestHatchByScale(t *testing.T) {
	farm := wktLayer(t, base, [3]string{"POLYGON((400000 4500000,600000 4500000,600000 4700000,400000 4700000,400000 4500000))", "", ""})
	src := LayerList{{Code: "farm", Kind: Polygon, Visible: true, Data: farm, Style: Style{
		Fill: rgb("#f5f8dc"), Stroke: rgb("#7cb342"), Width: 1.2, Hatch: "cross", HatchColor: rgb("#9ccc65"), Opacity: 0.35}}}
	colours := func(denom float64) map[color.RGBA]bool {
		img, err := New(src, Options{CacheBytes: -1}).Render(context.Background(), Request{View: AtScale(base, denom, 64, 64)})
		if err != nil {
			t.Fatal(err)
		}
		seen := map[color.RGBA]bool{}
		for y := 8; y < 56; y++ {
			for x := 8; x < 56; x++ {
				c := img.NRGBAAt(x, y)
				seen[color.RGBA{c.R, c.G, c.B, c.A}] = true
			}
		}
		return seen
	}
	if n := len(colours(66000)); n < 2 {
		t.Errorf("1:66,000: %d colours inside the polygon, want hatch lines", n)
	}
	flat := colours(1e6)
	if len(flat) != 1 {
		t.Errorf("1:1,000,000: %d colours inside the polygon, want one flat tint", len(flat))
	}
	paperFill := over(over(DefaultBackground, fade(rgb("#f5f8dc"), 0.35)), color.NRGBA{})
	for c := range flat {
		if c.R == paperFill.R && c.G == paperFill.G && c.B == paperFill.B {
			t.Error("1:1,000,000: the farmland lost its hatch tone")
		}
	}
}

// TestOutlinesByScale: a 20 px filled block keeps its outline at district
// scale and loses it at the overview, where a tessellation of such blocks
// would otherwise draw a grid.
func TestOutlinesByScale(t *testing.T) {
	for _, tc := range []struct {
		denom   float64
		outline bool
	}{{66000, true}, {1e6, false}} {
		side := 20 * tc.denom * PixelSize
		x0, y0 := base[0]-side/2, base[1]-side/2
		w := ftoa(x0) + " " + ftoa(y0) + "," + ftoa(x0+side) + " " + ftoa(y0) + "," + ftoa(x0+side) + " " + ftoa(y0+side) + "," + ftoa(x0) + " " + ftoa(y0+side) + "," + ftoa(x0) + " " + ftoa(y0)
		blk := wktLayer(t, base, [3]string{"POLYGON((" + w + "))", "", ""})
		src := LayerList{{Code: "b", Kind: Polygon, Visible: true, Data: blk, Style: Style{Fill: rgb("#f5f8dc"), Stroke: rgb("#000000"), Width: 1.5}}}
		img, err := New(src, Options{CacheBytes: -1}).Render(context.Background(), Request{View: AtScale(base, tc.denom, 40, 40)})
		if err != nil {
			t.Fatal(err)
		}
		dark := 0
		for _, p := range []image.Point{{10, 20}, {30, 20}, {20, 10}, {20, 30}} {
			if img.NRGBAAt(p.X, p.Y).R < 128 {
				dark++
			}
		}
		if got := dark > 0; got != tc.outline {
			t.Errorf("1:%.0f: outline drawn %v, want %v", tc.denom, got, tc.outline)
		}
	}
}
