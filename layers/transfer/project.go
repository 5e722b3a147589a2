package transfer

import (
	"fmt"
	"math"
	"strings"

	"github.com/paulmach/orb"

	"lantu/layers/crs"
)

// projector reprojects geometries into the blueprint's CRS. Implementations
// are safe for concurrent use.
type projector interface {
	Geometry(g orb.Geometry) (orb.Geometry, error)
}

type identity struct{}

func (identity) Geometry(g orb.Geometry) (orb.Geometry, error) { return g, nil }

// newProjector returns the transformation from c to the EPSG code to.
func newProjector(c CRS, to int) (projector, error) {
	switch {
	case c.EPSG == to:
		return identity{}, nil
	case c.EPSG > 0:
		return crs.NewTransformer(c.EPSG, to)
	case c.WKT != "":
		t, err := crs.NewTransformerFromWKT(c.WKT, to)
		if err != nil {
			return nil, fmt.Errorf("%w: %s: PROJ cannot use it: %v", ErrNoCRS, c.From, err)
		}
		return t, nil
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
