package render

import (
	"context"
	"fmt"
	"image"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"

	"lantu/layers/catalog"
)

// The planning-map styles at the three scales a planner prints: the city
// overview (1:1,000,000), a district (1:66,000) and a neighbourhood
// (1:10,000). The layers are synthetic (a jittered tessellation, denser in
// the city, as 三调 patches and 控规 plots are) but styled from the
// embedded catalog, so the palettes, muting, outlines, hatches and widths
// by scale are the product's.

// styleCentre is the synthetic city's centre (EPSG:4550-like metres).
var styleCentre = orb.Point{536000, 4627000}

// tessellation is a jittered grid of quadrilaterals of side cell over a
// w x h metre area centred on c; class picks each patch's class and label
// its label ("" for none).
func tessellation(c orb.Point, w, h, cell float64, seed uint64, class func(r *rand.Rand, x, y float64) string, label func(i, j int) string) *memLayer {
	m := &memLayer{origin: c}
	nx, ny := int(w/cell), int(h/cell)
	r := rand.New(rand.NewPCG(seed, 7))
	jit := make([][2]float64, (nx+1)*(ny+1))
	for k := range jit {
		jit[k] = [2]float64{(r.Float64() - 0.5) * 0.3 * cell, (r.Float64() - 0.5) * 0.3 * cell}
	}
	at := func(i, j int) orb.Point {
		d := jit[j*(nx+1)+i]
		return orb.Point{c[0] - w/2 + float64(i)*cell + d[0], c[1] - h/2 + float64(j)*cell + d[1]}
	}
	for j := 0; j < ny; j++ {
		for i := 0; i < nx; i++ {
			p := at(i, j)
			cls := class(r, p[0], p[1])
			if cls == "" {
				continue
			}
			ring := orb.Ring{at(i, j), at(i+1, j), at(i+1, j+1), at(i, j+1), at(i, j)}
			f := memFeat{fid: int64(len(m.feats) + 1), class: cls}
			if label != nil {
				f.label = label(i, j)
			}
			f.add(orb.Polygon{ring}, c)
			f.bound()
			m.feats = append(m.feats, f)
		}
	}
	return m.index()
}

// pick returns one of codes at random.
func pick(r *rand.Rand, codes ...string) string { return codes[r.IntN(len(codes))] }

// blob is a wobbly closed ring of radius rad around c.
func blob(c orb.Point, rad float64, seed uint64) orb.Ring {
	r := rand.New(rand.NewPCG(seed, 3))
	var ring orb.Ring
	for k := 0; k < 48; k++ {
		a := 2 * math.Pi * float64(k) / 48
		f := rad * (0.8 + 0.3*r.Float64())
		ring = append(ring, orb.Point{c[0] + f*math.Cos(a), c[1] + f*math.Sin(a)})
	}
	return append(ring, ring[0])
}

// shapes is a layer of the given geometries with labels.
func shapes(c orb.Point, gs []orb.Geometry, labels []string) *memLayer {
	m := &memLayer{origin: c}
	for k, g := range gs {
		f := memFeat{fid: int64(k + 1)}
		if k < len(labels) {
			f.label = labels[k]
		}
		f.add(g, c)
		f.bound()
		m.feats = append(m.feats, f)
	}
	return m.index()
}

// styleWorld builds the synthetic city with the catalog's styles.
func styleWorld(t *testing.T) LayerList {
	t.Helper()
	cat, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	c := styleCentre
	city := func(x, y float64) bool { return math.Abs(x-c[0]) < 7000 && math.Abs(y-c[1]) < 6000 }
	rural := func(r *rand.Rand, x, y float64) string {
		if city(x, y) {
			return ""
		}
		return pick(r, "0101", "0102", "0103", "0103", "0103", "0301", "0307", "0404", "0702", "1104", "1006", "0601")
	}
	urban := func(r *rand.Rand, x, y float64) string {
		if !city(x, y) {
			return ""
		}
		return pick(r, "0701", "0701", "0702", "0505", "0601", "0604", "0803", "0810", "1004", "1101")
	}
	plots := func(r *rand.Rand, x, y float64) string {
		if !city(x, y) {
			return ""
		}
		return pick(r, "070101", "070102", "070102", "0801", "0804", "0901", "0902", "1001", "11", "1207", "13", "1401", "1402")
	}
	farms := func(r *rand.Rand, x, y float64) string {
		if city(x, y) || math.Abs(x-c[0]) > 70000 || r.IntN(3) == 0 {
			return ""
		}
		return "1"
	}
	plotLabel := func(i, j int) string { return fmt.Sprintf("%02d-%04d", i%7+1, j*40+i) }
	var roads []orb.Geometry
	var names []string
	for k := -6; k <= 6; k++ {
		x := c[0] + float64(k)*1000
		roads = append(roads, orb.LineString{{x, c[1] - 6000}, {x, c[1] + 6000}})
		names = append(names, fmt.Sprintf("和平道路中心线%d", k+7))
	}
	roads = append(roads, orb.LineString{{c[0] - 80000, c[1] - 20000}, {c[0], c[1] - 1500}, {c[0] + 80000, c[1] + 30000}})
	names = append(names, "沈辽中公路")
	districts := []orb.Geometry{
		orb.LineString{{c[0] - 80000, c[1] + 2500}, {c[0] + 80000, c[1] + 2500}},
		orb.LineString{{c[0] + 3000, c[1] - 60000}, {c[0] + 3000, c[1] + 60000}},
	}
	river := []orb.Geometry{orb.LineString{{c[0] - 80000, c[1] - 9000}, {c[0] - 5000, c[1] - 2600}, {c[0] + 4000, c[1] - 3400}, {c[0] + 80000, c[1] + 8000}}}
	redline := []orb.Geometry{orb.Polygon{blob(orb.Point{c[0] + 30000, c[1] + 5000}, 12000, 1)}, orb.Polygon{blob(orb.Point{c[0] + 2000, c[1] + 3000}, 600, 2)}}
	growth := []orb.Geometry{orb.Polygon{blob(c, 9000, 4)}}
	data := map[string]*memLayer{
		"XZ_DLTB":   mergeLayers(tessellation(c, 160000, 112000, 500, 1, rural, nil), tessellation(c, 14000, 12000, 200, 2, urban, nil)),
		"GH_KGDK":   tessellation(c, 14000, 12000, 300, 3, plots, plotLabel),
		"GH_YJJBNT": tessellation(c, 160000, 112000, 2000, 4, farms, nil),
		"GH_STBHHX": shapes(c, redline, []string{"生态保护红线1"}),
		"GH_CZKFBJ": shapes(c, growth, nil),
		"XZ_QXXZQ":  shapes(c, districts, nil),
		"XZ_HL":     shapes(c, river, []string{"浑河"}),
		"XZ_DLZXX":  shapes(c, roads, names),
	}
	var out LayerList
	for _, l := range cat.Layers { // catalog draw order
		if d := data[l.Code]; d != nil {
			out = append(out, FromCatalog(cat, l, l.Code, "", d))
		}
	}
	if len(out) != len(data) {
		t.Fatalf("%d of %d fixture layers found in the catalog", len(out), len(data))
	}
	return out
}

// mergeLayers joins layers with the same origin into one (fids renumbered).
func mergeLayers(ls ...*memLayer) *memLayer {
	m := &memLayer{origin: ls[0].origin}
	for _, l := range ls {
		for _, f := range l.feats {
			f.fid = int64(len(m.feats) + 1)
			m.feats = append(m.feats, f)
		}
	}
	return m.index()
}

// styleScales are the scale denominators of the planning-style goldens.
// The district view straddles the city's south-east edge: plots, the
// growth boundary, farmland and the river.
var styleScales = []struct {
	name   string
	denom  float64
	dx, dy float64 // view centre from styleCentre, metres
}{{"style_1m", 1e6, 0, 0}, {"style_66k", 66000, 5500, -4000}, {"style_10k", 10000, 0, 0}}

// TestPlanningStyleGolden draws the synthetic city at the three scales
// with labels, the bottom-left corner kept for a scale bar.
func TestPlanningStyleGolden(t *testing.T) {
	src := styleWorld(t)
	for _, s := range styleScales {
		t.Run(s.name, func(t *testing.T) {
			v := AtScale(orb.Point{styleCentre[0] + s.dx, styleCentre[1] + s.dy}, s.denom, 576, 400)
			req := Request{View: v, Labels: true, Reserve: []image.Rectangle{image.Rect(0, 340, 150, 400)}}
			img, err := New(src, Options{}).Render(context.Background(), req)
			if err != nil {
				t.Fatal(err)
			}
			assertGolden(t, s.name, img)
		})
	}
}

// TestLabelsKeepOffReserve reserves the corner where the scene's 沈阳站
// label goes: with the reservation the corner looks as without labels,
// without it the label is drawn there.
func TestLabelsKeepOffReserve(t *testing.T) {
	src := sceneLayers(t)
	keep := image.Rect(40, 60, 140, 110)
	draw := func(labels bool, reserve []image.Rectangle) *image.NRGBA {
		img, err := New(src, Options{CacheBytes: -1}).Render(context.Background(), Request{View: sceneView(), Labels: labels, Reserve: reserve})
		if err != nil {
			t.Fatal(err)
		}
		return img
	}
	bare, labelled, kept := draw(false, nil), draw(true, nil), draw(true, []image.Rectangle{keep})
	if n, _ := diffPixels(labelled.SubImage(keep), bare.SubImage(keep), 0); n == 0 {
		t.Fatal("no label is drawn in the corner: the test would prove nothing")
	}
	if n, _ := diffPixels(kept.SubImage(keep), bare.SubImage(keep), 0); n != 0 {
		t.Errorf("%d pixels of the reserved corner carry labels", n)
	}
	if n, _ := diffPixels(kept, bare, 0); n == 0 {
		t.Error("with the corner reserved no label is drawn at all")
	}
}
