package layout

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/png"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkt"

	"lantu/layers"
	"lantu/layers/peer/peertest"
	"lantu/layers/render"
)

// Coordinates of the synthetic blueprint are offsets from (x0, y0) in EPSG:4550.
const x0, y0 = 500000.0, 4600000.0

// synthetic writes a blueprint of the given layer code -> WKT features
// (offsets from x0, y0) with attributes.
func synthetic(tb testing.TB, feats []feat) *layers.Blueprint {
	tb.Helper()
	bp, err := layers.Create(filepath.Join(tb.TempDir(), "print.gpkg"), layers.CreateOptions{User: "tester"})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { bp.Close() })
	w, err := bp.Bulk(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	for _, f := range feats {
		g, err := wkt.Unmarshal(f.wkt)
		if err != nil {
			tb.Fatalf("%s: %v", f.wkt, err)
		}
		if err := w.Insert(f.code, shift(g), f.attrs); err != nil {
			tb.Fatal(err)
		}
	}
	if err := w.Commit(); err != nil {
		tb.Fatal(err)
	}
	return bp
}

type feat struct {
	code, wkt string
	attrs     map[string]any
}

// shift moves a geometry by (x0, y0).
func shift(g orb.Geometry) orb.Geometry {
	move := func(p orb.Point) orb.Point { return orb.Point{p[0] + x0, p[1] + y0} }
	switch t := g.(type) {
	case orb.LineString:
		for i := range t {
			t[i] = move(t[i])
		}
	case orb.Polygon:
		for _, r := range t {
			for i := range r {
				r[i] = move(r[i])
			}
		}
	}
	return g
}

func compose(tb testing.TB, bp *layers.Blueprint, spec Spec) *Sheet {
	tb.Helper()
	s, err := Compose(context.Background(), bp, spec, Options{})
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

func sheetPNG(tb testing.TB, s *Sheet) *image.RGBA {
	tb.Helper()
	var buf bytes.Buffer
	if err := s.WritePNG(&buf); err != nil {
		tb.Fatal(err)
	}
	img, err := png.Decode(&buf)
	if err != nil {
		tb.Fatal(err)
	}
	out := image.NewRGBA(img.Bounds())
	for y := img.Bounds().Min.Y; y < img.Bounds().Max.Y; y++ {
		for x := img.Bounds().Min.X; x < img.Bounds().Max.X; x++ {
			out.Set(x, y, img.At(x, y))
		}
	}
	return out
}

// changed is the box of the pixels inside r that differ between a and b.
func changed(a, b *image.RGBA, r image.Rectangle) image.Rectangle {
	var box image.Rectangle
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			i := a.PixOffset(x, y)
			if !bytes.Equal(a.Pix[i:i+4], b.Pix[i:i+4]) {
				box = box.Union(image.Rect(x, y, x+1, y+1))
			}
		}
	}
	return box
}

// TestTenCentimetresAreNTimesTenCentimetres draws a 2500 m east-west line
// at 1:25,000 on the sheet and finds it, by difference with the sheet
// without it, 100 mm long in the PNG's pixels at the DPI: 10 cm on the
// sheet is N·0.1 m on the ground. The line layer draws butt ends, so its
// drawn length is its ground length.
func TestTenCentimetresAreNTimesTenCentimetres(t *testing.T) {
	bp := synthetic(t, []feat{
		{"XZ_XZDW", "LINESTRING(0 0, 2500 0)", nil},
		{"XZ_XZDW", "LINESTRING(0 -3000, 1 -3000)", nil}, // keeps the layer's data when the line is hidden
	})
	for _, dpi := range []int{150, 300} {
		t.Run(strconv.Itoa(dpi), func(t *testing.T) {
			spec := Spec{Center: orb.Point{x0 + 1250, y0}, Scale: 25000, Paper: "A4", Landscape: true, DPI: dpi,
				Layers: []string{"XZ_XZDW"}, Date: time.Date(2026, 3, 15, 0, 0, 0, 0, time.UTC)}
			with := compose(t, bp, spec)
			spec.Opacity = map[string]float64{"XZ_XZDW": 0}
			without := compose(t, bp, spec)
			if want, got := with.Frame.W*with.Spec.Scale/1000, with.View.Bound().Max[0]-with.View.Bound().Min[0]; math.Abs(got-want) > 1e-6 {
				t.Errorf("frame %.3f mm wide shows %.3f m of ground, want %.3f m at 1:%v", with.Frame.W, got, want, with.Spec.Scale)
			}
			px := float64(dpi) / 25.4
			frame := image.Rect(int(math.Round(with.Frame.X*px)), int(math.Round(with.Frame.Y*px)),
				int(math.Round(with.Frame.Right()*px)), int(math.Round(with.Frame.Bottom()*px)))
			box := changed(sheetPNG(t, with), sheetPNG(t, without), frame.Inset(1))
			want := 100 * px // 2500 m at 1:25,000 = 100 mm
			if math.Abs(float64(box.Dx())-want) > 2 {
				t.Errorf("the 2500 m line is %d px long at %d dpi, want %.1f (100 mm at 1:25,000); changed %v", box.Dx(), dpi, want, box)
			}
			if box.Dy() > int(2*px)+2 {
				t.Errorf("the line is %d px thick, want about its style's width", box.Dy())
			}
			if dpi == 150 {
				a, b := pdfPage(t, with, dpi), pdfPage(t, without, dpi)
				box := differ(a, b, frame.Inset(2), 60)
				if math.Abs(float64(box.Dx())-want) > 3 {
					t.Errorf("in the PDF (pdftoppm -r %d) the 2500 m line is %d px long, want %.1f; changed %v", dpi, box.Dx(), want, box)
				}
			}
		})
	}
}

// pdfPage is the sheet's PDF rendered by pdftoppm at dpi.
func pdfPage(t *testing.T, s *Sheet, dpi int) image.Image {
	t.Helper()
	pdftoppm := peertest.Tool(t, "pdftoppm")
	dir := t.TempDir()
	var buf bytes.Buffer
	if err := s.WritePDF(&buf); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "s.pdf"), buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(pdftoppm, "-r", strconv.Itoa(dpi), "-png", "-singlefile", filepath.Join(dir, "s.pdf"), filepath.Join(dir, "s")).CombinedOutput()
	if err != nil {
		t.Fatalf("pdftoppm: %v\n%s", err, out)
	}
	f, err := os.Open(filepath.Join(dir, "s.png"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// differ is the box of the pixels inside r where a and b differ by more
// than tol in some channel (the PDF's map is a JPEG).
func differ(a, b image.Image, r image.Rectangle, tol int) image.Rectangle {
	var box image.Rectangle
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			r1, g1, b1, _ := a.At(x, y).RGBA()
			r2, g2, b2, _ := b.At(x, y).RGBA()
			for _, d := range []int{int(r1>>8) - int(r2>>8), int(g1>>8) - int(g2>>8), int(b1>>8) - int(b2>>8)} {
				if d > tol || d < -tol {
					box = box.Union(image.Rect(x, y, x+1, y+1))
					break
				}
			}
		}
	}
	return box
}

// TestPNGHasPaperPixels: the PNG of A4 portrait at 150 dpi and A3
// landscape at 300 dpi has the paper's pixel size.
func TestPNGHasPaperPixels(t *testing.T) {
	bp := synthetic(t, []feat{{"XZ_QXXZQ", "POLYGON((0 0,5000 0,5000 5000,0 5000,0 0))", map[string]any{"xzqdm": "210102", "xzqmc": "和平区"}}})
	for _, c := range []struct {
		paper     string
		landscape bool
		dpi       int
		w, h      int
	}{{"A4", false, 150, 1240, 1754}, {"A3", true, 300, 4961, 3508}, {"A2", false, 150, 2480, 3508}} {
		s := compose(t, bp, Spec{BBox: orb.Bound{Min: orb.Point{x0, y0}, Max: orb.Point{x0 + 5000, y0 + 5000}},
			Paper: c.paper, Landscape: c.landscape, DPI: c.dpi})
		var buf bytes.Buffer
		if err := s.WritePNG(&buf); err != nil {
			t.Fatal(err)
		}
		cfg, err := png.DecodeConfig(&buf)
		if err != nil {
			t.Fatal(err)
		}
		if cfg.Width != c.w || cfg.Height != c.h {
			t.Errorf("%s landscape=%v at %d dpi: PNG %dx%d, want %dx%d", c.paper, c.landscape, c.dpi, cfg.Width, cfg.Height, c.w, c.h)
		}
		if s.Spec.Scale != FitScale(5000, 5000, s.Frame.W, s.Frame.H) || s.Spec.Scale*s.Frame.H/1000 < 5000 && s.Spec.Scale*s.Frame.W/1000 < 5000 {
			t.Errorf("%s: box fitted at 1:%v", c.paper, s.Spec.Scale)
		}
	}
}

// TestLegendListsClassesInTheFrame: a land-use layer lists the classes of
// its features in the frame, by the palette's names, and not those
// outside; a layer without features in the frame is not listed.
func TestLegendListsClassesInTheFrame(t *testing.T) {
	bp := synthetic(t, []feat{
		{"GH_GHYDYH", "POLYGON((0 0,1000 0,1000 1000,0 1000,0 0))", map[string]any{"ydyhdm": "0701"}},
		{"GH_GHYDYH", "POLYGON((1000 0,2000 0,2000 1000,1000 1000,1000 0))", map[string]any{"ydyhdm": "0103"}},
		{"GH_GHYDYH", "POLYGON((90000 0,91000 0,91000 1000,90000 1000,90000 0))", map[string]any{"ydyhdm": "1001"}},
		{"GH_STBHHX", "POLYGON((90000 0,91000 0,91000 1000,90000 1000,90000 0))", nil},
	})
	s := compose(t, bp, Spec{Center: orb.Point{x0 + 1000, y0 + 500}, Scale: 10000, Paper: "A4", DPI: 50,
		Layers: []string{"GH_GHYDYH", "GH_STBHHX"}})
	var names []string
	for _, it := range s.Legend {
		names = append(names, it.Name)
	}
	got := strings.Join(names, "|")
	if want := "规划用地用海|0103 旱地|0701 城镇住宅用地"; got != want {
		t.Errorf("legend %q, want %q", got, want)
	}
}

// TestBadSpecs: each bad input is refused with an error naming it.
func TestBadSpecs(t *testing.T) {
	bp := synthetic(t, []feat{{"XZ_QXXZQ", "POLYGON((0 0,5000 0,5000 5000,0 5000,0 0))", nil}})
	c := orb.Point{x0 + 2500, y0 + 2500}
	for _, tc := range []struct {
		name string
		spec Spec
		err  error
		want string
	}{
		{"scale 0", Spec{Center: c, Scale: 0, Paper: "A3", DPI: 150}, ErrSheet, "scale 1:0"},
		{"scale NaN", Spec{Center: c, Scale: math.NaN(), Paper: "A3", DPI: 150}, ErrSheet, "scale 1:NaN"},
		{"scale negative", Spec{Center: c, Scale: -5000, Paper: "A3", DPI: 150}, ErrSheet, "scale 1:-5000"},
		{"unknown paper", Spec{Center: c, Scale: 5000, Paper: "B5", DPI: 150}, ErrSheet, `unknown paper "B5"`},
		{"dpi 0", Spec{Center: c, Scale: 5000, Paper: "A3", DPI: 0}, ErrSheet, "DPI 0"},
		{"no area", Spec{Scale: 5000, Paper: "A3", DPI: 150}, ErrSheet, "give a centre or a box"},
		{"box inverted", Spec{BBox: orb.Bound{Min: orb.Point{x0 + 10, y0}, Max: orb.Point{x0, y0 + 10}}, Paper: "A3", DPI: 150}, ErrSheet, "want min below max"},
		{"box outside the data", Spec{BBox: orb.Bound{Min: orb.Point{x0 + 50000, y0}, Max: orb.Point{x0 + 51000, y0 + 1000}}, Scale: 10000, Paper: "A3", DPI: 150}, ErrOutside, "print.gpkg"},
		{"centre outside the data", Spec{Center: orb.Point{x0 - 90000, y0}, Scale: 5000, Paper: "A4", DPI: 150}, ErrOutside, "shows none of its data"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Compose(context.Background(), bp, tc.spec, Options{})
			if !errors.Is(err, tc.err) || !strings.Contains(fmt.Sprint(err), tc.want) {
				t.Errorf("error %v, want %v naming %q", err, tc.err, tc.want)
			}
		})
	}
}

// TestGeographicBlueprintRefused: 1:N needs metres, so a blueprint in
// degrees is refused by name.
func TestGeographicBlueprintRefused(t *testing.T) {
	bp, err := layers.Create(filepath.Join(t.TempDir(), "degrees.gpkg"), layers.CreateOptions{SRID: 4490})
	if err != nil {
		t.Fatal(err)
	}
	defer bp.Close()
	_, err = Compose(context.Background(), bp, Spec{Center: orb.Point{123.4, 41.8}, Scale: 50000, Paper: "A4", DPI: 150}, Options{})
	if !errors.Is(err, ErrSheet) || !strings.Contains(err.Error(), "EPSG:4490 (degrees)") {
		t.Errorf("geographic blueprint: %v", err)
	}
}

// TestMatteRecoversCoverage: a colour c at coverage a drawn over black
// and over white gives back a·c and a, to rounding.
func TestMatteRecoversCoverage(t *testing.T) {
	over := func(c [3]int, a, bg int) []uint8 {
		out := make([]uint8, 4)
		for i := range 3 {
			out[i] = uint8((c[i]*a + bg*(255-a) + 127) / 255)
		}
		out[3] = 255
		return out
	}
	for _, c := range []struct {
		rgb [3]int
		a   int
	}{{[3]int{0x26, 0x2b, 0x33}, 255}, {[3]int{255, 255, 255}, 0xd8}, {[3]int{200, 30, 90}, 77}, {[3]int{0, 0, 0}, 0}} {
		b := &image.NRGBA{Pix: over(c.rgb, c.a, 0), Stride: 4, Rect: image.Rect(0, 0, 1, 1)}
		w := &image.NRGBA{Pix: over(c.rgb, c.a, 255), Stride: 4, Rect: image.Rect(0, 0, 1, 1)}
		m := matte(b, w)
		if d := int(m.Pix[3]) - c.a; d < -2 || d > 2 {
			t.Errorf("%v at %d: coverage %d", c.rgb, c.a, m.Pix[3])
		}
		for i := range 3 {
			if d := int(m.Pix[i]) - c.rgb[i]*c.a/255; d < -2 || d > 2 {
				t.Errorf("%v at %d: premultiplied %v", c.rgb, c.a, m.Pix[:3])
			}
		}
	}
}

func TestScaleBarAndRoundScales(t *testing.T) {
	for _, c := range []struct {
		scale, max, ground float64
		segs               int
		unit, end          string
	}{
		{50000, 62, 2000, 4, "km", "2"},
		{25000, 62, 1000, 4, "km", "1"},
		{10000, 62, 500, 5, "m", "500"},
		{2000, 40, 50, 5, "m", "50"},
		{1000000, 60, 50000, 5, "km", "50"},
	} {
		b := NewScaleBar(c.scale, c.max)
		if b.Ground != c.ground || b.Segments != c.segs || b.Unit != c.unit || b.Tick(1) != c.end ||
			math.Abs(b.Length-c.ground*1000/c.scale) > 1e-9 || b.Length > c.max {
			t.Errorf("1:%v in %v mm: %+v (end %s), want %v m in %d segments, %s", c.scale, c.max, b, b.Tick(1), c.ground, c.segs, c.end)
		}
	}
	for n, want := range map[float64]float64{43000: 50000, 30000: 25000, 12000: 10000, 7.2e6: 1e7, 3: 500} {
		if got := RoundScale(n); got != want {
			t.Errorf("RoundScale(%v) = %v, want %v", n, got, want)
		}
	}
	if got := ScaleText(1234567); got != "1:1,234,567" {
		t.Errorf("ScaleText = %q", got)
	}
	if got := FitScale(20000, 5000, 380, 250); got != 100000 {
		t.Errorf("FitScale(20 km into 380 mm) = %v, want 100000", got)
	}
}

// TestPDFOfTinyDemo prints the tiny demo on A3 landscape and A4 portrait
// and reads the PDFs back with poppler: the page size in points, the map
// as one image at the DPI, and the title, scale, legend names and date as
// text.
func TestPDFOfTinyDemo(t *testing.T) {
	pdftotext, pdfinfo, pdfimages := peertest.Tool(t, "pdftotext"), peertest.Tool(t, "pdfinfo"), peertest.Tool(t, "pdfimages")
	bp := tinyDemo(t)
	for _, c := range []struct {
		paper     string
		landscape bool
		w, h      float64
	}{{"A3", true, 1190.55, 841.89}, {"A4", false, 595.28, 841.89}} {
		spec := Spec{Center: bp.Extent().Center(), Scale: 50000, Paper: c.paper, Landscape: c.landscape, DPI: 150, Labels: true,
			Title: "沈阳市测试规划图", Subtitle: "土地利用", Author: "王工", Date: time.Date(2026, 3, 15, 0, 0, 0, 0, time.UTC)}
		s := compose(t, bp, spec)
		path := filepath.Join(t.TempDir(), "sheet.pdf")
		var buf bytes.Buffer
		if err := s.WritePDF(&buf); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		info, err := exec.Command(pdfinfo, path).CombinedOutput()
		if err != nil {
			t.Fatalf("pdfinfo: %v\n%s", err, info)
		}
		m := regexp.MustCompile(`Page size:\s+([\d.]+) x ([\d.]+) pts`).FindStringSubmatch(string(info))
		if m == nil {
			t.Fatalf("pdfinfo gave no page size:\n%s", info)
		}
		w, _ := strconv.ParseFloat(m[1], 64)
		h, _ := strconv.ParseFloat(m[2], 64)
		if math.Abs(w-c.w) > 1 || math.Abs(h-c.h) > 1 {
			t.Errorf("%s: page %v x %v pt, want %v x %v", c.paper, w, h, c.w, c.h)
		}
		imgs, err := exec.Command(pdfimages, "-list", path).CombinedOutput()
		if err != nil {
			t.Fatalf("pdfimages: %v\n%s", err, imgs)
		}
		// page num type width height color comp bpc enc interp object ID x-ppi y-ppi ...
		rows := strings.Split(strings.TrimSpace(string(imgs)), "\n")
		if f := strings.Fields(rows[len(rows)-1]); len(rows) != 3 || len(f) < 14 || f[3] != strconv.Itoa(s.View.W) || f[12] != "150" || f[13] != "150" {
			t.Errorf("%s: pdfimages -list:\n%s\nwant one %d px wide image at 150 ppi", c.paper, imgs, s.View.W)
		}
		out, err := exec.Command(pdftotext, path, "-").CombinedOutput()
		if err != nil {
			t.Fatalf("pdftotext: %v\n%s", err, out)
		}
		text := string(out)
		want := []string{"沈阳市测试规划图", "比例尺", "1:50,000", "2026-03-15", "王工", "EPSG:4550", "图例"}
		if len(s.Legend) < 3 {
			t.Fatalf("legend %+v: want the tiny demo's visible layers", s.Legend)
		}
		for _, it := range s.Legend[:3] {
			want = append(want, it.Name)
		}
		for _, w := range want {
			if !strings.Contains(text, w) {
				t.Errorf("%s: pdftotext finds no %q in:\n%s", c.paper, w, text)
			}
		}
	}
}

var tinyPath string

// tinyDemo opens the tiny demo blueprint, generated once per test binary.
func tinyDemo(tb testing.TB) *layers.Blueprint {
	tb.Helper()
	if tinyPath == "" {
		tb.Fatal("no tiny demo (TestMain)")
	}
	bp, err := layers.Open(tinyPath, layers.OpenOptions{ReadOnly: true, Lazy: true})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { bp.Close() })
	return bp
}

// TestDistrictBound: the R-tree box of each district of the tiny demo is
// the box of its decoded geometry (within the R-tree's float32 rounding).
func TestDistrictBound(t *testing.T) {
	bp := tinyDemo(t)
	ctx := context.Background()
	want := map[string]orb.Bound{}
	err := bp.Query(ctx, layers.Query{Layers: []string{DistrictLayer}}, func(f *layers.Feature) error {
		code := fmt.Sprint(f.Attrs["xzqdm"])
		if b, ok := want[code]; ok {
			want[code] = b.Union(f.Geom.Bound())
		} else {
			want[code] = f.Geom.Bound()
		}
		return nil
	})
	if err != nil || len(want) == 0 {
		t.Fatalf("districts: %v (%d)", err, len(want))
	}
	for code, w := range want {
		got, err := DistrictBound(ctx, bp, code)
		if err != nil {
			t.Fatal(err)
		}
		for i, d := range []float64{got.Min[0] - w.Min[0], got.Min[1] - w.Min[1], got.Max[0] - w.Max[0], got.Max[1] - w.Max[1]} {
			if math.Abs(d) > 1 {
				t.Errorf("district %s: R-tree box %v, geometry box %v (coordinate %d off by %.3f m)", code, got, w, i, d)
			}
		}
	}
	if _, err := DistrictBound(ctx, bp, "999999"); !errors.Is(err, ErrSheet) || !strings.Contains(err.Error(), `no district with xzqdm "999999"`) {
		t.Errorf("unknown district: %v", err)
	}
}

// TestScaleRangesJudgedAtN: XZ_XZDW shows up to 1:50,000 (its catalog
// min_scale). At 300 dpi the renderer's own scale of the print pixels is
// 3.3 times larger, so without the correction the layer would be drawn at
// 1:60,000 too; it must be drawn at 1:45,000 and not at 1:60,000, and the
// legend must agree.
func TestScaleRangesJudgedAtN(t *testing.T) {
	bp := synthetic(t, []feat{{"XZ_XZDW", "LINESTRING(0 0, 2500 0)", nil}})
	for _, c := range []struct {
		scale float64
		drawn bool
	}{{45000, true}, {60000, false}} {
		spec := Spec{Center: orb.Point{x0 + 1250, y0}, Scale: c.scale, Paper: "A4", Landscape: true, DPI: 300,
			Layers: []string{"XZ_XZDW"}}
		with := compose(t, bp, spec)
		spec.Opacity = map[string]float64{"XZ_XZDW": 0}
		without := compose(t, bp, spec)
		diff := !bytes.Equal(with.Map.Pix, without.Map.Pix)
		if diff != c.drawn || (len(with.Legend) > 0) != c.drawn {
			t.Errorf("1:%v: drawn %v, legend %v; want drawn and listed %v", c.scale, diff, with.Legend, c.drawn)
		}
	}
}

// TestLegendClassColoursAreTheMaps: a class swatch is the colour the
// frame shows for that class (the renderer mutes class fills): the centre
// pixel of a plot of class 0701 equals the legend row's fill composited
// over the paper colour.
func TestLegendClassColoursAreTheMaps(t *testing.T) {
	bp := synthetic(t, []feat{{"GH_GHYDYH", "POLYGON((0 0,3000 0,3000 3000,0 3000,0 0))", map[string]any{"ydyhdm": "0701"}}})
	s := compose(t, bp, Spec{Center: orb.Point{x0 + 1500, y0 + 1500}, Scale: 10000, Paper: "A4", DPI: 100,
		Layers: []string{"GH_GHYDYH"}})
	if len(s.Legend) != 2 || !s.Legend[1].Class {
		t.Fatalf("legend %+v: want the layer and its class", s.Legend)
	}
	f := s.Legend[1].Fill
	bg := render.DefaultBackground
	a := float64(f.A) / 255
	c := s.Map.NRGBAAt(s.View.W/2, s.View.H/2)
	for i, pair := range [][2]uint8{{c.R, f.R}, {c.G, f.G}, {c.B, f.B}} {
		want := float64(pair[1])*a + float64([]uint8{bg.R, bg.G, bg.B}[i])*(1-a)
		if math.Abs(float64(pair[0])-want) > 3 {
			t.Errorf("map pixel %v, legend fill %v over the paper %v: channel %d %d, want %.0f", c, f, bg, i, pair[0], want)
		}
	}
}
