package render

import (
	"context"
	"errors"
	"image"
	"image/color"
	"math"
	"testing"
)

// ridges is a synthetic multiply layer: light and dark bands running
// north-west to south-east, tied to map coordinates so that they line up with the scene.
func ridges(ctx context.Context, req Request) (*image.RGBA, error) {
	v := req.View
	img := image.NewRGBA(image.Rect(0, 0, v.W, v.H))
	for y := 0; y < v.H; y++ {
		for x := 0; x < v.W; x++ {
			p := v.ToMap(float64(x)+0.5, float64(y)+0.5)
			u := (p[0] - base[0] + p[1] - base[1]) / 60
			f := uint8(255 - 110*math.Pow(math.Max(0, math.Sin(u)), 2))
			img.SetRGBA(x, y, color.RGBA{f, f, f, 255})
		}
	}
	return img, nil
}

func TestReliefGolden(t *testing.T) {
	cases := []struct {
		name string
		req  Request
	}{
		{"relief_scene", Request{View: sceneView(), Labels: true}},
		{"relief_highlight", Request{View: sceneView(), Highlight: []FeatureRef{{"landuse", 2}}, Labels: true}},
		{"relief_zoom", Request{View: sceneView().Zoom(2.5, 300, 150), Labels: true}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := New(sceneLayers(t), Options{Relief: ridges})
			img, err := r.Render(context.Background(), c.req)
			if err != nil {
				t.Fatal(err)
			}
			assertGolden(t, c.name, img)
		})
	}
}

func TestMultiply(t *testing.T) {
	cases := []struct {
		name      string
		dst, by   color.RGBA
		want      color.RGBA
		rationale string
	}{
		{"white keeps", color.RGBA{200, 100, 50, 255}, color.RGBA{255, 255, 255, 255}, color.RGBA{200, 100, 50, 255}, "white is neutral"},
		{"black blacks", color.RGBA{200, 100, 50, 255}, color.RGBA{0, 0, 0, 255}, color.RGBA{0, 0, 0, 255}, "black absorbs"},
		{"half", color.RGBA{200, 100, 51, 255}, color.RGBA{128, 128, 128, 255}, color.RGBA{100, 50, 26, 255}, "grey halves, rounded"},
		{"per channel", color.RGBA{255, 255, 255, 255}, color.RGBA{10, 20, 30, 255}, color.RGBA{10, 20, 30, 255}, "channels scale alone"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dst := image.NewRGBA(image.Rect(0, 0, 3, 2))
			m := image.NewRGBA(image.Rect(0, 0, 3, 2))
			for i := 0; i < 6; i++ {
				dst.SetRGBA(i%3, i/3, c.dst)
				m.SetRGBA(i%3, i/3, c.by)
			}
			multiply(dst, m)
			if got := dst.RGBAAt(2, 1); got != c.want {
				t.Errorf("%s: %v x %v = %v, want %v", c.rationale, c.dst, c.by, got, c.want)
			}
		})
	}
}

func TestReliefRequestAndErrors(t *testing.T) {
	var seen []string
	boom := errors.New("relief: coverage unreadable")
	cases := []struct {
		name    string
		relief  func(context.Context, Request) (*image.RGBA, error)
		wantErr error
	}{
		{"nil layer draws nothing", func(_ context.Context, req Request) (*image.RGBA, error) {
			seen = req.Layers
			return nil, nil
		}, nil},
		{"error is returned", func(context.Context, Request) (*image.RGBA, error) { return nil, boom }, boom},
		{"wrong size", func(context.Context, Request) (*image.RGBA, error) {
			return image.NewRGBA(image.Rect(0, 0, 3, 3)), nil
		}, ErrViewport},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := New(sceneLayers(t), Options{Relief: c.relief})
			_, err := r.Render(context.Background(), Request{View: sceneView(), Layers: []string{"landuse", "XZ_STYY"}})
			if !errors.Is(err, c.wantErr) {
				t.Fatalf("err %v, want %v", err, c.wantErr)
			}
		})
	}
	if len(seen) != 2 || seen[1] != "XZ_STYY" {
		t.Errorf("the relief saw layers %v, want the request's", seen)
	}
}

// BenchmarkMultiply1600x1000 blends a 1600 x 1000 relief into a frame.
func BenchmarkMultiply1600x1000(b *testing.B) {
	dst := image.NewRGBA(image.Rect(0, 0, 1600, 1000))
	m := image.NewRGBA(image.Rect(0, 0, 1600, 1000))
	for i := range m.Pix {
		m.Pix[i], dst.Pix[i] = uint8(i), uint8(i*7)
	}
	for b.Loop() {
		multiply(dst, m)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/1e6/float64(b.N), "ms/frame")
}
