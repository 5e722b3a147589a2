package mapview

import (
	"math"
	"testing"

	"github.com/paulmach/orb"

	"lantu/layers/render"
)

// degrees is the ground length of one degree of longitude at c on a sphere
// of the WGS 84 equatorial radius, enough for these tests.
func degrees(c orb.Point) float64 { return 6378137 * math.Pi / 180 * math.Cos(c[1]*math.Pi/180) }

// A geographic view (degrees) shows its scale in ground metres, zooms in
// past 1:100 in map units, and its scale bar names kilometres, not "2 m".
func TestGeographicScaleInGroundUnits(t *testing.T) {
	m, _ := newTestView(t)
	m.SetGround(degrees)
	full := render.Fit(orb.Bound{Min: orb.Point{122.4, 41.3}, Max: orb.Point{123.7, 43.0}}, 400, 300)
	m.SetView(full.Center, full.Res)
	if s := m.Scale(); s < 1e5 || s > 5e6 {
		t.Fatalf("full extent of 1.3° x 1.7° at 400 px: scale 1:%.0f, want 1:10^5..5·10^6", s)
	}
	before := m.Scale()
	m.ZoomBy(1.5, 200, 150)
	if got := m.Scale(); math.Abs(got-before/1.5) > before*1e-6 {
		t.Fatalf("zoom in from 1:%.0f gave 1:%.0f, want 1:%.0f", before, got, before/1.5)
	}
	m.SetScale(1000)
	if got := m.Scale(); math.Abs(got-1000) > 1e-6 {
		t.Fatalf("SetScale(1000) shows 1:%.3f", got)
	}
	m.SetScale(1) // below the limit: clamped to 1:minScale on the ground
	if got := m.Scale(); math.Abs(got-minScale) > 1e-6 {
		t.Fatalf("SetScale(1) shows 1:%.3f, want 1:%d", got, minScale)
	}
	m.SetScale(25000)
	r := newViewRenderer(m)
	r.Layout(m.Size())
	// 120 Fyne units at 1:25000 are 120*0.28 mm*25000 = 840 m: the bar reads 500 m.
	if r.barText.Text != "500 m" {
		t.Fatalf("scale bar at 1:25000 reads %q, want \"500 m\"", r.barText.Text)
	}
}
