package siting

import (
	"context"
	"errors"
	"fmt"

	"github.com/paulmach/orb"

	"lantu/layers"
	"lantu/layers/terrain"
)

// slopeSource is the blueprint's DEM coverage, with the transformation of
// the proposal into its CRS.
type slopeSource struct {
	cov   *terrain.Coverage
	steep *terrain.Steep
}

// openSlope opens the DEM (xz_dem), or returns nil when there is none.
func openSlope(ctx context.Context, bp *layers.Blueprint) (*slopeSource, error) {
	cov, err := terrain.OpenDEM(ctx, bp.DB())
	if errors.Is(err, terrain.ErrNoDEM) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("siting: %w", err)
	}
	return &slopeSource{cov: cov, steep: terrain.NewSteep(cov)}, nil
}

// inDEM returns the proposal in the DEM's CRS.
func (s *site) inDEM(src *slopeSource) (orb.MultiPolygon, error) {
	mp, err := toMultiPolygon(s.p)
	if err != nil || src.cov.EPSG == AreaSRID || src.cov.EPSG <= 0 {
		return mp, err
	}
	tr, err := s.transformer(src.cov.EPSG)
	if err != nil {
		return nil, fmt.Errorf("siting: DEM %s (EPSG:%d): %w", src.cov.Table, src.cov.EPSG, err)
	}
	g, err := tr.inv.Geometry(mp)
	if err != nil {
		return nil, fmt.Errorf("siting: DEM %s (EPSG:%d): %w", src.cov.Table, src.cov.EPSG, err)
	}
	out, _ := g.(orb.MultiPolygon)
	return out, nil
}

// slopeClasses computes the zonal statistics of the site (nil without a DEM).
func (s *site) slopeClasses(ctx context.Context, src *slopeSource) (*SlopeResult, error) {
	if src == nil {
		return nil, nil
	}
	mp, err := s.inDEM(src)
	if err != nil {
		return nil, err
	}
	st, err := src.cov.Stats(ctx, mp)
	if errors.Is(err, terrain.ErrFormat) { // the site lies outside the DEM
		s.note("项目红线位于数字高程模型范围之外,坡度未分析", "the proposal lies outside the DEM: slope not analysed")
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("siting: slope classes: %w", err)
	}
	return &SlopeResult{
		CellM: src.cov.Levels[0].CellX, Cells: st.Cells, AreaM2: st.Area,
		MinElev: st.Min, MaxElev: st.Max, MeanElev: st.Mean, ClassArea: st.ClassArea, ClassShare: st.ClassShare,
	}, nil
}

// steep measures the part of the proposal steeper than the rule's threshold.
func (s *site) steep(ctx context.Context, c check, src *slopeSource) (measure, error) {
	if src.cov.EPSG != AreaSRID && src.cov.EPSG > 0 {
		s.note("数字高程模型不在 EPSG:4550 中,规则 %s 未运行", "the DEM is not in EPSG:4550: rule %s not run", c.rule.ID)
		return measure{}, nil
	}
	mp, err := src.steep.Steep(ctx, s.bound.Pad(2*src.cov.Levels[0].CellX), c.rule.Threshold)
	if errors.Is(err, terrain.ErrFormat) {
		return measure{}, nil
	}
	if err != nil {
		return measure{}, err
	}
	g, _, err := toGEOS(s.gctx, mp)
	if err != nil {
		return measure{}, fmt.Errorf("%w: steep areas: %v", ErrRules, err)
	}
	a, part := interArea(s.gctx, s.p, g)
	return measure{area: a, part: part}, nil
}
