package render

import (
	"context"
	"math"
	"testing"

	"github.com/paulmach/orb"
)

func TestClipRings(t *testing.T) {
	r := rect{0, 0, 10, 10}
	cases := []struct {
		name string
		ring []float32
		area float64 // of the clipped ring (shoelace, absolute)
	}{
		{"inside", []float32{1, 1, 9, 1, 9, 9, 1, 9}, 64},
		{"covering", []float32{-100, -100, 100, -100, 100, 100, -100, 100}, 100},
		{"half", []float32{5, -5, 20, -5, 20, 20, 5, 20}, 50},
		{"outside", []float32{20, 20, 30, 20, 30, 30}, 0},
		{"triangle", []float32{-10, -10, 20, -10, -10, 20}, 0.5 * 10 * 10},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var src, dst path
			src.begin()
			for i := 0; i < len(c.ring); i += 2 {
				src.add(c.ring[i], c.ring[i+1])
			}
			clipRings(&dst, &src, r)
			var a float64
			for k := 0; k < dst.parts(); k++ {
				a += math.Abs(shoelace(dst.part(k)))
			}
			if math.Abs(a-c.area) > 1e-3 {
				t.Errorf("clipped area %v, want %v", a, c.area)
			}
		})
	}
}

func shoelace(xy []float32) float64 {
	var a float64
	n := len(xy) / 2
	for i := 0; i < n; i++ {
		j := (i + 1) % n
		a += float64(xy[2*i])*float64(xy[2*j+1]) - float64(xy[2*j])*float64(xy[2*i+1])
	}
	return a / 2
}

func TestClipLines(t *testing.T) {
	r := rect{0, 0, 10, 10}
	cases := []struct {
		name  string
		line  []float32
		parts int
		offs  []float32
	}{
		{"inside", []float32{1, 1, 9, 9}, 1, []float32{0}},
		{"enters", []float32{-10, 5, 5, 5}, 1, []float32{10}},
		{"crosses twice", []float32{-10, 5, 20, 5, 20, 8, -10, 8}, 2, []float32{10, 30 + 3 + 10}},
		{"outside", []float32{-10, -10, -5, 20}, 0, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var src, dst path
			src.begin()
			for i := 0; i < len(c.line); i += 2 {
				src.add(c.line[i], c.line[i+1])
			}
			clipLines(&dst, &src, false, r)
			if dst.parts() != c.parts {
				t.Fatalf("%d parts, want %d", dst.parts(), c.parts)
			}
			for k, want := range c.offs {
				if math.Abs(float64(dst.offset(k)-want)) > 1e-3 {
					t.Errorf("part %d starts %v along the line, want %v", k, dst.offset(k), want)
				}
			}
		})
	}
}

// TestClipSeam zooms deep into a large dashed polygon and a dashed line, so
// both are clipped, and checks the tiled frame equals a single-pass one:
// dash phases must continue across clip boundaries.
func TestClipSeam(t *testing.T) {
	big := wktLayer(t, base,
		[3]string{"POLYGON((499000 4599000,501000 4599000,501000 4601000,499000 4601000,499000 4599000))", "", ""})
	road := wktLayer(t, base,
		[3]string{"LINESTRING(499000 4599990,500000 4600001,501000 4600010)", "", ""})
	layers := LayerList{
		{Code: "big", Kind: Polygon, Visible: true, Data: big, Style: Style{
			Fill: rgb("#cfe8cf"), Stroke: rgb("#c0392b"), Width: 3, Dash: []float64{14, 6}}},
		{Code: "road", Kind: Line, Visible: true, Data: road, Style: Style{
			Stroke: rgb("#34495e"), Width: 1, Dash: []float64{9, 5}}},
	}
	// The polygon's corner and the road at 2 cm per pixel.
	for _, v := range []Viewport{
		{Center: orb.Point{501000 - 2, 4601000 - 1.5}, Res: 0.02, W: 512, H: 384},
		{Center: orb.Point{500003.1, 4600001.2}, Res: 0.02, W: 512, H: 384},
	} {
		r := New(layers, Options{})
		req := Request{View: v}
		tiled, err := r.Render(context.Background(), req)
		if err != nil {
			t.Fatal(err)
		}
		whole := renderDirect(t, r, req)
		if n, share := diffPixels(tiled, whole, 40); share > 0.001 {
			_ = writePNG("testdata/failed/clip_tiled.png", tiled)
			_ = writePNG("testdata/failed/clip_whole.png", whole)
			t.Errorf("view %+v: %d pixels differ between tiled and single-pass frames", v, n)
		}
		assertGolden(t, "clip_"+ftoa(v.Center[0]), tiled)
	}
}
