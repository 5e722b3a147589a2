package mapview

import (
	"context"
	"image"
	"image/color"
	"math"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"github.com/paulmach/orb"

	"lantu/layers/render"
)

// flatRenderer paints frames one colour and records the requests.
type flatRenderer struct {
	mu   sync.Mutex
	reqs []render.Request
}

func (f *flatRenderer) Render(_ context.Context, req render.Request) (*image.NRGBA, error) {
	f.mu.Lock()
	f.reqs = append(f.reqs, req)
	f.mu.Unlock()
	img := image.NewNRGBA(image.Rect(0, 0, req.View.W, req.View.H))
	for i := range img.Pix {
		img.Pix[i] = 0x80
	}
	img.SetNRGBA(0, 0, color.NRGBA{255, 0, 0, 255})
	return img, nil
}

func newTestView(t *testing.T) (*MapView, *flatRenderer) {
	t.Helper()
	test.NewTempApp(t)
	fr := &flatRenderer{}
	m := New(fr)
	ui := make(chan func(), 64)
	m.post = func(f func()) { ui <- f }
	t.Cleanup(func() { uiQueues.Delete(m) })
	uiQueues.Store(m, ui)
	w := test.NewWindow(m)
	t.Cleanup(w.Close)
	w.SetPadded(false)
	w.Resize(fyne.NewSize(400, 300))
	m.SetView(orb.Point{500000, 4600000}, 2)
	return m, fr
}

func canvasOf(m *MapView) fyne.Canvas { return fyne.CurrentApp().Driver().CanvasForObject(m) }

func TestDragPans(t *testing.T) {
	m, _ := newTestView(t)
	before := m.View().Center
	test.Drag(canvasOf(m), fyne.NewPos(200, 150), 40, -20)
	after := m.View().Center
	dx, dy := after[0]-before[0], after[1]-before[1]
	// content moves right and up: the centre moves left and down in map units
	if math.Abs(dx+40*2) > 1e-6 || math.Abs(dy+20*2) > 1e-6 {
		t.Fatalf("drag by (40,-20) px moved the centre by (%v, %v), want (-80, -40)", dx, dy)
	}
}

func TestScrollZoomsAroundCursor(t *testing.T) {
	m, _ := newTestView(t)
	pos := fyne.NewPos(100, 80)
	under := m.MapAt(pos)
	res := m.View().Res
	m.Scrolled(&fyne.ScrollEvent{PointEvent: fyne.PointEvent{Position: pos}, Scrolled: fyne.Delta{DY: 10}})
	if got := m.View().Res; math.Abs(got-res/wheelStep) > 1e-9 {
		t.Fatalf("res after wheel up = %v, want %v", got, res/wheelStep)
	}
	if p := m.MapAt(pos); math.Hypot(p[0]-under[0], p[1]-under[1]) > 1e-6 {
		t.Fatalf("point under the cursor moved from %v to %v", under, p)
	}
	m.Scrolled(&fyne.ScrollEvent{PointEvent: fyne.PointEvent{Position: pos}, Scrolled: fyne.Delta{DY: -10}})
	if got := m.View().Res; math.Abs(got-res) > 1e-9 {
		t.Fatalf("res after wheel down = %v, want %v", got, res)
	}
}

func TestKeysZoomAndPan(t *testing.T) {
	m, _ := newTestView(t)
	res, c := m.View().Res, m.View().Center
	m.TypedRune('+')
	if m.View().Res >= res {
		t.Fatalf("'+' did not zoom in: %v -> %v", res, m.View().Res)
	}
	m.TypedKey(&fyne.KeyEvent{Name: fyne.KeyRight})
	if m.View().Center[0] <= c[0] {
		t.Fatalf("right arrow did not move east: %v -> %v", c, m.View().Center)
	}
}

func TestZoomBoxTool(t *testing.T) {
	m, _ := newTestView(t)
	m.SetTool(ToolZoomBox)
	res := m.View().Res
	test.Drag(canvasOf(m), fyne.NewPos(100, 100), 100, 50)
	if got := m.View().Res; got >= res/1.9 {
		t.Fatalf("zoom box of 100x50 in 400x300 gave res %v from %v", got, res)
	}
}

func TestMeasureSketch(t *testing.T) {
	m, _ := newTestView(t)
	var got []orb.Point
	m.OnSketch = func(_ Tool, pts []orb.Point) { got = pts }
	m.SetTool(ToolArea)
	for _, p := range []fyne.Position{{X: 10, Y: 10}, {X: 110, Y: 10}, {X: 110, Y: 60}} {
		test.TapAt(m, p)
	}
	if len(got) != 3 {
		t.Fatalf("sketch has %d points, want 3", len(got))
	}
	if want := m.MapAt(fyne.NewPos(110, 60)); got[2] != want {
		t.Fatalf("last vertex %v, want %v", got[2], want)
	}
	m.TappedSecondary(&fyne.PointEvent{})
	if len(m.sketch) != 3 {
		t.Fatalf("right click left %d vertices; the finished sketch stays", len(m.sketch))
	}
	test.TapAt(m, fyne.NewPos(200, 200)) // a new sketch starts
	if len(got) != 1 || len(m.sketch) != 1 {
		t.Fatalf("after a finished sketch a click gave %d vertices, want 1", len(m.sketch))
	}
}

func TestFramePublishedAndShiftedWhilePanning(t *testing.T) {
	m, fr := newTestView(t)
	waitFrame(t, m)
	img, at := m.Frame()
	if img == nil || at.W != 400 || at.H != 300 {
		t.Fatalf("frame %v at %+v", img != nil, at)
	}
	m.Pan(30, 0) // before the next frame arrives the old one is shown 30 px right
	r := test.WidgetRenderer(m).(*viewRenderer)
	if x := r.img.Position().X; math.Abs(float64(x)-30) > 1e-3 && m.frameAt == at {
		t.Fatalf("previous frame at x=%v, want 30", x)
	}
	fr.mu.Lock()
	defer fr.mu.Unlock()
	if len(fr.reqs) == 0 {
		t.Fatal("no render request")
	}
}

func waitFrame(t *testing.T, m *MapView) {
	t.Helper()
	q, _ := uiQueues.Load(m)
	ui := q.(chan func())
	for m.frame == nil || m.Busy() {
		select {
		case f := <-ui:
			f()
		case <-time.After(10 * time.Second):
			t.Fatal("no frame published")
		}
	}
}

// uiQueues holds each test view's UI queue: render results run on the test
// goroutine, as they would on the UI goroutine.
var uiQueues sync.Map

func TestNiceLength(t *testing.T) {
	for _, c := range []struct{ in, want float64 }{{123, 100}, {260, 200}, {999, 500}, {0.7, 0.5}, {5000, 5000}} {
		if got := niceLength(c.in); got != c.want {
			t.Errorf("niceLength(%v) = %v, want %v", c.in, got, c.want)
		}
	}
}
