package editor

import (
	"context"
	"fmt"
	"time"

	"github.com/paulmach/orb"

	"lantu/app/i18n"
	"lantu/layers"
)

// Applier is the one writer the session saves through; *layers.Blueprint
// satisfies it.
type Applier interface {
	Apply(ctx context.Context, edits ...layers.Edit) ([]*layers.Feature, error)
	FeatureByUID(ctx context.Context, layer, uid string) (*layers.Feature, error)
}

// state is one feature as an edit leaves it: nil Geom means absent.
type state struct {
	Geom  orb.Geometry
	Attrs map[string]any // the layer's own fields, no system columns
	stamp string         // updated_at after the write, to notice others' edits
}

// step is one undoable edit of one feature.
type step struct {
	layer, uid    string
	before, after state
}

// Change is one saved edit of the session: one Apply of one or more
// features (a split writes the original and the new pieces). A value.
type Change struct {
	Label string // what the user did, in their language
	steps []step
}

// history is the undo and redo stacks. Not safe for concurrent use.
type history struct {
	undo, redo []Change
	last       map[string]string // uid -> updated_at the session last wrote
}

// record pushes a saved change and forgets what was undone.
func (h *history) record(c Change) {
	h.undo = append(h.undo, c)
	h.redo = nil
}

// edits is what moves the features of c from one side to the other.
func (c Change) edits(forward bool) []layers.Edit {
	out := make([]layers.Edit, 0, len(c.steps))
	for _, s := range c.steps {
		from, to := s.before, s.after
		if !forward {
			from, to = to, from
		}
		e := layers.Edit{Layer: s.layer, UID: s.uid}
		switch {
		case from.Geom == nil:
			e.Op, e.Geom, e.Attrs = layers.OpInsert, to.Geom, to.Attrs
		case to.Geom == nil:
			e.Op = layers.OpDelete
		default:
			e.Op, e.Geom, e.Attrs = layers.OpUpdate, to.Geom, changedAttrs(from.Attrs, to.Attrs)
		}
		out = append(out, e)
	}
	return out
}

// changedAttrs are the values of to that differ from from.
func changedAttrs(from, to map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range to {
		if fmt.Sprint(from[k]) != fmt.Sprint(v) || (from[k] == nil) != (v == nil) {
			out[k] = v
		}
	}
	return out
}

// ownAttrs drops the columns the blueprint maintains.
func ownAttrs(attrs map[string]any) map[string]any {
	out := make(map[string]any, len(attrs))
	for k, v := range attrs {
		if k != "updated_at" && k != "updated_by" {
			out[k] = v
		}
	}
	return out
}

func stateOf(f *layers.Feature) state {
	if f == nil {
		return state{}
	}
	return state{Geom: f.Geom, Attrs: ownAttrs(f.Attrs), stamp: stampOf(f.Attrs["updated_at"])}
}

// save applies c forward (forward) or backward, after checking that no one
// else changed its features since the session last wrote them; it returns
// c with the new stamps.
func (h *history) save(ctx context.Context, a Applier, c Change, forward bool) (Change, error) {
	if err := h.checkFresh(ctx, a, c, forward); err != nil {
		return c, err
	}
	fs, err := a.Apply(ctx, c.edits(forward)...)
	if err != nil {
		return c, err
	}
	for i := range c.steps {
		st := &c.steps[i].after
		if !forward {
			st = &c.steps[i].before
		}
		if fs[i] != nil {
			st.stamp = stampOf(fs[i].Attrs["updated_at"])
		}
		if h.last == nil {
			h.last = map[string]string{}
		}
		h.last[c.steps[i].uid] = st.stamp
	}
	return c, nil
}

// checkFresh refuses to undo or redo over someone else's edit: each
// feature must be as the session left it.
func (h *history) checkFresh(ctx context.Context, a Applier, c Change, forward bool) error {
	for _, s := range c.steps {
		want := s.after
		if forward {
			want = s.before
		}
		if st, ok := h.last[s.uid]; ok {
			want.stamp = st
		}
		f, err := a.FeatureByUID(ctx, s.layer, s.uid)
		switch {
		case want.Geom == nil && err == nil:
			return fmt.Errorf("%w: %s", ErrStale, fmt.Sprintf(i18n.T("edit.err.stale"), s.uid))
		case want.Geom == nil:
			continue
		case err != nil:
			return fmt.Errorf("%w: %s: %v", ErrStale, fmt.Sprintf(i18n.T("edit.err.stale"), s.uid), err)
		case want.stamp != "" && stampOf(f.Attrs["updated_at"]) != want.stamp:
			return fmt.Errorf("%w: %s", ErrStale, fmt.Sprintf(i18n.T("edit.err.stale_by"), s.uid, f.Attrs["updated_by"]))
		}
	}
	return nil
}

// stampOf is an updated_at value as text: the driver reads DATETIME
// columns as time.Time, Apply returns the text it wrote.
func stampOf(v any) string {
	if t, ok := v.(time.Time); ok {
		return t.UTC().Format("2006-01-02T15:04:05.000Z")
	}
	return fmt.Sprint(v)
}
