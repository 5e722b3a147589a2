package transfer

import (
	"context"
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
// geographic CRS (naming the first feature with one), or all within
// ±180/±90 (degrees) in a projected one. It looks at the Source's extent,
// and reads a streamed Source again only to name the feature.
func checkRange(ctx context.Context, src *Source) error {
	b, some := sourceBound(src)
	if !some {
		return nil
	}
	geo := geographic(src.CRS)
	degrees := math.Abs(b.Min[0]) <= 180 && math.Abs(b.Max[0]) <= 180 && math.Abs(b.Min[1]) <= 90 && math.Abs(b.Max[1]) <= 90
	if geo && !degrees {
		return notDegrees(ctx, src)
	}
	if !geo && degrees {
		return fmt.Errorf("%w: %s: every coordinate looks like longitude/latitude degrees, but the CRS is %s, projected in metres", ErrCRS, src.Path, src.CRS)
	}
	if src.CRS.EPSG > 0 {
		if err := crs.CheckExtent(src.CRS.EPSG, b); err != nil {
			return fmt.Errorf("%w: %s: %v; if the file's CRS is wrong, give the right one with --s-srs", ErrCRS, src.Path, err)
		}
	}
	return nil
}

// notDegrees is the error naming the first feature with a coordinate that
// is not a longitude/latitude.
func notDegrees(ctx context.Context, src *Source) error {
	var found error
	err := src.Each(ctx, func(f Feature) error {
		eachPoint(f.Geom, func(p orb.Point) {
			if found == nil && (math.Abs(p[0]) > 180 || math.Abs(p[1]) > 90) {
				found = fmt.Errorf("%w: %s: %s: coordinate %v is not a longitude/latitude, but the CRS is %s", ErrCRS, src.Path, f.Name, p, src.CRS)
			}
		})
		if found != nil {
			return errEnough
		}
		return nil
	})
	if found != nil {
		return found
	}
	if err != nil {
		return err
	}
	return fmt.Errorf("%w: %s: the extent is not in longitude/latitude, but the CRS is %s", ErrCRS, src.Path, src.CRS)
}

// sourceBound is the bound of every coordinate of src, and whether there
// is any.
func sourceBound(src *Source) (orb.Bound, bool) {
	if src.stream != nil {
		return src.stream.bound, src.stream.coords
	}
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
	return b, !first
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
