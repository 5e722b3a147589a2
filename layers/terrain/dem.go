package terrain

import (
	"context"
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

type kernel func(w *[9]float64) float32

// Slope computes slope in degrees (or percent) into a new grid.
func Slope(g *Grid, o Options) *Grid {
	out, _ := SlopeContext(context.Background(), g, o)
	return out
}

// SlopeContext is Slope that stops soon after ctx is done, returning
// ctx.Err() and no grid; it reports the rows computed as stage "slope".
func SlopeContext(ctx context.Context, g *Grid, o Options) (*Grid, error) {
	return runOp(ctx, g, slopeOp(g.GeoTransform, o))
}

// runOp computes p over g into a new grid.
func runOp(ctx context.Context, g *Grid, p op) (*Grid, error) {
	out, err := processFast(ctx, p.stage, g, p.k, p.nd, p.edges, p.run)
	if out != nil && p.noNoData {
		out.HasNoData = false
	}
	return out, err
}

func slopeOp(gt [6]float64, o Options) op {
	ew, ns := gt[1], gt[5]
	if o.Alg == ZevenbergenThorne {
		k := func(w *[9]float64) float32 {
			dx, dy := (w[3]-w[5])/ew, (w[7]-w[1])/ns
			return slopeVal(math.Sqrt(dx*dx+dy*dy)/(2*o.Scale), o.Percent)
		}
		return op{stage: "slope", k: k, run: kernelRun(k), nd: SlopeNoData, edges: o.ComputeEdges}
	}
	k := func(w *[9]float64) float32 {
		dx, dy := hornSums(w)
		dx, dy = dx/ew, dy/ns
		return slopeVal(math.Sqrt(dx*dx+dy*dy)/(8*o.Scale), o.Percent)
	}
	return op{stage: "slope", k: k, run: hornSlopeRun(ew, ns, 8*o.Scale, o.Percent), nd: SlopeNoData, edges: o.ComputeEdges}
}

// hornSlopeRun is the Horn slope kernel over a run of inner cells whose
// windows hold no nodata, giving the kernel's values bit for bit without
// a call per cell: see hornSlopeCell.
func hornSlopeRun(ew, ns, div float64, percent bool) runFunc {
	f := fastSlope{kx: 1 / (ew * ew * div * div), ky: 1 / (ns * ns * div * div), scale: 180 / math.Pi,
		ew: ew, ns: ns, div: div, percent: percent}
	if percent {
		f.scale = 100
	}
	return func(a, m, z, dst []float32, c0, c1 int) {
		if c1 <= c0 {
			return
		}
		// One slice each of exactly the run's window columns, so the loop
		// indexes without bounds checks.
		a, m, z, d := a[c0-1:c1+1], m[c0-1:c1+1], z[c0-1:c1+1], dst[c0:c1]
		a, m, z = a[:len(d)+2], m[:len(d)+2], z[:len(d)+2]
		colL, colC := (a[0]+m[0])+m[0]+z[0], (a[1]+m[1])+m[1]+z[1]
		for i := range d {
			colR := (a[i+2] + m[i+2]) + m[i+2] + z[i+2]
			// float32 sums, as gdaldem sums its float window: the west
			// column's sum minus the east's, the south row's minus the north's.
			dx := colL - colR
			dy := ((z[i] + z[i+1]) + z[i+1] + z[i+2]) - ((a[i] + a[i+1]) + a[i+1] + a[i+2])
			d[i] = f.cell(float64(dx), float64(dy))
			colL, colC = colC, colR
		}
	}
}

// fastSlope is the Horn slope of a cell from its float32 sums: with the
// divisions folded into two factors, the result is within a few parts in
// 1e15 of the kernel's arithmetic, so it rounds to the same float32 unless
// it lies within slopeGuard of a rounding boundary; then the kernel's own
// arithmetic gives the value.
type fastSlope struct {
	kx, ky, scale, ew, ns, div float64
	percent                    bool
}

// slopeGuard bounds, relative, how far fastSlope's float64 value lies from
// the kernel's (a few ulps of each, and of math.Atan, whose condition
// number is at most 1 here).
const slopeGuard = 1e-12

func (f *fastSlope) cell(dx, dy float64) float32 {
	t := math.Sqrt(dx*dx*f.kx + dy*dy*f.ky)
	if !f.percent {
		t = math.Atan(t)
	}
	v := t * f.scale
	if lo, hi := float32(v*(1-slopeGuard)), float32(v*(1+slopeGuard)); lo == hi {
		return lo
	}
	dx, dy = dx/f.ew, dy/f.ns
	return slopeVal(math.Sqrt(dx*dx+dy*dy)/f.div, f.percent)
}

// hornSums are Horn's west-minus-east and south-minus-north sums of the
// window, summed in float32 as gdaldem sums its float window.
func hornSums(w *[9]float64) (float64, float64) {
	w0, w1, w2, w3 := float32(w[0]), float32(w[1]), float32(w[2]), float32(w[3])
	w5, w6, w7, w8 := float32(w[5]), float32(w[6]), float32(w[7]), float32(w[8])
	return float64((w0 + w3 + w3 + w6) - (w2 + w5 + w5 + w8)), float64((w6 + w7 + w7 + w8) - (w0 + w1 + w1 + w2))
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
	out, _ := AspectContext(context.Background(), g, o)
	return out
}

// AspectContext is Aspect that stops soon after ctx is done, returning
// ctx.Err() and no grid; it reports the rows computed as stage "aspect".
func AspectContext(ctx context.Context, g *Grid, o Options) (*Grid, error) {
	return runOp(ctx, g, aspectOp(o))
}

func aspectOp(o Options) op {
	k := func(w *[9]float64) float32 {
		if o.Alg == ZevenbergenThorne {
			return aspectVal(float64(float32(w[5])-float32(w[3])), float64(float32(w[7])-float32(w[1])), o)
		}
		dx, dy := hornSums(w)
		return aspectVal(-dx, dy, o)
	}
	p := op{stage: "aspect", k: k, run: kernelRun(k), nd: SlopeNoData, edges: o.ComputeEdges}
	if o.Alg == Horn {
		p.run = hornAspectRun(o)
	}
	if o.ZeroForFlat {
		p.nd, p.noNoData = 0, true
	}
	return p
}

// hornAspectRun is the Horn aspect kernel over a run of inner cells whose
// windows hold no nodata, without a call per cell.
func hornAspectRun(o Options) runFunc {
	return func(a, m, z, dst []float32, c0, c1 int) {
		for c := c0; c < c1; c++ {
			w0, w1, w2 := a[c-1], a[c], a[c+1]
			w3, w5 := m[c-1], m[c+1]
			w6, w7, w8 := z[c-1], z[c], z[c+1]
			dx := (w2 + w5 + w5 + w8) - (w0 + w3 + w3 + w6)
			dy := (w6 + w7 + w7 + w8) - (w0 + w1 + w1 + w2)
			dst[c] = aspectVal(float64(dx), float64(dy), o)
		}
	}
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
	out, _ := HillshadeContext(context.Background(), g, o)
	return out
}

// HillshadeContext is Hillshade that stops soon after ctx is done,
// returning ctx.Err() and no grid; it reports the rows computed as stage
// "hillshade".
func HillshadeContext(ctx context.Context, g *Grid, o Options) (*Grid, error) {
	return runOp(ctx, g, hillshadeOp(g.GeoTransform, o))
}

func hillshadeOp(gt [6]float64, o Options) op {
	div := 8.0
	if o.Alg == ZevenbergenThorne {
		div = 2
	}
	d2r := math.Pi / 180
	zs := o.ZFactor / (div * o.Scale)
	sinAlt := math.Sin(o.Altitude * d2r)
	cosAltZ := math.Cos(o.Altitude*d2r) * zs
	cosAz, sinAz := math.Cos(o.Azimuth*d2r)*cosAltZ, math.Sin(o.Azimuth*d2r)*cosAltZ
	iew, ins := 1/gt[1], 1/gt[5]
	k := func(w *[9]float64) float32 {
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
	p := op{stage: "hillshade", k: k, run: kernelRun(k), nd: HillshadeNoData, edges: o.ComputeEdges}
	if o.Alg == Horn && !o.Combined && !o.Multidirectional {
		p.run = hornShadeRun(iew, ins, zs, sinAlt, cosAz, sinAz)
	}
	return p
}

// hornShadeRun is the Horn hillshade kernel over a run of inner cells whose
// windows hold no nodata.
func hornShadeRun(iew, ins, zs, sinAlt, cosAz, sinAz float64) runFunc {
	zz := zs * zs
	return func(a, m, z, dst []float32, c0, c1 int) {
		if c1 <= c0 {
			return
		}
		a, m, z, dst = a[c0-1:c1+1], m[c0-1:c1+1], z[c0-1:c1+1], dst[c0:c1]
		for i := range dst {
			w0, w1, w2 := float64(a[i]), float64(a[i+1]), float64(a[i+2])
			w3, w5 := float64(m[i]), float64(m[i+2])
			w6, w7, w8 := float64(z[i]), float64(z[i+1]), float64(z[i+2])
			x := ((w0 + w3 + w3 + w6) - (w2 + w5 + w5 + w8)) * iew
			y := ((w6 + w7 + w7 + w8) - (w0 + w1 + w1 + w2)) * ins
			v := (sinAlt - (y*cosAz - x*sinAz)) / math.Sqrt(1+zz*(x*x+y*y))
			if v <= 0 {
				dst[i] = 1
			} else {
				dst[i] = float32(1 + 254*v)
			}
		}
	}
}

// gradient returns gdaldem's (x, y) terms: west minus east and south minus
// north, divided by the signed resolutions.
func gradient(w *[9]float64, alg Alg, iew, ins float64) (float64, float64) {
	if alg == ZevenbergenThorne {
		return (w[3] - w[5]) * iew, (w[7] - w[1]) * ins
	}
	x := ((w[0] + w[3] + w[3] + w[6]) - (w[2] + w[5] + w[5] + w[8])) * iew
	y := ((w[6] + w[7] + w[7] + w[8]) - (w[0] + w[1] + w[1] + w[2])) * ins
	return x, y
}

// kernelRun is run for a kernel without a run form: one call per cell.
func kernelRun(k kernel) runFunc {
	return func(a, m, z, dst []float32, c0, c1 int) {
		var w [9]float64
		for c := c0; c < c1; c++ {
			w = [9]float64{float64(a[c-1]), float64(a[c]), float64(a[c+1]), float64(m[c-1]), float64(m[c]), float64(m[c+1]),
				float64(z[c-1]), float64(z[c]), float64(z[c+1])}
			dst[c] = k(&w)
		}
	}
}

// runFunc computes the inner cells c0..c1-1 of a row from the rows above
// (a), at (m) and below (z), all of whose windows hold data.
type runFunc func(a, m, z, dst []float32, c0, c1 int)

// op is one derivation: its kernels and gdaldem's output rules. A plain
// value, safe for concurrent use.
type op struct {
	stage string
	k     kernel
	run   runFunc
	nd    float32
	edges bool
	// noNoData: the output has no nodata value (aspect -zero_for_flat).
	noNoData bool
}

// processFast is process with run for the windows free of nodata and k
// for the rest (edges and cells next to nodata). Each worker checks ctx
// before every row, so a cancel stops it within a row.
func processFast(ctx context.Context, stage string, g *Grid, k kernel, dstNoData float32, edges bool, run runFunc) (*Grid, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m := startMeter(ctx, stage, g.Height)
	out := &Grid{Width: g.Width, Height: g.Height, Data: make([]float32, len(g.Data)),
		GeoTransform: g.GeoTransform, EPSG: g.EPSG, GeoKeys: g.GeoKeys, HasNoData: true, NoData: float64(dstNoData)}
	b := gridBand(g)
	computeRows(ctx, op{stage: stage, k: k, run: run, nd: dstNoData, edges: edges}, b, out.Data, 0, g.Height, m)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// computeRows computes rows r0..r1-1 of the output into dst (row r0
// first) from b, which must hold rows r0-1..r1 (clipped to the grid),
// splitting the rows across runtime.NumCPU workers.
func computeRows(ctx context.Context, p op, b *band, dst []float32, r0, r1 int, m *meter) {
	workers := runtime.NumCPU()
	rows := max(1, (r1-r0+workers-1)/workers)
	var wg sync.WaitGroup
	for s := r0; s < r1; s += rows {
		wg.Add(1)
		go func(s, e int) {
			defer wg.Done()
			for r := s; r < e && ctx.Err() == nil; r++ {
				processRow(b, dst[(r-r0)*b.w:(r-r0+1)*b.w], r, p)
				m.add(1)
			}
		}(s, min(s+rows, r1))
	}
	wg.Wait()
}

// band is rows top.. of a grid w x h in full: what the kernels read. A
// band is read-only while rows are computed from it.
type band struct {
	w, h, top int
	data      []float32
	hasND     bool
	nd        float64
	ndv       float32
	ndNaN     bool
}

func gridBand(g *Grid) *band { return newBand(g.Width, g.Height, 0, g.Data, g.HasNoData, g.NoData) }

func newBand(w, h, top int, data []float32, hasND bool, nd float64) *band {
	return &band{w: w, h: h, top: top, data: data, hasND: hasND, nd: nd, ndv: float32(nd), ndNaN: math.IsNaN(nd)}
}

func (b *band) row(r int) []float32 { i := (r - b.top) * b.w; return b.data[i : i+b.w] }

func (b *band) at(r, c int) float32 { return b.data[(r-b.top)*b.w+c] }

// isND reports whether v is the band's nodata value (NaN matches NaN).
func (b *band) isND(v float32) bool {
	return b.hasND && (v == b.ndv || (b.ndNaN && v != v))
}

func processRow(b *band, dst []float32, r int, p op) {
	W, H := b.w, b.h
	if r == 0 || r == H-1 || W < 3 {
		for c := 0; c < W; c++ {
			dst[c] = edgeCell(b, r, c, p)
		}
		return
	}
	dst[0] = edgeCell(b, r, 0, p)
	dst[W-1] = edgeCell(b, r, W-1, p)
	a, m, z := b.row(r-1), b.row(r), b.row(r+1)
	if !b.hasND {
		p.run(a, m, z, dst, 1, W-1)
		return
	}
	bad := func(c int) bool { // column c of the window holds nodata
		return b.isND(a[c]) || b.isND(m[c]) || b.isND(z[c])
	}
	start := 1
	for c := 1; c < W-1; c++ {
		if bad(c-1) || bad(c) || bad(c+1) {
			p.run(a, m, z, dst, start, c)
			dst[c] = edgeCell(b, r, c, p)
			start = c + 1
		}
	}
	p.run(a, m, z, dst, start, W-1)
}

// edgeCell is one cell on the grid's edge or next to nodata, with gdaldem's
// rules for both.
func edgeCell(b *band, r, c int, p op) float32 {
	W, H := b.w, b.h
	border := r == 0 || c == 0 || r == H-1 || c == W-1
	if border && (!p.edges || W < 2 || H < 2) {
		return p.nd
	}
	var w [9]float64
	if !fillWindow(b, r, c, &w, p.edges) {
		return p.nd
	}
	return p.k(&w)
}

// fillWindow loads the 3x3 window around (c, r); cells outside the grid are
// extrapolated as 2*near - far (nodata if either is nodata), and with edges
// nodata neighbours take the centre value. It reports false for nodata output.
func fillWindow(b *band, r, c int, w *[9]float64, edges bool) bool {
	ctr := b.at(r, c)
	if b.isND(ctr) {
		return false
	}
	for dy := -1; dy <= 1; dy++ {
		for dx := -1; dx <= 1; dx++ {
			v, nd := cellOrExtrap(b, r+dy, c+dx, dy, dx)
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
func cellOrExtrap(b *band, r, c, dy, dx int) (float32, bool) {
	W, H := b.w, b.h
	if r >= 0 && r < H && c >= 0 && c < W {
		v := b.at(r, c)
		return v, b.isND(v)
	}
	cr := r - dy
	if cr == 0 || cr == H-1 {
		c = max(0, min(c, W-1))
		if r >= 0 && r < H {
			v := b.at(r, c)
			return v, b.isND(v)
		}
		return extrap(b, b.at(r-dy, c), b.at(r-2*dy, c))
	}
	return extrap(b, b.at(r, c-dx), b.at(r, c-2*dx))
}

func extrap(b *band, a, c float32) (float32, bool) {
	if b.isND(a) || b.isND(c) {
		return 0, true
	}
	v := 2*a - c
	if b.isND(v) {
		v = float32(b.nd) * (1 + 3*epsilon32)
	}
	return v, false
}

const epsilon32 = 1.1920929e-07

// multiKernel is gdaldem's -multidirectional shading (USGS OF 92-422):
// four azimuths weighted by the squared sine of their angle to the aspect.
func multiKernel(alg Alg, iew, ins, zs, sinAlt, cosAltZ float64) kernel {
	s127, c127 := 127*sinAlt, 127*cosAltZ
	c225 := 127 * math.Cos(225*math.Pi/180) * cosAltZ
	return func(w *[9]float64) float32 {
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
