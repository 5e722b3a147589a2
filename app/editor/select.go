package editor

import (
	"context"
	"fmt"
	"slices"

	"github.com/google/uuid"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"lantu/app/i18n"
	"lantu/layers"
)

// vertexRef names a vertex of a shape: path and index.
type vertexRef struct{ path, i int }

var noVertex = vertexRef{-1, -1}

type dragKind int

const (
	dragVertex dragKind = iota
	dragMove
)

// dragState is a drag in progress on the first selected feature.
type dragState struct {
	kind  dragKind
	v     vertexRef
	start orb.Point
	orig  shape
	shape shape // the shape as dragged so far
}

func newUID() string {
	if u, err := uuid.NewV7(); err == nil {
		return u.String()
	}
	return uuid.NewString()
}

// Selection is the selected features (copies the caller may read).
func (s *Session) Selection() []*layers.Feature { return slices.Clone(s.sel) }

// SelectedVertex reports the selected vertex, if any.
func (s *Session) SelectedVertex() (orb.Point, bool) {
	sh, ok := s.selShape()
	if !ok || s.vsel == noVertex || s.vsel.path >= len(sh.paths) || s.vsel.i >= len(sh.paths[s.vsel.path]) {
		return orb.Point{}, false
	}
	return sh.paths[s.vsel.path][s.vsel.i], true
}

// selShape is the first selected feature taken apart.
func (s *Session) selShape() (shape, bool) {
	if len(s.sel) == 0 || s.sel[0].Geom == nil {
		return shape{}, false
	}
	return shapeOf(s.sel[0].Geom)
}

// tapSelect picks a vertex handle of the selection, inserts a vertex on a
// double-clicked edge, or selects the editable feature under the click
// (Shift adds or removes it).
func (s *Session) tapSelect(p Pointer, dbl bool) {
	tol := handlePixels * p.Res
	if sh, ok := s.selShape(); ok {
		if v, ok := nearVertex(sh, p.P, tol); ok {
			s.vsel = v
			s.changed()
			return
		}
		if dbl {
			if v, q, ok := nearEdge(sh, p.P, tol); ok {
				sh = sh.clone()
				sh.paths[v.path] = slices.Insert(sh.paths[v.path], v.i, q)
				s.saveShape(sh, i18n.T("edit.op.vertex_add"))
				s.vsel = v
				return
			}
		}
	}
	f := s.hit(p.P, 4*p.Res)
	s.vsel = noVertex
	switch {
	case f == nil && !p.Shift:
		s.sel = nil
	case f == nil:
	case p.Shift:
		if i := s.selIndex(f); i >= 0 {
			s.sel = slices.Delete(s.sel, i, i+1)
		} else {
			s.sel = append(s.sel, f)
		}
	default:
		s.sel = []*layers.Feature{f}
	}
	s.message = ""
	s.changed()
}

func (s *Session) selIndex(f *layers.Feature) int {
	return slices.IndexFunc(s.sel, func(g *layers.Feature) bool { return g.Layer == f.Layer && g.UID == f.UID })
}

// Select replaces the selection with the feature of layer with uid.
func (s *Session) Select(layer, uid string) error {
	f, err := s.bp.FeatureByUID(context.Background(), layer, uid)
	if err != nil {
		return s.fail(err)
	}
	s.sel, s.vsel = []*layers.Feature{f}, noVertex
	s.changed()
	return nil
}

// AddToSelection adds a feature (as Shift+click does).
func (s *Session) AddToSelection(layer, uid string) error {
	f, err := s.bp.FeatureByUID(context.Background(), layer, uid)
	if err != nil {
		return s.fail(err)
	}
	if s.selIndex(f) < 0 {
		s.sel = append(s.sel, f)
	}
	s.changed()
	return nil
}

// hit is the topmost editable, visible feature under p.
func (s *Session) hit(p orb.Point, tol float64) *layers.Feature {
	var codes []string
	vis := s.visible()
	for _, l := range EditableLayers(s.bp) {
		if slices.Contains(vis, l.Code) {
			codes = append(codes, l.Code)
		}
	}
	if len(codes) == 0 {
		return nil
	}
	var top *layers.Feature
	box := orb.Bound{Min: p, Max: p}.Pad(tol)
	err := s.bp.Query(context.Background(), layers.Query{Layers: codes, BBox: box}, func(f *layers.Feature) error {
		if hits(f.Geom, p, tol) {
			top = f
		}
		return nil
	})
	if err != nil {
		s.fail(err)
		return nil
	}
	return top
}

func hits(g orb.Geometry, p orb.Point, tol float64) bool {
	switch g := g.(type) {
	case nil:
		return false
	case orb.Polygon:
		return planar.PolygonContains(g, p) || planar.DistanceFrom(g, p) <= tol
	case orb.MultiPolygon:
		return planar.MultiPolygonContains(g, p) || planar.DistanceFrom(g, p) <= tol
	}
	return planar.DistanceFrom(g, p) <= tol
}

// nearVertex is the vertex of sh within tol of p.
func nearVertex(sh shape, p orb.Point, tol float64) (vertexRef, bool) {
	best, bd := noVertex, tol*tol
	for pi, ps := range sh.paths {
		for i, q := range ps {
			if d := dist2(p, q); d <= bd {
				best, bd = vertexRef{pi, i}, d
			}
		}
	}
	return best, best != noVertex
}

// nearEdge is the edge of sh nearest p within tol: the index a new vertex
// takes and the point on the edge.
func nearEdge(sh shape, p orb.Point, tol float64) (vertexRef, orb.Point, bool) {
	best, bd, at := noVertex, tol*tol, orb.Point{}
	for pi, ps := range sh.paths {
		for i := range ps {
			j := i + 1
			if j == len(ps) {
				if !sh.closed() || len(ps) < 3 {
					break
				}
				j = 0
			}
			q := nearestOnSegment(p, ps[i], ps[j])
			if d := dist2(p, q); d <= bd {
				best, bd, at = vertexRef{pi, i + 1}, d, q
			}
		}
	}
	return best, at, best != noVertex
}

// midpoints are the handles that insert a vertex: the middle of each edge,
// with the index the new vertex takes.
func midpoints(sh shape) ([]vertexRef, []orb.Point) {
	var refs []vertexRef
	var pts []orb.Point
	if sh.kind == Point {
		return nil, nil
	}
	for pi, ps := range sh.paths {
		n := len(ps) - 1
		if sh.closed() {
			n = len(ps)
		}
		for i := 0; i < n; i++ {
			a, b := ps[i], ps[(i+1)%len(ps)]
			refs = append(refs, vertexRef{pi, i + 1})
			pts = append(pts, orb.Point{(a[0] + b[0]) / 2, (a[1] + b[1]) / 2})
		}
	}
	return refs, pts
}

// DragStart begins dragging a vertex or midpoint handle of the first
// selected feature, or the feature itself; false leaves the drag to the
// map (a pan).
func (s *Session) DragStart(p Pointer) bool {
	s.res = p.Res
	sh, ok := s.selShape()
	if s.tool != ToolSelect || !ok {
		return false
	}
	tol := handlePixels * p.Res
	d := &dragState{kind: dragVertex, start: p.P, orig: sh, shape: sh.clone()}
	if v, ok := nearVertex(sh, p.P, tol); ok {
		d.v = v
	} else if v, ok := nearMidpoint(sh, p.P, tol); ok {
		d.shape.paths[v.path] = slices.Insert(d.shape.paths[v.path], v.i, p.P)
		d.v = v
	} else if hits(s.sel[0].Geom, p.P, 4*p.Res) {
		d.kind = dragMove
	} else {
		return false
	}
	s.drag, s.vsel = d, noVertex
	if d.kind == dragVertex {
		s.vsel = d.v
	}
	s.changed()
	return true
}

func nearMidpoint(sh shape, p orb.Point, tol float64) (vertexRef, bool) {
	refs, pts := midpoints(sh)
	best, bd := noVertex, tol*tol
	for i, q := range pts {
		if d := dist2(p, q); d <= bd {
			best, bd = refs[i], d
		}
	}
	return best, best != noVertex
}

// Drag moves the dragged vertex (snapped) or the whole feature.
func (s *Session) Drag(p Pointer) {
	d := s.drag
	if d == nil {
		return
	}
	s.res, s.cursor, s.hover = p.Res, p.P, true
	if d.kind == dragMove {
		dx, dy := p.P[0]-d.start[0], p.P[1]-d.start[1]
		d.shape = d.orig.clone()
		for _, ps := range d.shape.paths {
			for i := range ps {
				ps[i] = orb.Point{ps[i][0] + dx, ps[i][1] + dy}
			}
		}
	} else {
		s.snap = Snap{}
		q := p.P
		if s.SnapOn {
			if s.snap = s.findSnap(p.P); s.snap.Kind != SnapNone {
				q = s.snap.P
			}
		}
		d.shape.paths[d.v.path][d.v.i] = q
	}
	s.changed()
}

// DragEnd saves the dragged shape if it is valid; else it is refused with
// the reason and the feature left as it was.
func (s *Session) DragEnd(p Pointer) {
	d := s.drag
	if d == nil {
		return
	}
	if d.kind == dragVertex && s.SnapOn {
		d.shape.paths[d.v.path][d.v.i] = s.at(p)
	}
	s.drag, s.snap = nil, Snap{}
	if d.kind == dragMove && p.P == d.start {
		s.changed()
		return
	}
	label := i18n.T("edit.op.vertex_move")
	if d.kind == dragMove {
		label = i18n.T("edit.op.move")
	}
	s.saveShape(d.shape, label)
}

// DeleteVertex removes the selected vertex (Delete or Backspace with a
// vertex selected).
func (s *Session) DeleteVertex() error {
	sh, ok := s.selShape()
	v := s.vsel
	if !ok || v == noVertex || v.path >= len(sh.paths) || v.i >= len(sh.paths[v.path]) {
		return s.fail(fmt.Errorf("%w: %s", ErrNothing, i18n.T("edit.err.no_vertex")))
	}
	sh = sh.clone()
	sh.paths[v.path] = slices.Delete(sh.paths[v.path], v.i, v.i+1)
	if err := s.saveShape(sh, i18n.T("edit.op.vertex_delete")); err != nil {
		return err
	}
	s.vsel = noVertex
	return nil
}

// saveShape stores a new geometry of the first selected feature.
func (s *Session) saveShape(sh shape, label string) error {
	g := sh.geometry()
	if err := Validate(g); err != nil {
		return s.fail(err)
	}
	f := s.sel[0]
	before := stateOf(f)
	after := state{Geom: g, Attrs: withArea(f.Layer, before.Attrs, g)}
	return s.commit(Change{Label: label, steps: []step{{layer: f.Layer.Code, uid: f.UID, before: before, after: after}}})
}

// withArea keeps a proposal's area field (mj, real) equal to its area.
func withArea(l *layers.Layer, attrs map[string]any, g orb.Geometry) map[string]any {
	out := make(map[string]any, len(attrs))
	for k, v := range attrs {
		out[k] = v
	}
	if l.Def != nil && kindOf(l) == Polygon {
		for _, f := range l.Def.Fields {
			if f.Name == "mj" && f.Type == "real" {
				out["mj"] = roundCm2(measureGeom(g).Area)
			}
		}
	}
	return out
}

func roundCm2(a float64) float64 { return float64(int64(a*100+0.5)) / 100 }
