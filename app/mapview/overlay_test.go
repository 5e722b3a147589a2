package mapview

import (
	"image"
	"math"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"github.com/paulmach/orb"
)

// TestMarksFollowTheView outlines a square and checks its lines sit on the
// square's pixels, before and after a pan; long rings are thinned.
func TestMarksFollowTheView(t *testing.T) {
	m, _ := newTestView(t)
	v := m.View()
	c := v.Center
	sq := orb.Ring{{c[0] - 10*v.Res, c[1] - 10*v.Res}, {c[0] + 10*v.Res, c[1] - 10*v.Res}, {c[0] + 10*v.Res, c[1] + 10*v.Res}, {c[0] - 10*v.Res, c[1] + 10*v.Res}, {c[0] - 10*v.Res, c[1] - 10*v.Res}}
	m.SetMarks([]orb.Ring{sq})
	r := newViewRenderer(m)
	r.Refresh()
	if len(r.marks) != 4 {
		t.Fatalf("%d mark lines, want 4", len(r.marks))
	}
	check := func(l *canvas.Line, p orb.Point) {
		t.Helper()
		x, y := m.view.ToPixel(p)
		if math.Abs(float64(l.Position1.X)-x/float64(m.scale)) > 0.01 || math.Abs(float64(l.Position1.Y)-y/float64(m.scale)) > 0.01 {
			t.Errorf("line starts at %v, want the pixel of %v", l.Position1, p)
		}
	}
	check(r.marks[0], sq[0])
	m.Pan(30, 0)
	r.Refresh()
	check(r.marks[0], sq[0])
	check(r.marks[2], sq[2])

	long := make(orb.Ring, 20001)
	for i := range long {
		a := 2 * math.Pi * float64(i) / 20000
		long[i] = orb.Point{c[0] + 100*math.Cos(a), c[1] + 100*math.Sin(a)}
	}
	m.SetMarks([]orb.Ring{long})
	if n := len(m.Marks()[0]); n > maxMarkSegments+1 || m.Marks()[0][n-1] != long[len(long)-1] {
		t.Errorf("a 20000-point ring is drawn with %d points", n)
	}
	m.SetMarks(nil)
	r.Refresh()
	if len(r.marks) != 0 {
		t.Errorf("%d mark lines after clearing", len(r.marks))
	}
}

// TestOverlaysReservedFromLabels: every frame asks the renderer to keep
// labels off the north arrow's and the scale bar's backdrops, which lie
// inside the reserved rectangles (device pixels).
func TestOverlaysReservedFromLabels(t *testing.T) {
	m, fr := newTestView(t)
	m.Redraw()
	waitFrame(t, m)
	fr.mu.Lock()
	req := fr.reqs[len(fr.reqs)-1]
	fr.mu.Unlock()
	r := newViewRenderer(m)
	r.Layout(m.Size())
	if !r.northBack.Visible() || r.northBack.FillColor == nil {
		t.Fatal("the north arrow has no backdrop")
	}
	inside := func(o fyne.CanvasObject) bool {
		p, s := o.Position(), o.Size()
		box := image.Rect(int(p.X*m.scale), int(p.Y*m.scale), int((p.X+s.Width)*m.scale), int((p.Y+s.Height)*m.scale))
		for _, res := range req.Reserve {
			if box.In(res) {
				return true
			}
		}
		return false
	}
	for name, o := range map[string]fyne.CanvasObject{"north arrow": r.northBack, "scale bar": r.barBack} {
		if !inside(o) {
			t.Errorf("the %s's backdrop at %v %v is not reserved: %v", name, o.Position(), o.Size(), req.Reserve)
		}
	}
}
