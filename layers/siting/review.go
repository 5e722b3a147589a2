package siting

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/twpayne/go-geos"

	"lantu/layers"
	"lantu/layers/conflict"
)

// Options tune a review. The zero value runs the default rules.
type Options struct {
	Rules    *conflict.RuleSet // nil: conflict.DefaultRules()
	Reviewer string            // default: the blueprint's user
	Date     time.Time         // default: now
	// SearchM is how far around the proposal a setback layer is searched
	// for the distance; default max(1000 m, 10 × the rule's distance).
	SearchM float64
}

// Review runs every applicable rule against the proposal with uid in layer
// (normally GL_XZFA) and returns the report. It reads the blueprint only.
// Safe to call from many goroutines at once (each call has its own GEOS
// context).
func Review(ctx context.Context, bp *layers.Blueprint, layer, uid string, opt Options) (*Report, error) {
	rules := opt.Rules
	if rules == nil {
		var err error
		if rules, err = conflict.DefaultRules(); err != nil {
			return nil, fmt.Errorf("%w: %v", ErrRules, err)
		}
	}
	s, err := openSite(ctx, bp, layer, uid)
	if err != nil {
		return nil, err
	}
	rep := s.newReport(opt)
	checks, skipped := planChecks(bp, rules, s.prop)
	rep.Skipped = skipped
	if err := s.district(ctx, rep); err != nil {
		return nil, err
	}
	slope, err := openSlope(ctx, bp)
	if err != nil {
		return nil, err
	}
	if rep.Slope, err = s.slopeClasses(ctx, slope); err != nil {
		return nil, err
	}
	if slope == nil {
		s.note("本蓝图无数字高程模型 (xz_dem),坡度未分析", "no DEM (xz_dem) in this blueprint: slope not analysed")
	}
	for _, c := range checks {
		if err := s.run(ctx, rep, c, slope, opt); err != nil {
			return nil, err
		}
	}
	rep.Notes = s.notes
	rep.conclude()
	return rep, nil
}

// openSite reads the proposal and parses it into a new GEOS context.
func openSite(ctx context.Context, bp *layers.Blueprint, layer, uid string) (*site, error) {
	if bp.Layer(layer) == nil {
		return nil, fmt.Errorf("%w: %s: no layer %q", ErrProposal, bp.Path(), layer)
	}
	f, err := bp.FeatureByUID(ctx, layer, uid)
	if errors.Is(err, layers.ErrNoFeature) {
		return nil, fmt.Errorf("%w: %s: layer %s has no feature uid %s", ErrProposal, bp.Path(), layer, uid)
	}
	if err != nil {
		return nil, err
	}
	s := &site{bp: bp, gctx: geos.NewContext(), prop: f, toSRS: map[int]*reproj{}, cache: map[string]*layerSet{}}
	g := f.Geom
	if tr, err := s.transformer(f.Layer.SRID); err != nil {
		return nil, fmt.Errorf("%w: layer %s (EPSG:%d): %v", ErrProposal, layer, f.Layer.SRID, err)
	} else if tr != nil && g != nil {
		if g, err = tr.fwd.Geometry(g); err != nil {
			return nil, fmt.Errorf("%w: layer %s uid %s: %v", ErrProposal, layer, uid, err)
		}
	}
	p, repaired, err := toGEOS(s.gctx, g)
	if err != nil || p == nil {
		return nil, fmt.Errorf("%w: layer %s uid %s: not a polygon with area (%v)", ErrProposal, layer, uid, err)
	}
	if repaired {
		s.note("项目红线几何无效,已修复后审查", "the proposal's geometry was invalid and was made valid")
	}
	s.p, s.area = p, p.Area()
	b := p.Bounds()
	s.bound.Min, s.bound.Max = [2]float64{b.MinX, b.MinY}, [2]float64{b.MaxX, b.MaxY}
	return s, nil
}

func (s *site) newReport(opt Options) *Report {
	rep := &Report{
		Layer: s.prop.Layer.Code, UID: s.prop.UID, FID: s.prop.FID, File: s.bp.Path(),
		Project: attrText(s.prop.Attrs["xmmc"]), Applicant: attrText(s.prop.Attrs["sqdw"]),
		LandUse: attrText(s.prop.Attrs["ydyhdm"]), DistrictCode: attrText(s.prop.Attrs["xzqdm"]),
		Reviewer: opt.Reviewer, Date: opt.Date, AreaM2: s.area, Mu: s.area * MuPerM2,
	}
	if rep.Reviewer == "" {
		rep.Reviewer = s.bp.User()
	}
	if rep.Date.IsZero() {
		rep.Date = time.Now()
	}
	rep.Geom, _ = toMultiPolygon(s.p)
	rep.shape = s.prop.Geom
	return rep
}

// district names the district holding most of the proposal.
func (s *site) district(ctx context.Context, rep *Report) error {
	l := s.bp.Layer(conflict.DistrictLayer)
	if l == nil {
		return nil
	}
	tr, err := s.transformer(l.SRID)
	if err != nil {
		return fmt.Errorf("%w: layer %q (EPSG:%d): %v", ErrRules, l.Code, l.SRID, err)
	}
	box, err := s.boxIn(tr, s.bound)
	if err != nil {
		return fmt.Errorf("%w: layer %q: %v", ErrRules, l.Code, err)
	}
	best := 0.0
	return s.nearby(ctx, l, box, "", func(f *layers.Feature) error {
		g := f.Geom
		if tr != nil && g != nil {
			if g, err = tr.fwd.Geometry(g); err != nil {
				return nil
			}
		}
		gg, _, err := toGEOS(s.gctx, g)
		if err != nil || gg == nil {
			return nil
		}
		if a, _ := interArea(s.gctx, s.p, gg); a > best {
			best = a
			rep.District = attrText(f.Attrs[conflict.DistrictNameField])
			rep.DistrictCode = attrText(f.Attrs[conflict.DistrictCodeField])
		}
		return nil
	})
}

// useRank orders the layer rows: the control lines, then by use.
var useRank = map[string]int{"keep-out": 1, "within": 2, "setback": 3, "land-use": 4}

// conclude orders the layer rows and sets the overall verdict and its reasons.
func (rep *Report) conclude() {
	slices.SortStableFunc(rep.Layers, func(a, b LayerResult) int {
		ra, rb := useRank[a.Use], useRank[b.Use]
		if a.Control {
			ra = 0
		}
		if b.Control {
			rb = 0
		}
		return ra - rb
	})
	rep.Verdict = Compliant
	for _, r := range rep.Rules {
		rep.Verdict = max(rep.Verdict, r.Verdict)
		if r.Verdict != Compliant {
			rep.Reasons = append(rep.Reasons, r.Reason)
		}
	}
	if rep.Verdict == Compliant {
		rep.Reasons = append(rep.Reasons, Reason{
			fmt.Sprintf("项目红线未违反 %d 项适用规则中的任何一项", len(rep.Rules)),
			fmt.Sprintf("the proposal breaks none of the %d applicable rules", len(rep.Rules)),
		})
	}
}
