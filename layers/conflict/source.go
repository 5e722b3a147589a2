package conflict

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sync"

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
	// GeomErr says why Geom is nil for a geometry that cannot be read
	// (layers.Feature.GeomErr): the feature is skipped with a Repair.
	GeomErr error
}

// columnScanner is a Source that can read some attribute columns only.
type columnScanner interface {
	// ScanColumns is Scan reading into Attrs only the columns cols and
	// those where uses (nil: every column).
	ScanColumns(ctx context.Context, layer string, where *Expr, bbox orb.Bound, cols []string, fn func(Feature) error) error
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

// Scan reads every attribute column (ScanColumns with nil).
func (s blueprintSource) Scan(ctx context.Context, layer string, where *Expr, bbox orb.Bound, fn func(Feature) error) error {
	return s.ScanColumns(ctx, layer, where, bbox, nil, fn)
}

// ScanColumns reads through Blueprint.Scan, straight from the file: it
// builds no in-memory index (a blueprint opened Lazy stays so). A large
// layer is read in as many fid ranges as there are CPUs at once, the
// first streamed to fn while the others are read ahead into memory, so fn
// still sees fid order.
func (s blueprintSource) ScanColumns(ctx context.Context, layer string, where *Expr, bbox orb.Bound, cols []string, fn func(Feature) error) error {
	q := layers.ScanQuery{BBox: bbox, Where: where.SQL(), Columns: cols}
	if cols != nil {
		q.Columns = slices.Concat(cols, where.Fields())
	}
	parts, err := s.fidParts(ctx, layer)
	if err != nil || len(parts) < 2 {
		return errors.Join(err, s.scanRange(ctx, layer, q, fn))
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
			errs[i] = s.scanRange(ctx, layer, parts[i].in(q), func(f Feature) error {
				ahead[i] = append(ahead[i], f)
				return nil
			})
		}()
	}
	errs[0] = s.scanRange(ctx, layer, parts[0].in(q), fn)
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

// parallelScan is the fid span from which a layer is read in parallel
// parts (a variable for tests).
var parallelScan = 20000

// fidPart is one part of a scan: fids lo..hi (0: unbounded).
type fidPart struct{ lo, hi int64 }

func (p fidPart) in(q layers.ScanQuery) layers.ScanQuery {
	q.MinFID, q.MaxFID = p.lo, p.hi
	return q
}

// fidParts splits a layer's fid span, read from the file, into parts
// (none: one scan). The first and last parts are open-ended, so the parts
// cover every fid.
func (s blueprintSource) fidParts(ctx context.Context, layer string) ([]fidPart, error) {
	n := int64(min(runtime.NumCPU(), 4))
	if n < 2 {
		return nil, nil
	}
	lo, hi, ok, err := s.bp.FIDSpan(ctx, layer)
	if err != nil || !ok || hi-lo+1 < int64(parallelScan) || lo <= 0 {
		return nil, err
	}
	span := (hi - lo + n) / n
	out := make([]fidPart, n)
	for i := range out {
		out[i] = fidPart{lo + int64(i)*span, lo + int64(i+1)*span - 1}
	}
	out[0].lo, out[n-1].hi = 0, 0
	return out, nil
}

// scanRange is one Blueprint.Scan of the layer.
func (s blueprintSource) scanRange(ctx context.Context, layer string, q layers.ScanQuery, fn func(Feature) error) error {
	return s.bp.Scan(ctx, layer, q, func(f *layers.Feature) error {
		return fn(Feature{FID: f.FID, UID: f.UID, Geom: f.Geom, Attrs: f.Attrs, GeomErr: f.GeomErr})
	})
}

// loadLayer reads a layer's features into memory, reprojected to the
// source's CRS when stored in another.
// Only the attribute columns cols are read where the source can (nil:
// every one).
func loadLayer(ctx context.Context, src Source, sel Selector, bbox orb.Bound, cols []string) ([]Feature, error) {
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
	scan := src.Scan
	if cs, ok := src.(columnScanner); ok {
		scan = func(ctx context.Context, layer string, where *Expr, bbox orb.Bound, fn func(Feature) error) error {
			return cs.ScanColumns(ctx, layer, where, bbox, cols, fn)
		}
	}
	err := scan(ctx, sel.Layer, sel.expr, bbox, func(f Feature) error {
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
