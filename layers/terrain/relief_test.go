package terrain

import (
	"context"
	"math"
	"path/filepath"
	"testing"

	"github.com/paulmach/orb"

	"lantu/layers/gpkg"
)

// stepCoverage stores a flat 100 m coverage of 512 x 256 cells of 30 m
// whose western half is nodata, so the edge sits at x = 500000 + 256*30.
func stepCoverage(t testing.TB) *Coverage {
	g := NewGrid(512, 256, [6]float64{500000, 30, 0, 4650000, 0, -30}, 4550)
	g.HasNoData, g.NoData = true, -9999
	for i := range g.Data {
		g.Data[i] = 100
		if i%g.Width < 256 {
			g.Data[i] = -9999
		}
	}
	return storeCoverage(t, g)
}

func storeCoverage(t testing.TB, g *Grid) *Coverage {
	db, err := gpkg.Create(filepath.Join(t.TempDir(), "relief.gpkg"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	ctx := context.Background()
	if err := Import(ctx, FileTarget(db), "dem", g, 4550); err != nil {
		t.Fatal(err)
	}
	cov, err := OpenCoverage(ctx, db, "dem")
	if err != nil {
		t.Fatal(err)
	}
	return cov
}

func TestReliefAlignment(t *testing.T) {
	cov := stepCoverage(t)
	rel, err := NewRelief(context.Background(), cov)
	if err != nil {
		t.Fatal(err)
	}
	// Flat ground at the ramp's low end: the tint is the ramp's first stop.
	tint := func(c uint8) uint8 {
		return uint8(math.Round(255 * (1 - elevationStrength + elevationStrength*float64(c)/255)))
	}
	green := Hypsometric.Stops[0].Color
	edge := 500000 + 256*30.0
	tests := []struct {
		name  string
		minX  float64 // west edge of the view
		res   float64
		pixel int    // pixel column checked
		want  uint8  // its red factor
		west  uint8  // the factor of the pixel before it
		alpha string // what the case shows
	}{
		{"cells on pixels", edge - 10*30, 30, 10, tint(green.R), 255, "the first valid cell starts at pixel 10"},
		{"half-cell shift", edge - 10*30 - 15, 30, 10, uint8((255 + int(tint(green.R)) + 1) / 2), 255, "pixel 10's centre lies on the edge between cell centres"},
		{"two pixels per cell", edge - 20*15, 15, 21, tint(green.R), uint8((3*255 + int(tint(green.R)) + 2) / 4), "pixel 21's centre is a quarter cell inside, pixel 19's a quarter cell outside"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := orb.Bound{Min: orb.Point{tc.minX, 4650000 - 200*tc.res}, Max: orb.Point{tc.minX + 40*tc.res, 4650000 - 100*tc.res}}
			img, err := rel.Image(context.Background(), b, 40, 100, ReliefLayers{Elevation: elevationStrength})
			if err != nil || img == nil {
				t.Fatalf("image %v, err %v", img, err)
			}
			got := img.Pix[50*img.Stride+4*tc.pixel]
			west := img.Pix[50*img.Stride+4*(tc.pixel-2)]
			if diff(got, tc.want) > 1 || diff(west, tc.west) > 1 {
				t.Errorf("%s: red factor %d (pixel before %d), want %d (%d)", tc.alpha, got, west, tc.want, tc.west)
			}
		})
	}
}

func diff(a, b uint8) int {
	if a > b {
		return int(a - b)
	}
	return int(b - a)
}

func TestReliefLayersAndCache(t *testing.T) {
	g := synthDEM(300, 300)
	rel, err := NewRelief(context.Background(), storeCoverage(t, g))
	if err != nil {
		t.Fatal(err)
	}
	b := orb.Bound{Min: orb.Point{500000, 4650000 - 9000}, Max: orb.Point{509000, 4650000}}
	ctx := context.Background()
	tests := []struct {
		name string
		on   ReliefLayers
		nil_ bool
	}{
		{"none", ReliefLayers{}, true},
		{"hillshade", ReliefLayers{Hillshade: 0.7}, false},
		{"elevation", ReliefLayers{Elevation: 0.5}, false},
		{"slope", ReliefLayers{Slope: 0.7}, false},
		{"all", ReliefLayers{Hillshade: 0.7, Elevation: 0.5, Slope: 0.7}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			img, err := rel.Image(ctx, b, 300, 300, tc.on)
			if err != nil || (img == nil) != tc.nil_ {
				t.Fatalf("image %v, err %v", img != nil, err)
			}
			if img == nil {
				return
			}
			again, _ := rel.Image(ctx, b, 300, 300, tc.on)
			if again != img {
				t.Error("the same view was drawn twice instead of coming from the cache")
			}
			if dark := darkest(img.Pix); dark == 255 {
				t.Error("the relief changes no pixel")
			}
		})
	}
	far := orb.Bound{Min: orb.Point{0, 0}, Max: orb.Point{1000, 1000}}
	if img, err := rel.Image(ctx, far, 100, 100, ReliefLayers{Hillshade: 1}); img != nil || err != nil {
		t.Errorf("a view off the coverage: image %v, err %v; want nil, nil", img != nil, err)
	}
}

func darkest(pix []uint8) uint8 {
	d := uint8(255)
	for i, v := range pix {
		if i%4 != 3 {
			d = min(d, v)
		}
	}
	return d
}

func TestPickRelief(t *testing.T) {
	tests := []struct {
		name    string
		codes   []string
		opacity map[string]float64
		want    ReliefLayers
	}{
		{"defaults", nil, nil, ReliefLayers{Hillshade: hillshadeStrength}},
		{"none ticked", []string{"GH_STBHHX"}, nil, ReliefLayers{}},
		{"all ticked", []string{SlopeLayer, ElevationLayer, HillshadeLayer}, nil,
			ReliefLayers{Hillshade: hillshadeStrength, Elevation: elevationStrength, Slope: slopeStrength}},
		{"half opacity", []string{HillshadeLayer}, map[string]float64{HillshadeLayer: 0.5}, ReliefLayers{Hillshade: hillshadeStrength / 2}},
		{"opacity clamped", []string{ElevationLayer}, map[string]float64{ElevationLayer: 3}, ReliefLayers{Elevation: elevationStrength}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := PickRelief(tc.codes, tc.opacity); got != tc.want {
				t.Errorf("PickRelief = %+v, want %+v", got, tc.want)
			}
		})
	}
}

// BenchmarkRelief1600x1000 draws the hillshade of a 1600 x 1000 view over
// a 1024 x 1024 cell DEM: cold (a new zoom each time), panned by up to
// 100 pixels at one zoom, and cached.
func BenchmarkRelief1600x1000(b *testing.B) {
	g := NewGrid(1024, 1024, [6]float64{400000, 30, 0, 4700000, 0, -30}, 4550)
	g.HasNoData, g.NoData = true, -9999
	for i := range g.Data {
		x, y := float64(i%1024), float64(i/1024)
		g.Data[i] = float32(100 + 60*math.Sin(x/40)*math.Cos(y/55) + 0.02*x)
	}
	cov := storeCoverage(b, g)
	rel, err := NewRelief(context.Background(), cov)
	if err != nil {
		b.Fatal(err)
	}
	view := func(shift float64) orb.Bound {
		return orb.Bound{Min: orb.Point{402000 + shift, 4700000 - 22000}, Max: orb.Point{402000 + shift + 1600*15, 4700000 - 22000 + 1000*15}}
	}
	on := ReliefLayers{Hillshade: hillshadeStrength}
	b.Run("cold", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			rel.mu.Lock()
			rel.last = reliefField{}
			rel.mu.Unlock()
			if _, err := rel.Image(context.Background(), view(float64(i%1000)*15), 1600, 1000, on); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/frame")
	})
	b.Run("pan", func(b *testing.B) {
		rel.Image(context.Background(), view(0), 1600, 1000, on)
		for i := 0; b.Loop(); i++ {
			if _, err := rel.Image(context.Background(), view(float64(1+i%100)*15), 1600, 1000, on); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/1e6/float64(b.N), "ms/frame")
	})
	b.Run("cached", func(b *testing.B) {
		for b.Loop() {
			if _, err := rel.Image(context.Background(), view(0), 1600, 1000, on); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/1e6/float64(b.N), "ms/frame")
	})
}

// TestReliefPanReuse checks that a pan drawn from the grid read for an
// earlier view matches the same view drawn afresh.
func TestReliefPanReuse(t *testing.T) {
	cov := storeCoverage(t, synthDEM(300, 300))
	ctx := context.Background()
	on := ReliefLayers{Hillshade: 0.7, Slope: 0.5}
	view := func(dx float64) orb.Bound {
		return orb.Bound{Min: orb.Point{503000 + dx, 4650000 - 6000}, Max: orb.Point{503000 + dx + 3000, 4650000 - 3000}}
	}
	tests := []struct {
		name string
		dx   float64
	}{{"one pixel", 30}, {"a tenth of the view", 300}, {"west", -300}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			warm, err := NewRelief(ctx, cov)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := warm.Image(ctx, view(0), 100, 100, on); err != nil {
				t.Fatal(err)
			}
			read := warm.last.g
			panned, err := warm.Image(ctx, view(tc.dx), 100, 100, on)
			if err != nil {
				t.Fatal(err)
			}
			if warm.last.g != read {
				t.Error("the pan read the coverage again instead of reusing the grid")
			}
			fresh, _ := NewRelief(ctx, cov)
			want, err := fresh.Image(ctx, view(tc.dx), 100, 100, on)
			if err != nil {
				t.Fatal(err)
			}
			for i := range want.Pix {
				if d := diff(panned.Pix[i], want.Pix[i]); d > 1 {
					t.Fatalf("pixel %d channel %d: panned %d, fresh %d", i/4, i%4, panned.Pix[i], want.Pix[i])
				}
			}
		})
	}
}
