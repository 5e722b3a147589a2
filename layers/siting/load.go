package siting

import (
	"context"
	"fmt"

	"github.com/paulmach/orb"
	"github.com/twpayne/go-geos"

	"lantu/layers"
	"lantu/layers/conflict"
	"lantu/layers/crs"
)

// site is the proposal in one GEOS context with the layers read around it.
// Not safe for concurrent use: one review, one goroutine.
type site struct {
	bp    *layers.Blueprint
	gctx  *geos.Context
	prop  *layers.Feature
	p     *geos.Geom // the proposal, valid, in AreaSRID
	area  float64
	bound orb.Bound // of p
	toSRS map[int]*reproj
	cache map[string]*layerSet
	notes []Reason
}

// layerSet is a layer's features near the proposal: their union and, for
// land use, the unions of construction and non-construction classes.
type layerSet struct {
	feats   []*geos.Geom
	classes []string
	union   *geos.Geom // nil: none
}

// reproj converts a layer's CRS to AreaSRID and back.
type reproj struct{ fwd, inv *crs.Transformer }

// transformer returns the transformations between srid and AreaSRID (nil:
// none needed).
func (s *site) transformer(srid int) (*reproj, error) {
	if srid == AreaSRID || srid <= 0 {
		return nil, nil
	}
	if t, ok := s.toSRS[srid]; ok {
		return t, nil
	}
	fwd, err := crs.NewTransformer(srid, AreaSRID)
	if err != nil {
		return nil, err
	}
	inv, err := crs.NewTransformer(AreaSRID, srid)
	if err != nil {
		return nil, err
	}
	t := &reproj{fwd, inv}
	s.toSRS[srid] = t
	return t, nil
}

// load reads the features of layer matching where whose boxes come within
// pad of the proposal, in AreaSRID, once per (layer, where, pad).
func (s *site) load(ctx context.Context, layer string, where *conflict.Expr, classField string, pad float64) (*layerSet, error) {
	key := fmt.Sprintf("%s|%s|%s|%g", layer, where.SQL(), classField, pad)
	if ls, ok := s.cache[key]; ok {
		return ls, nil
	}
	l := s.bp.Layer(layer)
	if l == nil {
		return nil, fmt.Errorf("%w: no layer %q in %s", ErrRules, layer, s.bp.Path())
	}
	tr, err := s.transformer(l.SRID)
	if err != nil {
		return nil, fmt.Errorf("%w: layer %q (EPSG:%d): %v", ErrRules, layer, l.SRID, err)
	}
	box, err := s.boxIn(tr, s.bound.Pad(pad))
	if err != nil {
		return nil, fmt.Errorf("%w: layer %q: %v", ErrRules, layer, err)
	}
	ls := &layerSet{}
	err = s.nearby(ctx, l, box, where.SQL(), func(f *layers.Feature) error { return s.add(ls, l, tr, f, classField) })
	if err != nil {
		return nil, err
	}
	ls.union = unionOf(s.gctx, ls.feats)
	s.cache[key] = ls
	return ls, nil
}

// boxIn converts a box in AreaSRID into a layer's CRS.
func (s *site) boxIn(tr *reproj, b orb.Bound) (orb.Bound, error) {
	if tr == nil {
		return b, nil
	}
	return tr.inv.Bound(b)
}

// add parses one feature into ls (the proposal itself is left out).
func (s *site) add(ls *layerSet, l *layers.Layer, tr *reproj, f *layers.Feature, classField string) error {
	if l.Code == s.prop.Layer.Code && f.UID == s.prop.UID {
		return nil
	}
	g := f.Geom
	if tr != nil && g != nil {
		var err error
		if g, err = tr.fwd.Geometry(g); err != nil {
			return fmt.Errorf("%w: layer %q fid %d: %v", ErrRules, l.Code, f.FID, err)
		}
	}
	gg, repaired, err := toGEOS(s.gctx, g)
	if err != nil {
		s.note("图层 %s 要素 fid %d 的几何无法读取,已跳过", "layer %s fid %d: unreadable geometry, skipped", l.Code, f.FID)
		return nil
	}
	if repaired {
		s.note("图层 %s 要素 fid %d 的几何无效,已修复后参与计算", "layer %s fid %d: invalid geometry, made valid", l.Code, f.FID)
	}
	if gg == nil {
		return nil
	}
	ls.feats = append(ls.feats, gg)
	if classField != "" {
		ls.classes = append(ls.classes, attrText(f.Attrs[classField]))
	}
	return nil
}

func (s *site) note(zh, en string, a ...any) {
	s.notes = append(s.notes, Reason{fmt.Sprintf(zh, a...), fmt.Sprintf(en, a...)})
}

// split returns the unions of the construction and non-construction
// features of a land-use layer set.
func (s *site) split(ls *layerSet, construction []string) (cons, non *geos.Geom) {
	var c, n []*geos.Geom
	for i, g := range ls.feats {
		if hasAnyPrefix(ls.classes[i], construction) {
			c = append(c, g)
		} else {
			n = append(n, g)
		}
	}
	return unionOf(s.gctx, c), unionOf(s.gctx, n)
}

// meeting counts the features of ls that intersect the proposal.
func (s *site) meeting(ls *layerSet) int {
	n := 0
	pp := s.p.Prepare()
	for _, g := range ls.feats {
		if pp.Intersects(g) {
			n++
		}
	}
	return n
}

func hasAnyPrefix(s string, prefixes []string) bool {
	for _, p := range prefixes {
		if len(s) >= len(p) && s[:len(p)] == p {
			return true
		}
	}
	return false
}

func attrText(v any) string {
	switch t := v.(type) {
	case nil:
		return ""
	case string:
		return t
	case []byte:
		return string(t)
	}
	return fmt.Sprint(v)
}
