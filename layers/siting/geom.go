package siting

import (
	"fmt"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
	"github.com/twpayne/go-geos"

	"lantu/layers/areal"
)

// toGEOS converts an orb geometry into gctx, repairs it with MakeValid when
// invalid and keeps its polygonal parts; nil when no area is left. repaired
// says whether MakeValid was needed.
func toGEOS(gctx *geos.Context, g orb.Geometry) (out *geos.Geom, repaired bool, err error) {
	if g == nil {
		return nil, false, nil
	}
	b, err := wkb.Marshal(g)
	if err != nil {
		return nil, false, err
	}
	out, err = gctx.NewGeomFromWKB(b)
	if err != nil {
		return nil, false, err
	}
	if !out.IsValid() {
		out, repaired = out.MakeValid(), true
	}
	out = polygonal(gctx, out)
	if out == nil || out.IsEmpty() || out.Area() == 0 {
		return nil, repaired, nil
	}
	return out, repaired, nil
}

// polygonal keeps only the polygon parts of g (areal.Polygonal).
func polygonal(gctx *geos.Context, g *geos.Geom) *geos.Geom { return areal.Polygonal(gctx, g) }

// unionOf is the union of gs (clones, so gs stay usable); nil for none.
func unionOf(gctx *geos.Context, gs []*geos.Geom) *geos.Geom {
	if len(gs) == 0 {
		return nil
	}
	clones := make([]*geos.Geom, len(gs))
	for i, g := range gs {
		clones[i] = g.Clone()
	}
	return polygonal(gctx, gctx.NewCollection(geos.TypeIDGeometryCollection, clones).UnaryUnion())
}

// interArea is area(p ∩ u) and the intersection (nil u: 0, nil).
func interArea(gctx *geos.Context, p, u *geos.Geom) (float64, *geos.Geom) {
	if u == nil || !p.Intersects(u) {
		return 0, nil
	}
	g := polygonal(gctx, p.Intersection(u))
	if g == nil {
		return 0, nil
	}
	return g.Area(), g
}

// wider reports whether g survives an inward buffer of width/2: the
// conflict engine's sliver test.
func wider(g *geos.Geom, width float64) bool {
	if g == nil {
		return false
	}
	return width <= 0 || !g.Buffer(-width/2, 4).IsEmpty()
}

// toMultiPolygon converts a polygonal GEOS geometry to orb.
func toMultiPolygon(g *geos.Geom) (orb.MultiPolygon, error) {
	mp, err := areal.MultiPolygon(g)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrProposal, err)
	}
	return mp, nil
}
