package conflict

import (
	"math"

	"github.com/paulmach/orb"
)

// The overlay's fast path: the intersection of a simple polygon with a
// convex one is the subject clipped by each edge of the convex polygon in
// turn (Sutherland-Hodgman), exact up to rounding and with no GEOS call.
// Parcels, tessellated land-use patches and plots are mostly convex. The
// path is taken only when the result is one simple ring; everything else
// (holes, several pieces, degenerate touches) goes through GEOS.

// convex reports whether a counter-clockwise ring turns left (or goes
// straight) at every vertex and winds once, so it is convex and simple.
func convex(r []orb.Point) bool {
	n := len(r)
	turn := 0.0
	for i := range n {
		a, b, c := r[(i+n-1)%n], r[i], r[(i+1)%n]
		if cross(a, b, c) < 0 {
			return false
		}
		turn += math.Atan2(cross(a, b, c), dot(b[0]-a[0], b[1]-a[1], c[0]-b[0], c[1]-b[1]))
	}
	return math.Abs(turn-2*math.Pi) < 1e-6
}

func cross(a, b, c orb.Point) float64 {
	return (b[0]-a[0])*(c[1]-b[1]) - (b[1]-a[1])*(c[0]-b[0])
}

func dot(ax, ay, bx, by float64) float64 { return ax*bx + ay*by }

// ringArea2 is twice the signed area (positive counter-clockwise).
func ringArea2(r []orb.Point) float64 {
	s := 0.0
	for i := range r {
		j := (i + 1) % len(r)
		s += r[i][0]*r[j][1] - r[j][0]*r[i][1]
	}
	return s
}

// clipConvex clips the counter-clockwise subject ring by the convex
// counter-clockwise clip ring. ok is false when the result cannot stand as
// one simple polygon (the subject's parts inside the clip are disconnected,
// or it only touches it): callers then use GEOS. An empty result with ok
// means the interiors do not meet.
func clipConvex(subject, clip []orb.Point) (out []orb.Point, ok bool) {
	out = append(make([]orb.Point, 0, len(subject)+len(clip)), subject...)
	in := make([]orb.Point, 0, len(out))
	for i := range clip {
		p, q := clip[i], clip[(i+1)%len(clip)]
		in, out = out, in[:0]
		if len(in) == 0 {
			break
		}
		side := func(x orb.Point) float64 { return (q[0]-p[0])*(x[1]-p[1]) - (q[1]-p[1])*(x[0]-p[0]) }
		prev := in[len(in)-1]
		sp := side(prev)
		for _, cur := range in {
			sc := side(cur)
			switch {
			case sc >= 0 && sp >= 0:
				out = append(out, cur)
			case sc >= 0: // entering
				out = append(out, crossing(prev, cur, sp, sc), cur)
			case sp >= 0: // leaving
				out = append(out, crossing(prev, cur, sp, sc))
			}
			prev, sp = cur, sc
		}
		out = dedupe(out)
	}
	if len(out) < 3 {
		return nil, true
	}
	if ringArea2(out) <= 0 {
		return nil, false // a touch or a sliver of no area: let GEOS decide
	}
	return out, !bridged(out, clip)
}

// crossing is where segment a-b crosses the clip line (sa, sb its sides).
func crossing(a, b orb.Point, sa, sb float64) orb.Point {
	t := sa / (sa - sb)
	return orb.Point{a[0] + t*(b[0]-a[0]), a[1] + t*(b[1]-a[1])}
}

// dedupe drops repeated consecutive points, the closing one included.
func dedupe(r []orb.Point) []orb.Point {
	out := r[:0]
	for _, p := range r {
		if len(out) == 0 || p != out[len(out)-1] {
			out = append(out, p)
		}
	}
	for len(out) > 1 && out[0] == out[len(out)-1] {
		out = out[:len(out)-1]
	}
	return out
}

// bridged reports whether the clipped ring runs along a clip edge against
// the edge's direction: the seam Sutherland-Hodgman leaves between parts
// of a concave subject, which a valid result never has (its interior lies
// left of every edge on the clip boundary, as the clip's does).
func bridged(r, clip []orb.Point) bool {
	for i := range r {
		a, b := r[i], r[(i+1)%len(r)]
		for k := range clip {
			p, q := clip[k], clip[(k+1)%len(clip)]
			ex, ey := q[0]-p[0], q[1]-p[1]
			l := math.Hypot(ex, ey)
			tol := 1e-9 * (l + math.Abs(p[0]) + math.Abs(p[1]))
			if math.Abs(ex*(a[1]-p[1])-ey*(a[0]-p[0])) > tol*l || math.Abs(ex*(b[1]-p[1])-ey*(b[0]-p[0])) > tol*l {
				continue
			}
			if dot(b[0]-a[0], b[1]-a[1], ex, ey) < 0 {
				return true
			}
		}
	}
	return false
}

// ringMeasures returns the area, perimeter and centroid of a
// counter-clockwise ring without its closing point.
func ringMeasures(r []orb.Point) (area, perimeter float64, c orb.Point) {
	o := r[0] // about the first vertex, for precision far from the origin
	var a2, cx, cy float64
	for i := range r {
		p, q := r[i], r[(i+1)%len(r)]
		perimeter += math.Sqrt((q[0]-p[0])*(q[0]-p[0]) + (q[1]-p[1])*(q[1]-p[1]))
		px, py, qx, qy := p[0]-o[0], p[1]-o[1], q[0]-o[0], q[1]-o[1]
		w := px*qy - qx*py
		a2 += w
		cx += (px + qx) * w
		cy += (py + qy) * w
	}
	area = a2 / 2
	return area, perimeter, orb.Point{o[0] + cx/(3*a2), o[1] + cy/(3*a2)}
}
