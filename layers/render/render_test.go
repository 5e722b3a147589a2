package render

import (
	"context"
	"errors"
	"image"
	"image/color"
	"math"
	"strconv"
	"testing"

	"github.com/paulmach/orb"
)

var base = orb.Point{500000, 4600000}

// at shifts WKT-friendly local coordinates (metres from base) into map
// coordinates by building the WKT with the base added.
func loc(x, y float64) orb.Point { return orb.Point{base[0] + x, base[1] + y} }

func palette(m map[string]string) func(string) (color.NRGBA, bool) {
	return func(c string) (color.NRGBA, bool) {
		for n := len(c); n > 0; n-- {
			if s, ok := m[c[:n]]; ok {
				return rgb(s), true
			}
		}
		return color.NRGBA{}, false
	}
}

// sceneLayers builds the fixture scene used by the golden tests.
func sceneLayers(t testing.TB) LayerList {
	landuse := wktLayer(t, base,
		[3]string{"POLYGON((500020 4600020,500240 4600020,500240 4600200,500020 4600200,500020 4600020),(500080 4600070,500140 4600070,500140 4600130,500080 4600130,500080 4600070))", "0701", "居住用地"},
		[3]string{"MULTIPOLYGON(((500260 4600020,500400 4600020,500400 4600120,500260 4600120,500260 4600020)),((500300 4600150,500480 4600150,500420 4600300,500300 4600260,500300 4600150)))", "0901", "商业 Commercial"},
		[3]string{"POLYGON((500020 4600220,500240 4600220,500200 4600360,500040 4600340,500020 4600220))", "1401", "公园绿地"},
	)
	control := wktLayer(t, base,
		[3]string{"POLYGON((500180 4600100,500330 4600100,500330 4600240,500180 4600240,500180 4600100))", "", "永久基本农田"},
	)
	eco := wktLayer(t, base,
		[3]string{"POLYGON((500360 4600030,500500 4600030,500500 4600140,500360 4600140,500360 4600030))", "", ""},
	)
	roads := wktLayer(t, base,
		[3]string{"LINESTRING(500000 4600210,500150 4600205,500300 4600140,500512 4600140)", "", "青年大街"},
		[3]string{"LINESTRING(500250 4600000,500250 4600384)", "", "Nanjing St"},
	)
	boundary := wktLayer(t, base,
		[3]string{"LINESTRING(500010 4600010,500500 4600010,500500 4600370,500010 4600370,500010 4600010)", "", ""},
	)
	pois := wktLayer(t, base,
		[3]string{"POINT(500060 4600300)", "", "沈阳站"},
		[3]string{"POINT(500440 4600330)", "", "Shenyang North"},
		[3]string{"MULTIPOINT((500120 4600040),(500470 4600060))", "", "学校"},
	)
	return LayerList{
		{Code: "landuse", Kind: Polygon, Visible: true, Labels: true, Data: landuse, Style: Style{
			Fill: rgb("#dddddd"), Stroke: rgb("#8a8a8a"), Width: 0.8, Opacity: 0.9,
			ClassColor: palette(map[string]string{"07": "#ffe38c", "09": "#f08080", "14": "#9fd49a"})}},
		{Code: "farmland", Kind: Polygon, Visible: true, Labels: true, Data: control, Style: Style{
			Stroke: rgb("#e0a100"), Width: 2, Dash: []float64{8, 4}, Hatch: "diagonal", HatchColor: rgb("#e0a100")}},
		{Code: "eco", Kind: Polygon, Visible: true, Data: eco, Style: Style{
			Fill: rgb("#2e8b5720"), Stroke: rgb("#2e8b57"), Width: 1.5, Hatch: "cross"}},
		{Code: "roads", Kind: Line, Visible: true, Labels: true, Data: roads, Style: Style{
			Stroke: rgb("#b0b0b0"), Width: 7, Cap: "round", Join: "round"}},
		{Code: "boundary", Kind: Line, Visible: true, Data: boundary, Style: Style{
			Stroke: rgb("#7a3fa0"), Width: 2, Dash: []float64{12, 3, 2, 3}, Join: "miter"}},
		{Code: "poi", Kind: Point, Visible: true, Labels: true, Data: pois, Style: Style{
			Fill: rgb("#1f6fd1"), Stroke: rgb("#ffffff"), Width: 1, Symbol: "circle", Size: 9}},
	}
}

func sceneView() Viewport {
	return Viewport{Center: loc(256, 192), Res: 1, W: 512, H: 384}
}

func TestGoldenScene(t *testing.T) {
	layers := sceneLayers(t)
	cases := []struct {
		name string
		req  Request
	}{
		{"scene", Request{View: sceneView(), Labels: true}},
		{"scene_nolabels", Request{View: sceneView()}},
		{"scene_zoom", Request{View: sceneView().Zoom(2.5, 300, 150), Labels: true}},
		{"scene_highlight", Request{View: sceneView(), Highlight: []FeatureRef{{"landuse", 2}, {"roads", 1}}}},
		{"scene_opacity", Request{View: sceneView(), Layers: []string{"landuse", "roads"}, Opacity: map[string]float64{"landuse": 0.4}, Labels: true}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := New(layers, Options{})
			img, err := r.Render(context.Background(), c.req)
			if err != nil {
				t.Fatal(err)
			}
			assertGolden(t, c.name, img)
		})
	}
}

func TestSymbolsGolden(t *testing.T) {
	var ll LayerList
	for k, s := range []string{"circle", "square", "triangle", "star", "cross"} {
		x := 30 + float64(k)*45
		d := wktLayer(t, base, [3]string{"POINT(" + ftoa(base[0]+x) + " " + ftoa(base[1]+30) + ")", "", ""})
		ll = append(ll, &Layer{Code: s, Kind: Point, Visible: true, Data: d, Style: Style{
			Fill: rgb("#d1495b"), Stroke: rgb("#ffffff"), Width: 1, Symbol: s, Size: 16}})
	}
	r := New(ll, Options{})
	img, err := r.Render(context.Background(), Request{View: Viewport{Center: loc(125, 30), Res: 1, W: 250, H: 60}})
	if err != nil {
		t.Fatal(err)
	}
	assertGolden(t, "symbols", img)
}

func ftoa(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// TestSeam checks that the tiled frame equals one drawn in a single pass,
// at a view whose tile borders cut through the shapes at odd sub-pixel
// phases.
func TestSeam(t *testing.T) {
	layers := sceneLayers(t)
	for _, v := range []Viewport{
		sceneView(),
		sceneView().Pan(37.3, -101.6),
		sceneView().Zoom(1.7, 10, 10),
	} {
		r := New(layers, Options{Workers: 3})
		req := Request{View: v}
		tiled, err := r.Render(context.Background(), req)
		if err != nil {
			t.Fatal(err)
		}
		whole := renderDirect(t, r, req)
		if n, share := diffPixels(tiled, whole, 40); share > 0.001 {
			_ = writePNG("testdata/failed/seam_tiled.png", tiled)
			_ = writePNG("testdata/failed/seam_whole.png", whole)
			t.Errorf("view %+v: %d pixels differ between tiled and single-pass frames", v, n)
		}
	}
}

// renderDirect draws a request in one canvas, without tiles.
func renderDirect(t *testing.T, r *Renderer, req Request) *image.RGBA {
	f := r.plan(req)
	img := image.NewRGBA(image.Rect(0, 0, req.View.W, req.View.H))
	fillRect(img, r.opt.Background)
	g := grid{res: f.res, ox: float64(f.fx) + float64(f.phx)/256, oy: float64(f.fy) + float64(f.phy)/256}
	c := newCanvas(img, f.fx, f.fy)
	for _, d := range f.layers {
		j := &drawJob{c: c, g: g, w: float64(req.View.W), h: float64(req.View.H), l: d.l, st: d.st}
		if err := j.run(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	return img
}

// TestPanReuse checks that a whole-pixel pan reuses tiles and draws the
// overlap identically.
func TestPanReuse(t *testing.T) {
	r := New(sceneLayers(t), Options{})
	v := sceneView().Pan(0.4, 0.3)
	a, err := r.Render(context.Background(), Request{View: v})
	if err != nil {
		t.Fatal(err)
	}
	before, _ := r.CacheStats()
	b, err := r.Render(context.Background(), Request{View: v.Pan(100, 0)})
	if err != nil {
		t.Fatal(err)
	}
	after, _ := r.CacheStats()
	if after-before > 3 {
		t.Errorf("pan rendered %d new tiles, want at most 3", after-before)
	}
	overlapA := a.SubImage(image.Rect(100, 0, 512, 384))
	overlapB := b.SubImage(image.Rect(0, 0, 412, 384))
	if n, _ := diffPixels(overlapA, overlapB, 0); n != 0 {
		t.Errorf("%d pixels differ in the panned overlap", n)
	}
}

func TestInvalidate(t *testing.T) {
	r := New(sceneLayers(t), Options{})
	req := Request{View: sceneView()}
	if _, err := r.Render(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	n0, _ := r.CacheStats()
	r.Invalidate("roads", orb.Bound{Min: loc(10, 10), Max: loc(20, 20)})
	n1, _ := r.CacheStats()
	r.Invalidate("no-such-layer", orb.Bound{})
	n2, _ := r.CacheStats()
	r.Invalidate("", orb.Bound{})
	n3, _ := r.CacheStats()
	if n0 == 0 || n1 != n0-1 || n2 != n1 || n3 != 0 {
		t.Errorf("tiles cached: %d, after a small edit %d, after an unknown layer %d, after all %d", n0, n1, n2, n3)
	}
}

func TestCacheBudget(t *testing.T) {
	r := New(sceneLayers(t), Options{CacheBytes: 3 * TileSize * TileSize * 4})
	if _, err := r.Render(context.Background(), Request{View: sceneView()}); err != nil {
		t.Fatal(err)
	}
	n, bytes := r.CacheStats()
	if n > 2 || bytes > 3*TileSize*TileSize*4 {
		t.Errorf("cache holds %d tiles, %d bytes over a 3-tile budget", n, bytes)
	}
}

func TestCancel(t *testing.T) {
	r := New(sceneLayers(t), Options{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := r.Render(ctx, Request{View: sceneView()}); !errors.Is(err, context.Canceled) {
		t.Errorf("Render on a cancelled context: err = %v", err)
	}
}

func TestScaleRange(t *testing.T) {
	cases := []struct {
		min, max, scale float64
		want            bool
	}{
		{0, 0, 1e6, true},
		{50000, 0, 1e4, true}, // shown up to 1:50000
		{50000, 0, 1e5, false},
		{0, 5000, 1e3, false}, // hidden when zoomed in past 1:5000
		{0, 5000, 1e4, true},
		{50000, 1000, 1e4, true},
		{50000, 1000, 1e5, false},
		{50000, 1000, 500, false},
	}
	for _, c := range cases {
		l := &Layer{MinScale: c.min, MaxScale: c.max}
		if got := l.inScale(c.scale); got != c.want {
			t.Errorf("range [%v,%v] at 1:%v = %v, want %v", c.min, c.max, c.scale, got, c.want)
		}
	}
}

func TestViewport(t *testing.T) {
	v := Viewport{Center: orb.Point{1000, 2000}, Res: 2, W: 100, H: 50}
	cases := []struct {
		px, py float64
		want   orb.Point
	}{
		{0, 0, orb.Point{900, 2050}},
		{100, 50, orb.Point{1100, 1950}},
		{50, 25, orb.Point{1000, 2000}},
		{10.5, 40.25, orb.Point{921, 1969.5}},
	}
	for _, c := range cases {
		got := v.ToMap(c.px, c.py)
		if math.Abs(got[0]-c.want[0]) > 1e-9 || math.Abs(got[1]-c.want[1]) > 1e-9 {
			t.Errorf("ToMap(%v,%v) = %v, want %v", c.px, c.py, got, c.want)
		}
		x, y := v.ToPixel(c.want)
		if math.Abs(x-c.px) > 1e-9 || math.Abs(y-c.py) > 1e-9 {
			t.Errorf("ToPixel(%v) = %v,%v, want %v,%v", c.want, x, y, c.px, c.py)
		}
	}
	if b := v.Bound(); b != (orb.Bound{Min: orb.Point{900, 1950}, Max: orb.Point{1100, 2050}}) {
		t.Errorf("Bound = %v", b)
	}
	if s := AtScale(orb.Point{}, 10000, 10, 10); math.Abs(s.Res-2.8) > 1e-12 || math.Abs(s.Scale()-10000) > 1e-6 {
		t.Errorf("AtScale(1:10000): res %v, scale %v", s.Res, s.Scale())
	}
	f := Fit(orb.Bound{Min: orb.Point{0, 0}, Max: orb.Point{400, 100}}, 200, 200)
	if f.Res != 2 || f.Center != (orb.Point{200, 50}) {
		t.Errorf("Fit = %+v", f)
	}
	z := v.Zoom(2, 0, 0)
	if z.Res != 1 || z.ToMap(0, 0) != v.ToMap(0, 0) {
		t.Errorf("Zoom kept corner %v, want %v (res %v)", z.ToMap(0, 0), v.ToMap(0, 0), z.Res)
	}
	for _, bad := range []Viewport{{Res: 1}, {Res: 0, W: 1, H: 1}, {Res: math.NaN(), W: 1, H: 1}} {
		if bad.Validate() == nil {
			t.Errorf("Validate(%+v) = nil", bad)
		}
	}
}

func TestLabelCollision(t *testing.T) {
	cases := []struct {
		name            string
		step            float64 // metres (= pixels) between the 20 points
		cands, min, max int
	}{
		{"coincident", 0, 1, 1, 1},
		{"row", 13, 20, 2, 12},
		{"apart", 150, 20, 20, 20},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var rows [][3]string
			for k := 0; k < 20; k++ {
				x, y := 500030+c.step*float64(k%10), 4600100+c.step*float64(k/10)*2
				rows = append(rows, [3]string{"POINT(" + ftoa(x) + " " + ftoa(y) + ")", "", "重叠 Overlap " + strconv.Itoa(k)})
			}
			l := &Layer{Code: "p", Kind: Point, Visible: true, Labels: true, Data: wktLayer(t, base, rows...),
				Style: Style{Fill: rgb("#1f6fd1"), Size: 6}}
			cands, placed := placeLabels(t, LayerList{l}, Viewport{Center: loc(800, 250), Res: 1, W: 1600, H: 500})
			if cands != c.cands || placed < c.min || placed > c.max {
				t.Errorf("%d candidates, %d placed; want %d and %d..%d", cands, placed, c.cands, c.min, c.max)
			}
		})
	}
}

// placeLabels runs label placement alone and counts candidates and labels.
func placeLabels(t *testing.T, ll LayerList, v Viewport) (cands, placed int) {
	r := New(ll, Options{})
	f := r.plan(Request{View: v, Labels: true})
	tiles, err := r.tiles(context.Background(), f)
	if err != nil {
		t.Fatal(err)
	}
	var all []candidate
	for _, tl := range tiles {
		all = append(all, tl.labels...)
	}
	img := image.NewRGBA(image.Rect(0, 0, v.W, v.H))
	lb := newLabeler(img, float64(f.fx)+float64(f.phx)/256, float64(f.fy)+float64(f.phy)/256)
	if err := lb.place(all); err != nil {
		t.Fatal(err)
	}
	return len(all), lb.placed
}

func TestUnderlayGolden(t *testing.T) {
	ramp := func(_ context.Context, v Viewport) image.Image {
		img := image.NewNRGBA(image.Rect(0, 0, v.W, v.H))
		for y := 0; y < v.H; y++ {
			for x := 0; x < v.W; x++ {
				img.SetNRGBA(x, y, color.NRGBA{uint8(120 + x*100/v.W), uint8(140 + y*80/v.H), 150, 255})
			}
		}
		return img
	}
	r := New(sceneLayers(t), Options{Underlay: ramp})
	img, err := r.Render(context.Background(), Request{View: sceneView(), Layers: []string{"landuse", "roads", "poi"}, Labels: true})
	if err != nil {
		t.Fatal(err)
	}
	assertGolden(t, "underlay", img)
}

// TestConcurrentRenders runs frames, pans and invalidations at once (for
// the race detector) and checks every frame matches a fresh render.
func TestConcurrentRenders(t *testing.T) {
	layers := sceneLayers(t)
	r := New(layers, Options{Workers: 3, CacheBytes: 40 * TileSize * TileSize * 4})
	want, err := New(layers, Options{}).Render(context.Background(), Request{View: sceneView()})
	if err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, 8)
	for g := 0; g < 4; g++ {
		go func() {
			for k := 0; k < 5; k++ {
				if g == 0 {
					r.Invalidate("landuse", orb.Bound{Min: loc(0, 0), Max: loc(100, 100)})
				}
				img, err := r.Render(context.Background(), Request{View: sceneView()})
				if err == nil {
					if n, _ := diffPixels(img, want, 0); n != 0 {
						err = errors.New("frame differs from a fresh render: " + strconv.Itoa(n) + " pixels")
					}
				}
				if err != nil {
					errs <- err
					return
				}
			}
			errs <- nil
		}()
	}
	for g := 0; g < 4; g++ {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}
