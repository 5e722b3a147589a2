package render

import (
	"image"
	"image/color"
	"image/draw"
	"math"

	"golang.org/x/image/vector"
)

// maxCoord bounds pixel coordinates handed to the rasteriser, far outside
// any tile, so fixed-point arithmetic cannot overflow.
const maxCoord = 1 << 20

// path is a set of rings or polylines in pixel coordinates of a canvas:
// xy holds x0,y0,x1,y1,...; starts[k] is the point index where part k begins.
type path struct {
	xy     []float32
	starts []int
	offs   []float32 // distance along the source line where part k starts
}

func (p *path) reset() {
	p.xy = p.xy[:0]
	p.starts = p.starts[:0]
	p.offs = p.offs[:0]
}

func (p *path) begin() { p.beginAt(0) }

// beginAt starts a part that begins off pixels along its source line.
func (p *path) beginAt(off float32) {
	p.starts = append(p.starts, len(p.xy)/2)
	p.offs = append(p.offs, off)
}

// offset is where part k starts along its source line.
func (p *path) offset(k int) float32 { return p.offs[k] }

func (p *path) add(x, y float32) {
	x = min(max(x, -maxCoord), maxCoord)
	y = min(max(y, -maxCoord), maxCoord)
	p.xy = append(p.xy, x, y)
}

func (p *path) parts() int { return len(p.starts) }

// part returns the coordinates of part k.
func (p *path) part(k int) []float32 {
	end := len(p.xy) / 2
	if k+1 < len(p.starts) {
		end = p.starts[k+1]
	}
	return p.xy[2*p.starts[k] : 2*end]
}

// bounds is the integer pixel rectangle covering the path, grown by pad.
func (p *path) bounds(pad float32) image.Rectangle {
	if len(p.xy) == 0 {
		return image.Rectangle{}
	}
	x0, y0, x1, y1 := p.xy[0], p.xy[1], p.xy[0], p.xy[1]
	for i := 2; i < len(p.xy); i += 2 {
		x0, x1 = min(x0, p.xy[i]), max(x1, p.xy[i])
		y0, y1 = min(y0, p.xy[i+1]), max(y1, p.xy[i+1])
	}
	return image.Rect(
		int(math.Floor(float64(x0-pad))), int(math.Floor(float64(y0-pad))),
		int(math.Ceil(float64(x1+pad))), int(math.Ceil(float64(y1+pad))))
}

// canvas draws anti-aliased paths into an RGBA image. Not safe for
// concurrent use; each worker owns one.
type canvas struct {
	img     *image.RGBA
	z       vector.Rasterizer
	maskBuf []uint8
	// gx, gy are the global grid pixel coordinates of img's (0,0); hatches
	// use them so patterns line up across tiles.
	gx, gy int64
	stroke path
	dash   path
}

func newCanvas(img *image.RGBA, gx, gy int64) *canvas {
	return &canvas{img: img, gx: gx, gy: gy}
}

// rasterize loads the path's closed rings into the rasteriser, clipped to
// the canvas, and returns the rectangle it covers (empty when off canvas).
func (c *canvas) rasterize(p *path) image.Rectangle {
	r := p.bounds(1).Intersect(c.img.Rect)
	if r.Empty() {
		return r
	}
	c.z.Reset(r.Dx(), r.Dy())
	ox, oy := float32(r.Min.X), float32(r.Min.Y)
	for k := 0; k < p.parts(); k++ {
		xy := p.part(k)
		if len(xy) < 6 {
			continue
		}
		c.z.MoveTo(xy[0]-ox, xy[1]-oy)
		for i := 2; i < len(xy); i += 2 {
			c.z.LineTo(xy[i]-ox, xy[i+1]-oy)
		}
		c.z.ClosePath()
	}
	return r
}

// fill paints the closed rings of p with col.
func (c *canvas) fill(p *path, col color.NRGBA) {
	if col.A == 0 {
		return
	}
	r, m := c.coverage(p)
	if r.Empty() {
		return
	}
	blendMask(c.img, r, m, col)
}

// coverage rasterises p into the canvas's mask buffer and returns the
// rectangle it covers with the mask (stride = width).
func (c *canvas) coverage(p *path) (image.Rectangle, *image.Alpha) {
	r := c.rasterize(p)
	if r.Empty() {
		return r, nil
	}
	n := r.Dx() * r.Dy()
	if cap(c.maskBuf) < n {
		c.maskBuf = make([]uint8, n)
	}
	// The rasteriser writes a mask whose bounds equal its own contiguously,
	// so the mask's stride must be its width; draw.Src needs no clearing.
	m := &image.Alpha{Pix: c.maskBuf[:n], Stride: r.Dx(), Rect: image.Rect(0, 0, r.Dx(), r.Dy())}
	c.z.DrawOp = draw.Src
	c.z.Draw(m, m.Rect, image.Opaque, image.Point{})
	return r, m
}

// blendMask paints col over img through mask m placed at r.
func blendMask(img *image.RGBA, r image.Rectangle, m *image.Alpha, col color.NRGBA) {
	sa := uint32(col.A)
	sr, sg, sb := uint32(col.R)*sa, uint32(col.G)*sa, uint32(col.B)*sa // premultiplied x255
	for y := 0; y < r.Dy(); y++ {
		row := m.Pix[y*m.Stride : y*m.Stride+r.Dx()]
		pix := img.Pix[img.PixOffset(r.Min.X, r.Min.Y+y):]
		for x, mv := range row {
			if mv == 0 {
				continue
			}
			p := pix[4*x : 4*x+4 : 4*x+4]
			if mv == 255 && sa == 255 {
				p[0], p[1], p[2], p[3] = col.R, col.G, col.B, 255
				continue
			}
			mm := uint32(mv)
			a := div255(sa * mm) // effective source alpha
			inv := 255 - a
			p[0] = uint8(div255(div255(sr*mm) + uint32(p[0])*inv))
			p[1] = uint8(div255(div255(sg*mm) + uint32(p[1])*inv))
			p[2] = uint8(div255(div255(sb*mm) + uint32(p[2])*inv))
			p[3] = uint8(div255(a*255 + uint32(p[3])*inv))
		}
	}
}

// div255 is x/255 rounded, for x < 65536*255.
func div255(x uint32) uint32 { return (x + 128 + (x+128)>>8) >> 8 }

// hatch paints the closed rings of p with a pattern of lines gap pixels
// apart, aligned to the global pixel grid.
func (c *canvas) hatch(p *path, kind string, gap int, col color.NRGBA) {
	pat := hatchPattern(kind, gap)
	if pat == nil || col.A == 0 {
		return
	}
	r, m := c.coverage(p)
	if r.Empty() {
		return
	}
	for y := 0; y < r.Dy(); y++ {
		gy := c.gy + int64(r.Min.Y+y)
		for x := 0; x < r.Dx(); x++ {
			a := m.Pix[y*m.Stride+x]
			if a == 0 {
				continue
			}
			pa := pat(c.gx+int64(r.Min.X+x), gy)
			if pa == 0 {
				continue
			}
			blend(c.img, r.Min.X+x, r.Min.Y+y, col, uint32(a)*uint32(pa)/255)
		}
	}
}

// blend paints col over pixel (x, y) with extra coverage cov (0..255).
func blend(img *image.RGBA, x, y int, col color.NRGBA, cov uint32) {
	if !(image.Point{x, y}.In(img.Rect)) {
		return
	}
	a := uint32(col.A) * cov / 255
	if a == 0 {
		return
	}
	i := img.PixOffset(x, y)
	p := img.Pix[i : i+4 : i+4]
	inv := 255 - a
	p[0] = uint8((uint32(col.R)*a + uint32(p[0])*inv) / 255)
	p[1] = uint8((uint32(col.G)*a + uint32(p[1])*inv) / 255)
	p[2] = uint8((uint32(col.B)*a + uint32(p[2])*inv) / 255)
	p[3] = uint8((255*a + uint32(p[3])*inv) / 255)
}

// dot paints a sub-pixel feature as one pixel whose strength follows its
// size, so a dense area of tiny features keeps its tone.
func (c *canvas) dot(x, y float64, col color.NRGBA, cov float64) {
	cov = min(max(cov, 0.3), 1)
	blend(c.img, int(math.Floor(x)), int(math.Floor(y)), col, uint32(cov*255))
}

// box paints the pixel rectangle [x0,x1) x [y0,y1) with anti-aliased
// edges, its strength scaled by share.
func (c *canvas) box(x0, y0, x1, y1 float64, col color.NRGBA, share float64) {
	ix0, iy0 := int(math.Floor(x0)), int(math.Floor(y0))
	ix1, iy1 := int(math.Ceil(x1)), int(math.Ceil(y1))
	for y := max(iy0, c.img.Rect.Min.Y); y < min(iy1, c.img.Rect.Max.Y); y++ {
		cy := math.Min(y1, float64(y+1)) - math.Max(y0, float64(y))
		for x := max(ix0, c.img.Rect.Min.X); x < min(ix1, c.img.Rect.Max.X); x++ {
			cx := math.Min(x1, float64(x+1)) - math.Max(x0, float64(x))
			if cov := cx * cy * share; cov > 0 {
				blend(c.img, x, y, col, uint32(min(cov, 1)*255+0.5))
			}
		}
	}
}

// hatchPattern returns the coverage (0..255) of a hatch at a global pixel.
// Lines are about 1 px wide every gap px (at least 4; diagonals
// anti-aliased); dots are 2x2 every 3/4 gap px.
func hatchPattern(kind string, gap int) func(x, y int64) uint8 {
	n := int64(max(gap, 4))
	dn := max(n*3/4, 4)
	mod := func(a int64, m int64) int64 { return ((a % m) + m) % m }
	diag := func(s int64) uint8 { // s = x±y at the pixel, line where s = 0 mod n
		d := min(mod(s, n), n-mod(s, n))
		if d >= int64(len(diagAA)) {
			return 0
		}
		return diagAA[d]
	}
	switch kind {
	case "diagonal":
		return func(x, y int64) uint8 { return diag(x + y) }
	case "cross":
		return func(x, y int64) uint8 { return max(diag(x+y), diag(x-y)) }
	case "horizontal":
		return func(_, y int64) uint8 { return on(mod(y, n) == 0) }
	case "vertical":
		return func(x, _ int64) uint8 { return on(mod(x, n) == 0) }
	case "dots":
		return func(x, y int64) uint8 { return on(mod(x, dn) < 2 && mod(y, dn) < 2) }
	}
	return nil
}

// diagAA is the coverage of a 1 px diagonal line at a pixel whose x+y is
// d steps from the line: 1 - distance, the distance being d/sqrt(2).
var diagAA = [5]uint8{255, 75, 0, 0, 0}

func on(b bool) uint8 {
	if b {
		return 255
	}
	return 0
}

// fillRect paints the whole image with col (no blending).
func fillRect(img *image.RGBA, col color.NRGBA) {
	draw.Draw(img, img.Rect, image.NewUniform(col), image.Point{}, draw.Src)
}
