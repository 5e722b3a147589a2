package layout

import (
	"fmt"
	"image/color"
	"math"

	"lantu/layers/render"
)

// surface is what a sheet is drawn on: the PNG's raster or the PDF's page.
// Coordinates are mm from the top-left corner; text sizes are pt, y the
// baseline.
type surface interface {
	fillRect(r Rect, c color.NRGBA)
	strokeRect(r Rect, w float64, c color.NRGBA)
	line(x0, y0, x1, y1, w float64, c color.NRGBA)
	polygon(pts [][2]float64, c color.NRGBA)
	text(x, y, pt float64, s string, c color.NRGBA)
	mapImage(r Rect) error
}

var (
	ink   = color.NRGBA{0x26, 0x2b, 0x33, 0xff}
	grey  = color.NRGBA{0x6b, 0x70, 0x78, 0xff}
	white = color.NRGBA{0xff, 0xff, 0xff, 0xff}
	black = color.NRGBA{0, 0, 0, 0xff}
)

// draw puts the whole sheet on sf.
func (s *Sheet) draw(sf surface) error {
	b := s.boxes
	if err := sf.mapImage(s.Frame); err != nil {
		return err
	}
	sf.strokeRect(s.Frame, 0.25*b.k, ink)
	sf.strokeRect(b.neat, 0.6*b.k, ink)
	s.northArrow(sf)
	s.titleBlock(sf)
	s.legend(sf)
	s.info(sf)
	return nil
}

// column writes lines of text down a box.
type column struct {
	sf surface
	f  *fonts
	r  Rect
	y  float64 // the top of the next line
}

// line writes s wrapped to the box at size pt, and returns the lines.
func (c *column) line(s string, pt float64, col color.NRGBA) {
	for _, l := range c.f.wrap(s, pt, c.r.W) {
		c.y += pt * mmPerPt
		c.sf.text(c.r.X, c.y, pt, l, col)
		c.y += pt * mmPerPt * 0.45
	}
}

func (s *Sheet) titleBlock(sf surface) {
	k := s.boxes.k
	c := &column{sf: sf, f: s.fonts, r: s.boxes.title, y: s.boxes.title.Y}
	title := s.Spec.Title
	if title == "" {
		title = s.Source
	}
	c.line(title, 17*k, ink)
	if s.Spec.Subtitle != "" {
		c.line(s.Spec.Subtitle, 10*k, ink)
	}
	c.y += 1.5 * k
	sf.line(c.r.X, c.y, c.r.Right(), c.y, 0.2*k, grey)
	c.y += 1 * k
	if s.Spec.Author != "" {
		c.line("制图 Author: "+s.Spec.Author, 8*k, ink)
	}
	c.line("日期 Date: "+s.Spec.Date.Format("2006-01-02"), 8*k, ink)
	c.line("蓝图 Blueprint: "+s.Source, 8*k, grey)
}

// northArrow is grid north, top right in the frame, on a white backdrop
// (the frame's up is the projection's grid north).
func (s *Sheet) northArrow(sf surface) {
	k := s.boxes.k
	bw, bh := 12*k, 18*k
	bx := Rect{s.Frame.Right() - 4*k - bw, s.Frame.Y + 4*k, bw, bh}
	sf.fillRect(bx, white)
	sf.strokeRect(bx, 0.2*k, grey)
	cx, top, bot := bx.X+bw/2, bx.Y+7.5*k, bx.Bottom()-2*k
	notch, hw := bot-2.8*k, 3.2*k
	sf.polygon([][2]float64{{cx, top}, {cx - hw, bot}, {cx, notch}}, black)
	sf.polygon([][2]float64{{cx, top}, {cx + hw, bot}, {cx, notch}}, white)
	for _, e := range [][4]float64{{cx, top, cx + hw, bot}, {cx + hw, bot, cx, notch}, {cx, notch, cx, top}} {
		sf.line(e[0], e[1], e[2], e[3], 0.25*k, black)
	}
	pt := 10 * k
	sf.text(cx-s.fonts.width("N", pt)/2, top-1.5*k, pt, "N", black)
}

// legend lists the layers in columns; what does not fit is counted.
func (s *Sheet) legend(sf surface) {
	k, r := s.boxes.k, s.boxes.legend
	head := 9 * k
	sf.text(r.X, r.Y+head*mmPerPt, head, "图例 Legend", ink)
	top := r.Y + head*mmPerPt*1.8
	rowH, minCol := 4.6*k, 30*k
	rows := max(int((r.Bottom()-top)/rowH), 1)
	cols := max(min(int(r.W/minCol), (len(s.Legend)+rows-1)/rows), 1)
	items := s.Legend
	if len(items) > rows*cols {
		items = append(items[:rows*cols-1:rows*cols-1], LegendItem{More: len(items) - (rows*cols - 1)})
	}
	colW := r.W / float64(cols)
	for i, it := range items {
		x, y := r.X+float64(i/rows)*colW, top+float64(i%rows)*rowH
		s.legendRow(sf, it, x, y, colW, rowH)
	}
	if len(s.Legend) == 0 {
		sf.text(r.X, top+rowH*0.7, 7*k, "（图框内无要素 no features in the frame）", grey)
	}
}

// legendRow draws one item with its top-left corner at x, y.
func (s *Sheet) legendRow(sf surface, it LegendItem, x, y, w, h float64) {
	k, pt := s.boxes.k, 7*s.boxes.k
	if it.Class {
		x += 3 * k
		w -= 3 * k
	}
	base := y + h*0.5 + pt*mmPerPt*0.35
	if it.More > 0 {
		text := fmt.Sprintf("… 另有 %d 项 (%d more)", it.More, it.More)
		if it.Class {
			text = fmt.Sprintf("… 另有 %d 类 (%d more classes)", it.More, it.More)
		}
		sf.text(x, base, pt, text, grey)
		return
	}
	sw := Rect{x, y + h*0.5 - 1.7*k, 7 * k, 3.4 * k}
	drawSwatch(sf, it, sw, k)
	tx := sw.Right() + 2*k
	sf.text(tx, base, pt, s.fonts.ellipsis(it.Name, pt, x+w-tx-1*k), ink)
}

func drawSwatch(sf surface, it LegendItem, r Rect, k float64) {
	switch {
	case it.Raster || it.Kind == render.Polygon:
		if it.Fill.A > 0 {
			sf.fillRect(r, it.Fill)
		}
		if it.Stroke.A > 0 {
			sf.strokeRect(r, math.Min(it.Width, 0.6*k), it.Stroke)
		}
	case it.Kind == render.Line:
		sf.line(r.X, r.Y+r.H/2, r.Right(), r.Y+r.H/2, math.Max(it.Width, 0.2), it.Stroke)
	default:
		col := it.Stroke
		if it.Fill.A > 0 {
			col = it.Fill
		}
		sf.polygon(circle(r.X+r.W/2, r.Y+r.H/2, r.H*0.4), col)
	}
}

func circle(cx, cy, rad float64) [][2]float64 {
	var pts [][2]float64
	for i := range 16 {
		a := float64(i) * 2 * math.Pi / 16
		pts = append(pts, [2]float64{cx + rad*math.Cos(a), cy + rad*math.Sin(a)})
	}
	return pts
}

// info is the scale, scale bar, CRS and sheet lines.
func (s *Sheet) info(sf surface) {
	k := s.boxes.k
	c := &column{sf: sf, f: s.fonts, r: s.boxes.info, y: s.boxes.info.Y}
	c.line("比例尺 Scale "+ScaleText(s.Spec.Scale), 10*k, ink)
	c.y += 5 * k
	s.scaleBar(sf, c.r.X, c.y, k)
	c.y += 6 * k
	c.line("坐标系 CRS: "+s.CRS, 7*k, ink)
	c.line("指北针为坐标网格北 Grid north", 7*k, grey)
	orient := "纵向 portrait"
	if s.Spec.Landscape {
		orient = "横向 landscape"
	}
	c.line(fmt.Sprintf("图幅 Sheet: %s %s, %d dpi", s.Paper.Name, orient, s.Spec.DPI), 7*k, grey)
	c.line("Lantu 蓝图 制图 · "+s.Spec.Date.Format("2006-01-02"), 7*k, grey)
}

// scaleBar draws the bar with its top-left at x, y: alternating segments,
// tick values above, the unit after it.
func (s *Sheet) scaleBar(sf surface, x, y, k float64) {
	b := s.Bar
	h, seg := 2*k, b.Length/float64(b.Segments)
	pt := 6.5 * k
	for i := range b.Segments {
		col := black
		if i%2 == 1 {
			col = white
		}
		sf.fillRect(Rect{x + float64(i)*seg, y, seg, h}, col)
	}
	sf.strokeRect(Rect{x, y, b.Length, h}, 0.2*k, black)
	for _, f := range []float64{0, 0.5, 1} {
		if f == 0.5 && b.Segments%2 == 1 {
			f = 0.4
		}
		t := b.Tick(f)
		tx := x + f*b.Length - s.fonts.width(t, pt)/2
		sf.text(tx, y-1*k, pt, t, ink)
		sf.line(x+f*b.Length, y-0.6*k, x+f*b.Length, y, 0.2*k, black)
	}
	sf.text(x+b.Length+1.5*k, y+h, pt, b.Unit, ink)
}
