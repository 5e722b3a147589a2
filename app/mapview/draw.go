package mapview

import (
	"fmt"
	"image"
	"image/color"
	"math"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"github.com/paulmach/orb"

	"lantu/layers/render"
)

var (
	paper      = render.DefaultBackground
	sketchInk  = color.NRGBA{0xd9, 0x1e, 0x18, 0xff}
	sketchFill = color.NRGBA{0xd9, 0x1e, 0x18, 0x40}
	rubberInk  = color.NRGBA{0xd9, 0x1e, 0x18, 0x90}
	boxInk     = color.NRGBA{0x1f, 0x5f, 0xbf, 0xff}
	boxFill    = color.NRGBA{0x1f, 0x5f, 0xbf, 0x30}
	barInk     = color.NRGBA{0x20, 0x20, 0x20, 0xff}
	haloFill   = color.NRGBA{0xff, 0xff, 0xff, 0xc0}
)

// viewRenderer lays out the frame image and the overlays. Layout only
// moves objects; Refresh copies state from the widget.
type viewRenderer struct {
	m         *MapView
	bg        *canvas.Rectangle
	img       *canvas.Image
	box       *canvas.Rectangle
	sketch    []*canvas.Line
	rubber    [2]*canvas.Line // last vertex to cursor, cursor to first (areas)
	marks     []*canvas.Line
	vertices  []*canvas.Circle
	edit      editObjects
	barBack   *canvas.Rectangle
	bar       *canvas.Rectangle
	barText   *canvas.Text
	northBack *canvas.Rectangle
	north     *canvas.Text
	northN    *canvas.Text
}

func newViewRenderer(m *MapView) *viewRenderer {
	r := &viewRenderer{m: m, bg: canvas.NewRectangle(paper)}
	r.img = canvas.NewImageFromImage(nil)
	r.img.FillMode = canvas.ImageFillStretch
	r.img.ScaleMode = canvas.ImageScaleFastest
	for i := range r.rubber {
		r.rubber[i] = canvas.NewLine(rubberInk)
		r.rubber[i].StrokeWidth = 1.5
	}
	r.box = canvas.NewRectangle(boxFill)
	r.box.StrokeColor, r.box.StrokeWidth = boxInk, 1.5
	r.barBack = canvas.NewRectangle(haloFill)
	r.barBack.CornerRadius = 3
	r.bar = canvas.NewRectangle(barInk)
	r.barText = canvas.NewText("", barInk)
	r.barText.TextSize = theme.TextSize() * 0.85
	r.northBack = canvas.NewRectangle(haloFill)
	r.northBack.CornerRadius = 3
	r.north = canvas.NewText("▲", barInk)
	r.north.TextSize = theme.TextSize() * 1.6
	r.northN = canvas.NewText("N", barInk)
	r.northN.TextStyle.Bold = true
	return r
}

func (r *viewRenderer) Destroy() {}

func (r *viewRenderer) MinSize() fyne.Size { return fyne.NewSize(100, 100) }

func (r *viewRenderer) Objects() []fyne.CanvasObject {
	objs := []fyne.CanvasObject{r.bg, r.img}
	for _, l := range r.marks {
		objs = append(objs, l)
	}
	for _, l := range r.sketch {
		objs = append(objs, l)
	}
	objs = append(objs, r.rubber[0], r.rubber[1])
	for _, c := range r.vertices {
		objs = append(objs, c)
	}
	objs = append(objs, r.editObjectList()...)
	return append(objs, r.box, r.barBack, r.bar, r.barText, r.northBack, r.north, r.northN)
}

func (r *viewRenderer) Refresh() {
	m := r.m
	if m.frame != r.img.Image {
		r.img.Image = m.frame
		r.img.Refresh()
	}
	r.img.Hidden = m.frame == nil
	r.box.Hidden = !m.boxing
	r.refreshSketch()
	r.refreshMarks()
	r.refreshEdit()
	r.Layout(m.Size())
	r.bg.Refresh()
	r.box.Refresh()
	r.barText.Refresh()
	for _, o := range r.Objects()[2:] {
		o.Refresh()
	}
}

// refreshSketch makes one line per sketch segment (closing the ring for
// areas) and one dot per vertex.
func (r *viewRenderer) refreshSketch() {
	m := r.m
	n := len(m.sketch)
	segs := max(n-1, 0)
	if m.tool == ToolArea && n > 2 {
		segs = n
	}
	for len(r.sketch) < segs {
		l := canvas.NewLine(sketchInk)
		l.StrokeWidth = 2
		r.sketch = append(r.sketch, l)
	}
	r.sketch = r.sketch[:segs]
	for len(r.vertices) < n {
		c := canvas.NewCircle(sketchFill)
		c.StrokeColor, c.StrokeWidth = sketchInk, 1.5
		r.vertices = append(r.vertices, c)
	}
	r.vertices = r.vertices[:n]
}

// Layout places the last frame where its view falls in the current view
// (shifted while panning, scaled while zooming), then the overlays.
func (r *viewRenderer) Layout(size fyne.Size) {
	m := r.m
	r.bg.Resize(size)
	if m.frame != nil {
		s := m.scale
		x, y := m.view.ToPixel(m.frameAt.ToMap(0, 0))
		k := m.frameAt.Res / m.view.Res
		r.img.Move(fyne.NewPos(float32(x)/s, float32(y)/s))
		r.img.Resize(fyne.NewSize(float32(float64(m.frameAt.W)*k)/s, float32(float64(m.frameAt.H)*k)/s))
	}
	r.layoutBox()
	r.layoutMarks()
	r.layoutSketch()
	r.layoutEdit()
	r.layoutScaleBar(size)
	r.layoutNorth(size)
}

// The overlays' corners, in Fyne units: the north arrow's backdrop at the
// top right, the scale bar's at the bottom left (at most scaleBarRoom
// wide: the bar is at most 120 units, its label shorter). Labels keep off
// both (see overlayRects).
const (
	northW, northH       = 30, 52
	northRight, northTop = 10, 6
	scaleBarRoom         = 144
	scaleBarHeight       = 60
)

// layoutNorth centres the arrow and its N on their backdrop.
func (r *viewRenderer) layoutNorth(size fyne.Size) {
	x := size.Width - northRight - northW
	r.northBack.Move(fyne.NewPos(x, northTop))
	r.northBack.Resize(fyne.NewSize(northW, northH))
	a, n := r.north.MinSize(), r.northN.MinSize()
	r.north.Move(fyne.NewPos(x+(northW-a.Width)/2, northTop))
	r.northN.Move(fyne.NewPos(x+(northW-n.Width)/2, northTop+northH-n.Height-2))
}

// overlayRects are the device-pixel rectangles of a w x h frame the
// overlays cover (scale factor scale), with a few pixels to spare: the
// frame's labels are kept off them.
func overlayRects(w, h int, scale float32) []image.Rectangle {
	px := func(v float32) int { return int(math.Ceil(float64(v * scale))) }
	north := image.Rect(w-px(northRight+northW+4), 0, w, px(northTop+northH+4))
	bar := image.Rect(0, h-px(scaleBarHeight), px(scaleBarRoom), h)
	return []image.Rectangle{north, bar}
}

func (r *viewRenderer) layoutBox() {
	a, b := r.m.box[0], r.m.box[1]
	r.box.Move(fyne.NewPos(min(a.X, b.X), min(a.Y, b.Y)))
	r.box.Resize(fyne.NewSize(abs32(a.X-b.X), abs32(a.Y-b.Y)))
}

func (r *viewRenderer) layoutSketch() {
	m := r.m
	pos := func(p orb.Point) fyne.Position {
		x, y := m.view.ToPixel(p)
		return fyne.NewPos(float32(x)/m.scale, float32(y)/m.scale)
	}
	for i, l := range r.sketch {
		l.Position1 = pos(m.sketch[i])
		l.Position2 = pos(m.sketch[(i+1)%len(m.sketch)])
	}
	for i, c := range r.vertices {
		p := pos(m.sketch[i])
		c.Move(p.Subtract(fyne.NewPos(4, 4)))
		c.Resize(fyne.NewSize(8, 8))
	}
	band := m.drawing() && m.hovering
	r.rubber[0].Hidden = !band
	r.rubber[1].Hidden = !band || m.tool != ToolArea || len(m.sketch) < 2
	if band {
		r.rubber[0].Position1, r.rubber[0].Position2 = pos(m.sketch[len(m.sketch)-1]), pos(m.hover)
		r.rubber[1].Position1, r.rubber[1].Position2 = pos(m.hover), pos(m.sketch[0])
	}
}

// layoutScaleBar sizes the bar to a round length of about 120 units.
func (r *viewRenderer) layoutScaleBar(size fyne.Size) {
	m := r.m
	metresPerUnit := m.view.Res * m.metresPerUnit() * float64(m.scale) // ground metres per Fyne unit
	length := niceLength(120 * metresPerUnit)
	w := float32(length / metresPerUnit)
	r.barText.Text = formatLength(length)
	ts := r.barText.MinSize()
	x, y := float32(14), size.Height-34
	r.barBack.Move(fyne.NewPos(x-6, y-ts.Height-4))
	r.barBack.Resize(fyne.NewSize(max(w, ts.Width)+12, ts.Height+18))
	r.bar.Move(fyne.NewPos(x, y+2))
	r.bar.Resize(fyne.NewSize(w, 5))
	r.barText.Move(fyne.NewPos(x, y-ts.Height-1))
}

// niceLength rounds v down to 1, 2 or 5 times a power of ten.
func niceLength(v float64) float64 {
	if !(v > 0) {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, k := range []float64{5, 2, 1} {
		if k*p <= v {
			return k * p
		}
	}
	return p
}

func formatLength(m float64) string {
	if m >= 1000 {
		return fmt.Sprintf("%g km", m/1000)
	}
	return fmt.Sprintf("%g m", m)
}

func abs32(v float32) float32 {
	if v < 0 {
		return -v
	}
	return v
}

// fyneBound is the bound of two corners.
func fyneBound(a, b orb.Point) orb.Bound {
	return orb.Bound{Min: orb.Point{min(a[0], b[0]), min(a[1], b[1])}, Max: orb.Point{max(a[0], b[0]), max(a[1], b[1])}}
}
