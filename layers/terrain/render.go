package terrain

import (
	"image"
	"image/color"
	"math"
)

// HillshadeImage renders gdaldem-style shaded relief as a grey image the size
// of the grid; nodata cells are 0.
func HillshadeImage(g *Grid, opt Options) *image.Gray {
	hs := Hillshade(g, opt)
	img := image.NewGray(image.Rect(0, 0, g.Width, g.Height))
	for i, v := range hs.Data {
		img.Pix[i] = roundByte(v)
	}
	return img
}

// RampStop is one colour of a ramp at a relative position 0..1 (a plain value).
type RampStop struct {
	At    float64
	Color color.NRGBA
}

// Ramp is a colour ramp over elevations; Min == Max means the grid's range.
// Read-only use is safe for concurrent use.
type Ramp struct {
	Min, Max float64
	Stops    []RampStop
}

// Hypsometric is the default ramp: green lowlands, yellow, brown, white peaks.
var Hypsometric = Ramp{Stops: []RampStop{
	{0, color.NRGBA{87, 153, 87, 255}}, {0.3, color.NRGBA{170, 200, 110, 255}},
	{0.5, color.NRGBA{235, 220, 130, 255}}, {0.75, color.NRGBA{170, 120, 70, 255}},
	{1, color.NRGBA{250, 250, 250, 255}},
}}

// ColorRamp colours the grid with ramp; nodata cells are transparent.
func ColorRamp(g *Grid, ramp Ramp) *image.NRGBA {
	lo, hi := ramp.Min, ramp.Max
	if lo == hi {
		lo, hi = g.valueRange()
	}
	img := image.NewNRGBA(image.Rect(0, 0, g.Width, g.Height))
	for i, v := range g.Data {
		if g.IsNoData(v) || v != v || len(ramp.Stops) == 0 {
			continue
		}
		t := 0.0
		if hi > lo {
			t = math.Max(0, math.Min(1, (float64(v)-lo)/(hi-lo)))
		}
		c := ramp.at(t)
		copy(img.Pix[4*i:], []byte{c.R, c.G, c.B, c.A})
	}
	return img
}

func (r Ramp) at(t float64) color.NRGBA {
	s := r.Stops
	if t <= s[0].At {
		return s[0].Color
	}
	for k := 1; k < len(s); k++ {
		if t <= s[k].At {
			a, b := s[k-1], s[k]
			f := (t - a.At) / math.Max(b.At-a.At, 1e-12)
			mix := func(x, y uint8) uint8 { return uint8(math.Round(float64(x) + f*(float64(y)-float64(x)))) }
			return color.NRGBA{mix(a.Color.R, b.Color.R), mix(a.Color.G, b.Color.G), mix(a.Color.B, b.Color.B), mix(a.Color.A, b.Color.A)}
		}
	}
	return s[len(s)-1].Color
}

func (g *Grid) valueRange() (float64, float64) {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range g.Data {
		if !g.IsNoData(v) && v == v {
			lo, hi = math.Min(lo, float64(v)), math.Max(hi, float64(v))
		}
	}
	if lo > hi {
		return 0, 0
	}
	return lo, hi
}
