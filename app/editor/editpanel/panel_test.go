package editpanel

import (
	"context"
	"flag"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkt"
	"github.com/paulmach/orb/planar"

	"lantu/app/editor"
	"lantu/app/i18n"
	"lantu/app/internal/uitest"
	"lantu/app/mapview"
	"lantu/layers"
)

var update = flag.Bool("update", false, "rewrite the golden markup in testdata")

// fakeHost is a window with the map, recording what the panel asks.
type fakeHost struct {
	win       fyne.Window
	m         *mapview.MapView
	sketch    []func(mapview.Tool, []orb.Point)
	refreshed []string
	shown     string
	picked    []*layers.Feature // what SelectFeature was given
}

func (h *fakeHost) SelectFeature(f *layers.Feature) { h.picked = append(h.picked, f) }

func (h *fakeHost) Window() fyne.Window     { return h.win }
func (h *fakeHost) Map() *mapview.MapView   { return h.m }
func (h *fakeHost) SetMessage(string)       {}
func (h *fakeHost) ShowPanel(id string)     { h.shown = id }
func (h *fakeHost) VisibleLayers() []string { return []string{"XZ_DLTB", "GL_XZFA", "GL_PZD"} }
func (h *fakeHost) RefreshLayers(c []string) {
	h.refreshed = append(h.refreshed, c...)
}
func (h *fakeHost) OnSketch(fn func(mapview.Tool, []orb.Point)) { h.sketch = append(h.sketch, fn) }
func (h *fakeHost) SetTool(t mapview.Tool) {
	h.m.SetTool(t)
	for _, fn := range h.sketch {
		fn(t, nil)
	}
}

// setup shows a blueprint with a 100 m patch at (500000, 4600000) and a
// proposal at (500200, 4600000), at 0.5 m per pixel, centred on
// (500150, 4600050) in an 800 x 600 map.
func setup(t *testing.T) (*Panel, *fakeHost, *layers.Blueprint) {
	uitest.NewApp(t)
	i18n.Set(i18n.Zh)
	t.Cleanup(func() { i18n.Set(i18n.Zh) })
	bp := blueprint(t)
	h := &fakeHost{m: mapview.New(nil)}
	h.win = test.NewWindow(h.m)
	h.win.Resize(fyne.NewSize(800, 600))
	h.m.Resize(fyne.NewSize(800, 600))
	h.m.SetView(orb.Point{500150, 4600050}, 0.5)
	p := New(h)
	p.SetBlueprint(bp)
	return p, h, bp
}

func blueprint(t *testing.T) *layers.Blueprint {
	bp, err := layers.Create(filepath.Join(t.TempDir(), "p.gpkg"), layers.CreateOptions{User: "规划师"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { bp.Close() })
	w, err := bp.Bulk(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range [][2]string{
		{"XZ_DLTB", "POLYGON((500000 4600000,500100 4600000,500100 4600100,500000 4600100,500000 4600000))"},
		{"GL_XZFA", "MULTIPOLYGON(((500200 4600000,500300 4600000,500300 4600100,500200 4600100,500200 4600000)))"},
	} {
		g, _ := wkt.Unmarshal(f[1])
		if err := w.Insert(f[0], g, map[string]any{"xmmc": "既有方案"}); err != nil && f[0] == "GL_XZFA" {
			t.Fatal(err)
		} else if err != nil {
			if err := w.Insert(f[0], g, nil); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	return bp
}

// at is the widget position of a map point.
func at(h *fakeHost, x, y float64) fyne.Position {
	px, py := h.m.View().ToPixel(orb.Point{x, y})
	return fyne.NewPos(float32(px), float32(py))
}

func journal(t *testing.T, bp *layers.Blueprint) int {
	js, err := bp.Journal(context.Background(), 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	return len(js)
}

func TestDrawPolygonByTapsSnapsAndSaves(t *testing.T) {
	p, h, bp := setup(t)
	p.tools[1].Tapped(nil) // 绘制
	if h.m.Tool() != mapview.ToolEdit || p.sess.Tool() != editor.ToolDraw {
		t.Fatalf("draw button: map tool %v, session tool %v", h.m.Tool(), p.sess.Tool())
	}
	j0 := journal(t, bp)
	// 2.5 px off the patch's top-right corner: snapped to it
	test.TapAt(h.m, at(h, 500101, 4600100.8))
	test.TapAt(h.m, at(h, 500160, 4600100))
	test.TapAt(h.m, at(h, 500160, 4600160))
	h.m.MouseMoved(mouse(at(h, 500100, 4600160)))
	if !strings.Contains(p.measure.Text, "3600.00 m²") || !strings.Contains(p.measure.Text, "5.400 亩") || !strings.Contains(p.measure.Text, "0.3600 ha") {
		t.Errorf("live measurement %q", p.measure.Text)
	}
	if n := len(h.m.EditOverlay().Paths); n != 2 {
		t.Errorf("%d overlay paths while drawing, want sketch + rubber band", n)
	}
	test.TapAt(h.m, at(h, 500100, 4600160))
	test.TapAt(h.m, at(h, 500100, 4600160)) // the double click
	f := p.Form()
	if f == nil {
		t.Fatalf("no form after the double click: %q", p.msg.Text)
	}
	f.Save()
	if !strings.Contains(f.Err.Text, "项目名称") || journal(t, bp) != j0 {
		t.Errorf("empty required field: %q, %d rows", f.Err.Text, journal(t, bp)-j0)
	}
	test.Type(f.Entries["xmmc"], "浑南新区供热站")
	f.Entries["mj"].SetText("abc")
	f.Save()
	if !strings.Contains(f.Err.Text, "面积(平方米)") || !strings.Contains(f.Err.Text, "abc") {
		t.Errorf("bad real: %q", f.Err.Text)
	}
	f.Entries["mj"].SetText("3600")
	f.Save()
	if p.Form() != nil || f.Err.Text != "" {
		t.Fatalf("form stayed open: %q", f.Err.Text)
	}
	if got := journal(t, bp) - j0; got != 1 {
		t.Errorf("one saved feature wrote %d journal rows", got)
	}
	sel := p.sess.Selection()
	if len(sel) != 1 || sel[0].Attrs["xmmc"] != "浑南新区供热站" {
		t.Fatalf("selection after save %v", sel)
	}
	ring := sel[0].Geom.(orb.MultiPolygon)[0][0]
	if len(ring) != 5 || ring[0] != (orb.Point{500100, 4600100}) {
		t.Errorf("stored ring %v: want 4 vertices, the first snapped", ring)
	}
	if len(h.refreshed) == 0 || h.refreshed[0] != "GL_XZFA" {
		t.Errorf("map not refreshed: %v", h.refreshed)
	}
	// the saved proposal is the workstation's selection: 选址审查 reviews it
	if n := len(h.picked); n == 0 || h.picked[n-1] == nil || h.picked[n-1].UID != sel[0].UID {
		t.Errorf("the saved feature was not handed to the host's selection: %v", h.picked)
	}
}

// TestSnapShownWhileDrawing: hovering near a vertex or an edge of a
// visible layer while drawing shows the snap marker ringed in white (it
// must read on magenta and purple plots too) and names what it snapped
// to, in the user's language, as QGIS's snapping tooltip does.
func TestSnapShownWhileDrawing(t *testing.T) {
	p, h, _ := setup(t)
	p.tools[1].Tapped(nil)
	h.m.MouseMoved(mouse(at(h, 500101, 4600100.8))) // 2.5 px off the patch's top-right corner
	corner := orb.Point{500100, 4600100}
	var rings []mapview.EditMark
	for _, m := range h.m.EditOverlay().Marks {
		if m.P == corner {
			rings = append(rings, m)
		}
	}
	if len(rings) != 3 || rings[1].Stroke != inkSnap || rings[0].Stroke != white || rings[2].Stroke != white ||
		!(rings[0].Size > rings[1].Size && rings[1].Size > rings[2].Size) {
		t.Errorf("snap marker at the corner: %+v, want magenta between two white rings", rings)
	}
	if want := "捕捉：三调地类图斑 (XZ_DLTB) 的节点"; !strings.Contains(p.measure.Text, want) {
		t.Errorf("while snapped to the corner the panel says %q, want %q", p.measure.Text, want)
	}
	i18n.Set(i18n.En)
	h.m.MouseMoved(mouse(at(h, 500050, 4600101))) // 2 px above the top edge's middle
	if want := "Snapped to an edge of Land-use survey patches (GB/T 21010) (XZ_DLTB)"; !strings.Contains(p.measure.Text, want) {
		t.Errorf("while snapped to the edge the panel says %q, want %q", p.measure.Text, want)
	}
	h.m.MouseMoved(mouse(at(h, 500050, 4600150))) // nothing within 10 px
	if strings.Contains(p.measure.Text, "Snapped") {
		t.Errorf("nothing near, yet the panel says %q", p.measure.Text)
	}
}

// TestPanelClosesUpWhenTheTextShrinks: when the live measurement loses a
// line (the snap line goes as the cursor leaves the corner), the hint
// below moves up at once instead of leaving a blank line (the VBox kept
// the taller layout until something else re-laid it out).
func TestPanelClosesUpWhenTheTextShrinks(t *testing.T) {
	p, h, _ := setup(t)
	// laid out once, as the dock does; the scroll keeps its size after, so
	// only the panel can re-lay its body out
	p.Content().Resize(fyne.NewSize(320, 700))
	p.tools[1].Tapped(nil)
	test.TapAt(h.m, at(h, 500150, 4600150))
	test.TapAt(h.m, at(h, 500200, 4600150))
	h.m.MouseMoved(mouse(at(h, 500101, 4600100.8))) // snapped: one more line
	tall := p.measure.MinSize().Height
	h.m.MouseMoved(mouse(at(h, 500150, 4600200))) // nothing near
	if p.measure.MinSize().Height >= tall {
		t.Fatalf("the measurement did not lose its snap line: %q", p.measure.Text)
	}
	gap := p.hint.Position().Y - (p.measure.Position().Y + p.measure.MinSize().Height)
	if gap < 0 || gap > 2*theme.Padding() {
		t.Errorf("%.0f px between the measurement and the hint after it shrank, want 0 to %.0f", gap, 2*theme.Padding())
	}
}

func mouse(pos fyne.Position) *desktopMouse {
	return &desktopMouse{PointEvent: fyne.PointEvent{Position: pos}}
}

func TestVertexMoveUndoRedoWithTheMouse(t *testing.T) {
	p, h, bp := setup(t)
	p.tools[0].Tapped(nil) // 选择
	test.TapAt(h.m, at(h, 500250, 4600050))
	if len(p.sess.Selection()) != 1 {
		t.Fatalf("click did not select the proposal: %q", p.msg.Text)
	}
	uid := p.sess.Selection()[0].UID
	j0 := journal(t, bp)
	from, to := at(h, 500300, 4600100), at(h, 500320, 4600130)
	test.Drag(h.win.Canvas(), to, to.X-from.X, to.Y-from.Y)
	want := 10000.0 + 1000 + 1500
	if a := areaOf(t, bp, uid); math.Abs(a-want) > 0.01 {
		t.Errorf("area after the vertex drag %v, want %v", a, want)
	}
	p.undo.Tapped(nil)
	if a := areaOf(t, bp, uid); math.Abs(a-10000) > 1e-6 {
		t.Errorf("area after undo %v", a)
	}
	if n := len(h.picked); n < 3 || h.picked[n-1].UID != uid || math.Abs(planar.Area(h.picked[n-1].Geom)-10000) > 1e-6 {
		t.Errorf("the host's selection after select, move, undo: %d picks, last %v", n, h.picked)
	}
	p.redo.Tapped(nil)
	if a := areaOf(t, bp, uid); math.Abs(a-want) > 0.01 {
		t.Errorf("area after redo %v", a)
	}
	// the keyboard does the same: Ctrl+Z arrives as ShortcutUndo, Ctrl+Y as ShortcutRedo
	c := h.win.Canvas().(interface{ TypedShortcut(fyne.Shortcut) })
	c.TypedShortcut(&fyne.ShortcutUndo{})
	if a := areaOf(t, bp, uid); math.Abs(a-10000) > 1e-6 {
		t.Errorf("area after Ctrl+Z %v", a)
	}
	c.TypedShortcut(&fyne.ShortcutRedo{})
	if a := areaOf(t, bp, uid); math.Abs(a-want) > 0.01 || p.msg.Importance == widget.DangerImportance {
		t.Errorf("area after Ctrl+Y %v, message %q", a, p.msg.Text)
	}
	if !p.redo.Disabled() {
		t.Error("redo enabled with nothing to redo")
	}
	c.TypedShortcut(&fyne.ShortcutRedo{})
	if !strings.HasPrefix(p.msg.Text, "没有可重做") || p.msg.Importance != widget.DangerImportance {
		t.Errorf("nothing to redo: %q", p.msg.Text)
	}
	if got := journal(t, bp) - j0; got != 5 {
		t.Errorf("move + undo + redo twice wrote %d journal rows, want 5", got)
	}
	// a drag away from the selection pans
	v := h.m.View().Center
	test.Drag(h.win.Canvas(), at(h, 500000, 4599900), 40, 0)
	if h.m.View().Center == v || journal(t, bp)-j0 != 5 {
		t.Errorf("drag off the feature: centre %v -> %v", v, h.m.View().Center)
	}
}

func TestDeleteKeyAndUndo(t *testing.T) {
	p, h, bp := setup(t)
	p.tools[0].Tapped(nil)
	test.TapAt(h.m, at(h, 500250, 4600050))
	uid := p.sess.Selection()[0].UID
	h.m.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDelete})
	if _, err := bp.FeatureByUID(context.Background(), "GL_XZFA", uid); err == nil {
		t.Fatal("Delete left the feature")
	}
	p.undo.Tapped(nil)
	if _, err := bp.FeatureByUID(context.Background(), "GL_XZFA", uid); err != nil {
		t.Fatalf("undo did not bring it back: %v", err)
	}
}

func TestSplitByTapsAndMergeButton(t *testing.T) {
	p, h, bp := setup(t)
	p.tools[0].Tapped(nil)
	test.TapAt(h.m, at(h, 500250, 4600050))
	uid := p.sess.Selection()[0].UID
	p.tools[2].Tapped(nil) // 分割
	j0 := journal(t, bp)
	test.TapAt(h.m, at(h, 500240, 4599990))
	test.TapAt(h.m, at(h, 500240, 4600110))
	h.m.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	sel := p.sess.Selection()
	if len(sel) != 2 || journal(t, bp)-j0 != 2 {
		t.Fatalf("split: %d selected, %d journal rows, %q", len(sel), journal(t, bp)-j0, p.msg.Text)
	}
	if a := areaOf(t, bp, uid); math.Abs(a-6000) > 1e-6 {
		t.Errorf("larger piece keeps the feature: %v m²", a)
	}
	p.tools[0].Tapped(nil)
	p.merge.Tapped(nil) // both pieces are still selected
	if a := areaOf(t, bp, uid); math.Abs(a-10000) > 1e-6 || journal(t, bp)-j0 != 4 {
		t.Errorf("merge: %v m², %d journal rows, %q", a, journal(t, bp)-j0, p.msg.Text)
	}
	if _, err := bp.FeatureByUID(context.Background(), "GL_XZFA", sel[1].UID); err == nil {
		t.Error("merged piece still there")
	}
}

func TestEscCancelsAndOtherToolClears(t *testing.T) {
	p, h, _ := setup(t)
	p.tools[1].Tapped(nil)
	test.TapAt(h.m, at(h, 500400, 4600400))
	test.TapAt(h.m, at(h, 500450, 4600400))
	h.m.TypedKey(&fyne.KeyEvent{Name: fyne.KeyBackspace})
	if n := len(p.sess.Sketch()); n != 1 {
		t.Errorf("Backspace left %d vertices", n)
	}
	h.m.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if n := len(p.sess.Sketch()); n != 0 {
		t.Errorf("Esc left %d vertices", n)
	}
	test.TapAt(h.m, at(h, 500400, 4600400))
	h.SetTool(mapview.ToolPan)
	if len(p.sess.Sketch()) != 0 || len(h.m.EditOverlay().Paths) != 0 {
		t.Errorf("another tool kept the sketch")
	}
}

func TestTypedCoordinates(t *testing.T) {
	p, _, _ := setup(t)
	p.coord.SetText("500010.5, 4600020.25")
	p.addCoord()
	if sk := p.sess.Sketch(); len(sk) != 1 || sk[0] != (orb.Point{500010.5, 4600020.25}) {
		t.Errorf("metres: %v", sk)
	}
	p.coord.SetText("123.0, 41.5") // on the central meridian: x = 500000 exactly
	p.addCoord()
	if sk := p.sess.Sketch(); len(sk) != 2 || math.Abs(sk[1][0]-500000) > 1e-6 || sk[1][1] < 4590000 || sk[1][1] > 4600000 {
		t.Errorf("lon/lat: %v", sk)
	}
	p.coord.SetText("abc")
	p.addCoord()
	if !strings.Contains(p.msg.Text, "x,y") {
		t.Errorf("bad coordinate message %q", p.msg.Text)
	}
}

func TestGoldenFormAndPanel(t *testing.T) {
	p, _, bp := setup(t)
	def := bp.Layer("GL_XZFA").Def
	f := NewForm(def, editor.Measure{Area: 3600, HasArea: true, Length: 240, HasLength: true}, map[string]string{"mj": "3600.00"})
	f.Content().Resize(fyne.NewSize(420, 480))
	assertGolden(t, "form_zh.xml", f.Content())
	i18n.Set(i18n.En)
	f = NewForm(def, editor.Measure{Area: 3600, HasArea: true}, nil)
	f.Content().Resize(fyne.NewSize(420, 480))
	assertGolden(t, "form_en.xml", f.Content())
	i18n.Set(i18n.Zh)
	p.root.Resize(fyne.NewSize(300, 560))
	assertGolden(t, "panel_zh.xml", p.root)
}

func assertGolden(t *testing.T, name string, o fyne.CanvasObject) {
	t.Helper()
	if *update {
		path := filepath.Join("testdata", name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(test.RenderObjectToMarkup(o)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	test.AssertObjectRendersToMarkup(t, name, o)
}

func areaOf(t *testing.T, bp *layers.Blueprint, uid string) float64 {
	f, err := bp.FeatureByUID(context.Background(), "GL_XZFA", uid)
	if err != nil {
		t.Fatal(err)
	}
	return math.Abs(planar.Area(f.Geom))
}

type desktopMouse = desktop.MouseEvent
