package mapview

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"github.com/paulmach/orb"
)

// ToolEdit hands clicks, drags, hovers and keys to the EditHandler (the
// edit panel's session); a drag it declines pans the map.
const ToolEdit Tool = 100

// EditEvent is a pointer event in map terms. A value.
type EditEvent struct {
	P     orb.Point // map coordinates
	Res   float64   // map units per device pixel
	Shift bool
}

// EditHandler receives the map's events while ToolEdit is chosen; all
// calls come on the UI goroutine.
type EditHandler interface {
	EditTap(e EditEvent)
	EditSecondary(e EditEvent)
	EditHover(e EditEvent)
	EditDragStart(e EditEvent) bool // false: the map pans instead
	EditDrag(e EditEvent)
	EditDragEnd(e EditEvent)
	EditKey(name fyne.KeyName) bool // true: the key was used
}

// EditPath is a polyline of the edit overlay in map coordinates. A value.
type EditPath struct {
	Pts    []orb.Point
	Closed bool
	Color  color.NRGBA
	Width  float32
}

// EditMark is a square or round marker of the edit overlay. A value.
type EditMark struct {
	P      orb.Point
	Size   float32 // units
	Fill   color.NRGBA
	Stroke color.NRGBA
	Round  bool
}

// EditOverlay is drawn above the frame and the marks while editing. A
// value; the map keeps it until the next SetEditOverlay.
type EditOverlay struct {
	Paths []EditPath
	Marks []EditMark
}

// SetEditHandler sets who receives ToolEdit's events (nil: none).
func (m *MapView) SetEditHandler(h EditHandler) { m.edit = h }

// SetEditOverlay replaces the edit overlay; the zero value clears it.
func (m *MapView) SetEditOverlay(o EditOverlay) {
	m.editOver = o
	m.Refresh()
}

// EditOverlay returns the overlay being drawn.
func (m *MapView) EditOverlay() EditOverlay { return m.editOver }

func (m *MapView) editEvent(pos fyne.Position) EditEvent {
	return EditEvent{P: m.MapAt(pos), Res: m.view.Res, Shift: shiftHeld()}
}

// editing reports whether events go to the edit handler.
func (m *MapView) editing() bool { return m.tool == ToolEdit && m.edit != nil }

// editDragged routes a drag; it reports whether the handler took it.
func (m *MapView) editDragged(e *fyne.DragEvent) bool {
	if !m.editing() || m.boxing {
		return false
	}
	if !m.editDrag && !m.panning {
		m.editDrag = m.edit.EditDragStart(m.editEvent(e.Position.Subtract(e.Dragged)))
		m.panning = !m.editDrag
	}
	if m.editDrag {
		m.edit.EditDrag(m.editEvent(e.Position))
		m.lastDrag = e.Position
	}
	return m.editDrag
}

// editDragEnd ends a drag the handler took.
func (m *MapView) editDragEnd() bool {
	m.panning = false
	if !m.editDrag {
		return false
	}
	m.editDrag = false
	m.edit.EditDragEnd(m.editEvent(m.lastDrag))
	return true
}

// editObjects are the canvas objects of the edit overlay.
type editObjects struct {
	lines []*canvas.Line
	marks []*canvas.Rectangle
}

func (r *viewRenderer) refreshEdit() {
	o := r.m.editOver
	n := 0
	for _, p := range o.Paths {
		n += segments(p)
	}
	for len(r.edit.lines) < n {
		r.edit.lines = append(r.edit.lines, canvas.NewLine(color.Black))
	}
	r.edit.lines = r.edit.lines[:n]
	for len(r.edit.marks) < len(o.Marks) {
		r.edit.marks = append(r.edit.marks, canvas.NewRectangle(color.White))
	}
	r.edit.marks = r.edit.marks[:len(o.Marks)]
	k := 0
	for _, p := range o.Paths {
		for range segments(p) {
			r.edit.lines[k].StrokeColor, r.edit.lines[k].StrokeWidth = p.Color, p.Width
			k++
		}
	}
	for i, mk := range o.Marks {
		rc := r.edit.marks[i]
		rc.FillColor, rc.StrokeColor, rc.StrokeWidth = mk.Fill, mk.Stroke, 1.5
		rc.CornerRadius = 0
		if mk.Round {
			rc.CornerRadius = mk.Size / 2
		}
	}
}

func segments(p EditPath) int {
	n := max(len(p.Pts)-1, 0)
	if p.Closed && len(p.Pts) > 2 {
		n++
	}
	return n
}

func (r *viewRenderer) layoutEdit() {
	m := r.m
	pos := func(p orb.Point) fyne.Position {
		x, y := m.view.ToPixel(p)
		return fyne.NewPos(float32(x)/m.scale, float32(y)/m.scale)
	}
	k := 0
	for _, p := range m.editOver.Paths {
		for i := range segments(p) {
			r.edit.lines[k].Position1, r.edit.lines[k].Position2 = pos(p.Pts[i]), pos(p.Pts[(i+1)%len(p.Pts)])
			k++
		}
	}
	for i, mk := range m.editOver.Marks {
		c := pos(mk.P)
		r.edit.marks[i].Move(c.Subtract(fyne.NewPos(mk.Size/2, mk.Size/2)))
		r.edit.marks[i].Resize(fyne.NewSize(mk.Size, mk.Size))
	}
}

func (r *viewRenderer) editObjectList() []fyne.CanvasObject {
	out := make([]fyne.CanvasObject, 0, len(r.edit.lines)+len(r.edit.marks))
	for _, l := range r.edit.lines {
		out = append(out, l)
	}
	for _, c := range r.edit.marks {
		out = append(out, c)
	}
	return out
}
