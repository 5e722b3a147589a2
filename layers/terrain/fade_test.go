package terrain

import (
	"context"
	"math"
	"testing"

	"github.com/paulmach/orb"
)

func TestShadeFade(t *testing.T) {
	tests := []struct {
		cell, res, want float64
	}{
		{30, 280, 1},      // 1:1,000,000: a cell is a tenth of a pixel
		{30, 24, 1},       // 1.25 px per cell
		{30, 18.48, 0.70}, // 1:66,000: 1.62 px per cell
		{30, 12, 0},       // 2.5 px per cell
		{30, 2.8, 0},      // 1:10,000
		{30, 0, 1},        // unknown resolution: as it was
	}
	for _, tc := range tests {
		if got := ShadeFade(tc.cell, tc.res); math.Abs(got-tc.want) > 0.01 {
			t.Errorf("ShadeFade(%v, %v) = %.3f, want %.2f", tc.cell, tc.res, got, tc.want)
		}
	}
}

// TestReliefFadesPastItsCells draws the hillshade of a 30 m ridge field at
// 1:1,000,000, 1:66,000 and 1:10,000: shaded, fainter, and not at all
// (nil: the map is left as it is), while the slope classes, which are
// colours and not texture, stay at every zoom.
func TestReliefFadesPastItsCells(t *testing.T) {
	g := NewGrid(512, 512, [6]float64{500000, 30, 0, 4650000, 0, -30}, 4550)
	for i := range g.Data {
		x, y := float64(i%512), float64(i/512)
		g.Data[i] = float32(200 + 80*math.Sin(x/9)*math.Cos(y/13))
	}
	rel, err := NewRelief(context.Background(), storeCoverage(t, g))
	if err != nil {
		t.Fatal(err)
	}
	centre := orb.Point{500000 + 256*30, 4650000 - 256*30}
	darkest := func(res float64, on ReliefLayers) (int, bool) {
		b := orb.Bound{Min: orb.Point{centre[0] - 100*res, centre[1] - 100*res}, Max: orb.Point{centre[0] + 100*res, centre[1] + 100*res}}
		img, err := rel.Image(context.Background(), b, 200, 200, on)
		if err != nil {
			t.Fatal(err)
		}
		if img == nil {
			return 255, false
		}
		d := 255
		for i := 0; i < len(img.Pix); i += 4 {
			d = min(d, int(img.Pix[i]))
		}
		return d, true
	}
	shade := ReliefLayers{Hillshade: hillshadeStrength}
	far, _ := darkest(20, shade) // 1.5 px per cell: still mostly there
	mid, _ := darkest(18.48, shade)
	if _, drawn := darkest(2.8, shade); drawn {
		t.Error("the hillshade is drawn at 1:10,000, 10 px per 30 m cell")
	}
	full, _ := darkest(30, shade)
	if !(full < far && far < mid && mid < 255) {
		t.Errorf("darkest shade at 1, 1.5 and 1.62 px per cell: %d, %d, %d; want darker the further out", full, far, mid)
	}
	if _, drawn := darkest(2.8, ReliefLayers{Hillshade: hillshadeStrength, Slope: slopeStrength}); !drawn {
		t.Error("slope classes are dropped with the hillshade at 1:10,000")
	}
}
