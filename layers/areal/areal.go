// Package areal is the one place where polygon geometry crosses between
// orb and GEOS for the packages that measure areas (the conflict rules, the
// siting review, the editor's split and merge): it keeps the polygonal
// parts of a GEOS result and converts them back to orb.
//
// GEOS contexts are single-threaded: every function works in the context
// its geometries belong to, and is safe for concurrent use with distinct
// contexts.
package areal

import (
	"errors"
	"fmt"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
	"github.com/twpayne/go-geos"
)

// ErrNotPolygonal is returned when a geometry that should be a polygon is
// not one.
var ErrNotPolygonal = errors.New("areal: not a polygon")

// Polygonal keeps only the polygon parts of g: g itself when it is a
// Polygon or MultiPolygon, the non-empty polygons of a collection as one
// MultiPolygon, nil when there are none (or g is nil).
func Polygonal(gctx *geos.Context, g *geos.Geom) *geos.Geom {
	if g == nil {
		return nil
	}
	switch g.TypeID() {
	case geos.TypeIDPolygon, geos.TypeIDMultiPolygon:
		return g
	case geos.TypeIDGeometryCollection:
	default:
		return nil
	}
	var parts []*geos.Geom
	collect(g, &parts)
	if len(parts) == 0 {
		return nil
	}
	clones := make([]*geos.Geom, len(parts))
	for i, p := range parts {
		clones[i] = p.Clone()
	}
	return gctx.NewCollection(geos.TypeIDMultiPolygon, clones)
}

func collect(g *geos.Geom, out *[]*geos.Geom) {
	switch g.TypeID() {
	case geos.TypeIDPolygon:
		if !g.IsEmpty() {
			*out = append(*out, g)
		}
	case geos.TypeIDMultiPolygon, geos.TypeIDGeometryCollection:
		for i := range g.NumGeometries() {
			collect(g.Geometry(i), out)
		}
	}
}

// MultiPolygon converts a polygonal GEOS geometry to orb; anything else is
// an error wrapping ErrNotPolygonal.
func MultiPolygon(g *geos.Geom) (orb.MultiPolygon, error) {
	og, err := wkb.Unmarshal(g.ToWKB())
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNotPolygonal, err)
	}
	switch t := og.(type) {
	case orb.Polygon:
		return orb.MultiPolygon{t}, nil
	case orb.MultiPolygon:
		return t, nil
	}
	return nil, fmt.Errorf("%w: %s", ErrNotPolygonal, og.GeoJSONType())
}
