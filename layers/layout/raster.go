package layout

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"io"
	"math"

	"golang.org/x/image/font"
	"golang.org/x/image/math/fixed"
	"golang.org/x/image/vector"
)

// Raster draws the sheet as an image at its DPI, white paper.
func (s *Sheet) Raster() (*image.RGBA, error) {
	w, h := pagePx(s.W, s.H, s.Spec.DPI)
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(img, img.Rect, image.NewUniform(white), image.Point{}, draw.Src)
	rs := &rasterSurface{img: img, s: s, px: float64(s.Spec.DPI) / 25.4, faces: map[string]font.Face{}}
	if err := s.draw(rs); err != nil {
		return nil, err
	}
	return img, nil
}

// WritePNG writes the sheet as a PNG of the paper's size at the DPI.
func (s *Sheet) WritePNG(w io.Writer) error {
	img, err := s.Raster()
	if err != nil {
		return err
	}
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(w, img); err != nil {
		return fmt.Errorf("layout: PNG: %w", err)
	}
	return nil
}

// rasterSurface draws on an RGBA image, px pixels per mm. Not safe for
// concurrent use.
type rasterSurface struct {
	img   *image.RGBA
	s     *Sheet
	px    float64
	faces map[string]font.Face // by typeface and pixel size
}

func (r *rasterSurface) mapImage(f Rect) error {
	dst := r.s.boxes.framePx
	draw.Draw(r.img, dst, r.s.Map, r.s.Map.Rect.Min, draw.Src)
	return nil
}

func (r *rasterSurface) fillRect(q Rect, c color.NRGBA) {
	r.polygon([][2]float64{{q.X, q.Y}, {q.Right(), q.Y}, {q.Right(), q.Bottom()}, {q.X, q.Bottom()}}, c)
}

// strokeRect draws the outline centred on the rectangle's edges, as four
// bars (one ring with a hole would rasterise the whole inside).
func (r *rasterSurface) strokeRect(q Rect, w float64, c color.NRGBA) {
	o := q.Inset(-w / 2)
	r.fillRect(Rect{o.X, o.Y, o.W, w}, c)
	r.fillRect(Rect{o.X, o.Bottom() - w, o.W, w}, c)
	r.fillRect(Rect{o.X, o.Y + w, w, o.H - 2*w}, c)
	r.fillRect(Rect{o.Right() - w, o.Y + w, w, o.H - 2*w}, c)
}

// line draws a segment w mm wide with butt ends.
func (r *rasterSurface) line(x0, y0, x1, y1, w float64, c color.NRGBA) {
	dx, dy := x1-x0, y1-y0
	n := math.Hypot(dx, dy)
	if n == 0 {
		return
	}
	nx, ny := -dy/n*w/2, dx/n*w/2
	r.polygon([][2]float64{{x0 + nx, y0 + ny}, {x1 + nx, y1 + ny}, {x1 - nx, y1 - ny}, {x0 - nx, y0 - ny}}, c)
}

func (r *rasterSurface) polygon(pts [][2]float64, c color.NRGBA) { r.paint(c, pts) }

// paint fills closed rings given in mm with c, antialiased, by the
// non-zero rule. The rasterizer covers only the rings' box.
func (r *rasterSurface) paint(c color.NRGBA, rings ...[][2]float64) {
	minX, minY, maxX, maxY := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, ring := range rings {
		for _, p := range ring {
			minX, minY = math.Min(minX, p[0]*r.px), math.Min(minY, p[1]*r.px)
			maxX, maxY = math.Max(maxX, p[0]*r.px), math.Max(maxY, p[1]*r.px)
		}
	}
	box := image.Rect(int(math.Floor(minX)), int(math.Floor(minY)), int(math.Ceil(maxX)), int(math.Ceil(maxY))).Intersect(r.img.Rect)
	if box.Empty() {
		return
	}
	z := vector.NewRasterizer(box.Dx(), box.Dy())
	z.DrawOp = draw.Over
	ox, oy := float64(box.Min.X), float64(box.Min.Y)
	for _, ring := range rings {
		for i, p := range ring {
			x, y := float32(p[0]*r.px-ox), float32(p[1]*r.px-oy)
			if i == 0 {
				z.MoveTo(x, y)
			} else {
				z.LineTo(x, y)
			}
		}
		z.ClosePath()
	}
	z.Draw(r.img, box, image.NewUniform(c), image.Point{})
}

func (r *rasterSurface) text(x, y, pt float64, s string, c color.NRGBA) {
	f := r.s.fonts
	d := font.Drawer{Dst: r.img, Src: image.NewUniform(c), Dot: fixed.Point26_6{
		X: fixed.Int26_6(math.Round(x * r.px * 64)), Y: fixed.Int26_6(math.Round(y * r.px * 64))}}
	size := pt * float64(r.s.Spec.DPI) / 72
	for _, run := range f.runs(s) {
		key := fmt.Sprintf("%s/%.2f", run.font, size)
		face := r.faces[key]
		if face == nil {
			var err error
			if face, err = f.face(run.font, size); err != nil {
				continue // cannot happen for the sizes the sheet uses
			}
			r.faces[key] = face
		}
		d.Face = face
		d.DrawString(run.text)
	}
}
