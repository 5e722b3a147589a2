package layout

import (
	"image"
	"math"
)

// boxes is where the sheet's parts go, in mm.
type boxes struct {
	page, neat, frame   Rect
	framePx             image.Rectangle // the frame in pixels at the DPI
	title, legend, info Rect
	k                   float64 // size of the furniture relative to A4
}

// margin is the white border outside the neat line, in mm at A4.
const (
	margin = 10.0
	gap    = 4.0
	panelW = 64.0 // landscape: the panel right of the frame
	panelH = 56.0 // portrait: the panel below the frame
)

// planBoxes lays out a sheet of w x h mm: the neat line inside the
// margins, the map frame, and the panel of title, legend and scale. The
// frame's edges fall on whole pixels at dpi, so the map image is drawn at
// exactly its pixel size and 1 mm on the sheet is scale/1000 m everywhere.
func planBoxes(w, h float64, dpi int) boxes {
	b := boxes{page: Rect{0, 0, w, h}, k: math.Sqrt((w + h) / (210 + 297))}
	m, g := margin*b.k, gap*b.k
	b.neat = b.page.Inset(m)
	in := b.neat.Inset(g)
	frame := in
	if w >= h {
		pw := panelW * b.k
		frame.W -= pw + g
		panel := Rect{frame.Right() + g, in.Y, pw, in.H}
		titleH := 40 * b.k
		infoH := 52 * b.k
		b.title = Rect{panel.X, panel.Y, panel.W, titleH}
		b.info = Rect{panel.X, panel.Bottom() - infoH, panel.W, infoH}
		b.legend = Rect{panel.X, b.title.Bottom() + g, panel.W, b.info.Y - g - b.title.Bottom() - g}
	} else {
		ph := panelH * b.k
		frame.H -= ph + g
		panel := Rect{in.X, frame.Bottom() + g, in.W, ph}
		tw, iw := panel.W*0.29, panel.W*0.28
		b.title = Rect{panel.X, panel.Y, tw, panel.H}
		b.info = Rect{panel.Right() - iw, panel.Y, iw, panel.H}
		b.legend = Rect{b.title.Right() + g, panel.Y, b.info.X - g - b.title.Right() - g, panel.H}
	}
	b.framePx, b.frame = snapFrame(frame, dpi)
	return b
}

// snapFrame shrinks r to whole pixels at dpi.
func snapFrame(r Rect, dpi int) (image.Rectangle, Rect) {
	px := float64(dpi) / 25.4
	x0, y0 := int(math.Ceil(r.X*px-1e-9)), int(math.Ceil(r.Y*px-1e-9))
	x1, y1 := int(math.Floor(r.Right()*px+1e-9)), int(math.Floor(r.Bottom()*px+1e-9))
	pr := image.Rect(x0, y0, x1, y1)
	return pr, Rect{float64(x0) / px, float64(y0) / px, float64(pr.Dx()) / px, float64(pr.Dy()) / px}
}

// pagePx is the size of the sheet in pixels at dpi.
func pagePx(w, h float64, dpi int) (int, int) {
	px := float64(dpi) / 25.4
	return int(math.Round(w * px)), int(math.Round(h * px))
}
