package gpkg

import (
	"math"

	"github.com/paulmach/orb"
)

// curve reads the curve types: CircularString, CompoundCurve, CurvePolygon
// and MultiCurve, linearised (see ArcStepDegrees).
func (r *wkbReader) curve(ti typeInfo, depth int) (orb.Geometry, error) {
	switch ti.base {
	case wkbCircularString:
		return r.circularString(ti)
	case wkbCompoundCurve:
		return r.compoundCurve(ti, depth)
	case wkbCurvePolygon:
		return r.curvePolygon(ti, depth)
	}
	n, err := r.count(ti.order, minGeomBytes, "curve")
	if err != nil {
		return nil, err
	}
	ml := make(orb.MultiLineString, n)
	for i := range ml {
		g, err := r.member(depth, wkbLineString, wkbCircularString, wkbCompoundCurve)
		if err != nil {
			return nil, err
		}
		ml[i] = g.(orb.LineString)
	}
	return ml, nil
}

// circularString reads the control points (none, or an odd number of at
// least 3) and linearises the arcs.
func (r *wkbReader) circularString(ti typeInfo) (orb.LineString, error) {
	ps, err := r.points(ti)
	if err != nil {
		return nil, err
	}
	if len(ps) != 0 && (len(ps) < 3 || len(ps)%2 == 0) {
		return nil, r.errorf("circular string of %d points (want 0 or an odd number >= 3)", len(ps))
	}
	return linearizeArcs(ps), nil
}

// compoundCurve joins its LineString and CircularString members, each of
// which must start where the one before ends.
func (r *wkbReader) compoundCurve(ti typeInfo, depth int) (orb.LineString, error) {
	n, err := r.count(ti.order, minGeomBytes, "curve")
	if err != nil {
		return nil, err
	}
	var out orb.LineString
	for i := 0; i < n; i++ {
		g, err := r.member(depth, wkbLineString, wkbCircularString)
		if err != nil {
			return nil, err
		}
		ls := g.(orb.LineString)
		if len(ls) == 0 {
			continue
		}
		if len(out) > 0 {
			if !samePoint(out[len(out)-1], ls[0]) {
				return nil, r.errorf("compound curve member %d starts at %v, not where member %d ends (%v)", i+1, ls[0], i, out[len(out)-1])
			}
			ls = ls[1:]
		}
		out = append(out, ls...)
	}
	if out == nil {
		out = orb.LineString{}
	}
	return out, nil
}

// samePoint compares the joints of a compound curve, allowing for the
// rounding of the digits a writer printed.
func samePoint(a, b orb.Point) bool {
	tol := 1e-9 * max(1, math.Abs(a[0]), math.Abs(a[1]))
	return math.Abs(a[0]-b[0]) <= tol && math.Abs(a[1]-b[1]) <= tol
}

// curvePolygon reads rings that are LineStrings, CircularStrings or
// CompoundCurves.
func (r *wkbReader) curvePolygon(ti typeInfo, depth int) (orb.Polygon, error) {
	n, err := r.count(ti.order, minGeomBytes, "ring")
	if err != nil {
		return nil, err
	}
	p := make(orb.Polygon, n)
	for i := range p {
		g, err := r.member(depth, wkbLineString, wkbCircularString, wkbCompoundCurve)
		if err != nil {
			return nil, err
		}
		p[i] = orb.Ring(g.(orb.LineString))
	}
	return p, nil
}
