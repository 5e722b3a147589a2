package demo

import (
	"hash/fnv"
	"math"
	"math/rand/v2"

	"github.com/paulmach/orb"
)

// rng returns a deterministic generator for one purpose of one seed.
func rng(seed int64, purpose string) *rand.Rand {
	h := fnv.New64a()
	h.Write([]byte(purpose))
	return rand.New(rand.NewPCG(uint64(seed), h.Sum64()))
}

// noise is smooth deterministic value noise in [0,1] with a cell of size
// scale metres.
type noise struct {
	seed  uint64
	scale float64
}

func (n noise) lattice(i, j int64) float64 {
	h := uint64(i)*0x9E3779B97F4A7C15 ^ uint64(j)*0xC2B2AE3D27D4EB4F ^ n.seed
	h ^= h >> 31
	h *= 0xBF58476D1CE4E5B9
	h ^= h >> 29
	return float64(h>>11) / (1 << 53)
}

func (n noise) at(p orb.Point) float64 {
	x, y := p[0]/n.scale, p[1]/n.scale
	i, j := math.Floor(x), math.Floor(y)
	fx, fy := x-i, y-j
	fx, fy = fx*fx*(3-2*fx), fy*fy*(3-2*fy)
	a := n.lattice(int64(i), int64(j))
	b := n.lattice(int64(i)+1, int64(j))
	c := n.lattice(int64(i), int64(j)+1)
	d := n.lattice(int64(i)+1, int64(j)+1)
	return (a*(1-fx)+b*fx)*(1-fy) + (c*(1-fx)+d*fx)*fy
}

// blob is a star-shaped polygon (always valid) around c with mean radius r.
func blob(r *rand.Rand, c orb.Point, radius float64, vertices int) orb.Polygon {
	ring := make(orb.Ring, 0, vertices+1)
	phase := r.Float64() * 2 * math.Pi
	k1, k2 := r.Float64()*0.25, r.Float64()*0.15
	for i := 0; i < vertices; i++ {
		a := phase + 2*math.Pi*float64(i)/float64(vertices)
		rr := radius * (1 + k1*math.Sin(2*a+phase) + k2*math.Sin(5*a) + 0.12*(r.Float64()-0.5))
		ring = append(ring, orb.Point{c[0] + rr*math.Cos(a), c[1] + rr*math.Sin(a)})
	}
	return orb.Polygon{append(ring, ring[0])}
}

// rect is a rotated rectangle centred on c.
func rect(c orb.Point, w, h, angle float64) orb.Polygon {
	s, co := math.Sin(angle), math.Cos(angle)
	ring := make(orb.Ring, 0, 5)
	for _, d := range [][2]float64{{-1, -1}, {1, -1}, {1, 1}, {-1, 1}, {-1, -1}} {
		x, y := d[0]*w/2, d[1]*h/2
		ring = append(ring, orb.Point{c[0] + x*co - y*s, c[1] + x*s + y*co})
	}
	return orb.Polygon{ring}
}

// grid is a tessellation of jittered quads: node (i,j) is moved by a
// deterministic offset shared by the four cells around it, so neighbours
// meet exactly and the cells never overlap.
type grid struct {
	origin orb.Point
	cell   float64
	jitter float64 // fraction of a cell, < 0.3 keeps every quad simple
	seed   uint64
}

func (g grid) node(i, j int64) orb.Point {
	n := noise{seed: g.seed}
	dx := (n.lattice(i, j) - 0.5) * 2 * g.jitter * g.cell
	dy := (n.lattice(j+7919, i-104729) - 0.5) * 2 * g.jitter * g.cell
	return orb.Point{g.origin[0] + float64(i)*g.cell + dx, g.origin[1] + float64(j)*g.cell + dy}
}

// quad is cell (i,j) as a counter-clockwise polygon.
func (g grid) quad(i, j int64) orb.Polygon {
	a, b, c, d := g.node(i, j), g.node(i+1, j), g.node(i+1, j+1), g.node(i, j+1)
	return orb.Polygon{{a, b, c, d, a}}
}

// centre of cell (i,j) before jitter.
func (g grid) centre(i, j int64) orb.Point {
	return orb.Point{g.origin[0] + (float64(i)+0.5)*g.cell, g.origin[1] + (float64(j)+0.5)*g.cell}
}

// cells calls fn for every cell index covering b.
func (g grid) cells(b orb.Bound, fn func(i, j int64)) {
	i0, j0 := int64(math.Floor((b.Min[0]-g.origin[0])/g.cell))-1, int64(math.Floor((b.Min[1]-g.origin[1])/g.cell))-1
	i1, j1 := int64(math.Ceil((b.Max[0]-g.origin[0])/g.cell))+1, int64(math.Ceil((b.Max[1]-g.origin[1])/g.cell))+1
	for j := j0; j < j1; j++ {
		for i := i0; i < i1; i++ {
			fn(i, j)
		}
	}
}

// voronoiCell is the part of box closer to seeds[k] than to any other
// seed, by clipping the box with the perpendicular bisectors.
func voronoiCell(box orb.Bound, seeds []orb.Point, k int) orb.Polygon {
	ring := orb.Ring(box.ToPolygon()[0])
	p := seeds[k]
	for m, q := range seeds {
		if m == k || q == p {
			continue
		}
		mid := orb.Point{(p[0] + q[0]) / 2, (p[1] + q[1]) / 2}
		nx, ny := q[0]-p[0], q[1]-p[1]
		ring = clipHalfPlane(ring, func(x orb.Point) float64 { return (x[0]-mid[0])*nx + (x[1]-mid[1])*ny })
		if len(ring) < 4 {
			return nil
		}
	}
	return orb.Polygon{ring}
}

// clipHalfPlane keeps the part of a closed ring where side(p) <= 0
// (Sutherland-Hodgman on a convex ring).
func clipHalfPlane(ring orb.Ring, side func(orb.Point) float64) orb.Ring {
	var out orb.Ring
	n := len(ring) - 1
	for i := 0; i < n; i++ {
		a, b := ring[i], ring[i+1]
		sa, sb := side(a), side(b)
		if sa <= 0 {
			out = append(out, a)
		}
		if (sa < 0 && sb > 0) || (sa > 0 && sb < 0) {
			t := sa / (sa - sb)
			out = append(out, orb.Point{a[0] + t*(b[0]-a[0]), a[1] + t*(b[1]-a[1])})
		}
	}
	if len(out) < 3 {
		return nil
	}
	return append(out, out[0])
}

// walk is a gently curving polyline of n segments of length step.
func walk(r *rand.Rand, start orb.Point, heading, step float64, n int) orb.LineString {
	l := orb.LineString{start}
	p := start
	for i := 0; i < n; i++ {
		heading += (r.Float64() - 0.5) * 0.6
		p = orb.Point{p[0] + step*math.Cos(heading), p[1] + step*math.Sin(heading)}
		l = append(l, p)
	}
	return l
}

// circle is a regular polygon approximating a circle.
func circle(c orb.Point, radius float64, n int) orb.Ring {
	ring := make(orb.Ring, 0, n+1)
	for i := 0; i < n; i++ {
		a := 2 * math.Pi * float64(i) / float64(n)
		ring = append(ring, orb.Point{c[0] + radius*math.Cos(a), c[1] + radius*math.Sin(a)})
	}
	return append(ring, ring[0])
}
