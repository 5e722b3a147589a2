package workstation

import "fyne.io/fyne/v2"

// twoCols lays out pairs of objects as key/value rows: the key column as
// wide as its widest key (at most 40%), the value column taking the rest.
type twoCols struct{}

func newTwoCols() fyne.Layout { return twoCols{} }

func (twoCols) keyWidth(objs []fyne.CanvasObject, total float32) float32 {
	var w float32
	for i := 0; i < len(objs); i += 2 {
		w = max(w, objs[i].MinSize().Width)
	}
	if total > 0 {
		w = min(w, total*0.4)
	}
	return w
}

func (l twoCols) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	kw := l.keyWidth(objs, size.Width)
	var y float32
	for i := 0; i+1 < len(objs); i += 2 {
		k, v := objs[i], objs[i+1]
		v.Resize(fyne.NewSize(size.Width-kw, v.MinSize().Height))
		h := max(k.MinSize().Height, v.MinSize().Height)
		k.Move(fyne.NewPos(0, y))
		k.Resize(fyne.NewSize(kw, h))
		v.Move(fyne.NewPos(kw, y))
		v.Resize(fyne.NewSize(size.Width-kw, h))
		y += h
	}
}

func (l twoCols) MinSize(objs []fyne.CanvasObject) fyne.Size {
	kw := l.keyWidth(objs, 0)
	var h, vw float32
	for i := 0; i+1 < len(objs); i += 2 {
		h += max(objs[i].MinSize().Height, objs[i+1].MinSize().Height)
		vw = max(vw, min(objs[i+1].MinSize().Width, 160))
	}
	return fyne.NewSize(kw+vw, h)
}
