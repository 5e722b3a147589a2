package demo

import (
	"math"
	"sort"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// mask answers point-in-outline queries fast: a coarse grid whose cells
// are known to be inside, outside, or crossed by the outline (only those
// fall back to an exact test). Read-only after newMask: safe for
// concurrent use.
type mask struct {
	poly   orb.MultiPolygon
	bound  orb.Bound
	cell   float64
	nx, ny int
	state  []uint8 // 0 outside, 1 inside, 2 crossed by an edge
}

const maskCell = 1000.0

func newMask(mp orb.MultiPolygon) *mask {
	b := mp.Bound()
	m := &mask{poly: mp, bound: b, cell: maskCell}
	m.nx = int(math.Ceil((b.Max[0]-b.Min[0])/maskCell)) + 1
	m.ny = int(math.Ceil((b.Max[1]-b.Min[1])/maskCell)) + 1
	m.state = make([]uint8, m.nx*m.ny)
	for j := 0; j < m.ny; j++ {
		m.fillRow(j)
	}
	m.markEdges()
	return m
}

// fillRow marks the cells of row j whose centres lie inside, by the
// even-odd crossings of the row's centre line with the outline.
func (m *mask) fillRow(j int) {
	y := m.bound.Min[1] + (float64(j)+0.5)*m.cell
	xs := rowCrossings(m.poly, y, nil)
	for k := 0; k+1 < len(xs); k += 2 {
		i0 := int(math.Ceil((xs[k]-m.bound.Min[0])/m.cell - 0.5))
		i1 := int(math.Floor((xs[k+1]-m.bound.Min[0])/m.cell - 0.5))
		for i := max(i0, 0); i <= min(i1, m.nx-1); i++ {
			m.state[j*m.nx+i] = 1
		}
	}
}

// rowCrossings appends to xs the sorted x where the line at y crosses the
// polygons' edges; by even-odd, inside spans run between pairs.
func rowCrossings(mp orb.MultiPolygon, y float64, xs []float64) []float64 {
	for _, p := range mp {
		for _, r := range p {
			for k := 1; k < len(r); k++ {
				a, b := r[k-1], r[k]
				if (a[1] <= y) != (b[1] <= y) {
					xs = append(xs, a[0]+(y-a[1])*(b[0]-a[0])/(b[1]-a[1]))
				}
			}
		}
	}
	sort.Float64s(xs)
	return xs
}

// markEdges flags every cell an outline segment's bounding box touches.
func (m *mask) markEdges() {
	for _, p := range m.poly {
		for _, r := range p {
			for k := 1; k < len(r); k++ {
				sb := orb.Bound{Min: r[k-1], Max: r[k-1]}.Extend(r[k])
				i0, j0 := m.index(sb.Min)
				i1, j1 := m.index(sb.Max)
				for j := max(j0, 0); j <= min(j1, m.ny-1); j++ {
					for i := max(i0, 0); i <= min(i1, m.nx-1); i++ {
						m.state[j*m.nx+i] = 2
					}
				}
			}
		}
	}
}

func (m *mask) index(p orb.Point) (int, int) {
	return int(math.Floor((p[0] - m.bound.Min[0]) / m.cell)), int(math.Floor((p[1] - m.bound.Min[1]) / m.cell))
}

// contains reports whether p lies inside the outline.
func (m *mask) contains(p orb.Point) bool {
	i, j := m.index(p)
	if i < 0 || j < 0 || i >= m.nx || j >= m.ny {
		return false
	}
	switch m.state[j*m.nx+i] {
	case 0:
		return false
	case 1:
		return true
	}
	return planar.MultiPolygonContains(m.poly, p)
}
