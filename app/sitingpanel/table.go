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

// records lays out records of 1+cols objects: the first (a name) on a
// line of its own across the full width, the cols others on the line
// below, right-aligned in columns as wide as their widest cell over all
// records. It suits a narrow dock, where long rule and layer names would
// leave no room beside the numbers. A record whose name has no height
// (an empty label is still given its own height) takes just the line of
// cells. Layout only places objects; it never refreshes them.
type records struct{ cols int }

func (r records) widths(objs []fyne.CanvasObject) ([]float32, float32) {
	w := make([]float32, r.cols)
	var sum float32
	for i, o := range objs {
		if c := i % (r.cols + 1); c > 0 {
			w[c-1] = max(w[c-1], o.MinSize().Width)
		}
	}
	for _, v := range w {
		sum += v
	}
	return w, sum
}

// each calls fn for each record with its name and cells.
func (r records) each(objs []fyne.CanvasObject, fn func(name fyne.CanvasObject, cells []fyne.CanvasObject)) {
	n := r.cols + 1
	for i := 0; i+n <= len(objs); i += n {
		fn(objs[i], objs[i+1:i+n])
	}
}

func lineHeight(os []fyne.CanvasObject) float32 {
	var h float32
	for _, o := range os {
		h = max(h, o.MinSize().Height)
	}
	return h
}

func (r records) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	w, sum := r.widths(objs)
	var y float32
	r.each(objs, func(name fyne.CanvasObject, cells []fyne.CanvasObject) {
		if name.Visible() {
			h := name.MinSize().Height
			name.Move(fyne.NewPos(0, y))
			name.Resize(fyne.NewSize(size.Width, h))
			y += h
		}
		h := lineHeight(cells)
		x := max(size.Width-sum, 0)
		for c, o := range cells {
			o.Move(fyne.NewPos(x, y))
			o.Resize(fyne.NewSize(w[c], h))
			x += w[c]
		}
		y += h
	})
}

func (r records) MinSize(objs []fyne.CanvasObject) fyne.Size {
	_, sum := r.widths(objs)
	var h float32
	r.each(objs, func(name fyne.CanvasObject, cells []fyne.CanvasObject) {
		if name.Visible() {
			h += name.MinSize().Height
		}
		h += lineHeight(cells)
	})
	return fyne.NewSize(sum, h)
}
