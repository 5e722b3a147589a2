package mapview

import (
	"math"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"github.com/paulmach/orb"
)

// wheelStep is the zoom factor of one wheel notch or key press.
const wheelStep = 1.5

// Dragged pans, or draws the zoom box with the zoom-box tool or Shift.
func (m *MapView) Dragged(e *fyne.DragEvent) {
	if m.editDragged(e) {
		return
	}
	if m.boxing || m.tool == ToolZoomBox || shiftHeld() {
		if !m.boxing {
			m.boxing = true
			m.box[0] = e.Position.Subtract(e.Dragged)
		}
		m.box[1] = e.Position
		m.Refresh()
		return
	}
	x, y := float64(e.Dragged.DX*m.scale), float64(e.Dragged.DY*m.scale)
	m.Pan(x, y)
}

// DragEnd finishes a zoom box.
func (m *MapView) DragEnd() {
	if m.editDragEnd() {
		return
	}
	if !m.boxing {
		return
	}
	m.boxing = false
	a, b := m.MapAt(m.box[0]), m.MapAt(m.box[1])
	if math.Abs(float64(m.box[0].X-m.box[1].X)) < 4 || math.Abs(float64(m.box[0].Y-m.box[1].Y)) < 4 {
		m.Refresh()
		return
	}
	bound := fyneBound(a, b)
	m.ZoomTo(bound)
}

// Scrolled zooms around the cursor.
func (m *MapView) Scrolled(e *fyne.ScrollEvent) {
	f := wheelStep
	if e.Scrolled.DY < 0 {
		f = 1 / wheelStep
	} else if e.Scrolled.DY == 0 {
		return
	}
	x, y := m.devicePos(e.Position)
	m.ZoomBy(f, x, y)
}

// Tapped identifies or adds a measure vertex, and takes the keyboard focus.
func (m *MapView) Tapped(e *fyne.PointEvent) {
	if c := fyne.CurrentApp().Driver().CanvasForObject(m); c != nil {
		c.Focus(m)
	}
	p := m.MapAt(e.Position)
	switch m.tool {
	case ToolIdentify:
		if m.OnIdentify != nil {
			m.OnIdentify(p, m.view.Res)
		}
	case ToolEdit:
		if m.edit != nil {
			m.edit.EditTap(m.editEvent(e.Position))
		}
	case ToolDistance, ToolArea, ToolProfile:
		m.sketchTap(e.Position, p)
	}
}

// snapPixels is how close (in Fyne units) a tap must come to the last
// vertex to count as the same point: the second click of a double-click.
const snapPixels = 4

// sketchTap adds a vertex, or finishes the sketch when the tap repeats the
// last vertex (a double-click), or starts a new sketch after a finished one.
func (m *MapView) sketchTap(pos fyne.Position, p orb.Point) {
	if m.finished {
		m.sketch, m.finished = nil, false
	}
	if n := len(m.sketch); n > 0 {
		lx, ly := m.view.ToPixel(m.sketch[n-1])
		x, y := m.devicePos(pos)
		if math.Hypot(lx-x, ly-y) <= snapPixels*float64(m.scale) {
			m.finishSketch()
			return
		}
	}
	m.sketch = append(m.sketch, p)
	m.hover, m.hovering = p, true
	m.notifySketch()
	m.Refresh()
}

// finishSketch keeps the sketch on the map (and its measurement in the
// panel) until the next click starts a new one or Escape clears it.
func (m *MapView) finishSketch() {
	if len(m.sketch) > 0 {
		m.finished = true
	}
	m.Refresh()
}

// TappedSecondary finishes a measurement (the next click starts a new
// one) or an edit step; with any other tool it asks for the context menu.
func (m *MapView) TappedSecondary(e *fyne.PointEvent) {
	if m.editing() {
		m.edit.EditSecondary(m.editEvent(e.Position))
		return
	}
	if m.tool == ToolDistance || m.tool == ToolArea || m.tool == ToolProfile {
		m.finishSketch()
		return
	}
	if m.OnMenu != nil {
		m.OnMenu(m.MapAt(e.Position), e.AbsolutePosition)
	}
}

// MouseIn is part of desktop.Hoverable.
func (m *MapView) MouseIn(e *desktop.MouseEvent) { m.MouseMoved(e) }

// MouseMoved reports the map point under the cursor.
func (m *MapView) MouseMoved(e *desktop.MouseEvent) {
	p := m.MapAt(e.Position)
	if m.OnCursor != nil {
		m.OnCursor(p)
	}
	if m.drawing() {
		m.hover, m.hovering = p, true
		m.Refresh()
	}
	if m.editing() {
		m.edit.EditHover(m.editEvent(e.Position))
	}
}

// MouseOut is part of desktop.Hoverable.
func (m *MapView) MouseOut() {
	if m.hovering {
		m.hovering = false
		m.Refresh()
	}
}

// drawing reports whether a sketch is being drawn (a rubber band follows
// the cursor from its last vertex).
func (m *MapView) drawing() bool {
	return len(m.sketch) > 0 && !m.finished && (m.tool == ToolDistance || m.tool == ToolArea || m.tool == ToolProfile)
}

// FocusGained is part of fyne.Focusable.
func (m *MapView) FocusGained() {}

// FocusLost is part of fyne.Focusable.
func (m *MapView) FocusLost() {}

// TypedRune zooms with + and -.
func (m *MapView) TypedRune(r rune) {
	cx, cy := float64(m.view.W)/2, float64(m.view.H)/2
	switch r {
	case '+', '=':
		m.ZoomBy(wheelStep, cx, cy)
	case '-', '_':
		m.ZoomBy(1/wheelStep, cx, cy)
	}
}

// TypedKey pans with the arrow keys (a quarter of the view) and clears the
// sketch with Escape.
func (m *MapView) TypedKey(e *fyne.KeyEvent) {
	if m.editing() && m.edit.EditKey(e.Name) {
		return
	}
	dx, dy := float64(m.view.W)/4, float64(m.view.H)/4
	switch e.Name {
	case fyne.KeyLeft:
		m.Pan(dx, 0)
	case fyne.KeyRight:
		m.Pan(-dx, 0)
	case fyne.KeyUp:
		m.Pan(0, dy)
	case fyne.KeyDown:
		m.Pan(0, -dy)
	case fyne.KeyEscape:
		m.boxing = false
		m.ClearSketch()
	}
}
