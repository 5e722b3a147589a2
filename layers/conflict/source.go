package conflict

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/paulmach/orb"

	"lantu/layers"
	"lantu/layers/crs"
	"lantu/layers/gpkg"
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

// Scan reads through Blueprint.Query. A large layer is read in as many
// fid ranges as there are CPUs at once, the first streamed to fn while the
// others are read ahead into memory, so fn still sees fid order.
func (s blueprintSource) Scan(ctx context.Context, layer string, where *Expr, bbox orb.Bound, fn func(Feature) error) error {
	cond := where.SQL()
	splits, err := s.fidSplits(ctx, layer, bbox)
	if err != nil || len(splits) == 0 {
		return errors.Join(err, s.scanRange(ctx, layer, cond, bbox, fn))
	}
	pk := gpkg.QuoteIdent(s.bp.Layer(layer).PK)
	parts := make([]string, len(splits)+1) // the fid ranges' conditions
	for i := range parts {
		var r []string
		if i > 0 {
			r = append(r, fmt.Sprintf("%s > %d", pk, splits[i-1]))
		}
		if i < len(splits) {
			r = append(r, fmt.Sprintf("%s <= %d", pk, splits[i]))
		}
		if cond != "" {
			r = append(r, "("+cond+")")
		}
		parts[i] = strings.Join(r, " AND ")
	}
	ahead := make([][]Feature, len(parts))
	errs := make([]error, len(parts))
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	for i := 1; i < len(parts); i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = s.scanRange(ctx, layer, parts[i], bbox, func(f Feature) error {
				ahead[i] = append(ahead[i], f)
				return nil
			})
		}()
	}
	errs[0] = s.scanRange(ctx, layer, parts[0], bbox, fn)
	if errs[0] != nil {
		cancel()
	}
	wg.Wait()
	for i := 1; i < len(parts) && errs[0] == nil; i++ {
		if errs[i] != nil {
			return errs[i]
		}
		for _, f := range ahead[i] {
			if err := fn(f); err != nil {
				return err
			}
		}
		ahead[i] = nil
	}
	return errs[0]
}

// parallelScan is the size from which a layer is read in parallel parts
// (a variable for tests).
var parallelScan = 20000

// fidSplits returns the fids ending each but the last of the parts a
// layer's scan is split into (none: one scan), from its spatial index.
// Features without a box are not in the index but still in a part: the
// parts' fid ranges cover every fid.
func (s blueprintSource) fidSplits(ctx context.Context, layer string, bbox orb.Bound) ([]int64, error) {
	n := min(runtime.NumCPU(), 4)
	l := s.bp.Layer(layer)
	if n < 2 || l == nil || l.PK == "rowid" || l.PK == "" {
		return nil, nil
	}
	if err := s.bp.WaitLoaded(ctx); err != nil {
		return nil, err
	}
	if bbox == (orb.Bound{}) {
		bbox = l.Extent()
	}
	fids := l.Search(bbox)
	if len(fids) < parallelScan {
		return nil, nil
	}
	out := make([]int64, 0, n-1)
	for k := 1; k < n; k++ {
		out = append(out, fids[k*len(fids)/n-1])
	}
	return out, nil
}

// scanRange is one Blueprint.Query of the layer, cond its where clause.
func (s blueprintSource) scanRange(ctx context.Context, layer, cond string, bbox orb.Bound, fn func(Feature) error) error {
	q := layers.Query{Layers: []string{layer}, BBox: bbox, Where: cond}
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
