package sitingpanel

import "fyne.io/fyne/v2"

// table lays out objects row by row in cols columns: every column but the
// first as wide as its widest cell, the first (names, truncated) taking
// the rest. Layout only places objects; it never refreshes them.
type table struct{ cols int }

// widths are the widths of columns 1..cols-1 and their sum.
func (t table) widths(objs []fyne.CanvasObject) ([]float32, float32) {
	w := make([]float32, t.cols)
	for i, o := range objs {
		if c := i % t.cols; c > 0 {
			w[c] = max(w[c], o.MinSize().Width)
		}
	}
	var sum float32
	for _, v := range w[1:] {
		sum += v
	}
	return w, sum
}

func (t table) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	w, sum := t.widths(objs)
	w[0] = max(size.Width-sum, 0)
	var y float32
	for r := 0; r*t.cols < len(objs); r++ {
		row := objs[r*t.cols : min(len(objs), (r+1)*t.cols)]
		var h float32
		for _, o := range row {
			h = max(h, o.MinSize().Height)
		}
		var x float32
		for c, o := range row {
			o.Move(fyne.NewPos(x, y))
			o.Resize(fyne.NewSize(w[c], h))
			x += w[c]
		}
		y += h
	}
}

func (t table) MinSize(objs []fyne.CanvasObject) fyne.Size {
	_, sum := t.widths(objs)
	var first, h float32
	for r := 0; r*t.cols < len(objs); r++ {
		var rh float32
		for c, o := range objs[r*t.cols : min(len(objs), (r+1)*t.cols)] {
			rh = max(rh, o.MinSize().Height)
			if c == 0 {
				first = max(first, min(o.MinSize().Width, 60))
			}
		}
		h += rh
	}
	return fyne.NewSize(first+sum, h)
}
