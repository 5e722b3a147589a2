package gpkg

import (
	"math"

	"github.com/paulmach/orb"
)

// Curve linearisation. Lantu draws, indexes and overlays straight segments
// only, so the curve types of ISO WKB (CircularString, CompoundCurve,
// CurvePolygon, MultiCurve, MultiSurface) are turned into their linear
// counterparts when decoded, with the rule GDAL applies for
// `ogr2ogr -nlt CONVERT_TO_LINEAR` (OGRGeometryFactory::curveToLineString
// with its default step):
//
//   - each arc of three points is cut into equal-angle segments of at most
//     ArcStepDegrees (4°), so a chord deviates from the true arc by at most
//     R·(1−cos 2°) ≈ 0.00061·R (6 mm on a 10 m radius);
//   - an arc gets at least 7 segments, and 7 plus an even number beyond
//     that, as GDAL does, so both give the same vertex count;
//   - an arc whose first and last points coincide is the full circle
//     through the middle point, drawn counter-clockwise;
//   - three collinear points are kept as they are (a straight "arc").
//
// The arc's end points are kept exactly, so closed rings stay closed and
// the members of a compound curve still meet.

// ArcStepDegrees is the largest angle one segment of a linearised arc spans.
const ArcStepDegrees = 4.0

// minArcSegments is the fewest segments an arc is cut into.
const minArcSegments = 7

// arcSegments is the number of segments of an arc sweeping sweep radians:
// sweep/step rounded, raised to 7, then to 7 plus an even number.
func arcSegments(sweep float64) int {
	n := int(math.Abs(sweep)/(ArcStepDegrees*math.Pi/180) + 0.5)
	if n < minArcSegments {
		return minArcSegments
	}
	return minArcSegments + 2*((n-minArcSegments+1)/2)
}

// circle returns the centre and radius of the circle through a, b and c;
// ok is false when they are collinear (or not finite).
func circle(a, b, c orb.Point) (centre orb.Point, r float64, ok bool) {
	if a == c { // full circle: a and b are the ends of a diameter
		centre = orb.Point{(a[0] + b[0]) / 2, (a[1] + b[1]) / 2}
		r = math.Hypot(a[0]-centre[0], a[1]-centre[1])
		return centre, r, r > 0 && !math.IsInf(r, 0)
	}
	// Relative to a, to keep precision far from the origin.
	bx, by := b[0]-a[0], b[1]-a[1]
	cx, cy := c[0]-a[0], c[1]-a[1]
	d := 2 * (bx*cy - by*cx)
	scale := (bx*bx + by*by) * (cx*cx + cy*cy)
	if d == 0 || math.IsNaN(d) || math.Abs(d)*math.Abs(d) < 1e-24*scale {
		return orb.Point{}, 0, false
	}
	b2, c2 := bx*bx+by*by, cx*cx+cy*cy
	ux, uy := (cy*b2-by*c2)/d, (bx*c2-cx*b2)/d
	centre = orb.Point{a[0] + ux, a[1] + uy}
	r = math.Hypot(ux, uy)
	return centre, r, !math.IsInf(r, 0) && !math.IsNaN(r)
}

// appendArc appends the linearised arc from a through b to c, without a
// (the caller has it already) and with c exactly.
func appendArc(out []orb.Point, a, b, c orb.Point) []orb.Point {
	centre, r, ok := circle(a, b, c)
	if !ok {
		return append(out, b, c)
	}
	a0 := math.Atan2(a[1]-centre[1], a[0]-centre[0])
	sweep := 2 * math.Pi
	if a != c {
		a1 := math.Atan2(b[1]-centre[1], b[0]-centre[0])
		a2 := math.Atan2(c[1]-centre[1], c[0]-centre[0])
		sweep = arcSweep(a0, a1, a2)
	}
	n := arcSegments(sweep)
	step := sweep / float64(n)
	for i := 1; i < n; i++ {
		t := a0 + step*float64(i)
		out = append(out, orb.Point{centre[0] + r*math.Cos(t), centre[1] + r*math.Sin(t)})
	}
	return append(out, c)
}

// arcSweep is the signed angle from a0 to a2 that passes through a1.
func arcSweep(a0, a1, a2 float64) float64 {
	ccw := func(from, to float64) float64 { // (0, 2π]
		d := math.Mod(to-from, 2*math.Pi)
		if d <= 0 {
			d += 2 * math.Pi
		}
		return d
	}
	if ccw(a0, a1) < ccw(a0, a2) {
		return ccw(a0, a2)
	}
	return ccw(a0, a2) - 2*math.Pi
}

// linearizeArcs turns the points of a CircularString (0 or an odd number
// >= 3) into a LineString.
func linearizeArcs(ps []orb.Point) orb.LineString {
	if len(ps) == 0 {
		return orb.LineString{}
	}
	out := make(orb.LineString, 1, 1+(len(ps)/2)*(minArcSegments+1))
	out[0] = ps[0]
	for i := 0; i+2 < len(ps); i += 2 {
		out = appendArc(out, ps[i], ps[i+1], ps[i+2])
	}
	return out
}
