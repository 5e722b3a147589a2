package render

import (
	"image"
	"image/color"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/paulmach/orb"
)

// Label text sizes in pixels and colours.
const (
	labelSize      = 13
	pointLabelSize = 12
	minLabelArea   = 24 * 12 // polygons smaller than this (px) are not labelled
	cellSize       = 4       // collision grid cell in pixels
	labelGap       = 4       // free pixels kept around each label

	// pointLabelMaxScale is the smallest scale (largest denominator) at
	// which point features are labelled: beyond it, point names crowd out
	// the areas and lines a planner reads at city scale.
	pointLabelMaxScale = 50000
)

var (
	labelText = color.NRGBA{0x26, 0x2b, 0x33, 0xff}
	labelHalo = color.NRGBA{0xff, 0xff, 0xff, 0xd8}
)

// candidate is a label anchored in global grid pixels. Each belongs to the
// one tile containing its anchor, so adjacent tiles never both offer it.
type candidate struct {
	u, v   float64 // anchor on the global grid
	text   string
	kind   Kind
	order  int     // layer index; higher layers label first
	size   float64 // polygon area or line length in pixels, for priority
	room   float64 // polygons: width available at the anchor
	radius float64 // points: symbol radius
	w, h   int     // text box in pixels
	angle  float64 // lines: text direction in radians, clockwise on screen
}

// candidate records the label of slot i if its anchor falls in the canvas.
func (j *drawJob) candidate(geo Geometry, o orb.Point, i int, pw, ph float64) {
	text := strings.TrimSpace(geo.Label(i))
	if text == "" {
		return
	}
	c := candidate{text: text, kind: j.l.Kind, order: j.order, radius: float64(j.st.size) / 2}
	var ok bool
	switch j.l.Kind {
	case Polygon:
		if pw*ph < minLabelArea {
			return
		}
		c.u, c.v, c.room, ok = interior(geo, o, i, j.g)
		c.size = pw * ph
	case Line:
		c.u, c.v, c.size, c.angle, ok = midpoint(geo, o, i, j.g)
	case Point:
		c.u, c.v = j.g.toPixel(o[0]+float64(geo.Ring(i, 0)[0]), o[1]+float64(geo.Ring(i, 0)[1]))
		ok = geo.NumRings(i) > 0
	}
	if !ok || c.u < 0 || c.v < 0 || c.u >= j.w || c.v >= j.h {
		return
	}
	t, err := faceOf(labelSizeOf(c.kind))
	if err != nil {
		return
	}
	c.w, c.h = t.measure(c.text), t.height
	if c.kind == Polygon && (float64(c.w) > c.room || float64(c.h) > ph) {
		return
	}
	if c.kind == Line && c.size < float64(c.w)*1.2 {
		return
	}
	c.u += j.g.ox
	c.v += j.g.oy
	*j.labels = append(*j.labels, c)
}

// interior finds a point well inside a polygon: on three horizontal scan
// lines it takes the widest inside span and returns its middle, in canvas
// pixels, with the span's width.
func interior(geo Geometry, o orb.Point, i int, g grid) (x, y, room float64, ok bool) {
	b := geo.Box(i)
	var xs []float64
	for _, f := range []float64{0.5, 0.35, 0.65} {
		sy := float64(b[1]) + f*float64(b[3]-b[1])
		xs = xs[:0]
		for r, nr := 0, geo.NumRings(i); r < nr; r++ {
			xs = crossings(xs, geo.Ring(i, r), sy)
		}
		sort.Float64s(xs)
		for k := 0; k+1 < len(xs); k += 2 {
			if w := xs[k+1] - xs[k]; w > room {
				room = w
				x, y = (xs[k]+xs[k+1])/2, sy
			}
		}
	}
	if room <= 0 {
		return 0, 0, 0, false
	}
	px, py := g.toPixel(o[0]+x, o[1]+y)
	return px, py, room / g.res, true
}

// crossings appends the x of each edge of ring xy crossing y.
func crossings(xs []float64, xy []float32, y float64) []float64 {
	n := len(xy) / 2
	for k := 0; k < n; k++ {
		x0, y0 := float64(xy[2*k]), float64(xy[2*k+1])
		m := (k + 1) % n
		x1, y1 := float64(xy[2*m]), float64(xy[2*m+1])
		if (y0 <= y) != (y1 <= y) {
			xs = append(xs, x0+(y-y0)/(y1-y0)*(x1-x0))
		}
	}
	return xs
}

// midpoint returns the point halfway along the longest part of a line, in
// canvas pixels, with that part's length in pixels and the direction of
// the line there (screen radians, turned so text reads left to right).
func midpoint(geo Geometry, o orb.Point, i int, g grid) (x, y, length, angle float64, ok bool) {
	var best []float32
	for r, nr := 0, geo.NumRings(i); r < nr; r++ {
		xy := geo.Ring(i, r)
		if l := lineLength(xy); l > length {
			length, best = l, xy
		}
	}
	if best == nil {
		return 0, 0, 0, 0, false
	}
	half := length / 2
	for k := 0; k+3 < len(best); k += 2 {
		x0, y0, x1, y1 := float64(best[k]), float64(best[k+1]), float64(best[k+2]), float64(best[k+3])
		l := math.Hypot(x1-x0, y1-y0)
		if l >= half && l > 0 {
			t := half / l
			px, py := g.toPixel(o[0]+x0+t*(x1-x0), o[1]+y0+t*(y1-y0))
			angle = math.Atan2(-(y1 - y0), x1-x0) // map y up, screen y down
			if angle > math.Pi/2 {
				angle -= math.Pi
			} else if angle <= -math.Pi/2 {
				angle += math.Pi
			}
			return px, py, length / g.res, angle, true
		}
		half -= l
	}
	return 0, 0, 0, 0, false
}

func lineLength(xy []float32) float64 {
	var l float64
	for k := 0; k+3 < len(xy); k += 2 {
		l += math.Hypot(float64(xy[k+2]-xy[k]), float64(xy[k+3]-xy[k+1]))
	}
	return l
}

// labeler places labels on one frame without overlaps. Not safe for
// concurrent use.
type labeler struct {
	placed int
	img    *image.RGBA
	cols   int
	rows   int
	taken  []bool
	fx, fy float64 // global grid position of the frame's pixel (0,0)
}

func newLabeler(img *image.RGBA, fx, fy float64) *labeler {
	cols := (img.Rect.Dx() + cellSize - 1) / cellSize
	rows := (img.Rect.Dy() + cellSize - 1) / cellSize
	return &labeler{img: img, cols: cols, rows: rows, taken: make([]bool, cols*rows), fx: fx, fy: fy}
}

// byPriority orders candidates most important first: higher layers, then
// larger features, then position (so the order is total).
func byPriority(a, b candidate) int {
	switch {
	case a.order != b.order:
		return b.order - a.order
	case a.size != b.size:
		return cmpFloat(b.size, a.size)
	case a.u != b.u:
		return cmpFloat(a.u, b.u)
	}
	return cmpFloat(a.v, b.v)
}

// thinCell is the grid (pixels) within which a tile keeps one candidate:
// two labels anchored this close could never both be placed.
const thinCell = 12

// thin sorts a tile's candidates by priority and keeps the first of each
// thinCell square, so dense point layers cost little per frame.
func thin(cands []candidate) []candidate {
	slices.SortStableFunc(cands, byPriority)
	seen := map[[2]int64]bool{}
	out := cands[:0]
	for _, c := range cands {
		k := [2]int64{int64(math.Floor(c.u / thinCell)), int64(math.Floor(c.v / thinCell))}
		if !seen[k] {
			seen[k] = true
			out = append(out, c)
		}
	}
	return slices.Clip(out)
}

// place draws the candidates that fit, most important first.
func (lb *labeler) place(cands []candidate) error {
	slices.SortStableFunc(cands, byPriority)
	for _, c := range cands {
		if err := lb.one(c); err != nil {
			return err
		}
	}
	return nil
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// labelSizeOf is the text size for labels of a kind of feature.
func labelSizeOf(k Kind) float64 {
	if k == Polygon {
		return labelSize
	}
	return pointLabelSize
}

// one places a single label if it has room.
func (lb *labeler) one(c candidate) error {
	x, y := c.u-lb.fx, c.v-lb.fy
	if x < -float64(c.w)-c.radius || y < -float64(c.h)-c.radius ||
		x > float64(lb.img.Rect.Dx())+c.radius || y > float64(lb.img.Rect.Dy())+c.radius {
		return nil
	}
	if c.kind != Point && lb.takenAt(int(x), int(y)) {
		return nil
	}
	t, err := faceOf(labelSizeOf(c.kind))
	if err != nil {
		return err
	}
	w, h := c.w, c.h
	if c.kind == Line && math.Abs(c.angle) > minRotation {
		return lb.rotated(t, c, x, y)
	}
	for _, at := range offsets(c, w, h) {
		min := image.Pt(int(math.Round(x+at.X)), int(math.Round(y+at.Y)))
		r := image.Rectangle{Min: min, Max: min.Add(image.Pt(w, h))}
		if lb.free(r.Inset(-haloRadius - labelGap)) {
			lb.take(r.Inset(-haloRadius))
			t.draw(lb.img, c.text, r.Min.X, r.Min.Y+t.ascent, labelText, labelHalo)
			lb.placed++
			return nil
		}
	}
	return nil
}

// minRotation is the smallest line angle (radians) worth rotating a label
// for; flatter lines get horizontal labels, which are crisper.
const minRotation = 0.09

// rotated places a line label centred on (x, y), turned to the line.
// Collisions use the rotated box's bounds.
func (lb *labeler) rotated(t *typeface, c candidate, x, y float64) error {
	hw, hh := float64(c.w)/2+haloRadius, float64(c.h)/2+haloRadius
	cos, sin := math.Cos(c.angle), math.Sin(c.angle)
	ex, ey := math.Abs(hw*cos)+math.Abs(hh*sin), math.Abs(hw*sin)+math.Abs(hh*cos)
	r := image.Rect(int(math.Floor(x-ex)), int(math.Floor(y-ey)), int(math.Ceil(x+ex)), int(math.Ceil(y+ey)))
	if !lb.free(r) {
		return nil
	}
	lb.take(r)
	text, halo := t.masks(c.text, c.w, c.h)
	cx, cy := float64(text.Rect.Dx())/2, float64(text.Rect.Dy())/2
	for py := r.Min.Y; py < r.Max.Y; py++ {
		for px := r.Min.X; px < r.Max.X; px++ {
			// Turn the pixel centre back into the label's own frame.
			dx, dy := float64(px)+0.5-x, float64(py)+0.5-y
			u, v := dx*cos+dy*sin+cx, -dx*sin+dy*cos+cy
			if a := sample(halo, u, v); a > 0 {
				blend(lb.img, px, py, labelHalo, a)
			}
			if a := sample(text, u, v); a > 0 {
				blend(lb.img, px, py, labelText, a)
			}
		}
	}
	lb.placed++
	return nil
}

// sample reads an alpha mask at (u, v) with bilinear interpolation.
func sample(m *image.Alpha, u, v float64) uint32 {
	u, v = u-0.5, v-0.5
	x0, y0 := int(math.Floor(u)), int(math.Floor(v))
	fx, fy := u-float64(x0), v-float64(y0)
	at := func(x, y int) float64 {
		if !(image.Point{x, y}.In(m.Rect)) {
			return 0
		}
		return float64(m.Pix[y*m.Stride+x])
	}
	a := at(x0, y0)*(1-fx)*(1-fy) + at(x0+1, y0)*fx*(1-fy) + at(x0, y0+1)*(1-fx)*fy + at(x0+1, y0+1)*fx*fy
	return uint32(a + 0.5)
}

// offsets lists where the label box's top-left may go relative to its
// anchor: centred for areas and lines; right, left, above, below a point.
func offsets(c candidate, w, h int) []struct{ X, Y float64 } {
	fw, fh := float64(w), float64(h)
	if c.kind != Point {
		return []struct{ X, Y float64 }{{-fw / 2, -fh / 2}}
	}
	d := c.radius + 2
	return []struct{ X, Y float64 }{
		{d, -fh / 2}, {-d - fw, -fh / 2}, {-fw / 2, -d - fh}, {-fw / 2, d},
	}
}

// free reports whether r is inside the frame and overlaps no placed label.
func (lb *labeler) free(r image.Rectangle) bool {
	if !r.In(lb.img.Rect) {
		return false
	}
	for cy := r.Min.Y / cellSize; cy <= (r.Max.Y-1)/cellSize; cy++ {
		for cx := r.Min.X / cellSize; cx <= (r.Max.X-1)/cellSize; cx++ {
			if lb.taken[cy*lb.cols+cx] {
				return false
			}
		}
	}
	return true
}

// takenAt reports whether pixel (x, y) lies in a placed label.
func (lb *labeler) takenAt(x, y int) bool {
	if !(image.Point{x, y}.In(lb.img.Rect)) {
		return true
	}
	return lb.taken[(y/cellSize)*lb.cols+x/cellSize]
}

// reserve keeps r (frame pixels, clipped to the frame) free of labels.
func (lb *labeler) reserve(r image.Rectangle) {
	if r = r.Intersect(lb.img.Rect); !r.Empty() {
		lb.take(r)
	}
}

func (lb *labeler) take(r image.Rectangle) {
	for cy := r.Min.Y / cellSize; cy <= (r.Max.Y-1)/cellSize; cy++ {
		for cx := r.Min.X / cellSize; cx <= (r.Max.X-1)/cellSize; cx++ {
			lb.taken[cy*lb.cols+cx] = true
		}
	}
}
