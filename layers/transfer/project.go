package transfer

import (
	"fmt"
	"math"
	"strings"
	"sync"

	"github.com/paulmach/orb"
	"github.com/twpayne/go-proj/v11"

	"lantu/layers/crs"
)

// projector reprojects geometries into the blueprint's CRS. Implementations
// are safe for concurrent use.
type projector interface {
	Geometry(g orb.Geometry) (orb.Geometry, error)
}

type identity struct{}

func (identity) Geometry(g orb.Geometry) (orb.Geometry, error) { return g, nil }

// wktProjector transforms from a CRS given as WKT (a .prj), which
// layers/crs (EPSG codes only) cannot name. It uses PROJ through go-proj
// like layers/crs, with the same lon/lat normalisation.
type wktProjector struct {
	mu   sync.Mutex
	pj   *proj.PJ
	name string
}

func (w *wktProjector) Geometry(g orb.Geometry) (orb.Geometry, error) {
	switch v := g.(type) {
	case orb.Point:
		out, err := w.Geometry(orb.MultiPoint{v})
		if err != nil {
			return nil, err
		}
		return out.(orb.MultiPoint)[0], nil
	case orb.Collection:
		out := make(orb.Collection, len(v))
		for i, c := range v {
			var err error
			if out[i], err = w.Geometry(c); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	g = orb.Clone(g)
	var err error
	eachSeq(g, func(ps []orb.Point) {
		if err != nil || len(ps) == 0 {
			return
		}
		flat := make([]float64, 2*len(ps))
		for i, p := range ps {
			flat[2*i], flat[2*i+1] = p[0], p[1]
		}
		w.mu.Lock()
		err = w.pj.ForwardFlatCoords(flat, 2, -1, -1)
		w.mu.Unlock()
		for i := range ps {
			ps[i] = orb.Point{flat[2*i], flat[2*i+1]}
		}
	})
	if err != nil {
		return nil, fmt.Errorf("transfer: %s: %w", w.name, err)
	}
	return g, nil
}

// newProjector returns the transformation from c to the EPSG code to.
func newProjector(c CRS, to int) (projector, error) {
	switch {
	case c.EPSG == to:
		return identity{}, nil
	case c.EPSG > 0:
		return crs.NewTransformer(c.EPSG, to)
	case c.WKT != "":
		ctx := proj.NewContext()
		pj, err := ctx.NewCRSToCRS(c.WKT, fmt.Sprintf("EPSG:%d", to), nil)
		if err != nil {
			return nil, fmt.Errorf("%w: %s: PROJ cannot use it: %v", ErrNoCRS, c.From, err)
		}
		norm, err := pj.NormalizeForVisualization()
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %v", ErrNoCRS, c.From, err)
		}
		return &wktProjector{pj: norm, name: c.From}, nil
	}
	return nil, ErrNoCRS
}

// geographic tells whether c is a geographic (degree) CRS.
func geographic(c CRS) bool {
	if c.EPSG > 0 {
		d, err := crs.Lookup(c.EPSG)
		return err == nil && d.Geographic
	}
	w := strings.ToUpper(strings.TrimSpace(c.WKT))
	return strings.HasPrefix(w, "GEOGCS") || strings.HasPrefix(w, "GEOGCRS") || strings.HasPrefix(w, "GEODCRS")
}

// checkRange refuses coordinates that cannot be in c: beyond ±180/±90 in a
// geographic CRS, or all within ±180/±90 (degrees) in a projected one.
func checkRange(src *Source) error {
	geo := geographic(src.CRS)
	degrees, some := true, false
	for _, f := range src.Features {
		var bad orb.Point
		found := false
		eachPoint(f.Geom, func(p orb.Point) {
			some = true
			inDeg := math.Abs(p[0]) <= 180 && math.Abs(p[1]) <= 90
			degrees = degrees && inDeg
			if geo && !inDeg && !found {
				bad, found = p, true
			}
		})
		if found {
			return fmt.Errorf("%w: %s: %s: coordinate %v is not a longitude/latitude, but the CRS is %s", ErrCRS, src.Path, f.Name, bad, src.CRS)
		}
	}
	if !geo && some && degrees {
		return fmt.Errorf("%w: %s: every coordinate looks like longitude/latitude degrees, but the CRS is %s, projected in metres", ErrCRS, src.Path, src.CRS)
	}
	if src.CRS.EPSG > 0 && some {
		if err := crs.CheckExtent(src.CRS.EPSG, sourceBound(src)); err != nil {
			return fmt.Errorf("%w: %s: %v; if the file's CRS is wrong, give the right one with --s-srs", ErrCRS, src.Path, err)
		}
	}
	return nil
}

// sourceBound is the bound of every coordinate of src.
func sourceBound(src *Source) orb.Bound {
	first := true
	var b orb.Bound
	for _, f := range src.Features {
		eachPoint(f.Geom, func(p orb.Point) {
			if first {
				b, first = orb.Bound{Min: p, Max: p}, false
			}
			b = b.Extend(p)
		})
	}
	return b
}

// eachSeq calls fn for every point sequence of g, in place.
func eachSeq(g orb.Geometry, fn func([]orb.Point)) {
	switch g := g.(type) {
	case orb.MultiPoint:
		fn(g)
	case orb.LineString:
		fn(g)
	case orb.Ring:
		fn(g)
	case orb.MultiLineString:
		for _, l := range g {
			fn(l)
		}
	case orb.Polygon:
		for _, r := range g {
			fn(r)
		}
	case orb.MultiPolygon:
		for _, p := range g {
			eachSeq(p, fn)
		}
	case orb.Collection:
		for _, c := range g {
			eachSeq(c, fn)
		}
	}
}
