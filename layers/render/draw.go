package render

import (
	"context"
	"image/color"
	"math"

	"github.com/paulmach/orb"
)

// grid places a canvas on the global pixel grid of one resolution: map x
// maps to pixel X/res - ox and map y to -Y/res - oy.
type grid struct {
	res, ox, oy float64
}

func (g grid) toPixel(x, y float64) (float64, float64) { return x/g.res - g.ox, -y/g.res - g.oy }

// mapBound is the map rectangle of pixel rectangle [x0,x1) x [y0,y1).
func (g grid) mapBound(x0, y0, x1, y1 float64) orb.Bound {
	return orb.Bound{
		Min: orb.Point{(x0 + g.ox) * g.res, -(y1 + g.oy) * g.res},
		Max: orb.Point{(x1 + g.ox) * g.res, -(y0 + g.oy) * g.res},
	}
}

// smallPolygon is the pixel size under which a polygon is drawn as its box,
// shaded by the share of the box it fills: at that size the shape does not
// show, and a box costs a fraction of a rasterised path.
const smallPolygon = 3

// fillShare is the share of a feature's box area (in map units squared)
// its rings cover.
func fillShare(geo Geometry, i int, boxArea float64) float64 {
	if boxArea <= 0 {
		return 1
	}
	var a float64
	for r, nr := 0, geo.NumRings(i); r < nr; r++ {
		xy := geo.Ring(i, r)
		n := len(xy) / 2
		for k := 0; k < n; k++ {
			m := (k + 1) % n
			a += float64(xy[2*k])*float64(xy[2*m+1]) - float64(xy[2*m])*float64(xy[2*k+1])
		}
	}
	return min(max(a/2/boxArea, 0), 1)
}

// minOutlined is the pixel size under which filled polygons lose their
// outlines: at small scales the outlines of a fine tessellation would
// otherwise darken the whole map.
const minOutlined = 4

// layerStyle is a Style resolved for one request (opacity and scale
// applied).
type layerStyle struct {
	fill, stroke, hatch color.NRGBA
	tint                color.NRGBA // a faded hatch's flat tone, see HatchTone
	hatchKind           string
	hatchGap            int     // hatch line spacing in pixels
	outlineMin          float64 // filled polygons smaller (px) lose their outline
	line                lineStyle
	classColor          func(string) (color.NRGBA, bool)
	classOnly           bool
	classWidth          func(string) float64 // see Style.ClassWidth
	widthK              float64              // widthFactor at the request's scale
	fillAlpha, opacity  float64
	symbol              string
	size                float32
}

// resolveStyle resolves s at a layer opacity and scale denominator (0:
// as the style gives it): widths thin and hatches open up and fade at
// small scales (see widthFactor, hatchAt).
func resolveStyle(s Style, opacity, scale float64) layerStyle {
	fo := s.Opacity
	if fo <= 0 {
		fo = 1
	}
	gap, hs := hatchAt(scale)
	ls := layerStyle{
		fill: fade(s.Fill, fo*opacity), stroke: fade(s.Stroke, opacity),
		hatchKind: s.Hatch, hatchGap: gap,
		classColor: s.ClassColor, classOnly: s.ClassOnly && s.ClassColor != nil, fillAlpha: fo * opacity, opacity: opacity,
		symbol: s.Symbol, size: float32(s.Size), classWidth: s.ClassWidth, widthK: widthFactor(scale),
		line:       lineStyle{width: float32(s.Width * widthFactor(scale)), cap: s.Cap, join: s.Join},
		outlineMin: outlineMinAt(scale),
	}
	hc := s.HatchColor
	if hc.A == 0 {
		hc = s.Stroke
	}
	if s.Hatch != "" && hc.A > 0 {
		ls.hatch = fade(hc, fo*opacity*hs)
		ls.tint = fade(hc, fo*opacity*(1-hs)*HatchTone(s.Hatch))
	}
	if ls.hatch.A == 0 {
		ls.hatchKind = ""
	}
	for _, d := range s.Dash {
		ls.line.dash = append(ls.line.dash, float32(d))
	}
	if ls.size <= 0 {
		ls.size = 7
	}
	return ls
}

// over is b composited over a (non-premultiplied, either may be clear).
func over(a, b color.NRGBA) color.NRGBA {
	if b.A == 0 {
		return a
	}
	if a.A == 0 {
		return b
	}
	fa, fb := float64(a.A)/255, float64(b.A)/255
	fo := fb + fa*(1-fb)
	mix := func(x, y uint8) uint8 {
		return uint8(math.Round((float64(y)*fb + float64(x)*fa*(1-fb)) / fo))
	}
	return color.NRGBA{mix(a.R, b.R), mix(a.G, b.G), mix(a.B, b.B), uint8(math.Round(fo * 255))}
}

// fade multiplies a colour's alpha by f.
func fade(c color.NRGBA, f float64) color.NRGBA {
	c.A = uint8(math.Round(float64(c.A) * min(max(f, 0), 1)))
	return c
}

// margin is how far, in pixels, a feature's drawing reaches past its box.
func (s *layerStyle) margin() float64 {
	m := float64(s.line.width)/2 + 1
	if s.size > 0 {
		m = max(m, float64(s.size)/2+float64(s.line.width)+1)
	}
	return m
}

// drawJob draws one layer into a canvas at a grid position.
type drawJob struct {
	c      *canvas
	g      grid // canvas pixel (0,0) is at grid.ox, grid.oy
	w, h   float64
	l      *Layer
	st     layerStyle
	labels *[]candidate
	keep   func(fid int64) bool // nil = all features
	order  int                  // layer index in draw order
	p      path
	area   path                  // p clipped as rings, for big features
	lines  path                  // p clipped as lines, for big features
	paint  map[string]classPaint // class -> fill, stroke, drawn (see colors)
}

// run draws the layer, checking ctx every batch of features.
func (j *drawJob) run(ctx context.Context) error {
	var err error
	m := j.st.margin()
	box := j.g.mapBound(-m, -m, j.w+m, j.h+m)
	j.l.Data.Read(func(geo Geometry) {
		o := geo.Origin()
		n := 0
		geo.Search(box, func(i int) bool {
			if n++; n&255 == 0 && ctx.Err() != nil {
				err = ctx.Err()
				return false
			}
			if j.keep == nil || j.keep(geo.FID(i)) {
				j.feature(geo, o, i)
			}
			return true
		})
	})
	return err
}

// feature draws slot i of geo.
func (j *drawJob) feature(geo Geometry, o orb.Point, i int) {
	b := geo.Box(i)
	x0, y1 := j.g.toPixel(o[0]+float64(b[0]), o[1]+float64(b[1]))
	x1, y0 := j.g.toPixel(o[0]+float64(b[2]), o[1]+float64(b[3]))
	pw, ph := x1-x0, y1-y0
	cls := geo.Class(i)
	fill, stroke, ok := j.colors(cls)
	if !ok {
		return
	}
	if j.l.Kind == Line && pw < 1 && ph < 1 {
		col := fill
		if col.A == 0 || j.l.Kind == Line {
			col = stroke
		}
		j.c.dot((x0+x1)/2, (y0+y1)/2, col, max(pw, ph))
		return
	}
	if j.l.Kind == Polygon && pw < smallPolygon && ph < smallPolygon && j.st.hatchKind == "" &&
		(fill.A > 0 || stroke.A > 0 || j.st.tint.A > 0) {
		col := over(fill, j.st.tint)
		if col.A == 0 {
			col = stroke
		}
		j.c.box(x0, y0, x1, y1, col, fillShare(geo, i, pw*ph*j.g.res*j.g.res))
		return
	}
	j.load(geo, o, i)
	area, outline, closed := &j.p, &j.p, j.l.Kind == Polygon
	if j.l.Kind != Point && (x0 < -clipPad || y0 < -clipPad || x1 > j.w+clipPad || y1 > j.h+clipPad) {
		m := float32(j.st.margin() + 2)
		r := rect{-m, -m, float32(j.w) + m, float32(j.h) + m}
		if j.l.Kind == Polygon {
			clipRings(&j.area, &j.p, r)
			area = &j.area
		}
		clipLines(&j.lines, &j.p, closed, r)
		outline, closed = &j.lines, false
	}
	switch j.l.Kind {
	case Polygon:
		j.c.fill(area, fill)
		j.c.fill(area, j.st.tint)
		if j.st.hatchKind != "" {
			j.c.hatch(area, j.st.hatchKind, j.st.hatchGap, j.st.hatch)
		}
		if fill.A == 0 && j.st.tint.A == 0 || max(pw, ph) >= j.st.outlineMin {
			j.c.strokePath(outline, closed, j.line(cls), stroke)
		}
	case Line:
		j.c.strokePath(outline, false, j.line(cls), stroke)
	case Point:
		j.symbols(fill, stroke)
	}
	if j.labels != nil {
		j.candidate(geo, o, i, pw, ph)
	}
}

// colors returns the fill and stroke of a feature of class cls; ok is
// false when the feature is not drawn (a ClassOnly style without its
// class). A class colour (a standard's) fills a polygon muted, outlined in
// a darker shade of its hue, as printed planning maps do (see Muted,
// ClassOutline); lines and points take it as it is, and so do a ClassOnly
// style's polygons (the colours its author chose, see layerstyle).
func (j *drawJob) colors(cls string) (fill, stroke color.NRGBA, ok bool) {
	if j.st.classColor == nil || cls == "" && !j.st.classOnly {
		return j.st.fill, j.st.stroke, true
	}
	if p, ok := j.paint[cls]; ok {
		return p.fill, p.stroke, p.ok
	}
	fill, stroke, ok = j.classColors(cls)
	if j.paint == nil {
		j.paint = map[string]classPaint{}
	}
	j.paint[cls] = classPaint{fill, stroke, ok}
	return fill, stroke, ok
}

// classPaint is a memoised result of classColors.
type classPaint struct {
	fill, stroke color.NRGBA
	ok           bool
}

// classColors is colors without the job's memo.
func (j *drawJob) classColors(cls string) (fill, stroke color.NRGBA, ok bool) {
	fill, stroke = j.st.fill, j.st.stroke
	c, found := j.st.classColor(cls)
	if !found {
		return fill, stroke, !j.st.classOnly
	}
	switch {
	case j.l.Kind == Line || j.st.classOnly && fill.A == 0: // lines, and a style's hollow polygons and points
		return fill, fade(c, j.st.opacity), true
	case j.l.Kind == Point || j.st.classOnly:
		return fade(c, j.st.fillAlpha), stroke, true
	}
	if stroke.A > 0 {
		stroke = fade(ClassOutline(c), float64(stroke.A)/255)
	}
	return fade(Muted(c), j.st.fillAlpha), stroke, true
}

// line is the line style of a feature of class cls.
func (j *drawJob) line(cls string) lineStyle {
	ls := j.st.line
	if j.st.classWidth != nil {
		ls.width = float32(j.st.classWidth(cls) * j.st.widthK)
	}
	return ls
}

// load converts slot i to canvas pixels, dropping vertices closer than half
// a pixel to the last one kept.
func (j *drawJob) load(geo Geometry, o orb.Point, i int) {
	j.p.reset()
	inv := 1 / j.g.res
	bx, by := o[0]*inv-j.g.ox, -o[1]*inv-j.g.oy
	for r, nr := 0, geo.NumRings(i); r < nr; r++ {
		xy := geo.Ring(i, r)
		if len(xy) < 2 {
			continue
		}
		j.p.begin()
		lx, ly := float32(float64(xy[0])*inv+bx), float32(-float64(xy[1])*inv+by)
		j.p.add(lx, ly)
		last := len(xy) - 2
		for k := 2; k < len(xy); k += 2 {
			x, y := float32(float64(xy[k])*inv+bx), float32(-float64(xy[k+1])*inv+by)
			if k != last && abs32(x-lx) < 0.5 && abs32(y-ly) < 0.5 {
				continue
			}
			j.p.add(x, y)
			lx, ly = x, y
		}
	}
}

func abs32(v float32) float32 {
	if v < 0 {
		return -v
	}
	return v
}

// symbols draws a point symbol at every point of the loaded path.
func (j *drawJob) symbols(fill, stroke color.NRGBA) {
	if fill.A == 0 {
		fill, stroke = stroke, color.NRGBA{255, 255, 255, stroke.A}
	}
	var sym path
	for k := 0; k < j.p.parts(); k++ {
		xy := j.p.part(k)
		symbol(&sym, j.st.symbol, xy[0], xy[1], j.st.size/2)
		j.c.fill(&sym, fill)
		if j.st.symbol != "cross" { // a cross's arms would show their seams
			j.c.strokePath(&sym, true, lineStyle{width: max(1, j.st.line.width*0.75), join: "miter"}, stroke)
		}
	}
}

// symbol sets sym to a marker of radius r centred on x, y.
func symbol(sym *path, kind string, x, y, r float32) {
	sym.reset()
	switch kind {
	case "square":
		polygon(sym, []float32{x - r, y - r, x + r, y - r, x + r, y + r, x - r, y + r})
	case "triangle":
		polygon(sym, []float32{x, y - r, x + r*0.87, y + r*0.5, x - r*0.87, y + r*0.5})
	case "star":
		pts := make([]float32, 0, 20)
		for k := 0; k < 10; k++ {
			rr := r
			if k%2 == 1 {
				rr = r * 0.45
			}
			t := -math.Pi/2 + float64(k)*math.Pi/5
			pts = append(pts, x+rr*float32(math.Cos(t)), y+rr*float32(math.Sin(t)))
		}
		polygon(sym, pts)
	case "cross":
		w := max(r/3, 0.75)
		polygon(sym, []float32{x - r, y - w, x + r, y - w, x + r, y + w, x - r, y + w})
		polygon(sym, []float32{x - w, y - r, x + w, y - r, x + w, y + r, x - w, y + r})
	default:
		disc(sym, x, y, r)
	}
}
