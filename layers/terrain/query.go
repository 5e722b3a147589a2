package terrain

import (
	"context"
	"math"
	"sort"

	"github.com/paulmach/orb"
)

// Value returns the bilinearly interpolated elevation at map point (x, y)
// between cell centres; ok is false outside the grid or next to nodata.
func (g *Grid) Value(x, y float64) (v float64, ok bool) {
	gt := g.GeoTransform
	fc := (x-gt[0])/gt[1] - 0.5
	fr := (y-gt[3])/gt[5] - 0.5
	if fc < -0.5 || fr < -0.5 || fc > float64(g.Width)-0.5 || fr > float64(g.Height)-0.5 || math.IsNaN(fc+fr) {
		return 0, false
	}
	c0, r0 := int(math.Floor(fc)), int(math.Floor(fr))
	tx, ty := fc-float64(c0), fr-float64(r0)
	var sum, wsum float64
	for k := 0; k < 4; k++ {
		c, r := max(0, min(c0+k%2, g.Width-1)), max(0, min(r0+k/2, g.Height-1))
		w := (1 - math.Abs(float64(k%2)-tx)) * (1 - math.Abs(float64(k/2)-ty))
		if w == 0 {
			continue
		}
		cv := g.Data[r*g.Width+c]
		if g.IsNoData(cv) {
			return 0, false
		}
		sum += w * float64(cv)
		wsum += w
	}
	return sum / wsum, wsum > 0
}

// ProfilePoint is one sample along a profile (a plain value, safe to share); Slope is the grade in degrees
// of the step from the previous sample (0 for the first).
type ProfilePoint struct {
	Distance, X, Y, Elevation, Slope float64
	Valid                            bool
}

// ProfileResult is a sampled profile with its total climb and descent; not
// safe for concurrent mutation.
type ProfileResult struct {
	Points          []ProfilePoint
	Length          float64
	Ascent, Descent float64
}

// Profile samples the grid along line at about one cell size.
func (g *Grid) Profile(line orb.LineString) ProfileResult {
	res, _ := g.ProfileContext(context.Background(), line)
	return res
}

// ProfileContext is Profile that returns ctx.Err() once ctx is done,
// checked before each segment of the line.
func (g *Grid) ProfileContext(ctx context.Context, line orb.LineString) (ProfileResult, error) {
	step := math.Min(math.Abs(g.GeoTransform[1]), math.Abs(g.GeoTransform[5]))
	var res ProfileResult
	var prev *ProfilePoint
	add := func(p orb.Point, d float64) {
		v, ok := g.Value(p[0], p[1])
		pp := ProfilePoint{Distance: d, X: p[0], Y: p[1], Elevation: v, Valid: ok}
		if prev != nil && prev.Valid && ok && d > prev.Distance {
			dz := v - prev.Elevation
			pp.Slope = math.Atan(dz/(d-prev.Distance)) * 180 / math.Pi
			res.Ascent += math.Max(dz, 0)
			res.Descent += math.Max(-dz, 0)
		}
		res.Points = append(res.Points, pp)
		prev = &res.Points[len(res.Points)-1]
	}
	dist := 0.0
	for i := 0; i+1 < len(line); i++ {
		if err := ctx.Err(); err != nil {
			return ProfileResult{}, err
		}
		a, b := line[i], line[i+1]
		seg := math.Hypot(b[0]-a[0], b[1]-a[1])
		n := max(1, int(math.Ceil(seg/step)))
		for k := 0; k < n; k++ {
			t := float64(k) / float64(n)
			add(orb.Point{a[0] + t*(b[0]-a[0]), a[1] + t*(b[1]-a[1])}, dist+t*seg)
		}
		dist += seg
	}
	if len(line) > 0 {
		add(line[len(line)-1], dist)
	}
	res.Length = dist
	return res, nil
}

// SlopeClasses are the upper bounds in degrees of the slope classes
// (<=2, 2-6, 6-15, 15-25, >25).
var SlopeClasses = [4]float64{2, 6, 15, 25}

// ZoneStats (a plain value, safe to share) are the statistics of the cells whose centres fall inside a
// polygon. ClassArea and ClassShare are per slope class (see SlopeClasses);
// cells whose slope is nodata count in Cells but in no class.
type ZoneStats struct {
	Cells          int
	Min, Max, Mean float64
	Area           float64 // m² (cell area times valid cells)
	ClassArea      [5]float64
	ClassShare     [5]float64
}

// Stats computes zonal statistics for a Polygon or MultiPolygon in the
// grid's CRS; slope is the grid's Horn slope in degrees (computed when nil).
func (g *Grid) Stats(poly orb.Geometry, slope *Grid) ZoneStats {
	st, _ := g.StatsContext(context.Background(), poly, slope)
	return st
}

// StatsContext is Stats that returns ctx.Err() once ctx is done: the
// slope computation stops within a row, the scan between polygons.
func (g *Grid) StatsContext(ctx context.Context, poly orb.Geometry, slope *Grid) (ZoneStats, error) {
	if slope == nil {
		o := DefaultOptions()
		o.ComputeEdges = true
		var err error
		if slope, err = SlopeContext(ctx, g, o); err != nil {
			return ZoneStats{}, err
		}
	}
	var polys []orb.Polygon
	switch p := poly.(type) {
	case orb.Polygon:
		polys = []orb.Polygon{p}
	case orb.MultiPolygon:
		polys = p
	}
	st := ZoneStats{Min: math.Inf(1), Max: math.Inf(-1)}
	cellArea := math.Abs(g.GeoTransform[1] * g.GeoTransform[5])
	sum := 0.0
	for _, p := range polys {
		if err := ctx.Err(); err != nil {
			return ZoneStats{}, err
		}
		g.scan(p, func(i int) {
			v := g.Data[i]
			if g.IsNoData(v) {
				return
			}
			st.Cells++
			sum += float64(v)
			st.Min, st.Max = math.Min(st.Min, float64(v)), math.Max(st.Max, float64(v))
			if s := slope.Data[i]; !slope.IsNoData(s) {
				st.ClassArea[slopeClass(float64(s))] += cellArea
			}
		})
	}
	if st.Cells == 0 {
		st.Min, st.Max = 0, 0
		return st, nil
	}
	st.Mean = sum / float64(st.Cells)
	st.Area = float64(st.Cells) * cellArea
	for k, a := range st.ClassArea {
		st.ClassShare[k] = a / st.Area
	}
	return st, nil
}

func slopeClass(s float64) int {
	for k, ub := range SlopeClasses {
		if s <= ub {
			return k
		}
	}
	return 4
}

// scan calls fn with the index of every cell whose centre is inside p
// (even-odd over all rings, so holes are excluded), row by row.
func (g *Grid) scan(p orb.Polygon, fn func(i int)) {
	gt := g.GeoTransform
	b := p.Bound()
	r0 := max(0, int(math.Floor((b.Max[1]-gt[3])/gt[5]-0.5)))
	r1 := min(g.Height-1, int(math.Ceil((b.Min[1]-gt[3])/gt[5]-0.5)))
	var xs []float64
	for r := r0; r <= r1; r++ {
		y := gt[3] + (float64(r)+0.5)*gt[5]
		xs = crossings(p, y, xs[:0])
		for k := 0; k+1 < len(xs); k += 2 {
			c0 := max(0, int(math.Ceil((xs[k]-gt[0])/gt[1]-0.5)))
			c1 := min(g.Width-1, int(math.Ceil((xs[k+1]-gt[0])/gt[1]-0.5))-1)
			for c := c0; c <= c1; c++ {
				fn(r*g.Width + c)
			}
		}
	}
}

// crossings returns the sorted x where the horizontal line at y crosses
// the polygon's edges (half-open rule on y).
func crossings(p orb.Polygon, y float64, xs []float64) []float64 {
	for _, ring := range p {
		for i := range ring {
			a, b := ring[i], ring[(i+1)%len(ring)]
			if (a[1] <= y) != (b[1] <= y) {
				xs = append(xs, a[0]+(y-a[1])*(b[0]-a[0])/(b[1]-a[1]))
			}
		}
	}
	sort.Float64s(xs)
	return xs
}
