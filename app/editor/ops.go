package editor

import (
	"context"
	"fmt"
	"slices"

	"github.com/paulmach/orb"

	"lantu/app/i18n"
	"lantu/layers"
)

// commit saves a new change (one Apply) and pushes it on the undo stack.
func (s *Session) commit(c Change) error {
	c, err := s.hist.save(context.Background(), s.bp, c, true)
	if err != nil {
		return s.fail(err)
	}
	s.hist.record(c)
	s.saved(c)
	s.reselect(c, true)
	s.message, s.msgErr = fmt.Sprintf(i18n.T("edit.saved"), c.Label), false
	s.changed()
	return nil
}

// reselect keeps the selection on the features a change left.
func (s *Session) reselect(c Change, forward bool) {
	var sel []*layers.Feature
	for _, st := range c.steps {
		to := st.after
		if !forward {
			to = st.before
		}
		if to.Geom == nil {
			continue
		}
		if f, err := s.bp.FeatureByUID(context.Background(), st.layer, st.uid); err == nil {
			sel = append(sel, f)
		}
	}
	s.sel = sel
	if len(sel) != 1 {
		s.vsel = noVertex
	}
}

// Undo reverts the last saved change with one Apply (journaled as any
// edit), or the last sketch vertex while drawing.
func (s *Session) Undo() error {
	if len(s.sketch) > 0 {
		s.RemoveLastVertex()
		return nil
	}
	n := len(s.hist.undo)
	if n == 0 {
		return s.fail(fmt.Errorf("%w: %s", ErrNothing, i18n.T("edit.err.no_undo")))
	}
	c, err := s.hist.save(context.Background(), s.bp, s.hist.undo[n-1], false)
	if err != nil {
		return s.fail(err)
	}
	s.hist.undo = s.hist.undo[:n-1]
	s.hist.redo = append(s.hist.redo, c)
	s.saved(c)
	s.reselect(c, false)
	s.message, s.msgErr = fmt.Sprintf(i18n.T("edit.undone"), c.Label), false
	s.changed()
	return nil
}

// Redo applies the last undone change again.
func (s *Session) Redo() error {
	n := len(s.hist.redo)
	if n == 0 {
		return s.fail(fmt.Errorf("%w: %s", ErrNothing, i18n.T("edit.err.no_redo")))
	}
	c, err := s.hist.save(context.Background(), s.bp, s.hist.redo[n-1], true)
	if err != nil {
		return s.fail(err)
	}
	s.hist.redo = s.hist.redo[:n-1]
	s.hist.undo = append(s.hist.undo, c)
	s.saved(c)
	s.reselect(c, true)
	s.message, s.msgErr = fmt.Sprintf(i18n.T("edit.redone"), c.Label), false
	s.changed()
	return nil
}

// UndoLabel and RedoLabel name what Undo and Redo would do ("" if nothing).
func (s *Session) UndoLabel() string {
	if n := len(s.hist.undo); n > 0 {
		return s.hist.undo[n-1].Label
	}
	return ""
}

// RedoLabel names what Redo would do.
func (s *Session) RedoLabel() string {
	if n := len(s.hist.redo); n > 0 {
		return s.hist.redo[n-1].Label
	}
	return ""
}

// DeleteSelected deletes the selected features in one change.
func (s *Session) DeleteSelected() error {
	if len(s.sel) == 0 {
		return s.fail(fmt.Errorf("%w: %s", ErrNothing, i18n.T("edit.err.no_selection")))
	}
	c := Change{Label: i18n.T("edit.op.delete")}
	for _, f := range s.sel {
		c.steps = append(c.steps, step{layer: f.Layer.Code, uid: f.UID, before: stateOf(f)})
	}
	return s.commit(c)
}

// MergeSelected unites the selected polygons of one layer into the first
// selected: it keeps that feature's uid and attributes and deletes the
// others, in one change.
func (s *Session) MergeSelected() error {
	if len(s.sel) < 2 {
		return s.fail(fmt.Errorf("%w: %s", ErrNothing, i18n.T("edit.err.merge_two")))
	}
	first := s.sel[0]
	gs := make([]orb.Geometry, 0, len(s.sel))
	for _, f := range s.sel {
		if f.Layer != first.Layer || kindOf(f.Layer) != Polygon {
			return s.fail(fmt.Errorf("%w: %s", ErrNothing, i18n.T("edit.err.merge_layer")))
		}
		gs = append(gs, f.Geom)
	}
	u, err := Merge(gs...)
	if err == nil {
		err = Validate(u)
	}
	if err != nil {
		return s.fail(err)
	}
	before := stateOf(first)
	c := Change{Label: i18n.T("edit.op.merge"), steps: []step{{layer: first.Layer.Code, uid: first.UID, before: before,
		after: state{Geom: u, Attrs: withArea(first.Layer, before.Attrs, u)}}}}
	for _, f := range s.sel[1:] {
		c.steps = append(c.steps, step{layer: f.Layer.Code, uid: f.UID, before: stateOf(f)})
	}
	return s.commit(c)
}

// finishSplit splits the one selected polygon with the sketched line: the
// largest piece keeps the feature, the others become new features with its
// attributes, in one change.
func (s *Session) finishSplit() error {
	line := orb.LineString(dedupe(s.sketch, false))
	if len(s.sel) != 1 || kindOf(s.sel[0].Layer) != Polygon {
		return s.fail(fmt.Errorf("%w: %s", ErrNothing, i18n.T("edit.err.split_one")))
	}
	f := s.sel[0]
	pieces, err := Split(f.Geom, line)
	if err != nil {
		return s.fail(err)
	}
	before := stateOf(f)
	c := Change{Label: i18n.T("edit.op.split")}
	for i, p := range pieces {
		if err := Validate(p); err != nil {
			return s.fail(err)
		}
		st := step{layer: f.Layer.Code, uid: f.UID, before: before, after: state{Geom: p, Attrs: withArea(f.Layer, before.Attrs, p)}}
		if i > 0 {
			st.uid, st.before = newUID(), state{}
		}
		c.steps = append(c.steps, st)
	}
	if err := s.commit(c); err != nil {
		return err
	}
	s.sketch = nil
	s.changed()
	return nil
}

// saved tells OnSaved which layers c wrote.
func (s *Session) saved(c Change) {
	if s.OnSaved == nil {
		return
	}
	var codes []string
	for _, st := range c.steps {
		if !slices.Contains(codes, st.layer) {
			codes = append(codes, st.layer)
		}
	}
	s.OnSaved(codes)
}
