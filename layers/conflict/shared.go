package conflict

import (
	"context"
	"slices"

	"github.com/paulmach/orb"
)

// sharedLayers reads each layer that two or more of a run's selectors
// name once, whole, with the columns all of them use, and hands each rule
// the features its selector picks (where and box evaluated in Go, as
// SQLite would: TestMatchAgreesWithSQLite). A layer is dropped after the
// last rule naming it. Used by the one goroutine running the rules.
type sharedLayers struct {
	cols  map[string][]string // shared layer: the columns its selectors use
	uses  map[string]int      // selectors of rules not yet done
	feats map[string][]Feature
}

func newSharedLayers(rules []*Rule) *sharedLayers {
	s := &sharedLayers{cols: map[string][]string{}, uses: map[string]int{}, feats: map[string][]Feature{}}
	for _, r := range rules {
		for _, sel := range ruleSelectors(r) {
			s.uses[sel.s.Layer]++
			s.cols[sel.s.Layer] = append(s.cols[sel.s.Layer], append(refFields(sel.class), sel.s.expr.Fields()...)...)
		}
	}
	for l, n := range s.uses {
		if n < 2 {
			delete(s.cols, l)
			continue
		}
		slices.Sort(s.cols[l])
		s.cols[l] = slices.Compact(s.cols[l])
	}
	return s
}

// selector is a rule's selector with its class field.
type selector struct {
	s     Selector
	class string
}

// ruleSelectors are the selectors whose layers a rule reads.
func ruleSelectors(r *Rule) []selector {
	out := []selector{{r.A, r.AClassField}}
	if r.B.Layer != "" && r.Kind != KindSlope {
		out = append(out, selector{r.B, r.BClassField})
	}
	return out
}

// load is loadLayer, through the shared read for a shared layer.
func (s *sharedLayers) load(ctx context.Context, src Source, sel Selector, bbox orb.Bound, cols []string) ([]Feature, error) {
	if s == nil || s.cols[sel.Layer] == nil {
		return loadLayer(ctx, src, sel, bbox, cols)
	}
	shared := s.cols[sel.Layer]
	fs, ok := s.feats[sel.Layer]
	if !ok {
		var err error
		if fs, err = loadLayer(ctx, src, Selector{Layer: sel.Layer}, orb.Bound{}, shared); err != nil {
			return nil, err
		}
		s.feats[sel.Layer] = fs
	}
	var out []Feature
	for _, f := range fs {
		if bbox != (orb.Bound{}) && (f.Geom == nil || !geomBound(f.Geom).Intersects(bbox)) {
			continue
		}
		if sel.expr.Match(f.Attrs) {
			out = append(out, f)
		}
	}
	return out, nil
}

// done drops the layers no rule after r names.
func (s *sharedLayers) done(r *Rule) {
	for _, sel := range ruleSelectors(r) {
		if s.uses[sel.s.Layer]--; s.uses[sel.s.Layer] <= 0 {
			delete(s.feats, sel.s.Layer)
		}
	}
}
