package mapview

import (
	"image/color"

	"fyne.io/fyne/v2/canvas"
	"github.com/paulmach/orb"
)

// markInk outlines marked shapes (a conflict patch, for example) over the
// frame, in a colour no catalog style uses.
var markInk = color.NRGBA{0x00, 0xe5, 0xff, 0xff}

// maxMarkSegments bounds the outline drawn for marks; longer rings are
// thinned evenly.
const maxMarkSegments = 4000

// SetMarks outlines rings (in map coordinates) over the map until the next
// call; nil clears them. The outline follows pans and zooms.
func (m *MapView) SetMarks(rings []orb.Ring) {
	total := 0
	for _, r := range rings {
		total += len(r)
	}
	step := max(1, (total+maxMarkSegments-1)/maxMarkSegments)
	m.marks = m.marks[:0]
	for _, r := range rings {
		if len(r) < 2 {
			continue
		}
		var pts []orb.Point
		for i := 0; i < len(r); i += step {
			pts = append(pts, r[i])
		}
		if pts[len(pts)-1] != r[len(r)-1] {
			pts = append(pts, r[len(r)-1])
		}
		m.marks = append(m.marks, pts)
	}
	m.Refresh()
}

// Marks returns the rings being outlined (thinned as drawn).
func (m *MapView) Marks() [][]orb.Point { return m.marks }

// refreshMarks makes one line per marked segment.
func (r *viewRenderer) refreshMarks() {
	n := 0
	for _, ring := range r.m.marks {
		n += len(ring) - 1
	}
	for len(r.marks) < n {
		l := canvas.NewLine(markInk)
		l.StrokeWidth = 2.5
		r.marks = append(r.marks, l)
	}
	r.marks = r.marks[:n]
}

func (r *viewRenderer) layoutMarks() {
	m := r.m
	k := 0
	for _, ring := range m.marks {
		for i := 0; i+1 < len(ring); i++ {
			x0, y0 := m.view.ToPixel(ring[i])
			x1, y1 := m.view.ToPixel(ring[i+1])
			r.marks[k].Position1.X, r.marks[k].Position1.Y = float32(x0)/m.scale, float32(y0)/m.scale
			r.marks[k].Position2.X, r.marks[k].Position2.Y = float32(x1)/m.scale, float32(y1)/m.scale
			k++
		}
	}
}
