package sitingpanel

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
)

func box(w, h float32) *canvas.Rectangle {
	r := canvas.NewRectangle(nil)
	r.SetMinSize(fyne.NewSize(w, h))
	return r
}

// TestRecordsLayout: each name takes a full line, the values sit below it
// right-aligned in shared columns; a hidden name takes no line.
func TestRecordsLayout(t *testing.T) {
	test.NewTempApp(t)
	hidden := box(10, 10)
	hidden.Hide()
	objs := []fyne.CanvasObject{
		hidden, box(30, 10), box(20, 10), // header: no name line
		box(500, 20), box(50, 10), box(20, 15), // a long name, wide first value
		box(40, 20), box(10, 10), box(40, 10),
	}
	l := records{cols: 2}
	if got := l.MinSize(objs); got != fyne.NewSize(90, 10+20+15+20+10) {
		t.Errorf("min size %v", got)
	}
	l.Layout(objs, fyne.NewSize(300, 200))
	for i, want := range []struct{ x, y, w, h float32 }{
		1: {210, 0, 50, 10}, 2: {260, 0, 40, 10},
		3: {0, 10, 300, 20}, 4: {210, 30, 50, 15}, 5: {260, 30, 40, 15},
		6: {0, 45, 300, 20}, 7: {210, 65, 50, 10}, 8: {260, 65, 40, 10},
	} {
		if i == 0 {
			continue
		}
		o := objs[i]
		if o.Position() != fyne.NewPos(want.x, want.y) || o.Size() != fyne.NewSize(want.w, want.h) {
			t.Errorf("object %d at %v size %v, want %+v", i, o.Position(), o.Size(), want)
		}
	}
}

// TestTableLayout: the first column takes what the others leave.
func TestTableLayout(t *testing.T) {
	test.NewTempApp(t)
	objs := []fyne.CanvasObject{box(80, 10), box(30, 10), box(200, 12), box(40, 10)}
	l := table{cols: 2}
	if got := l.MinSize(objs); got != fyne.NewSize(60+40, 22) {
		t.Errorf("min size %v", got)
	}
	l.Layout(objs, fyne.NewSize(150, 50))
	if objs[2].Position() != fyne.NewPos(0, 10) || objs[2].Size() != fyne.NewSize(110, 12) || objs[3].Position() != fyne.NewPos(110, 10) {
		t.Errorf("row 2 at %v %v, %v", objs[2].Position(), objs[2].Size(), objs[3].Position())
	}
}
