package terrain

import (
	"image/color"
	"math"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkt"
)

// plane is a 100 x 100 grid of 10 m cells rising dzdx metres per metre east.
func plane(dzdx float64) *Grid {
	g := NewGrid(100, 100, [6]float64{0, 10, 0, 1000, 0, -10}, 4550)
	for r := 0; r < 100; r++ {
		for c := 0; c < 100; c++ {
			g.Data[r*100+c] = float32(dzdx * (float64(c) + 0.5) * 10)
		}
	}
	return g
}

func TestStats(t *testing.T) {
	cases := []struct {
		name  string
		dzdx  float64
		wkt   string
		cells int
		class int
		mean  float64
	}{
		{"45deg square", 1, "POLYGON((100 100,300 100,300 300,100 300,100 100))", 400, 4, 200},
		{"flat square", 0, "POLYGON((100 100,300 100,300 300,100 300,100 100))", 400, 0, 0},
		{"10pct triangle", 0.1, "POLYGON((0 0,400 0,0 400,0 0))", 780, 1, 0},
		{"holed 20deg", math.Tan(20 * math.Pi / 180), "POLYGON((100 100,500 100,500 500,100 500,100 100),(200 200,400 200,400 400,200 400,200 200))", 1200, 3, 300 * math.Tan(20*math.Pi/180)},
		{"multi 4deg", math.Tan(4 * math.Pi / 180), "MULTIPOLYGON(((0 0,100 0,100 100,0 100,0 0)),((500 500,600 500,600 600,500 600,500 500)))", 200, 1, 300 * math.Tan(4*math.Pi/180)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			geom, err := wkt.Unmarshal(c.wkt)
			if err != nil {
				t.Fatal(err)
			}
			s := plane(c.dzdx).Stats(geom, nil)
			if s.Cells != c.cells || math.Abs(s.ClassShare[c.class]-1) > 1e-9 || s.Area != float64(c.cells)*100 {
				t.Fatalf("cells %d (want %d), shares %v, area %v", s.Cells, c.cells, s.ClassShare, s.Area)
			}
			if c.name != "10pct triangle" && math.Abs(s.Mean-c.mean) > 1e-3 {
				t.Fatalf("mean %v, want %v", s.Mean, c.mean)
			}
		})
	}
}

func TestProfile(t *testing.T) {
	g := plane(1)
	line, err := wkt.Unmarshal("LINESTRING(50 500,550 500,550 700)")
	if err != nil {
		t.Fatal(err)
	}
	p := g.Profile(line.(orb.LineString))
	if p.Length != 700 || math.Abs(p.Ascent-500) > 1e-3 || p.Descent != 0 {
		t.Fatalf("length %v ascent %v descent %v", p.Length, p.Ascent, p.Descent)
	}
	if math.Abs(p.Points[1].Slope-45) > 1e-6 || p.Points[len(p.Points)-1].Slope != 0 || len(p.Points) != 71 {
		t.Fatalf("%d points, slopes %v .. %v", len(p.Points), p.Points[1].Slope, p.Points[len(p.Points)-1].Slope)
	}
	if v, ok := g.Value(123, 456); !ok || math.Abs(v-123) > 1e-4 {
		t.Fatalf("Value = %v %v, want 123", v, ok)
	}
	if _, ok := g.Value(-10, 456); ok {
		t.Fatal("Value outside the grid reported ok")
	}
}

func TestRenderHelpers(t *testing.T) {
	g := plane(0.5)
	g.HasNoData, g.NoData = true, -1
	g.Data[0] = -1
	img := ColorRamp(g, Hypsometric)
	if img.NRGBAAt(0, 0).A != 0 || img.NRGBAAt(0, 1) != Hypsometric.Stops[0].Color || img.NRGBAAt(99, 5) != (color.NRGBA{250, 250, 250, 255}) {
		t.Fatalf("ramp colours %v %v %v", img.NRGBAAt(0, 0), img.NRGBAAt(1, 0), img.NRGBAAt(99, 5))
	}
	hs := HillshadeImage(g, DefaultOptions())
	if hs.GrayAt(0, 0).Y != 0 || hs.GrayAt(50, 50).Y == 0 {
		t.Fatalf("hillshade %v %v", hs.GrayAt(0, 0), hs.GrayAt(50, 50))
	}
}
