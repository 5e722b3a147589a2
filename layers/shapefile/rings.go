package shapefile

import (
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// signedArea is twice the signed area of r: negative when r is clockwise
// (a shell in a shapefile), positive when counter-clockwise (a hole).
func signedArea(r orb.Ring) float64 {
	var a float64
	for i := 0; i+1 < len(r); i++ {
		a += (r[i][0]-r[0][0])*(r[i+1][1]-r[0][1]) - (r[i+1][0]-r[0][0])*(r[i][1]-r[0][1])
	}
	return a
}

// organizeRings groups polygon rings into polygons and returns, per
// polygon, the indexes of its rings with the shell first. Clockwise (and
// degenerate) rings are shells; a counter-clockwise ring is a hole of the
// smallest shell that contains its bounding box and one of its vertices,
// and a hole that no shell contains becomes a shell of its own.
func organizeRings(rings []orb.Ring) [][]int {
	if len(rings) == 1 {
		return [][]int{{0}}
	}
	var groups [][]int
	var shells []int
	area := make([]float64, len(rings))
	for i, r := range rings {
		if area[i] = signedArea(r); area[i] <= 0 {
			groups, shells = append(groups, []int{i}), append(shells, i)
		}
	}
	bounds := make([]orb.Bound, len(rings))
	for i, r := range rings {
		bounds[i] = r.Bound()
	}
	for h := range rings {
		if area[h] <= 0 {
			continue
		}
		if g := holeOwner(rings, bounds, area, shells, h); g >= 0 {
			groups[g] = append(groups[g], h)
		} else {
			groups = append(groups, []int{h})
		}
	}
	return groups
}

// holeOwner returns the index in shells of the smallest shell holding hole
// h, or -1.
func holeOwner(rings []orb.Ring, bounds []orb.Bound, area []float64, shells []int, h int) int {
	best, bestArea := -1, math.Inf(1)
	for g, s := range shells {
		if !containsBound(bounds[s], bounds[h]) || -area[s] >= bestArea {
			continue
		}
		if planar.RingContains(rings[s], innerVertex(rings[h], rings[s])) {
			best, bestArea = g, -area[s]
		}
	}
	return best
}

// innerVertex returns a vertex of hole that is not a vertex of shell when
// there is one (a hole may touch its shell), else the hole's first vertex.
func innerVertex(hole, shell orb.Ring) orb.Point {
	for i, p := range hole {
		if i == 8 { // a hole touching its shell at 8 vertices in a row is rare
			break
		}
		if !hasVertex(shell, p) {
			return p
		}
	}
	return hole[0]
}

func hasVertex(r orb.Ring, p orb.Point) bool {
	for _, q := range r {
		if q == p {
			return true
		}
	}
	return false
}

func containsBound(outer, inner orb.Bound) bool {
	return outer.Min[0] <= inner.Min[0] && outer.Min[1] <= inner.Min[1] &&
		outer.Max[0] >= inner.Max[0] && outer.Max[1] >= inner.Max[1]
}
