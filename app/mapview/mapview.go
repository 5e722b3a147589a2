// Package mapview is the map canvas widget: it shows rendered frames of a
// blueprint, pans on drag, zooms on wheel and keys around the cursor, draws a
// zoom box, a measure sketch, a scale bar and a north arrow, and renders on
// worker goroutines so the UI never waits for a frame.
package mapview

import (
	"context"
	"image"
	"math"
	"slices"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"
	"github.com/paulmach/orb"

	"lantu/layers/render"
)

// Renderer draws one frame; *render.Renderer satisfies it. Implementations
// must be safe for concurrent use.
type Renderer interface {
	Render(ctx context.Context, req render.Request) (*image.NRGBA, error)
}

// Tool is what a click or drag on the map does.
type Tool int

// The map tools.
const (
	ToolPan Tool = iota
	ToolIdentify
	ToolZoomBox
	ToolDistance
	ToolArea
	ToolProfile // a polyline sketch, like ToolDistance, for terrain profiles
)

// Scale limits and the preset scale denominators.
var Presets = []float64{500, 1000, 2000, 5000, 10000, 25000, 50000, 100000, 250000, 500000}

const (
	minScale = 100
	maxScale = 5e6
)

// MapView is the map canvas. Its methods must be called on the UI
// goroutine (Fyne callbacks are); only its render workers run elsewhere,
// and they publish through fyne.Do.
type MapView struct {
	widget.BaseWidget

	// OnViewChanged is called after every change of the view.
	OnViewChanged func(v render.Viewport)
	// OnCursor is called with the map point under the mouse.
	OnCursor func(p orb.Point)
	// OnIdentify is called on a click with the identify tool, with the map
	// point and the map size of one pixel.
	OnIdentify func(p orb.Point, res float64)
	// OnSketch is called when the measure sketch changes.
	OnSketch func(tool Tool, pts []orb.Point)
	// OnMenu is called on a right-click that finishes no sketch or edit,
	// with the map point and the click's position in the window (for a
	// context menu).
	OnMenu func(p orb.Point, abs fyne.Position)

	r       Renderer
	ground  func(c orb.Point) float64 // metres on the ground per map unit at c, see SetGround
	tool    Tool
	view    render.Viewport // the view being shown; W, H in device pixels
	req     render.Request  // layers, opacity, highlight, labels of the next frame
	scale   float32         // device pixels per Fyne unit
	frame   image.Image     // the last finished frame
	frameAt render.Viewport // the view it was drawn for
	sketch  []orb.Point
	// finished is set when the sketch was ended (right-click or
	// double-click): it stays drawn until a new one starts.
	finished bool
	hover    orb.Point // the cursor, for the rubber band (see drawing)
	hovering bool
	marks    [][]orb.Point    // outlined over the frame, see SetMarks
	box      [2]fyne.Position // zoom box corners while dragging
	boxing   bool
	sized    bool

	edit     EditHandler // ToolEdit's events, see edit.go
	editOver EditOverlay
	editDrag bool          // a drag the edit handler took
	panning  bool          // a drag the edit handler declined
	lastDrag fyne.Position // the last position of an edit drag

	post    func(func()) // runs a function on the UI goroutine: fyne.Do
	mu      sync.Mutex   // guards cancel and seq, touched by workers' completion
	cancel  context.CancelFunc
	seq     uint64
	pending int
	// Trace, when set, receives the duration of each finished frame.
	Trace func(req render.Request, ms float64, err error)
}

// New returns a map view drawing with r.
func New(r Renderer) *MapView {
	m := &MapView{r: r, scale: 1, req: render.Request{Labels: true}, post: fyne.Do}
	m.view = render.Viewport{Center: orb.Point{0, 0}, Res: 1, W: 1, H: 1}
	m.ExtendBaseWidget(m)
	return m
}

// CreateRenderer is part of fyne.Widget.
func (m *MapView) CreateRenderer() fyne.WidgetRenderer { return newViewRenderer(m) }

// SetRenderer replaces the renderer (after opening another blueprint) and
// redraws.
func (m *MapView) SetRenderer(r Renderer) {
	m.r = r
	m.frame = nil
	m.redraw()
}

// View returns the current viewport (device pixels).
func (m *MapView) View() render.Viewport { return m.view }

// SetView moves the map to centre c at res map units per device pixel.
func (m *MapView) SetView(c orb.Point, res float64) {
	m.view.Center = c
	m.view.Res = m.clampRes(res)
	m.changed()
}

// SetGround tells the view how long one map unit is on the ground near a
// point (metres per unit: 1 for a metric projected CRS, about 111 km times
// the cosine of the latitude for degrees). The scale, the scale bar and the
// zoom limits use it; nil means metres.
func (m *MapView) SetGround(fn func(c orb.Point) float64) {
	m.ground = fn
	m.Refresh()
}

// metresPerUnit is the ground length of one map unit at the view centre.
func (m *MapView) metresPerUnit() float64 {
	if m.ground == nil {
		return 1
	}
	if k := m.ground(m.view.Center); k > 0 && !math.IsInf(k, 0) {
		return k
	}
	return 1
}

// ZoomTo fits b into the view with a small margin.
func (m *MapView) ZoomTo(b orb.Bound) {
	if b.IsEmpty() && b.Min == b.Max {
		m.SetView(b.Center(), 500*render.PixelSize/m.metresPerUnit())
		return
	}
	b = b.Pad(math.Max(b.Max[0]-b.Min[0], b.Max[1]-b.Min[1]) * 0.04)
	fit := render.Fit(b, max(m.view.W, 1), max(m.view.H, 1))
	m.SetView(fit.Center, fit.Res)
}

// Scale is the scale denominator shown (OGC 0.28 mm pixels), in true
// ground units (see SetGround).
func (m *MapView) Scale() float64 { return m.view.Res * m.metresPerUnit() / render.PixelSize }

// SetScale zooms to 1:denom around the centre.
func (m *MapView) SetScale(denom float64) {
	if denom > 0 {
		m.SetView(m.view.Center, denom*render.PixelSize/m.metresPerUnit())
	}
}

// ZoomBy zooms by factor f (>1 zooms in) around the device pixel (x, y).
func (m *MapView) ZoomBy(f, x, y float64) {
	v := m.view.Zoom(f, x, y)
	if v.Res != m.clampRes(v.Res) {
		return
	}
	m.view = v
	m.changed()
}

// Pan moves the map content by dx, dy device pixels.
func (m *MapView) Pan(dx, dy float64) {
	m.view = m.view.Pan(-dx, -dy)
	m.changed()
}

// SetLayers sets the codes of the layers to draw (nil: catalog defaults).
func (m *MapView) SetLayers(codes []string) {
	m.req.Layers = append([]string(nil), codes...)
	if codes != nil && len(codes) == 0 {
		m.req.Layers = []string{}
	}
	m.redraw()
}

// SetOpacity sets one layer's opacity 0..1.
func (m *MapView) SetOpacity(code string, op float64) {
	o := make(map[string]float64, len(m.req.Opacity)+1)
	for k, v := range m.req.Opacity {
		o[k] = v
	}
	o[code] = op
	m.req.Opacity = o
	m.redraw()
}

// Highlight is the features drawn in the selection style.
func (m *MapView) Highlight() []render.FeatureRef { return slices.Clone(m.req.Highlight) }

// SetHighlight draws the given features in the selection style.
func (m *MapView) SetHighlight(refs []render.FeatureRef) {
	m.req.Highlight = append([]render.FeatureRef(nil), refs...)
	m.redraw()
}

// SetTool chooses what clicks and drags do; it clears the sketch.
func (m *MapView) SetTool(t Tool) {
	m.tool = t
	m.ClearSketch()
}

// Tool returns the current tool.
func (m *MapView) Tool() Tool { return m.tool }

// ClearSketch removes the measure sketch.
func (m *MapView) ClearSketch() {
	m.sketch, m.finished, m.hovering = nil, false, false
	m.notifySketch()
	m.Refresh()
}

func (m *MapView) notifySketch() {
	if m.OnSketch != nil {
		m.OnSketch(m.tool, append([]orb.Point(nil), m.sketch...))
	}
}

// clampRes keeps a resolution (map units per pixel) between the scales
// 1:minScale and 1:maxScale on the ground.
func (m *MapView) clampRes(res float64) float64 {
	k := m.metresPerUnit()
	return math.Min(math.Max(res, minScale*render.PixelSize/k), maxScale*render.PixelSize/k)
}

// changed reports the new view and redraws.
func (m *MapView) changed() {
	if m.OnViewChanged != nil {
		m.OnViewChanged(m.view)
	}
	m.redraw()
}

// Resize keeps the map centre and resolution and renders the new size.
func (m *MapView) Resize(s fyne.Size) {
	m.BaseWidget.Resize(s)
	if c := fyne.CurrentApp().Driver().CanvasForObject(m); c != nil && c.Scale() > 0 {
		m.scale = c.Scale()
	}
	w, h := int(math.Ceil(float64(s.Width*m.scale))), int(math.Ceil(float64(s.Height*m.scale)))
	if w < 1 || h < 1 || (w == m.view.W && h == m.view.H) {
		return
	}
	m.view.W, m.view.H = w, h
	m.sized = true
	m.changed()
}

// devicePos turns a widget position into device pixels.
func (m *MapView) devicePos(p fyne.Position) (float64, float64) {
	return float64(p.X * m.scale), float64(p.Y * m.scale)
}

// MapAt returns the map point under a widget position.
func (m *MapView) MapAt(p fyne.Position) orb.Point {
	x, y := m.devicePos(p)
	return m.view.ToMap(x, y)
}

// shiftHeld reports whether Shift is down (desktop drivers only).
func shiftHeld() bool {
	if d, ok := fyne.CurrentApp().Driver().(desktop.Driver); ok {
		return d.CurrentKeyModifiers()&fyne.KeyModifierShift != 0
	}
	return false
}
