package siting

import (
	"context"
	"fmt"

	"github.com/twpayne/go-geos"

	"lantu/layers/conflict"
)

// measure is what one check found: the violating area (and part) and, for
// setbacks, the distance.
type measure struct {
	area     float64
	part     *geos.Geom
	distance *float64
	search   float64
	below    bool // some area, but a sliver under the rule's minimum
}

// run evaluates one check and records it in rep.
func (s *site) run(ctx context.Context, rep *Report, c check, slope *slopeSource, opt Options) error {
	var m measure
	var err error
	switch c.kind {
	case conflict.KindExclusive:
		m, err = s.keepOut(ctx, rep, c)
	case conflict.KindWithin:
		m, err = s.within(ctx, rep, c)
	case conflict.KindSetback:
		m, err = s.setback(ctx, rep, c, opt)
	case conflict.KindSlope:
		if slope == nil {
			rep.Skipped = append(rep.Skipped, Skip{ID: c.rule.ID, NameZh: c.rule.NameZh,
				Reason: Reason{"本蓝图无数字高程模型", "no DEM in this blueprint"}})
			return nil
		}
		m, err = s.steep(ctx, c, slope)
	case kindLandUse:
		m, err = s.landUse(ctx, rep, c)
	default:
		return nil
	}
	if err != nil {
		return fmt.Errorf("siting: rule %s: %w", c.rule.ID, err)
	}
	rr := s.ruleResult(c, m)
	rep.Rules = append(rep.Rules, rr)
	if lr := rep.LayerByCode(c.layer); lr != nil {
		lr.Verdict = max(lr.Verdict, rr.Verdict)
	}
	if c.kind == conflict.KindSetback {
		sb := &rep.Setbacks[len(rep.Setbacks)-1]
		sb.Verdict = rr.Verdict
	}
	return nil
}

// ruleResult turns a measure into the rule's verdict and reason.
func (s *site) ruleResult(c check, m measure) RuleResult {
	r := c.rule
	violated := m.area > 0 && m.area >= r.MinArea && wider(m.part, r.MinWidth)
	rr := RuleResult{
		ID: r.ID, NameZh: r.NameZh, NameEn: r.NameEn, Kind: c.kind, Severity: r.Severity, Layer: c.layer,
		MinAreaM2: r.MinArea, AreaM2: m.area, Share: s.share(m.area), DistanceM: m.distance,
		Verdict: verdictOf(violated, r.Severity),
	}
	rr.Reason = s.reason(c, m, violated)
	return rr
}

func (s *site) share(a float64) float64 {
	if s.area <= 0 {
		return 0
	}
	return a / s.area
}

// layerRow adds (once) the row of a layer the rules name and returns the
// layer's features near the proposal.
func (s *site) layerRow(ctx context.Context, rep *Report, c check, use string, pad float64) (*layerSet, error) {
	ls, err := s.load(ctx, c.layer, c.where, c.classField, pad)
	if err != nil {
		return nil, err
	}
	if rep.LayerByCode(c.layer) != nil {
		return ls, nil
	}
	lr := LayerResult{Code: c.layer, Use: use, Features: s.meeting(ls)}
	if l := s.bp.Layer(c.layer); l != nil && l.Def != nil {
		lr.NameZh, lr.NameEn, lr.Control = l.Def.NameZh, l.Def.NameEn, l.Def.Role == "control-line"
	}
	if c.where != nil {
		lr.Filter = c.where.SQL()
	}
	lr.AreaM2, _ = interArea(s.gctx, s.p, ls.union)
	lr.Mu, lr.Share = lr.AreaM2*MuPerM2, s.share(lr.AreaM2)
	rep.Layers = append(rep.Layers, lr)
	return ls, nil
}

// keepOut measures the part of the proposal inside the layer.
func (s *site) keepOut(ctx context.Context, rep *Report, c check) (measure, error) {
	ls, err := s.layerRow(ctx, rep, c, "keep-out", 0)
	if err != nil {
		return measure{}, err
	}
	a, part := interArea(s.gctx, s.p, ls.union)
	return measure{area: a, part: part}, nil
}

// within measures the part of the proposal outside the layer.
func (s *site) within(ctx context.Context, rep *Report, c check) (measure, error) {
	ls, err := s.layerRow(ctx, rep, c, "within", 0)
	if err != nil {
		return measure{}, err
	}
	out := s.p
	if ls.union != nil {
		out = polygonal(s.gctx, s.p.Difference(ls.union))
	}
	if out == nil || out.IsEmpty() {
		return measure{}, nil
	}
	return measure{area: out.Area(), part: out}, nil
}

// setback measures the part of the proposal within the rule's distance of
// the layer, and the distance to its nearest feature.
func (s *site) setback(ctx context.Context, rep *Report, c check, opt Options) (measure, error) {
	d := c.rule.Distance
	search := opt.SearchM
	if search <= 0 {
		search = max(1000, 10*d)
	}
	search = max(search, d)
	ls, err := s.layerRow(ctx, rep, c, "setback", search)
	if err != nil {
		return measure{}, err
	}
	m := measure{search: search}
	sb := SetbackResult{RuleID: c.rule.ID, Code: c.layer, RequiredM: d, SearchM: search, Kept: true}
	if l := s.bp.Layer(c.layer); l != nil && l.Def != nil {
		sb.NameZh = l.Def.NameZh
	}
	if ls.union != nil {
		if dist := s.p.Distance(ls.union); dist <= search {
			m.distance, sb.DistanceM = &dist, &dist
			sb.Kept = dist >= d
		}
		m.area, m.part = interArea(s.gctx, s.p, ls.union.Buffer(d, 8))
	}
	sb.AreaM2, sb.Share = m.area, s.share(m.area)
	rep.Setbacks = append(rep.Setbacks, sb)
	return m, nil
}

// landUse measures the part of the proposal on the plan's non-construction land.
func (s *site) landUse(ctx context.Context, rep *Report, c check) (measure, error) {
	ls, err := s.layerRow(ctx, rep, c, "land-use", 0)
	if err != nil {
		return measure{}, err
	}
	_, non := s.split(ls, c.construction)
	a, part := interArea(s.gctx, s.p, non)
	lr := rep.LayerByCode(c.layer)
	lr.NonConstructionM2, lr.NonConstructionShare = a, s.share(a)
	return measure{area: a, part: part}, nil
}
