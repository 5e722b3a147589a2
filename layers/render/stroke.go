package render

import (
	"image/color"
	"math"
)

// lineStyle is a resolved stroke: width in pixels, dash pattern, cap and
// join ("butt" | "round" | "square"; "round" | "miter" | "bevel").
type lineStyle struct {
	width     float32
	dash      []float32
	cap, join string
}

// strokePath strokes every part of p (closed rings when closed) with col.
// Strokes are built as polygons that all wind the same way, so overlaps
// merge instead of cancelling in the rasteriser.
func (c *canvas) strokePath(p *path, closed bool, ls lineStyle, col color.NRGBA) {
	if col.A == 0 || ls.width <= 0 {
		return
	}
	if ls.width <= hairline {
		c.hairlines(p, closed, ls, col)
		return
	}
	c.stroke.reset()
	for k := 0; k < p.parts(); k++ {
		xy := p.part(k)
		if len(xy) < 4 {
			continue
		}
		if len(ls.dash) >= 2 {
			c.dash.reset()
			dashLine(&c.dash, xy, closed, ls.dash, p.offset(k))
			for d := 0; d < c.dash.parts(); d++ {
				strokeLine(&c.stroke, c.dash.part(d), false, ls)
			}
			continue
		}
		strokeLine(&c.stroke, xy, closed, ls)
	}
	c.fill(&c.stroke, col)
}

// hairline is the widest stroke drawn as a one-pixel anti-aliased line
// (at reduced strength when thinner): crisp, and it costs only the pixels
// it touches.
const hairline = 1.25

// hairlines draws every part of p as one-pixel lines.
func (c *canvas) hairlines(p *path, closed bool, ls lineStyle, col color.NRGBA) {
	col.A = uint8(float32(col.A) * min(ls.width, 1))
	for k := 0; k < p.parts(); k++ {
		xy := p.part(k)
		if len(xy) < 4 {
			continue
		}
		if len(ls.dash) >= 2 {
			c.dash.reset()
			dashLine(&c.dash, xy, closed, ls.dash, p.offset(k))
			for d := 0; d < c.dash.parts(); d++ {
				c.polyline(c.dash.part(d), false, col)
			}
			continue
		}
		c.polyline(xy, closed, col)
	}
}

// polyline draws the segments of xy as hairlines.
func (c *canvas) polyline(xy []float32, closed bool, col color.NRGBA) {
	n := len(xy) / 2
	for i := 0; i+1 < n; i++ {
		c.wuLine(xy[2*i], xy[2*i+1], xy[2*i+2], xy[2*i+3], col)
	}
	if closed && n > 2 {
		c.wuLine(xy[2*n-2], xy[2*n-1], xy[0], xy[1], col)
	}
}

// wuLine draws an anti-aliased one-pixel line (Xiaolin Wu): along the
// major axis, each pixel centre's line position is shared between the two
// nearest pixels of the minor axis.
func (c *canvas) wuLine(x0, y0, x1, y1 float32, col color.NRGBA) {
	steep := abs32(y1-y0) > abs32(x1-x0)
	if steep {
		x0, y0, x1, y1 = y0, x0, y1, x1
	}
	if x0 > x1 {
		x0, y0, x1, y1 = x1, y1, x0, y0
	}
	lo, hi := c.img.Rect.Min.X, c.img.Rect.Max.X
	if steep {
		lo, hi = c.img.Rect.Min.Y, c.img.Rect.Max.Y
	}
	dx := x1 - x0
	grad := float32(0)
	if dx > 0 {
		grad = (y1 - y0) / dx
	}
	start := max(int(math.Floor(float64(x0))), lo)
	end := min(int(math.Ceil(float64(x1))), hi)
	for x := start; x < end; x++ {
		// Coverage along the major axis: the part of [x, x+1) the
		// segment spans, so consecutive segments do not double up.
		span := min(x1, float32(x+1)) - max(x0, float32(x))
		if span <= 0 {
			continue
		}
		yc := y0 + grad*(float32(x)+0.5-x0) - 0.5
		iy := int(math.Floor(float64(yc)))
		f := yc - float32(iy)
		a, b := uint32((1-f)*span*255+0.5), uint32(f*span*255+0.5)
		if steep {
			blend(c.img, iy, x, col, a)
			blend(c.img, iy+1, x, col, b)
		} else {
			blend(c.img, x, iy, col, a)
			blend(c.img, x, iy+1, col, b)
		}
	}
}

// strokeLine appends the outline polygons of one polyline to out.
func strokeLine(out *path, xy []float32, closed bool, ls lineStyle) {
	hw := ls.width / 2
	n := len(xy) / 2
	if closed && n > 2 && (xy[0] != xy[2*n-2] || xy[1] != xy[2*n-1]) {
		xy = append(xy[:2*n:2*n], xy[0], xy[1])
		n++
	}
	for i := 0; i+1 < n; i++ {
		x0, y0, x1, y1 := xy[2*i], xy[2*i+1], xy[2*i+2], xy[2*i+3]
		if ls.cap == "square" && !closed {
			x0, y0, x1, y1 = extendEnds(x0, y0, x1, y1, hw, i == 0, i+2 == n)
		}
		segment(out, x0, y0, x1, y1, hw)
	}
	if hw >= 0.75 {
		for i := 1; i+1 < n; i++ {
			join(out, xy[2*i-2:2*i+4], hw, ls.join)
		}
		if closed && n > 3 {
			join(out, []float32{xy[2*n-4], xy[2*n-3], xy[0], xy[1], xy[2], xy[3]}, hw, ls.join)
		}
	}
	if ls.cap == "round" && !closed && hw >= 0.75 {
		disc(out, xy[0], xy[1], hw)
		disc(out, xy[2*n-2], xy[2*n-1], hw)
	}
}

func extendEnds(x0, y0, x1, y1, hw float32, first, last bool) (float32, float32, float32, float32) {
	dx, dy := x1-x0, y1-y0
	l := float32(math.Hypot(float64(dx), float64(dy)))
	if l == 0 {
		return x0, y0, x1, y1
	}
	ux, uy := dx/l*hw, dy/l*hw
	if first {
		x0, y0 = x0-ux, y0-uy
	}
	if last {
		x1, y1 = x1+ux, y1+uy
	}
	return x0, y0, x1, y1
}

// normal returns the half-width normal of segment a->b, ok false when the
// segment has no length.
func normal(x0, y0, x1, y1, hw float32) (nx, ny float32, ok bool) {
	dx, dy := x1-x0, y1-y0
	l := float32(math.Hypot(float64(dx), float64(dy)))
	if l < 1e-6 {
		return 0, 0, false
	}
	return -dy / l * hw, dx / l * hw, true
}

// segment appends the quad of one segment; all quads wind the same way.
func segment(out *path, x0, y0, x1, y1, hw float32) {
	nx, ny, ok := normal(x0, y0, x1, y1, hw)
	if !ok {
		return
	}
	out.begin()
	out.add(x0+nx, y0+ny)
	out.add(x1+nx, y1+ny)
	out.add(x1-nx, y1-ny)
	out.add(x0-nx, y0-ny)
}

// join fills the gap on the outer side of vertex v = xy[2:4].
func join(out *path, xy []float32, hw float32, kind string) {
	ax, ay, vx, vy, bx, by := xy[0], xy[1], xy[2], xy[3], xy[4], xy[5]
	if kind == "round" || kind == "" {
		disc(out, vx, vy, hw)
		return
	}
	n1x, n1y, ok1 := normal(ax, ay, vx, vy, hw)
	n2x, n2y, ok2 := normal(vx, vy, bx, by, hw)
	if !ok1 || !ok2 {
		return
	}
	if n1x*(bx-vx)+n1y*(by-vy) > 0 { // the +n side is the inner side
		n1x, n1y, n2x, n2y = -n1x, -n1y, -n2x, -n2y
	}
	pts := []float32{vx, vy, vx + n1x, vy + n1y}
	if kind == "miter" {
		mx, my := n1x+n2x, n1y+n2y
		ml := float32(math.Hypot(float64(mx), float64(my)))
		if ml > 1e-6 {
			cos := ml / (2 * hw) // cos of half the turn angle
			if cos > 0.25 {      // miter limit 4
				s := hw / cos / ml
				pts = append(pts, vx+mx*s, vy+my*s)
			}
		}
	}
	pts = append(pts, vx+n2x, vy+n2y)
	polygon(out, pts)
}

// polygon appends a closed polygon wound like segment quads (negative
// shoelace area in pixel coordinates).
func polygon(out *path, pts []float32) {
	var a float32
	n := len(pts) / 2
	for i := 0; i < n; i++ {
		j := (i + 1) % n
		a += pts[2*i]*pts[2*j+1] - pts[2*j]*pts[2*i+1]
	}
	out.begin()
	if a <= 0 {
		for i := 0; i < n; i++ {
			out.add(pts[2*i], pts[2*i+1])
		}
		return
	}
	for i := n - 1; i >= 0; i-- {
		out.add(pts[2*i], pts[2*i+1])
	}
}

// disc appends a circle of radius r wound like segment quads.
func disc(out *path, x, y, r float32) {
	n := max(8, min(48, int(r*4)))
	out.begin()
	for i := 0; i < n; i++ {
		t := -2 * math.Pi * float64(i) / float64(n)
		out.add(x+r*float32(math.Cos(t)), y+r*float32(math.Sin(t)))
	}
}

// dashLine splits a polyline into dash pieces. The pattern starts at the
// source line's first vertex, off pixels before xy begins, which every tile
// sees the same way.
func dashLine(out *path, xy []float32, closed bool, dash []float32, off float32) {
	n := len(xy) / 2
	if closed {
		xy = append(xy[:2*n:2*n], xy[0], xy[1])
		n++
	}
	var total float32
	for _, d := range dash {
		total += max(d, 0)
	}
	if total <= 0 {
		out.begin()
		for i := 0; i < n; i++ {
			out.add(xy[2*i], xy[2*i+1])
		}
		return
	}
	k, left, drawing := 0, dash[0], true
	for off = float32(math.Mod(float64(off), float64(total))); off > 0; {
		if off < left {
			left -= off
			break
		}
		off -= left
		drawing = !drawing
		k = (k + 1) % len(dash)
		left = max(dash[k], 0.5)
	}
	if drawing {
		out.begin()
		out.add(xy[0], xy[1])
	}
	for i := 0; i+1 < n; i++ {
		x0, y0, x1, y1 := xy[2*i], xy[2*i+1], xy[2*i+2], xy[2*i+3]
		l := float32(math.Hypot(float64(x1-x0), float64(y1-y0)))
		pos := float32(0)
		for l-pos > left {
			pos += left
			t := pos / l
			x, y := x0+(x1-x0)*t, y0+(y1-y0)*t
			if drawing {
				out.add(x, y)
			} else {
				out.begin()
				out.add(x, y)
			}
			drawing = !drawing
			k = (k + 1) % len(dash)
			left = max(dash[k], 0.5)
		}
		left -= l - pos
		if drawing {
			out.add(x1, y1)
		}
	}
}
