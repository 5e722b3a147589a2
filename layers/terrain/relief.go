package terrain

import (
	"context"
	"image"
	"image/color"
	"math"
	"runtime"
	"sync"

	"github.com/paulmach/orb"
)

// Catalog codes of the three terrain layers a map frame can show.
const (
	HillshadeLayer = "XZ_STYY" // 山体阴影
	ElevationLayer = "XZ_DEM"  // 数字高程模型, drawn as a colour ramp
	SlopeLayer     = "XZ_PD"   // 坡度, drawn in slope classes
)

// Strengths of the terrain layers at layer opacity 1: how far each pulls a
// pixel towards its own colour when multiplied into the map.
const (
	hillshadeStrength = 0.45
	elevationStrength = 0.55
	slopeStrength     = 0.75
)

// SlopeColors are the colours of the slope classes (see SlopeClasses), as
// the catalog's "slope" palette gives them.
var SlopeColors = [5]color.NRGBA{
	{0xF7, 0xFC, 0xF5, 0xff}, {0xC7, 0xE9, 0xC0, 0xff}, {0xFE, 0xE3, 0x91, 0xff},
	{0xFB, 0x9A, 0x29, 0xff}, {0xCC, 0x4C, 0x02, 0xff},
}

// ReliefLayers are the strengths 0..1 of the terrain layers in a frame; 0
// leaves a layer out. A plain value, safe to share.
type ReliefLayers struct {
	Hillshade, Elevation, Slope float64
}

// None reports whether no terrain layer is drawn.
func (l ReliefLayers) None() bool { return l.Hillshade <= 0 && l.Elevation <= 0 && l.Slope <= 0 }

// PickRelief returns the terrain layers a frame drawing codes shows (nil
// codes: the catalog default, hillshade only), scaled by their opacity in
// opacity (a missing code has opacity 1).
func PickRelief(codes []string, opacity map[string]float64) ReliefLayers {
	on := func(code string, strength float64) float64 {
		shown := codes == nil && code == HillshadeLayer
		for _, c := range codes {
			shown = shown || c == code
		}
		if !shown {
			return 0
		}
		op, ok := opacity[code]
		if !ok {
			op = 1
		}
		return strength * math.Max(0, math.Min(1, op))
	}
	return ReliefLayers{
		Hillshade: on(HillshadeLayer, hillshadeStrength),
		Elevation: on(ElevationLayer, elevationStrength),
		Slope:     on(SlopeLayer, slopeStrength),
	}
}

// A hillshade magnified past its cells shows them as blur, not terrain:
// it is drawn at full strength up to shadeFullPx view pixels per cell of
// the finest level, fades out linearly and is gone at shadeNonePx.
const (
	shadeFullPx = 1.25
	shadeNonePx = 2.5
)

// ShadeFade is the share of the hillshade's strength drawn for cells of
// size cell (finest level) at res map units per view pixel: 1 while a
// cell covers at most shadeFullPx pixels, 0 from shadeNonePx.
func ShadeFade(cell, res float64) float64 {
	if !(res > 0) || !(cell > 0) {
		return 1
	}
	px := cell / res
	return math.Max(0, math.Min(1, (shadeNonePx-px)/(shadeNonePx-shadeFullPx)))
}

// reliefCacheSize is how many finished frames a Relief keeps.
const reliefCacheSize = 6

// Relief draws the terrain under a map view from a DEM coverage: shaded
// relief, an elevation colour ramp and slope classes, all derived on the
// fly from the coverage level that matches the view's resolution, so that
// every zoom shows relief at its own detail. The result is a multiply
// layer: each pixel's RGB scales the map beneath it (white leaves it as
// is). A Relief is safe for concurrent use; it keeps the last few frames.
type Relief struct {
	cov  *Coverage
	opt  Options
	ramp Ramp
	ext  orb.Bound

	mu     sync.Mutex
	frames []reliefFrame // most recent first
	last   reliefField   // the grid and factors of the last read
	wide   reliefFrame   // the last resampled area, wider than its view
}

// reliefField is a read grid with its cell factors, shared read-only.
type reliefField struct {
	key fieldKey
	g   *Grid
	fac []uint8
}

type fieldKey struct {
	cell float64
	on   ReliefLayers
}

type reliefKey struct {
	minX, maxY, res float64
	w, h            int
	on              ReliefLayers
}

type reliefFrame struct {
	key reliefKey
	img *image.RGBA
}

// NewRelief returns a Relief over cov. It reads the coarsest level once to
// fix the elevation ramp's range, so colours do not change as the view moves.
func NewRelief(ctx context.Context, cov *Coverage) (*Relief, error) {
	r := &Relief{cov: cov, opt: DefaultOptions(), ramp: Hypsometric, ext: coverageExtent(cov)}
	r.opt.ComputeEdges = true
	top := cov.Levels[len(cov.Levels)-1]
	g, err := cov.Read(ctx, r.ext, top.CellX)
	if err != nil {
		return nil, err
	}
	r.ramp.Min, r.ramp.Max = g.valueRange()
	if r.ramp.Min == r.ramp.Max {
		r.ramp.Max = r.ramp.Min + 1
	}
	return r, nil
}

// coverageExtent is the map area the coverage's finest level covers.
func coverageExtent(c *Coverage) orb.Bound {
	l := c.Levels[0]
	w := float64(l.MatrixWidth*TileSize) * l.CellX
	h := float64(l.MatrixHeight*TileSize) * l.CellY
	return orb.Bound{Min: orb.Point{c.MinX, c.MaxY - h}, Max: orb.Point{c.MinX + w, c.MaxY}}
}

// Image returns the multiply layer of a w x h view over bound (north up,
// square pixels), or nil when on draws nothing or the view misses the
// coverage. The image is shared with the cache: callers must not modify it.
func (r *Relief) Image(ctx context.Context, bound orb.Bound, w, h int, on ReliefLayers) (*image.RGBA, error) {
	if on.None() || w <= 0 || h <= 0 || !bound.Intersects(r.ext) {
		return nil, nil
	}
	res := (bound.Max[0] - bound.Min[0]) / float64(w)
	if !(res > 0) || math.IsInf(res, 0) {
		return nil, nil
	}
	if on.Hillshade *= ShadeFade(r.cov.Levels[0].CellX, res); on.None() {
		return nil, nil
	}
	key := reliefKey{minX: bound.Min[0], maxY: bound.Max[1], res: res, w: w, h: h, on: on}
	if img := r.cached(key); img != nil {
		return img, nil
	}
	if img := r.fromWide(key); img != nil {
		r.store(key, img)
		return img, nil
	}
	// Resample a margin around the view too: pans at this zoom then only
	// crop it.
	px, py := max(16, w/reliefWide), max(16, h/reliefWide)
	wk := reliefKey{minX: bound.Min[0] - float64(px)*res, maxY: bound.Max[1] + float64(py)*res, res: res, w: w + 2*px, h: h + 2*py, on: on}
	wb := orb.Bound{Min: orb.Point{wk.minX, wk.maxY - float64(wk.h)*res}, Max: orb.Point{wk.minX + float64(wk.w)*res, wk.maxY}}
	g, fac, err := r.field(ctx, wb, res, on)
	if err != nil {
		return nil, err
	}
	wide := reliefFrame{key: wk, img: resample(fac, g, wk)}
	r.mu.Lock()
	r.wide = wide
	r.mu.Unlock()
	img := crop(wide.img, px, py, w, h)
	r.store(key, img)
	return img, nil
}

// reliefWide: the resampled margin on each side is 1/reliefWide of the view.
const reliefWide = 8

// fromWide crops a view out of the last wide image when the view lies
// inside it at the same resolution and whole-pixel offset.
func (r *Relief) fromWide(k reliefKey) *image.RGBA {
	r.mu.Lock()
	wide := r.wide
	r.mu.Unlock()
	wk := wide.key
	if wide.img == nil || wk.on != k.on || math.Abs(wk.res-k.res) > 1e-9*k.res {
		return nil
	}
	ox, oy := (k.minX-wk.minX)/k.res, (wk.maxY-k.maxY)/k.res
	ix, iy := int(math.Round(ox)), int(math.Round(oy))
	if math.Abs(ox-float64(ix)) > 0.01 || math.Abs(oy-float64(iy)) > 0.01 ||
		ix < 0 || iy < 0 || ix+k.w > wk.w || iy+k.h > wk.h {
		return nil
	}
	return crop(wide.img, ix, iy, k.w, k.h)
}

// crop copies the w x h pixels at (x, y) of src into a new image.
func crop(src *image.RGBA, x, y, w, h int) *image.RGBA {
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	for row := 0; row < h; row++ {
		o := src.PixOffset(x, y+row)
		copy(dst.Pix[row*dst.Stride:row*dst.Stride+4*w], src.Pix[o:o+4*w])
	}
	return dst
}

// field returns the grid and cell factors for a view, reusing the last
// ones while the view pans inside them at the same level. A new read
// covers reliefSlack of the view more on each side, so pans cost only the
// resampling until they leave it.
func (r *Relief) field(ctx context.Context, bound orb.Bound, res float64, on ReliefLayers) (*Grid, []uint8, error) {
	maxCell := reliefCellRatio * res
	k := fieldKey{cell: r.levelFor(maxCell), on: on}
	margin := 2 * math.Max(res, r.cov.Levels[0].CellX)
	r.mu.Lock()
	last := r.last
	r.mu.Unlock()
	if last.g != nil && last.key == k && covers(last.g, clip(bound.Pad(margin), r.ext.Pad(-k.cell))) {
		return last.g, last.fac, nil
	}
	pad := margin + reliefSlack*math.Max(bound.Max[0]-bound.Min[0], bound.Max[1]-bound.Min[1])
	g, err := r.cov.Read(ctx, bound.Pad(pad), maxCell)
	if err != nil {
		return nil, nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	fac := r.factors(g, on)
	r.mu.Lock()
	r.last = reliefField{key: k, g: g, fac: fac}
	r.mu.Unlock()
	return g, fac, nil
}

// Reading: a level's cells may be up to reliefCellRatio times the view's
// pixels (bilinear resampling hides it, and it saves up to half the cells),
// and a read reaches reliefSlack of the view beyond each side for pans.
const (
	reliefCellRatio = 1.5
	reliefSlack     = 0.125
)

// clip is the part of b inside ext (b itself when they do not meet).
func clip(b, ext orb.Bound) orb.Bound {
	c := orb.Bound{
		Min: orb.Point{math.Max(b.Min[0], ext.Min[0]), math.Max(b.Min[1], ext.Min[1])},
		Max: orb.Point{math.Min(b.Max[0], ext.Max[0]), math.Min(b.Max[1], ext.Max[1])},
	}
	if c.Min[0] > c.Max[0] || c.Min[1] > c.Max[1] {
		return b
	}
	return c
}

// levelFor is the cell size of the level Coverage.Read picks for a
// largest cell size of res.
func (r *Relief) levelFor(res float64) float64 {
	cell := r.cov.Levels[0].CellX
	for _, l := range r.cov.Levels {
		if l.CellX <= res {
			cell = l.CellX
		}
	}
	return cell
}

// covers reports whether g's cell centres span b.
func covers(g *Grid, b orb.Bound) bool {
	gt := g.GeoTransform
	x0, y1 := gt[0]+gt[1]/2, gt[3]+gt[5]/2
	x1, y0 := gt[0]+(float64(g.Width)-0.5)*gt[1], gt[3]+(float64(g.Height)-0.5)*gt[5]
	return b.Min[0] >= x0 && b.Max[0] <= x1 && b.Min[1] >= y0 && b.Max[1] <= y1
}

func (r *Relief) cached(k reliefKey) *image.RGBA {
	r.mu.Lock()
	defer r.mu.Unlock()
	for i, f := range r.frames {
		if f.key == k {
			copy(r.frames[1:i+1], r.frames[:i])
			r.frames[0] = f
			return f.img
		}
	}
	return nil
}

func (r *Relief) store(k reliefKey, img *image.RGBA) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.frames = append([]reliefFrame{{k, img}}, r.frames...)
	if len(r.frames) > reliefCacheSize {
		r.frames = r.frames[:reliefCacheSize]
	}
}

// factors returns the multiply factor of every cell of g as RGB triples
// (255 = unchanged; nodata cells are 255).
func (r *Relief) factors(g *Grid, on ReliefLayers) []uint8 {
	n := g.Width * g.Height
	f := make([]float32, 3*n)
	for i := range f {
		f[i] = 1
	}
	if on.Elevation > 0 {
		img := ColorRamp(g, r.ramp)
		mulColors(f, img.Pix, on.Elevation)
	}
	if on.Slope > 0 {
		mulSlope(f, Slope(g, r.opt), on.Slope)
	}
	if on.Hillshade > 0 {
		o := r.opt
		o.ZFactor = reliefZ(g.GeoTransform[1])
		mulShade(f, Hillshade(g, o), on.Hillshade, o.Altitude)
	}
	out := make([]uint8, 3*n)
	for i, v := range f {
		out[i] = uint8(math.Round(float64(v) * 255))
	}
	return out
}

// reliefZ is the vertical exaggeration of the shading at a cell size:
// gentle planning-scale relief needs some to read under coloured plans,
// and coarser levels, averaged flatter, need more.
func reliefZ(cell float64) float64 {
	return reliefBaseZ * math.Sqrt(math.Max(1, cell/30))
}

// reliefBaseZ is the exaggeration at 30 m cells and finer.
const reliefBaseZ = 4

// mulColors multiplies f by the NRGBA colours pix with strength a (scaled
// by each pixel's alpha).
func mulColors(f []float32, pix []uint8, a float64) {
	for i := 0; i < len(f)/3; i++ {
		al := float32(a) * float32(pix[4*i+3]) / 255
		for c := 0; c < 3; c++ {
			f[3*i+c] *= 1 - al + al*float32(pix[4*i+c])/255
		}
	}
}

// mulSlope multiplies f by the slope class colours with strength a.
func mulSlope(f []float32, s *Grid, a float64) {
	for i, v := range s.Data {
		if s.IsNoData(v) {
			continue
		}
		col := SlopeColors[slopeClass(float64(v))]
		for c, cv := range [3]uint8{col.R, col.G, col.B} {
			f[3*i+c] *= float32(1 - a + a*float64(cv)/255)
		}
	}
}

// mulShade multiplies f by the hillshade with strength a; flat ground
// (shade sin(alt)) is neutral, so plains keep their colours and only
// slopes turned from the light darken.
func mulShade(f []float32, hs *Grid, a, altitude float64) {
	flat := 254*math.Sin(altitude*math.Pi/180) + 1
	for i, v := range hs.Data {
		if v == HillshadeNoData {
			continue
		}
		m := float32(1 - a + a*math.Min(1, float64(v)/flat))
		f[3*i] *= m
		f[3*i+1] *= m
		f[3*i+2] *= m
	}
}

// resample draws the cell factors fac of g into the view of k bilinearly
// between cell centres, rows split across the cores.
func resample(fac []uint8, g *Grid, k reliefKey) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, k.w, k.h))
	workers := min(runtime.GOMAXPROCS(0), k.h)
	var wg sync.WaitGroup
	for wk := 0; wk < workers; wk++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for py := wk; py < k.h; py += workers {
				resampleRow(img, fac, g, k, py)
			}
		}()
	}
	wg.Wait()
	return img
}

// resampleRow fills pixel row py; pixel centres map to fractional cell
// coordinates measured from cell centres.
func resampleRow(img *image.RGBA, fac []uint8, g *Grid, k reliefKey, py int) {
	gt := g.GeoTransform
	y := k.maxY - (float64(py)+0.5)*k.res
	fr := (y-gt[3])/gt[5] - 0.5
	r0, ty := splitCoord(fr, g.Height)
	r1 := min(r0+1, g.Height-1)
	row := img.Pix[py*img.Stride : py*img.Stride+4*k.w]
	for i := range row {
		row[i] = 0xff
	}
	if fr < -0.5 || fr > float64(g.Height)-0.5 {
		return // off the coverage: left as is
	}
	for px := 0; px < k.w; px++ {
		x := k.minX + (float64(px)+0.5)*k.res
		fc := (x-gt[0])/gt[1] - 0.5
		if fc < -0.5 || fc > float64(g.Width)-0.5 {
			continue
		}
		c0, tx := splitCoord(fc, g.Width)
		c1 := min(c0+1, g.Width-1)
		i00, i01 := 3*(r0*g.Width+c0), 3*(r0*g.Width+c1)
		i10, i11 := 3*(r1*g.Width+c0), 3*(r1*g.Width+c1)
		for c := 0; c < 3; c++ {
			top := float32(fac[i00+c]) + tx*(float32(fac[i01+c])-float32(fac[i00+c]))
			bot := float32(fac[i10+c]) + tx*(float32(fac[i11+c])-float32(fac[i10+c]))
			row[4*px+c] = uint8(top + ty*(bot-top) + 0.5)
		}
	}
}

// splitCoord splits a fractional cell coordinate into a cell index and a
// weight, clamped to the n cells.
func splitCoord(u float64, n int) (int, float32) {
	if u <= 0 || math.IsNaN(u) {
		return 0, 0
	}
	if u >= float64(n-1) {
		return n - 1, 0
	}
	i := int(u)
	return i, float32(u - float64(i))
}
