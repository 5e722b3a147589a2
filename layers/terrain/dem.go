package terrain

import (
	"math"
	"runtime"
	"sync"
)

// Alg is the gradient algorithm (an immutable value, safe for concurrent use).
type Alg int

// Gradient algorithms, as gdaldem -alg.
const (
	Horn Alg = iota
	ZevenbergenThorne
)

// Options are gdaldem's shared flags. The zero value is not valid: use
// DefaultOptions. A plain value, safe to share between goroutines.
type Options struct {
	Alg              Alg
	Scale            float64 // -s: ratio of vertical to horizontal units
	ZFactor          float64 // -z (hillshade)
	Azimuth          float64 // --az (hillshade), degrees
	Altitude         float64 // --alt (hillshade), degrees
	ComputeEdges     bool
	Percent          bool // slope in percent
	Trigonometric    bool // aspect: counter-clockwise from east
	ZeroForFlat      bool // aspect: 0 instead of nodata on flat cells
	Multidirectional bool // hillshade: USGS oblique-weighted from 225, 270, 315, 360
	Combined         bool // hillshade: combined slope and oblique shading
}

// DefaultOptions returns gdaldem's defaults.
func DefaultOptions() Options {
	return Options{Scale: 1, ZFactor: 1, Azimuth: 315, Altitude: 45}
}

// Output nodata values, as gdaldem writes them.
const (
	SlopeNoData     = -9999
	HillshadeNoData = 0
)

type kernel func(w [9]float64) float32

// Slope computes slope in degrees (or percent) into a new grid.
func Slope(g *Grid, o Options) *Grid {
	ew, ns := g.GeoTransform[1], g.GeoTransform[5]
	var k kernel
	if o.Alg == ZevenbergenThorne {
		k = func(w [9]float64) float32 {
			dx, dy := (w[3]-w[5])/ew, (w[7]-w[1])/ns
			return slopeVal(math.Sqrt(dx*dx+dy*dy)/(2*o.Scale), o.Percent)
		}
	} else {
		k = func(w [9]float64) float32 {
			dx := ((w[0] + w[3] + w[3] + w[6]) - (w[2] + w[5] + w[5] + w[8])) / ew
			dy := ((w[6] + w[7] + w[7] + w[8]) - (w[0] + w[1] + w[1] + w[2])) / ns
			return slopeVal(math.Sqrt(dx*dx+dy*dy)/(8*o.Scale), o.Percent)
		}
	}
	return process(g, k, SlopeNoData, o.ComputeEdges)
}

func slopeVal(t float64, percent bool) float32 {
	if percent {
		return float32(100 * t)
	}
	return float32(math.Atan(t) * 180 / math.Pi)
}

// Aspect computes aspect in degrees clockwise from north (or counter-clockwise
// from east with Trigonometric); flat cells are nodata unless ZeroForFlat.
func Aspect(g *Grid, o Options) *Grid {
	k := func(w [9]float64) float32 {
		var dx, dy float64
		if o.Alg == ZevenbergenThorne {
			dx, dy = w[5]-w[3], w[7]-w[1]
		} else {
			dx = (w[2] + w[5] + w[5] + w[8]) - (w[0] + w[3] + w[3] + w[6])
			dy = (w[6] + w[7] + w[7] + w[8]) - (w[0] + w[1] + w[1] + w[2])
		}
		return aspectVal(dx, dy, o)
	}
	if o.ZeroForFlat {
		out := process(g, k, 0, o.ComputeEdges)
		out.HasNoData = false
		return out
	}
	return process(g, k, SlopeNoData, o.ComputeEdges)
}

func aspectVal(dx, dy float64, o Options) float32 {
	a := float32(math.Atan2(dy, -dx) * 180 / math.Pi)
	switch {
	case dx == 0 && dy == 0:
		if o.ZeroForFlat {
			return 0
		}
		return SlopeNoData
	case !o.Trigonometric:
		if a > 90 {
			a = 450 - a
		} else {
			a = 90 - a
		}
	case a < 0:
		a += 360
	}
	if a == 360 {
		a = 0
	}
	return a
}

// Hillshade computes gdaldem's shaded relief (1..255, 0 = nodata) as float
// values; WriteGeoTIFF with Byte rounds them as GDAL does.
func Hillshade(g *Grid, o Options) *Grid {
	div := 8.0
	if o.Alg == ZevenbergenThorne {
		div = 2
	}
	d2r := math.Pi / 180
	zs := o.ZFactor / (div * o.Scale)
	sinAlt := math.Sin(o.Altitude * d2r)
	cosAltZ := math.Cos(o.Altitude*d2r) * zs
	cosAz, sinAz := math.Cos(o.Azimuth*d2r)*cosAltZ, math.Sin(o.Azimuth*d2r)*cosAltZ
	iew, ins := 1/g.GeoTransform[1], 1/g.GeoTransform[5]
	k := func(w [9]float64) float32 {
		x, y := gradient(w, o.Alg, iew, ins)
		c := (sinAlt - (y*cosAz - x*sinAz)) / math.Sqrt(1+zs*zs*(x*x+y*y))
		if o.Combined {
			c = 1 - math.Acos(math.Max(-1, math.Min(1, c)))*math.Atan(math.Sqrt(zs*zs*(x*x+y*y)))/(math.Pi*math.Pi/4)
		}
		if c <= 0 {
			return 1
		}
		return float32(1 + 254*c)
	}
	if o.Multidirectional {
		k = multiKernel(o.Alg, iew, ins, zs, sinAlt, math.Cos(o.Altitude*d2r)*zs)
	}
	return process(g, k, HillshadeNoData, o.ComputeEdges)
}

// gradient returns gdaldem's (x, y) terms: west minus east and south minus
// north, divided by the signed resolutions.
func gradient(w [9]float64, alg Alg, iew, ins float64) (float64, float64) {
	if alg == ZevenbergenThorne {
		return (w[3] - w[5]) * iew, (w[7] - w[1]) * ins
	}
	x := ((w[0] + w[3] + w[3] + w[6]) - (w[2] + w[5] + w[5] + w[8])) * iew
	y := ((w[6] + w[7] + w[7] + w[8]) - (w[0] + w[1] + w[1] + w[2])) * ins
	return x, y
}

// process runs k over every cell with gdaldem's edge and nodata rules, in
// row blocks across runtime.NumCPU workers.
func process(g *Grid, k kernel, dstNoData float32, edges bool) *Grid {
	out := &Grid{Width: g.Width, Height: g.Height, Data: make([]float32, len(g.Data)),
		GeoTransform: g.GeoTransform, EPSG: g.EPSG, HasNoData: true, NoData: float64(dstNoData)}
	workers := runtime.NumCPU()
	rows := (g.Height + workers - 1) / workers
	var wg sync.WaitGroup
	for r0 := 0; r0 < g.Height; r0 += rows {
		wg.Add(1)
		go func(r0, r1 int) {
			defer wg.Done()
			for r := r0; r < r1; r++ {
				processRow(g, out.Data[r*g.Width:(r+1)*g.Width], r, k, dstNoData, edges)
			}
		}(r0, min(r0+rows, g.Height))
	}
	wg.Wait()
	return out
}

func processRow(g *Grid, dst []float32, r int, k kernel, nd float32, edges bool) {
	W, H := g.Width, g.Height
	for c := 0; c < W; c++ {
		border := r == 0 || c == 0 || r == H-1 || c == W-1
		if border && (!edges || W < 2 || H < 2) {
			dst[c] = nd
			continue
		}
		if !border && !g.HasNoData {
			dst[c] = k(loadWindow(g.Data, r, c, W))
			continue
		}
		var w [9]float64
		if !fillWindow(g, r, c, &w, edges) {
			dst[c] = nd
			continue
		}
		dst[c] = k(w)
	}
}

// loadWindow reads the 3x3 window of an inner cell.
func loadWindow(d []float32, r, c, W int) [9]float64 {
	a, m, z := d[(r-1)*W+c-1:(r-1)*W+c+2], d[r*W+c-1:r*W+c+2], d[(r+1)*W+c-1:(r+1)*W+c+2]
	return [9]float64{float64(a[0]), float64(a[1]), float64(a[2]), float64(m[0]), float64(m[1]), float64(m[2]), float64(z[0]), float64(z[1]), float64(z[2])}
}

// fillWindow loads the 3x3 window around (c, r); cells outside the grid are
// extrapolated as 2*near - far (nodata if either is nodata), and with edges
// nodata neighbours take the centre value. It reports false for nodata output.
func fillWindow(g *Grid, r, c int, w *[9]float64, edges bool) bool {
	ctr := g.Data[r*g.Width+c]
	if g.IsNoData(ctr) {
		return false
	}
	for dy := -1; dy <= 1; dy++ {
		for dx := -1; dx <= 1; dx++ {
			v, nd := cellOrExtrap(g, r+dy, c+dx, dy, dx)
			if nd {
				if !edges {
					return false
				}
				v = ctr
			}
			w[(dy+1)*3+dx+1] = float64(v)
		}
	}
	return true
}

// cellOrExtrap returns the window cell at (r, c) for a centre at
// (r-dy, c-dx), as gdaldem's -compute_edges does: beyond the top or bottom
// row the column is clamped and the rows extrapolated; beyond the left or
// right column of an inner row the columns are extrapolated.
func cellOrExtrap(g *Grid, r, c, dy, dx int) (float32, bool) {
	W, H := g.Width, g.Height
	if r >= 0 && r < H && c >= 0 && c < W {
		v := g.Data[r*W+c]
		return v, g.IsNoData(v)
	}
	cr := r - dy
	if cr == 0 || cr == H-1 {
		c = max(0, min(c, W-1))
		if r >= 0 && r < H {
			v := g.Data[r*W+c]
			return v, g.IsNoData(v)
		}
		return extrap(g, g.Data[(r-dy)*W+c], g.Data[(r-2*dy)*W+c])
	}
	return extrap(g, g.Data[r*W+c-dx], g.Data[r*W+c-2*dx])
}

func extrap(g *Grid, a, b float32) (float32, bool) {
	if g.IsNoData(a) || g.IsNoData(b) {
		return 0, true
	}
	v := 2*a - b
	if g.IsNoData(v) {
		v = float32(g.NoData) * (1 + 3*epsilon32)
	}
	return v, false
}

const epsilon32 = 1.1920929e-07

// multiKernel is gdaldem's -multidirectional shading (USGS OF 92-422):
// four azimuths weighted by the squared sine of their angle to the aspect.
func multiKernel(alg Alg, iew, ins, zs, sinAlt, cosAltZ float64) kernel {
	s127, c127 := 127*sinAlt, 127*cosAltZ
	c225 := 127 * math.Cos(225*math.Pi/180) * cosAltZ
	return func(w [9]float64) float32 {
		x, y := gradient(w, alg, iew, ins)
		xx, yy := x*x, y*y
		sum := xx + yy
		if sum == 0 {
			return float32(1 + 254*sinAlt)
		}
		v225 := math.Max(0, s127+(x-y)*c225)
		v270 := math.Max(0, s127-x*c127)
		v315 := math.Max(0, s127+(x+y)*c225)
		v360 := math.Max(0, s127-y*c127)
		w225 := 0.5*sum - x*y
		w315 := sum - w225
		c := (w225*v225 + xx*v270 + w315*v315 + yy*v360) / sum / math.Sqrt(1+zs*zs*sum)
		return float32(1 + c)
	}
}
