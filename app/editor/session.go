package editor

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"lantu/app/i18n"
	"lantu/layers"
	"lantu/layers/catalog"
)

// Tool is what a click on the map does in an edit session.
type Tool int

// The edit tools.
const (
	ToolSelect Tool = iota // select, move, delete, vertex editing
	ToolDraw               // draw a feature on the target layer
	ToolSplit              // draw a line that splits the selected polygon
)

// Pointer is a pointer event on the map. A value.
type Pointer struct {
	P     orb.Point // map coordinates
	Res   float64   // map units per device pixel
	Shift bool      // Shift held: add to the selection
}

// Tolerances in device pixels.
const (
	DefaultSnapPixels = 10
	handlePixels      = 7
	doubleClickPixels = 4
	doubleClickTime   = 400 * time.Millisecond
)

// Pending is a finished sketch waiting for its attributes. The session
// owns it; read it on the session's goroutine.
type Pending struct {
	Layer   *layers.Layer
	Geom    orb.Geometry
	Measure Measure
}

// Session is one edit session on a blueprint: the tool, the sketch, the
// selection and the undo history. Every saved edit is one Blueprint.Apply.
// A Session is not safe for concurrent use: call it from the UI goroutine.
type Session struct {
	bp      *layers.Blueprint
	snapper Snapper
	// Visible lists the layers shown, for snapping and selection; nil: none.
	Visible func() []string
	// OnChange is called after anything the overlay or panel shows changed.
	OnChange func()
	// OnSaved is called after each Apply with the codes of the layers it
	// wrote, so the map can redraw them.
	OnSaved func(codes []string)
	// Now is the clock for double clicks; time.Now by default.
	Now func() time.Time

	SnapOn     bool
	SnapPixels float64

	target  *layers.Layer
	tool    Tool
	sketch  []orb.Point
	cursor  orb.Point
	hover   bool
	res     float64
	snap    Snap
	sel     []*layers.Feature
	vsel    vertexRef // the selected vertex of the first selected feature
	drag    *dragState
	pending *Pending
	hist    history
	message string
	msgErr  bool
	lastTap time.Time
	lastP   orb.Point
}

// New starts a session on bp; the target is the first editable layer.
func New(bp *layers.Blueprint) *Session {
	s := &Session{bp: bp, snapper: Snapper{BP: bp}, Now: time.Now, SnapOn: true, SnapPixels: DefaultSnapPixels, res: 1, vsel: noVertex}
	if ls := EditableLayers(bp); len(ls) > 0 {
		s.target = ls[0]
	}
	return s
}

// EditableLayers are the layers the catalog marks editable and the file
// lets Lantu write (lantu tables, not views), in catalog order.
func EditableLayers(bp *layers.Blueprint) []*layers.Layer {
	var out []*layers.Layer
	if bp == nil || bp.ReadOnly() {
		return nil
	}
	for _, l := range bp.Layers() {
		if l.Def != nil && l.Def.Editable && l.Editable() && kindOf(l) != "" {
			out = append(out, l)
		}
	}
	return out
}

func kindOf(l *layers.Layer) Kind {
	if l == nil || l.Def == nil {
		return ""
	}
	switch k := Kind(l.Def.Geometry); k {
	case Polygon, Line, Point:
		return k
	}
	return ""
}

// Target is the layer new features go to.
func (s *Session) Target() *layers.Layer { return s.target }

// SetTarget chooses the layer to draw on; only editable layers are taken.
func (s *Session) SetTarget(code string) error {
	for _, l := range EditableLayers(s.bp) {
		if l.Code == code {
			s.target = l
			s.cancelSketch()
			s.changed()
			return nil
		}
	}
	return fmt.Errorf("%w: %q", ErrNotEditable, code)
}

// Fields are the target's catalog fields.
func (s *Session) Fields() []catalog.Field {
	if s.target == nil || s.target.Def == nil {
		return nil
	}
	return s.target.Def.Fields
}

// Tool is the current tool.
func (s *Session) Tool() Tool { return s.tool }

// SetTool switches tools; the sketch is dropped, the selection kept.
func (s *Session) SetTool(t Tool) {
	s.tool = t
	s.cancelSketch()
	s.message = ""
	s.changed()
}

// Message is the last thing the session has to say (an error or a hint),
// in the user's language.
func (s *Session) Message() string { return s.message }

// MessageIsError reports whether Message is a refusal or failure.
func (s *Session) MessageIsError() bool { return s.msgErr && s.message != "" }

// Sketch is the vertices drawn so far.
func (s *Session) Sketch() []orb.Point { return clonePts(s.sketch) }

// Pending is the finished sketch awaiting attributes, or nil.
func (s *Session) Pending() *Pending { return s.pending }

// Snapped is the current snap under the cursor (Kind SnapNone if none).
func (s *Session) Snapped() Snap { return s.snap }

// CanUndo and CanRedo report the stacks.
func (s *Session) CanUndo() bool { return len(s.hist.undo) > 0 || len(s.sketch) > 0 }

// CanRedo reports whether an undone change can be redone.
func (s *Session) CanRedo() bool { return len(s.hist.redo) > 0 }

func (s *Session) changed() {
	if s.OnChange != nil {
		s.OnChange()
	}
}

// fail shows err without the package's sentinel prefixes (the rest is
// worded for the user) and returns it.
func (s *Session) fail(err error) error {
	msg := err.Error()
	for _, e := range []error{ErrGeometry, ErrAttribute, ErrNothing, ErrStale, ErrNotEditable} {
		msg = strings.TrimPrefix(msg, e.Error()+": ")
	}
	s.message, s.msgErr = msg, true
	s.changed()
	return err
}

func (s *Session) visible() []string {
	if s.Visible == nil {
		return nil
	}
	return s.Visible()
}

// kind is the geometry the current sketch builds.
func (s *Session) kind() Kind {
	if s.tool == ToolSplit {
		return Line
	}
	return kindOf(s.target)
}

// Hover follows the cursor: the snap marker and the rubber band. With the
// select tool nothing follows the cursor, so nothing is redrawn.
func (s *Session) Hover(p Pointer) {
	s.res, s.cursor, s.hover = p.Res, p.P, true
	if s.tool == ToolSelect && s.drag == nil && s.snap.Kind == SnapNone {
		return
	}
	s.snap = Snap{}
	if s.SnapOn && (s.tool != ToolSelect || s.drag != nil) {
		s.snap = s.findSnap(p.P)
	}
	s.changed()
}

// findSnap snaps p to visible layers and the sketch, skipping the feature
// being dragged.
func (s *Session) findSnap(p orb.Point) Snap {
	var extra [][]orb.Point
	if len(s.sketch) > 0 {
		extra = append(extra, s.sketch)
	}
	sn := s.snapper.Find(s.visible(), p, s.SnapPixels*s.res, extra)
	if s.drag != nil && len(s.sel) > 0 && sn.Layer == s.sel[0].Layer.Code && sn.FID == s.sel[0].FID {
		return Snap{}
	}
	return sn
}

// at is where a click lands: the snapped point when snapping, refined
// from the stored geometry.
func (s *Session) at(p Pointer) orb.Point {
	if !s.SnapOn {
		return p.P
	}
	sn := s.findSnap(p.P)
	if sn.Kind == SnapNone {
		return p.P
	}
	return s.snapper.Exact(context.Background(), sn, s.SnapPixels*p.Res).P
}

// doubleClick reports whether this tap repeats the last one.
func (s *Session) doubleClick(p Pointer) bool {
	now := s.Now()
	dbl := !s.lastTap.IsZero() && now.Sub(s.lastTap) <= doubleClickTime &&
		dist2(p.P, s.lastP) <= (doubleClickPixels*p.Res)*(doubleClickPixels*p.Res)
	s.lastTap, s.lastP = now, p.P
	if dbl {
		s.lastTap = time.Time{}
	}
	return dbl
}

// Tap is a click: a vertex while drawing (a double click finishes), a
// selection with the select tool.
func (s *Session) Tap(p Pointer) {
	s.res = p.Res
	dbl := s.doubleClick(p)
	if s.tool == ToolSelect {
		s.tapSelect(p, dbl)
		return
	}
	if dbl && len(s.sketch) > 0 {
		s.Finish()
		return
	}
	s.AddVertex(s.at(p))
}

// AddTypedVertex adds a vertex typed in as coordinates. The pointer is off
// the map then (in the coordinate entry), so the rubber band and the live
// measurement leave its last map position out until it hovers the map
// again: typed vertices far from it measured a polygon through it.
func (s *Session) AddTypedVertex(q orb.Point) {
	s.hover, s.snap = false, Snap{}
	s.AddVertex(q)
}

// AddVertex adds an exact vertex to the sketch (a click, or typed
// coordinates); a point layer finishes at once.
func (s *Session) AddVertex(q orb.Point) {
	if s.tool == ToolSelect {
		s.tool = ToolDraw
	}
	if s.target == nil && s.tool == ToolDraw {
		s.fail(fmt.Errorf("%w: %s", ErrNotEditable, i18n.T("edit.err.no_target")))
		return
	}
	s.pending = nil
	if len(s.sketch) > 0 && s.sketch[len(s.sketch)-1] == q {
		return // a repeated vertex is never added
	}
	s.sketch = append(s.sketch, q)
	s.message = ""
	if s.kind() == Point {
		s.Finish()
		return
	}
	s.changed()
}

// RemoveLastVertex undoes the last sketch vertex (Backspace).
func (s *Session) RemoveLastVertex() {
	if len(s.sketch) > 0 {
		s.sketch = s.sketch[:len(s.sketch)-1]
		s.pending = nil
		s.changed()
	}
}

// Cancel drops the sketch (Esc), or else the drag, or else the selection.
func (s *Session) Cancel() {
	switch {
	case len(s.sketch) > 0 || s.pending != nil:
		s.cancelSketch()
	case s.drag != nil:
		s.drag = nil
	default:
		s.sel, s.vsel = nil, noVertex
	}
	s.message = ""
	s.changed()
}

func (s *Session) cancelSketch() {
	s.sketch, s.pending = nil, nil
}

// Finish ends the sketch (double click, Enter): a drawn feature becomes
// Pending, waiting for its attributes (SavePending); a split line splits
// the selected polygon. An invalid sketch is refused with the reason and
// kept, so it can be fixed.
func (s *Session) Finish() (*Pending, error) {
	if s.tool == ToolSplit {
		return nil, s.finishSplit()
	}
	if s.target == nil {
		return nil, s.fail(fmt.Errorf("%w: %s", ErrNotEditable, i18n.T("edit.err.no_target")))
	}
	k := kindOf(s.target)
	ps := dedupe(s.sketch, k == Polygon)
	var sh shape
	switch k {
	case Point:
		if len(ps) == 0 {
			return nil, s.fail(fmt.Errorf("%w: %s", ErrNothing, i18n.T("edit.err.empty")))
		}
		sh = shape{kind: Point, paths: [][]orb.Point{ps[len(ps)-1:]}}
	case Line:
		sh = shape{kind: Line, paths: [][]orb.Point{ps}}
	default:
		sh = shape{kind: Polygon, paths: [][]orb.Point{ps}, polyOf: []int{0}}
	}
	g := sh.geometry()
	if err := Validate(g); err != nil {
		if k == Point {
			s.sketch = nil
		}
		return nil, s.fail(err)
	}
	s.pending = &Pending{Layer: s.target, Geom: g, Measure: measureGeom(g)}
	s.message, s.snap = "", Snap{} // nothing is drawn now: nothing to snap
	s.changed()
	return s.pending, nil
}

// SavePending stores the pending feature with the form's raw texts,
// checked against the catalog fields; on success the sketch is cleared and
// the insert can be undone.
func (s *Session) SavePending(raw map[string]string) (*layers.Feature, error) {
	p := s.pending
	if p == nil {
		return nil, s.fail(fmt.Errorf("%w: %s", ErrNothing, i18n.T("edit.err.empty")))
	}
	attrs, err := ParseAttrs(p.Layer.Def.Fields, raw)
	if err != nil {
		return nil, err
	}
	c := Change{Label: i18n.T("edit.op.add"), steps: []step{{layer: p.Layer.Code, uid: newUID(), after: state{Geom: p.Geom, Attrs: attrs}}}}
	if err := s.commit(c); err != nil {
		return nil, err
	}
	s.cancelSketch()
	s.changed()
	return s.bp.FeatureByUID(context.Background(), p.Layer.Code, c.steps[0].uid)
}

// DiscardPending forgets the pending feature but keeps the sketch.
func (s *Session) DiscardPending() {
	s.pending = nil
	s.changed()
}

// Measure is the live measurement: the sketch with the rubber band to the
// cursor while drawing, the dragged shape, or the selection.
func (s *Session) Measure() Measure {
	if s.drag != nil {
		return measureGeom(s.drag.shape.geometry())
	}
	if len(s.sketch) > 0 {
		ps := s.sketch
		if s.hover && s.pending == nil {
			ps = append(clonePts(ps), s.cursorPoint())
		}
		return measurePath(s.kind(), ps)
	}
	if len(s.sel) == 1 && s.sel[0].Geom != nil {
		return measureGeom(s.sel[0].Geom)
	}
	return Measure{}
}

// cursorPoint is the cursor, snapped when a snap is shown.
func (s *Session) cursorPoint() orb.Point {
	if s.snap.Kind != SnapNone {
		return s.snap.P
	}
	return s.cursor
}
