package conflict

import (
	"context"
	"fmt"
	"slices"

	"github.com/paulmach/orb"

	"lantu/layers"
	"lantu/layers/crs"
)

// Feature is one input feature of an overlay.
type Feature struct {
	FID   int64
	UID   string
	Geom  orb.Geometry
	Attrs map[string]any
}

// Source is where the engine reads layers from. *layers.Blueprint is adapted
// by BlueprintSource; tests use in-memory sources. Implementations must be
// safe for concurrent use.
type Source interface {
	Schema
	// SRID is the CRS every geometry handed to the engine must be in.
	SRID() int
	// LayerSRID is the CRS a layer's geometries are stored in.
	LayerSRID(layer string) int
	// Scan streams a layer's features matching where (run in SQL where the
	// source can) whose boxes intersect bbox (zero: all), in fid order.
	Scan(ctx context.Context, layer string, where *Expr, bbox orb.Bound, fn func(Feature) error) error
}

// blueprintSource adapts a Blueprint to Source.
type blueprintSource struct{ bp *layers.Blueprint }

// BlueprintSource returns the Source over a blueprint.
func BlueprintSource(bp *layers.Blueprint) Source { return blueprintSource{bp} }

func (s blueprintSource) SRID() int { return s.bp.SRID() }

func (s blueprintSource) LayerSRID(layer string) int {
	if l := s.bp.Layer(layer); l != nil {
		return l.SRID
	}
	return s.bp.SRID()
}

func (s blueprintSource) Columns(layer string) ([]string, string, bool) {
	l := s.bp.Layer(layer)
	if l == nil {
		return nil, "", false
	}
	cols := make([]string, 0, len(l.Columns))
	for _, c := range l.Columns {
		cols = append(cols, c.Name)
	}
	class := ""
	if l.Def != nil {
		class = l.Def.ClassField
	}
	return cols, class, true
}

func (s blueprintSource) Scan(ctx context.Context, layer string, where *Expr, bbox orb.Bound, fn func(Feature) error) error {
	q := layers.Query{Layers: []string{layer}, BBox: bbox, Where: where.SQL()}
	return s.bp.Query(ctx, q, func(f *layers.Feature) error {
		if f.GeomErr != nil {
			return nil // unreadable: listed by Blueprint.Problems, not checkable
		}
		return fn(Feature{FID: f.FID, UID: f.UID, Geom: f.Geom, Attrs: f.Attrs})
	})
}

// loadLayer reads a layer's features into memory, reprojected to the
// source's CRS when stored in another.
func loadLayer(ctx context.Context, src Source, sel Selector, bbox orb.Bound) ([]Feature, error) {
	var tr *crs.Transformer
	if from, to := src.LayerSRID(sel.Layer), src.SRID(); from != to && from > 0 && to > 0 {
		var err error
		if tr, err = crs.NewTransformer(from, to); err != nil {
			return nil, fmt.Errorf("%w: layer %q (EPSG:%d, blueprint EPSG:%d): %v", ErrCRS, sel.Layer, from, to, err)
		}
		if bbox != (orb.Bound{}) {
			inv, err := crs.NewTransformer(to, from)
			if err == nil {
				bbox, err = inv.Bound(bbox)
			}
			if err != nil {
				return nil, fmt.Errorf("%w: layer %q: %v", ErrCRS, sel.Layer, err)
			}
		}
	}
	var out []Feature
	err := src.Scan(ctx, sel.Layer, sel.expr, bbox, func(f Feature) error {
		if tr != nil && f.Geom != nil {
			g, err := tr.Geometry(f.Geom)
			if err != nil {
				return fmt.Errorf("%w: layer %q fid %d: %v", ErrCRS, sel.Layer, f.FID, err)
			}
			f.Geom = g
		}
		out = append(out, f)
		return nil
	})
	slices.SortFunc(out, func(a, b Feature) int { return cmpInt(a.FID, b.FID) })
	return out, err
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
