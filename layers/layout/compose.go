package layout

import (
	"context"
	"fmt"
	"image"
	"image/color"
	"math"
	"path/filepath"
	"time"

	"github.com/paulmach/orb"
	xdraw "golang.org/x/image/draw"

	"lantu/layers"
	"lantu/layers/crs"
	"lantu/layers/render"
)

// Options configure Compose. A value: safe for concurrent use (its
// functions must be).
type Options struct {
	// Render supplies the renderer's Relief (the DEM's hillshade, as the
	// app and lantuctl render shade the map); its cache is not used.
	Render render.Options
	// Warn hears what the reads of the frame's features could not do well
	// (render.ViewOptions.Warn).
	Warn func(msg string)
}

// Sheet is one composed map sheet: its parts placed in mm and the map
// frame rendered. It is read-only after Compose: safe for concurrent use.
type Sheet struct {
	Spec   Spec // as resolved: Center, Scale and Date are always set
	Paper  Paper
	W, H   float64         // the oriented sheet in mm
	View   render.Viewport // the map frame's pixels at Spec.DPI
	Frame  Rect            // the map frame on the sheet, mm
	Map    *image.NRGBA    // the frame rendered, View.W x View.H
	Legend []LegendItem
	Bar    ScaleBar
	CRS    string // "CGCS2000 / 3-degree Gauss-Kruger CM 123E (EPSG:4550)"
	Source string // the blueprint's file name

	boxes boxes
	fonts *fonts
}

// designPixel is the renderer's pixel on paper (OGC 0.28 mm): styles'
// widths, hatches and labels are sized in it.
const designPixel = render.PixelSize * 1000 // mm

// Compose renders the map frame of spec from bp and places the sheet's
// parts. The frame shows exactly 1:Scale: a length of L mm on the sheet is
// L·Scale/1000 m on the ground (EPSG units of bp, which must be metres).
// Layers are drawn as in the map at the same scale (their scale ranges
// judged at 1:Scale, line widths and symbols as many mm as on a screen of
// 0.28 mm pixels), labels the same size as on that screen. Only ctx ending,
// a spec that cannot be drawn (ErrSheet) and a frame over no data
// (ErrOutside) are errors.
func Compose(ctx context.Context, bp *layers.Blueprint, spec Spec, opt Options) (*Sheet, error) {
	paper, err := spec.validate()
	if err != nil {
		return nil, err
	}
	f, err := loadFonts()
	if err != nil {
		return nil, err
	}
	if d, err := crs.Lookup(bp.SRID()); err == nil && d.Geographic {
		return nil, fmt.Errorf("%w: %s is in EPSG:%d (degrees): a sheet at 1:N needs a projected CRS in metres", ErrSheet, bp.Path(), bp.SRID())
	}
	s := &Sheet{Spec: spec, Paper: paper, Source: filepath.Base(bp.Path()), fonts: f}
	s.W, s.H = paper.Oriented(spec.Landscape)
	s.boxes = planBoxes(s.W, s.H, spec.DPI)
	s.Frame = s.boxes.frame
	if err := s.resolve(bp); err != nil {
		return nil, err
	}
	src, err := s.read(ctx, bp, opt)
	if err != nil {
		return nil, err
	}
	if s.Map, err = s.renderMap(ctx, src, opt); err != nil {
		return nil, err
	}
	s.Legend = legendItems(bp, src, s.Spec, s.View.Bound(), opt.Render.Relief != nil)
	s.Bar = NewScaleBar(s.Spec.Scale, s.boxes.info.W-12*s.boxes.k)
	s.CRS = crsName(bp.SRID())
	return s, nil
}

// resolve fixes the centre, scale and date and the frame's viewport, and
// refuses a frame that shows none of bp's data.
func (s *Sheet) resolve(bp *layers.Blueprint) error {
	sp := &s.Spec
	if sp.Center == (orb.Point{}) {
		sp.Center = sp.BBox.Center()
		if sp.Scale == 0 {
			sp.Scale = FitScale(sp.BBox.Max[0]-sp.BBox.Min[0], sp.BBox.Max[1]-sp.BBox.Min[1], s.Frame.W, s.Frame.H)
		}
	}
	if sp.Date.IsZero() {
		sp.Date = time.Now()
	}
	px := s.boxes.framePx
	s.View = render.Viewport{Center: sp.Center, Res: sp.Scale * 0.0254 / float64(sp.DPI), W: px.Dx(), H: px.Dy()}
	if err := s.View.Validate(); err != nil {
		return fmt.Errorf("%w: %s at %d dpi: %v", ErrSheet, s.Paper.Name, sp.DPI, err)
	}
	ext := bp.Extent()
	if ext.IsEmpty() || !s.View.Bound().Intersects(ext) {
		return fmt.Errorf("%w: %s: the frame %s at 1:%g shows none of its data (extent %s)",
			ErrOutside, bp.Path(), fmtBound(s.View.Bound()), sp.Scale, fmtBound(ext))
	}
	return nil
}

func fmtBound(b orb.Bound) string {
	return fmt.Sprintf("%.0f,%.0f,%.0f,%.0f", b.Min[0], b.Min[1], b.Max[0], b.Max[1])
}

// designView is the frame at the renderer's own pixel (0.28 mm), where
// scale ranges and labels are what the map shows at 1:Scale.
func (s *Sheet) designView() render.Viewport {
	w := int(math.Round(s.Frame.W / designPixel))
	h := int(math.Round(s.Frame.H / designPixel))
	return render.AtScale(s.Spec.Center, s.Spec.Scale, max(w, 1), max(h, 1))
}

// read gets the frame's features: from the indexes where bp has them, else
// through the GeoPackage's R-tree for the frame's area.
func (s *Sheet) read(ctx context.Context, bp *layers.Blueprint, opt Options) (render.LayerList, error) {
	v := s.designView()
	v.W, v.H = v.W+64, v.H+64 // past both frames' tile margins
	req := render.Request{View: v, Layers: s.Spec.Layers, Opacity: s.Spec.Opacity}
	src, err := render.FromBlueprintView(ctx, bp, req, render.ViewOptions{Warn: opt.Warn})
	if err != nil {
		return nil, fmt.Errorf("layout: %s: %w", bp.Path(), err)
	}
	return src, nil
}

// renderMap draws the frame at the DPI, then the labels.
func (s *Sheet) renderMap(ctx context.Context, src render.LayerList, opt Options) (*image.NRGBA, error) {
	k := designPixel / (25.4 / float64(s.Spec.DPI)) // print pixels per design pixel
	ro := opt.Render
	ro.CacheBytes = -1
	req := render.Request{View: s.View, Layers: s.Spec.Layers, Opacity: s.Spec.Opacity}
	img, err := render.New(magnified(src, k), ro).Render(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("layout: map frame: %w", err)
	}
	if s.Spec.Labels {
		if err := s.overlayLabels(ctx, src, img); err != nil {
			return nil, err
		}
	}
	return img, nil
}

// magnified copies src with widths, dashes and symbols k times as many
// pixels, and scale ranges judged at the true scale of k-times-smaller
// pixels: the renderer's 0.28 mm pixel is k print pixels.
func magnified(src render.LayerList, k float64) render.LayerList {
	out := make(render.LayerList, len(src))
	for i, l := range src {
		c := *l
		st := &c.Style
		st.Width *= k
		if st.Size <= 0 {
			st.Size = 7 // the renderer's default symbol
		}
		st.Size *= k
		st.Dash = make([]float64, len(l.Style.Dash))
		for j, d := range l.Style.Dash {
			st.Dash[j] = d * k
		}
		c.MinScale, c.MaxScale, c.Labels = l.MinScale/k, l.MaxScale/k, false
		out[i] = &c
	}
	return out
}

// overlayLabels draws the labels the map shows at 1:Scale onto img: the
// layers are rendered invisible at the design pixel, once over black and
// once over white; the two frames give each label pixel's colour and
// coverage (the frames differ only where labels are not opaque), which are
// scaled up to the print pixels and composited.
func (s *Sheet) overlayLabels(ctx context.Context, src render.LayerList, img *image.NRGBA) error {
	ghosts := make(render.LayerList, len(src))
	for i, l := range src {
		c := *l
		c.Style = render.Style{Size: l.Style.Size, Opacity: 1}
		ghosts[i] = &c
	}
	req := render.Request{View: s.designView(), Layers: s.Spec.Layers, Opacity: s.Spec.Opacity, Labels: true}
	var frames [2]*image.NRGBA
	for i, bg := range []color.NRGBA{{0, 0, 0, 0xff}, {0xff, 0xff, 0xff, 0xff}} {
		f, err := render.New(ghosts, render.Options{CacheBytes: -1, Background: bg}).Render(ctx, req)
		if err != nil {
			return fmt.Errorf("layout: labels: %w", err)
		}
		frames[i] = f
	}
	m := matte(frames[0], frames[1])
	dst := &image.RGBA{Pix: img.Pix, Stride: img.Stride, Rect: img.Rect} // opaque: the same bytes
	xdraw.CatmullRom.Scale(dst, dst.Rect, m, m.Rect, xdraw.Over, nil)
	return nil
}

// matte recovers premultiplied colour and coverage from the same picture
// drawn over black (b) and over white (w): alpha = 1 - (w-b)/255 and the
// premultiplied colour is b.
func matte(b, w *image.NRGBA) *image.RGBA {
	out := image.NewRGBA(b.Rect)
	for i := 0; i+3 < len(b.Pix); i += 4 {
		d := (int(w.Pix[i]) - int(b.Pix[i]) + int(w.Pix[i+1]) - int(b.Pix[i+1]) + int(w.Pix[i+2]) - int(b.Pix[i+2])) / 3
		a := uint8(min(max(255-d, 0), 255))
		out.Pix[i], out.Pix[i+1], out.Pix[i+2] = min(b.Pix[i], a), min(b.Pix[i+1], a), min(b.Pix[i+2], a)
		out.Pix[i+3] = a
	}
	return out
}

// crsName is PROJ's name of the EPSG code with the code.
func crsName(epsg int) string {
	if d, err := crs.Lookup(epsg); err == nil && d.Name != "" {
		return fmt.Sprintf("%s (EPSG:%d)", d.Name, epsg)
	}
	return fmt.Sprintf("EPSG:%d", epsg)
}
