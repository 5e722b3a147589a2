package terrainpanel

import (
	"image"
	"image/color"
	"image/draw"
	"math"
	"strconv"
	"sync"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
	"golang.org/x/image/vector"

	"lantu/layers/terrain"
)

// Chart colours.
var (
	chartPaper = color.RGBA{0xff, 0xff, 0xff, 0xff}
	chartGrid  = color.RGBA{0xe4, 0xe4, 0xe0, 0xff}
	chartAxis  = color.RGBA{0x55, 0x55, 0x55, 0xff}
	chartText  = color.RGBA{0x33, 0x33, 0x33, 0xff}
	chartFill  = color.RGBA{0xd9, 0xc3, 0x9a, 0xff}
	chartLine  = color.RGBA{0x8a, 0x5a, 0x2b, 0xff}
)

// Plot margins in pixels: left for the height ticks, bottom for the
// distance ticks.
const (
	marginL, marginR = 46, 12
	marginT, marginB = 18, 30
)

// Chart draws an elevation profile as a w x h image: the ground filled
// below the line, height (m) against distance (m or km) with ticks and
// grid lines. Gaps (nodata) break the line. It returns nil when the profile
// has fewer than two valid points or the image is too small.
func Chart(p terrain.ProfileResult, w, h int) *image.RGBA {
	lo, hi, n := heightRange(p)
	if n < 2 || w < marginL+marginR+20 || h < marginT+marginB+20 || !(p.Length > 0) {
		return nil
	}
	chartMu.Lock()
	defer chartMu.Unlock()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(img, img.Rect, image.NewUniform(chartPaper), image.Point{}, draw.Src)
	yt := ticks(lo, hi, 5)
	lo, hi = math.Min(lo, yt[0]), math.Max(hi, yt[len(yt)-1])
	pl := plot{x0: marginL, y0: marginT, x1: float64(w - marginR), y1: float64(h - marginB), dmax: p.Length, lo: lo, hi: hi}
	face := chartFace()
	for _, v := range yt {
		y := pl.y(v)
		hline(img, int(pl.x0), int(pl.x1), int(math.Round(y)), chartGrid)
		label(img, face, tickText(v, yt), int(pl.x0)-5, int(y)+4, alignRight)
	}
	unit, div := "m", 1.0
	if p.Length >= 2000 {
		unit, div = "km", 1000
	}
	xt := ticks(0, p.Length/div, 6)
	for _, d := range xt {
		if d*div > p.Length*1.0001 {
			continue
		}
		x := int(math.Round(pl.x(d * div)))
		vline(img, x, int(pl.y0), int(pl.y1)+4, chartGrid)
		label(img, face, tickText(d, xt), x, int(pl.y1)+16, alignCenter)
	}
	pl.ground(img, p.Points)
	hline(img, int(pl.x0), int(pl.x1), int(pl.y1), chartAxis)
	vline(img, int(pl.x0), int(pl.y0), int(pl.y1), chartAxis)
	label(img, face, "m", int(pl.x0)-5, marginT-6, alignRight)
	label(img, face, unit, int(pl.x1), h-4, alignRight)
	return img
}

// heightRange returns the lowest and highest valid elevations and the
// number of valid points.
func heightRange(p terrain.ProfileResult) (lo, hi float64, n int) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, q := range p.Points {
		if q.Valid {
			lo, hi, n = math.Min(lo, q.Elevation), math.Max(hi, q.Elevation), n+1
		}
	}
	if n > 0 && hi-lo < 1 {
		lo, hi = lo-0.5, hi+0.5
	}
	return lo, hi, n
}

// plot maps distance and height to pixels.
type plot struct {
	x0, y0, x1, y1 float64
	dmax, lo, hi   float64
}

func (p plot) x(d float64) float64 { return p.x0 + d/p.dmax*(p.x1-p.x0) }
func (p plot) y(v float64) float64 { return p.y1 - (v-p.lo)/(p.hi-p.lo)*(p.y1-p.y0) }

// ground fills each valid run of points down to the axis and strokes its
// top.
func (p plot) ground(img *image.RGBA, pts []terrain.ProfilePoint) {
	var run []terrain.ProfilePoint
	flush := func() {
		if len(run) > 1 {
			p.fill(img, run)
			p.stroke(img, run, 1.6)
		}
		run = run[:0]
	}
	for _, q := range pts {
		if !q.Valid {
			flush()
			continue
		}
		run = append(run, q)
	}
	flush()
}

func (p plot) fill(img *image.RGBA, run []terrain.ProfilePoint) {
	z := vector.NewRasterizer(img.Rect.Dx(), img.Rect.Dy())
	z.MoveTo(float32(p.x(run[0].Distance)), float32(p.y1))
	for _, q := range run {
		z.LineTo(float32(p.x(q.Distance)), float32(p.y(q.Elevation)))
	}
	z.LineTo(float32(p.x(run[len(run)-1].Distance)), float32(p.y1))
	z.ClosePath()
	z.Draw(img, img.Rect, image.NewUniform(chartFill), image.Point{})
}

// stroke draws the polyline as one quad per segment plus round-ish joins.
func (p plot) stroke(img *image.RGBA, run []terrain.ProfilePoint, width float64) {
	z := vector.NewRasterizer(img.Rect.Dx(), img.Rect.Dy())
	for i := 1; i < len(run); i++ {
		ax, ay := p.x(run[i-1].Distance), p.y(run[i-1].Elevation)
		bx, by := p.x(run[i].Distance), p.y(run[i].Elevation)
		dx, dy := bx-ax, by-ay
		l := math.Hypot(dx, dy)
		if l == 0 {
			continue
		}
		nx, ny := -dy/l*width/2, dx/l*width/2
		ex, ey := dx/l*width/4, dy/l*width/4 // overlap the joins
		z.MoveTo(float32(ax+nx-ex), float32(ay+ny-ey))
		z.LineTo(float32(bx+nx+ex), float32(by+ny+ey))
		z.LineTo(float32(bx-nx+ex), float32(by-ny+ey))
		z.LineTo(float32(ax-nx-ex), float32(ay-ny-ey))
		z.ClosePath()
	}
	z.Draw(img, img.Rect, image.NewUniform(chartLine), image.Point{})
}

// ticks returns about n round values (1, 2 or 5 times a power of ten)
// covering lo..hi.
func ticks(lo, hi float64, n int) []float64 {
	if !(hi > lo) {
		return []float64{lo}
	}
	raw := (hi - lo) / float64(max(n, 1))
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := mag * 10
	for _, m := range []float64{1, 2, 5, 10} {
		if m*mag >= raw {
			step = m * mag
			break
		}
	}
	var out []float64
	for v := math.Floor(lo/step) * step; v <= hi+step*0.999; v += step {
		out = append(out, math.Round(v/step)*step)
	}
	return out
}

// tickText formats v with as many decimals as the tick step needs.
func tickText(v float64, ts []float64) string {
	dec := 0
	if len(ts) > 1 {
		dec = max(0, int(-math.Floor(math.Log10(ts[1]-ts[0])+1e-9)))
	}
	return strconv.FormatFloat(v, 'f', dec, 64)
}

func hline(img *image.RGBA, x0, x1, y int, c color.RGBA) {
	for x := x0; x <= x1; x++ {
		img.SetRGBA(x, y, c)
	}
}

func vline(img *image.RGBA, x, y0, y1 int, c color.RGBA) {
	for y := y0; y <= y1; y++ {
		img.SetRGBA(x, y, c)
	}
}

type align int

const (
	alignLeft align = iota
	alignCenter
	alignRight
)

// label draws s with its baseline at y, aligned on x.
func label(img *image.RGBA, face font.Face, s string, x, y int, a align) {
	if face == nil {
		return
	}
	d := &font.Drawer{Dst: img, Src: image.NewUniform(chartText), Face: face}
	w := d.MeasureString(s).Round()
	switch a {
	case alignCenter:
		x -= w / 2
	case alignRight:
		x -= w
	}
	d.Dot = fixed.P(x, y)
	d.DrawString(s)
}

var (
	faceOnce sync.Once
	face     font.Face
	chartMu  sync.Mutex // guards face while a chart is drawn
)

// chartFace is Go Regular at 11 px: the chart only labels numbers and
// units. A font.Face is not safe for concurrent use, so charts are drawn
// under chartMu.
func chartFace() font.Face {
	faceOnce.Do(func() {
		f, err := opentype.Parse(goregular.TTF)
		if err == nil {
			face, _ = opentype.NewFace(f, &opentype.FaceOptions{Size: 11, DPI: 72, Hinting: font.HintingFull})
		}
	})
	return face
}
