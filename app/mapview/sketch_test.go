package mapview

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
)

// A double-click (two taps on one spot) finishes the sketch instead of
// adding the vertex twice; the finished sketch stays on the map until
// Escape.
func TestDoubleClickFinishesWithoutDuplicate(t *testing.T) {
	m, _ := newTestView(t)
	m.SetTool(ToolDistance)
	test.TapAt(m, fyne.NewPos(10, 10))
	test.TapAt(m, fyne.NewPos(100, 80))
	test.TapAt(m, fyne.NewPos(101, 80)) // the double-click's second tap
	if len(m.sketch) != 2 || !m.finished {
		t.Fatalf("after a double-click: %d vertices, finished %v; want 2, true", len(m.sketch), m.finished)
	}
	r := test.WidgetRenderer(m).(*viewRenderer)
	r.Refresh()
	if len(r.sketch) != 1 || r.sketch[0].Hidden {
		t.Fatalf("the finished line is not drawn (%d segments)", len(r.sketch))
	}
	m.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if len(m.sketch) != 0 {
		t.Fatalf("Escape left %d vertices", len(m.sketch))
	}
}

// While drawing, a rubber band runs from the last vertex to the cursor
// (and back to the first for areas); it goes once the sketch is finished.
func TestRubberBand(t *testing.T) {
	m, _ := newTestView(t)
	m.SetTool(ToolArea)
	r := test.WidgetRenderer(m).(*viewRenderer)
	test.TapAt(m, fyne.NewPos(10, 10))
	test.TapAt(m, fyne.NewPos(100, 10))
	m.MouseMoved(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: fyne.NewPos(150, 120)}})
	if r.rubber[0].Hidden || r.rubber[1].Hidden {
		t.Fatal("no rubber band while drawing an area")
	}
	near := func(a, b fyne.Position) bool { return abs32(a.X-b.X) < 0.5 && abs32(a.Y-b.Y) < 0.5 }
	if !near(r.rubber[0].Position1, fyne.NewPos(100, 10)) || !near(r.rubber[0].Position2, fyne.NewPos(150, 120)) {
		t.Fatalf("band from %v to %v, want (100,10) to (150,120)", r.rubber[0].Position1, r.rubber[0].Position2)
	}
	if !near(r.rubber[1].Position2, fyne.NewPos(10, 10)) {
		t.Fatalf("closing band ends at %v, want the first vertex", r.rubber[1].Position2)
	}
	m.TappedSecondary(&fyne.PointEvent{})
	if !r.rubber[0].Hidden {
		t.Fatal("rubber band still shown after finishing")
	}
}
