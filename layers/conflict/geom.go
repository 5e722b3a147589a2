package conflict

import (
	"fmt"
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
	"github.com/twpayne/go-geos"

	"lantu/layers/areal"
)

// Repair records an input geometry that was invalid or empty and how it was
// handled.
type Repair struct {
	Layer  string `json:"layer"`
	FID    int64  `json:"fid"`
	Reason string `json:"reason"` // GEOS's IsValidReason, or "empty geometry"
	Action string `json:"action"` // "made valid", "skipped"
}

// toGEOS converts an orb geometry into gctx, repairs it with MakeValid when
// invalid (unless valid says it is known valid), and keeps its polygonal
// parts. It returns nil for a geometry with no area, with a Repair saying
// why.
func toGEOS(gctx *geos.Context, layer string, f *Feature, valid bool) (*geos.Geom, *Repair, error) {
	if f.GeomErr != nil {
		return nil, &Repair{layer, f.FID, "geometry unreadable: " + f.GeomErr.Error(), "skipped"}, nil
	}
	if f.Geom == nil {
		return nil, &Repair{layer, f.FID, "empty geometry", "skipped"}, nil
	}
	b, err := wkb.Marshal(f.Geom)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: layer %q fid %d: %v", ErrGeometry, layer, f.FID, err)
	}
	g, err := gctx.NewGeomFromWKB(b)
	if err != nil {
		return nil, &Repair{layer, f.FID, "unreadable geometry: " + err.Error(), "skipped"}, nil
	}
	var rep *Repair
	if !valid && !g.IsValid() {
		rep = &Repair{layer, f.FID, g.IsValidReason(), "made valid"}
		g = g.MakeValid()
	}
	g = polygonal(gctx, g)
	if g == nil || g.IsEmpty() || g.Area() == 0 {
		reason := "empty geometry"
		if rep != nil {
			reason = rep.Reason + "; no area left"
		}
		return nil, &Repair{layer, f.FID, reason, "skipped"}, nil
	}
	return g, rep, nil
}

// polygonal keeps only the polygon parts of g (areal.Polygonal).
func polygonal(gctx *geos.Context, g *geos.Geom) *geos.Geom { return areal.Polygonal(gctx, g) }

// toMultiPolygon converts a polygonal GEOS geometry to orb.
func toMultiPolygon(g *geos.Geom) (orb.MultiPolygon, error) {
	mp, err := areal.MultiPolygon(g)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrGeometry, err)
	}
	return mp, nil
}

// geosBound returns g's envelope as an orb.Bound.
func geosBound(g *geos.Geom) orb.Bound {
	b := g.Bounds()
	return orb.Bound{Min: orb.Point{b.MinX, b.MinY}, Max: orb.Point{b.MaxX, b.MaxY}}
}

// geomBound is g.Bound() for polygons by a plain loop over the outer
// rings (orb's extends the box point by point through calls); other
// geometries take orb's.
func geomBound(g orb.Geometry) orb.Bound {
	var outer []orb.Ring
	switch g := g.(type) {
	case orb.Polygon:
		if len(g) > 0 {
			outer = []orb.Ring{g[0]}
		}
	case orb.MultiPolygon:
		for _, p := range g {
			if len(p) > 0 {
				outer = append(outer, p[0])
			}
		}
	default:
		return g.Bound()
	}
	b := box{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)}
	for _, r := range outer {
		for _, p := range r {
			b = box{min(b.x0, p[0]), min(b.y0, p[1]), max(b.x1, p[0]), max(b.y1, p[1])}
		}
	}
	if b.x0 > b.x1 {
		return g.Bound() // no points: orb's empty bound
	}
	return b.bound()
}
