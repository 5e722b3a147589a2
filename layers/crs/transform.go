package crs

import (
	"fmt"
	"sync"

	"github.com/paulmach/orb"
	"github.com/twpayne/go-proj/v11"
)

// Transformer converts coordinates between two CRSs, with geographic
// coordinates always in longitude, latitude order. A Transformer is safe for
// concurrent use; calls are serialised.
type Transformer struct {
	From, To int // EPSG codes; From is 0 for a source CRS given as WKT
	name     string
	mu       sync.Mutex
	ctx      *proj.Context
	pj       *proj.PJ
}

// NewTransformer returns a transformer from one EPSG code to another.
func NewTransformer(from, to int) (*Transformer, error) {
	if _, err := Lookup(from); err != nil {
		return nil, err
	}
	if _, err := Lookup(to); err != nil {
		return nil, err
	}
	return newTransformer(fmt.Sprintf("EPSG:%d", from), from, to)
}

// NewTransformerFromWKT returns a transformer from a CRS given as WKT (a
// Shapefile's .prj, a GeoTIFF's or a GML's definition) to an EPSG code. A
// WKT that PROJ cannot use is an error wrapping ErrUnknown.
func NewTransformerFromWKT(wkt string, to int) (*Transformer, error) {
	if _, err := Lookup(to); err != nil {
		return nil, err
	}
	t, err := newTransformer(wkt, 0, to)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUnknown, err)
	}
	return t, nil
}

func newTransformer(source string, from, to int) (*Transformer, error) {
	name := fmt.Sprintf("EPSG:%d -> EPSG:%d", from, to)
	if from == 0 {
		name = fmt.Sprintf("WKT -> EPSG:%d", to)
	}
	ctx := proj.NewContext()
	pj, err := ctx.NewCRSToCRS(source, fmt.Sprintf("EPSG:%d", to), nil)
	if err != nil {
		return nil, fmt.Errorf("crs: %s: %w", name, err)
	}
	norm, err := pj.NormalizeForVisualization()
	if err != nil {
		return nil, fmt.Errorf("crs: %s: %w", name, err)
	}
	return &Transformer{From: from, To: to, name: name, ctx: ctx, pj: norm}, nil
}

// Point transforms one coordinate.
func (t *Transformer) Point(p orb.Point) (orb.Point, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	c, err := t.pj.Forward(proj.NewCoord(p[0], p[1], 0, 0))
	if err != nil {
		return p, fmt.Errorf("crs: %s at %v: %w", t.name, p, err)
	}
	return orb.Point{c[0], c[1]}, nil
}

// Inverse transforms one coordinate from To back to From.
func (t *Transformer) Inverse(p orb.Point) (orb.Point, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	c, err := t.pj.Inverse(proj.NewCoord(p[0], p[1], 0, 0))
	if err != nil {
		return p, fmt.Errorf("crs: inverse of %s at %v: %w", t.name, p, err)
	}
	return orb.Point{c[0], c[1]}, nil
}

// Points transforms a slice of points in place.
func (t *Transformer) Points(ps []orb.Point) error {
	if len(ps) == 0 {
		return nil
	}
	flat := make([]float64, 2*len(ps))
	for i, p := range ps {
		flat[2*i], flat[2*i+1] = p[0], p[1]
	}
	t.mu.Lock()
	err := t.pj.ForwardFlatCoords(flat, 2, -1, -1)
	t.mu.Unlock()
	if err != nil {
		return fmt.Errorf("crs: %s: %w", t.name, err)
	}
	for i := range ps {
		ps[i] = orb.Point{flat[2*i], flat[2*i+1]}
	}
	return nil
}

// Geometry returns a transformed copy of g.
func (t *Transformer) Geometry(g orb.Geometry) (orb.Geometry, error) {
	switch v := g.(type) {
	case nil:
		return nil, nil
	case orb.Point:
		return t.Point(v)
	case orb.Collection:
		out := make(orb.Collection, len(v))
		for i, c := range v {
			tc, err := t.Geometry(c)
			if err != nil {
				return nil, err
			}
			out[i] = tc
		}
		return out, nil
	case orb.Bound:
		return t.Bound(v)
	}
	g = orb.Clone(g)
	var err error
	each(g, func(ps []orb.Point) {
		if err == nil {
			err = t.Points(ps)
		}
	})
	if err != nil {
		return nil, err
	}
	return g, nil
}

// Bound transforms a bounding box, densifying its edges.
func (t *Transformer) Bound(b orb.Bound) (orb.Bound, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	r, err := t.pj.ForwardBounds(proj.Bounds{XMin: b.Min[0], YMin: b.Min[1], XMax: b.Max[0], YMax: b.Max[1]}, 21)
	if err != nil {
		return b, fmt.Errorf("crs: %s bound: %w", t.name, err)
	}
	return orb.Bound{Min: orb.Point{r.XMin, r.YMin}, Max: orb.Point{r.XMax, r.YMax}}, nil
}

// each calls fn for every point sequence of g.
func each(g orb.Geometry, fn func([]orb.Point)) {
	switch g := g.(type) {
	case orb.MultiPoint:
		fn(g)
	case orb.LineString:
		fn(g)
	case orb.MultiLineString:
		for _, l := range g {
			fn(l)
		}
	case orb.Ring:
		fn(g)
	case orb.Polygon:
		for _, r := range g {
			fn(r)
		}
	case orb.MultiPolygon:
		for _, p := range g {
			for _, r := range p {
				fn(r)
			}
		}
	}
}
