package editor

import (
	"context"
	"errors"
	"math"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkt"
	"github.com/paulmach/orb/planar"

	"lantu/app/i18n"
	"lantu/layers"
)

// plotLayer is a visible, non-editable layer to snap to.
const plotLayer = "XZ_DLTB"

// TestBlueprint makes a blueprint with one 100 m x 100 m land-use patch at
// (500000, 4600000) and one proposal beside it.
func testBlueprint(t testing.TB) *layers.Blueprint {
	t.Helper()
	bp, err := layers.Create(filepath.Join(t.TempDir(), "edit.gpkg"), layers.CreateOptions{User: "规划师"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { bp.Close() })
	w, err := bp.Bulk(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []struct{ layer, wkt string }{
		{plotLayer, "POLYGON((500000 4600000,500100 4600000,500100 4600100,500000 4600100,500000 4600000))"},
		{"GL_XZFA", "MULTIPOLYGON(((500200 4600000,500300 4600000,500300 4600100,500200 4600100,500200 4600000)))"},
	} {
		g, err := wkt.Unmarshal(f.wkt)
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Insert(f.layer, g, map[string]any{}); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	return bp
}

// session starts a session at 0.5 m per pixel with a fake clock that moves
// one second per tap unless told otherwise.
func session(t testing.TB, bp *layers.Blueprint) (*Session, *time.Time) {
	s := New(bp)
	s.Visible = func() []string { return []string{plotLayer, "GL_XZFA", "GL_BZM", "GL_PZD"} }
	clock := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	s.Now = func() time.Time { clock = clock.Add(time.Second); return clock }
	if err := s.SetTarget("GL_XZFA"); err != nil {
		t.Fatal(err)
	}
	return s, &clock
}

func journalLen(t testing.TB, bp *layers.Blueprint) int {
	t.Helper()
	js, err := bp.Journal(context.Background(), 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	return len(js)
}

const res = 0.5 // metres per device pixel

func tap(s *Session, x, y float64) { s.Tap(Pointer{P: orb.Point{x, y}, Res: res}) }

// doubleTap taps twice within the double-click time.
func doubleTap(s *Session, x, y float64) {
	now := s.Now
	t0 := now()
	s.Now = func() time.Time { return t0 }
	tap(s, x, y)
	s.Now = func() time.Time { return t0.Add(150 * time.Millisecond) }
	tap(s, x, y)
	s.Now = now
}

func TestDrawPolygonSnapsAndSavesOneJournalRow(t *testing.T) {
	i18n.Set(i18n.En)
	defer i18n.Set(i18n.Zh)
	bp := testBlueprint(t)
	s, _ := session(t, bp)
	s.SetTool(ToolDraw)
	j0 := journalLen(t, bp)
	// 3 px (1.5 m) off the patch's corner (500100, 4600100): snapped exactly.
	tap(s, 500101.2, 4600100.9)
	tap(s, 500150, 4600100)
	tap(s, 500150, 4600150)
	s.Hover(Pointer{P: orb.Point{500100, 4600150}, Res: res})
	if m := s.Measure(); !m.HasArea || math.Abs(m.Area-2500) > 1e-6 {
		t.Errorf("live area with the rubber band = %+v, want 2500 m²", m)
	}
	doubleTap(s, 500100, 4600150)
	p := s.Pending()
	if p == nil {
		t.Fatalf("double click did not finish: %s", s.Message())
	}
	mp := p.Geom.(orb.MultiPolygon)
	if n := len(mp[0][0]); n != 5 {
		t.Errorf("ring has %d points, want 4 vertices + closing (no duplicate from the double click): %v", n, mp)
	}
	if mp[0][0][0] != (orb.Point{500100, 4600100}) {
		t.Errorf("first vertex %v not snapped to the patch corner", mp[0][0][0])
	}
	if _, err := s.SavePending(map[string]string{"mj": "x"}); err == nil || !strings.Contains(err.Error(), "Project name") {
		t.Errorf("missing required field: %v", err)
	}
	if got := journalLen(t, bp) - j0; got != 0 {
		t.Fatalf("refused form wrote %d journal rows", got)
	}
	f, err := s.SavePending(map[string]string{"xmmc": "东陵路项目", "mj": "2500"})
	if err != nil {
		t.Fatal(err)
	}
	if got := journalLen(t, bp) - j0; got != 1 {
		t.Errorf("one saved polygon wrote %d journal rows", got)
	}
	if f.Attrs["xmmc"] != "东陵路项目" || f.Attrs["updated_by"] != "规划师" || f.Attrs["updated_at"] == nil {
		t.Errorf("stored attrs %v", f.Attrs)
	}
	if a := planar.Area(f.Geom); math.Abs(math.Abs(a)-2500) > 1e-6 {
		t.Errorf("stored area %v", a)
	}
}

func TestSnapToEdgeAndToggle(t *testing.T) {
	bp := testBlueprint(t)
	s, _ := session(t, bp)
	s.SetTool(ToolDraw)
	s.Hover(Pointer{P: orb.Point{500050, 4600103}, Res: res}) // 6 px above the top edge
	if sn := s.Snapped(); sn.Kind != SnapEdge || sn.P != (orb.Point{500050, 4600100}) {
		t.Errorf("edge snap = %+v", sn)
	}
	s.Hover(Pointer{P: orb.Point{500050, 4600106}, Res: res}) // 12 px: beyond 10 px
	if sn := s.Snapped(); sn.Kind != SnapNone {
		t.Errorf("snapped beyond the tolerance: %+v", sn)
	}
	s.SnapOn = false
	s.Hover(Pointer{P: orb.Point{500100.5, 4600100.5}, Res: res})
	tap(s, 500100.5, 4600100.5)
	if sk := s.Sketch(); sk[0] != (orb.Point{500100.5, 4600100.5}) || s.Snapped().Kind != SnapNone {
		t.Errorf("snapping off still snapped: %v", sk)
	}
}

// TestFinishDropsTheSnap: once the sketch is finished nothing is being
// snapped: no marker and no snap for the panel to name while the form is
// open, though the cursor last hovered the patch's corner.
func TestFinishDropsTheSnap(t *testing.T) {
	s, _ := session(t, testBlueprint(t))
	s.SetTool(ToolDraw)
	tap(s, 500150, 4600150)
	tap(s, 500200, 4600150)
	tap(s, 500200, 4600200)
	s.Hover(Pointer{P: orb.Point{500101, 4600101}, Res: res})
	if s.Snapped().Kind != SnapVertex {
		t.Fatalf("hovering the corner: snap %+v", s.Snapped())
	}
	s.Key("Return")
	if s.Pending() == nil {
		t.Fatalf("Enter did not finish: %s", s.Message())
	}
	if sn := s.Snapped(); sn.Kind != SnapNone {
		t.Errorf("finished sketch still snapped to %+v", sn)
	}
	for _, h := range s.Overlay().Handles {
		if h.Kind == HandleSnapVertex || h.Kind == HandleSnapEdge {
			t.Errorf("snap marker %+v drawn over the finished sketch", h)
		}
	}
}

// TestTypedVerticesLeaveTheCursorOut: vertices typed as coordinates,
// with the pointer last seen far away on the map, measure the typed
// polygon alone (100 x 100 m), with no rubber band to the old cursor.
func TestTypedVerticesLeaveTheCursorOut(t *testing.T) {
	s, _ := session(t, testBlueprint(t))
	s.SetTool(ToolDraw)
	s.Hover(Pointer{P: orb.Point{490000, 4590000}, Res: res}) // 14 km away
	for _, q := range []orb.Point{{500400, 4600400}, {500500, 4600400}, {500500, 4600500}, {500400, 4600500}} {
		s.AddTypedVertex(q)
	}
	if m := s.Measure(); !m.HasArea || math.Abs(m.Area-10000) > 1e-6 || m.Vertices != 4 {
		t.Errorf("typed square measured %+v, want 4 vertices, 10000 m²", m)
	}
	for _, p := range s.Overlay().Paths {
		if p.Style == StyleRubber {
			t.Errorf("rubber band %v to the old cursor", p.Pts)
		}
	}
	s.Hover(Pointer{P: orb.Point{500450, 4600550}, Res: res}) // back on the map: the cursor counts again
	if m := s.Measure(); m.Vertices != 5 {
		t.Errorf("after hovering the map again %d vertices measured, want 5", m.Vertices)
	}
}

func TestSketchKeys(t *testing.T) {
	bp := testBlueprint(t)
	s, _ := session(t, bp)
	s.SetTool(ToolDraw)
	tap(s, 500400, 4600400)
	tap(s, 500450, 4600400)
	tap(s, 500450, 4600450)
	s.Key("BackSpace")
	if n := len(s.Sketch()); n != 2 {
		t.Errorf("Backspace left %d vertices", n)
	}
	if !s.Key("Return") || s.Pending() != nil {
		t.Errorf("Enter on two vertices should be refused: pending %v", s.Pending())
	}
	if !strings.Contains(s.Message(), i18n.T("edit.err.poly_points")) {
		t.Errorf("message %q", s.Message())
	}
	s.Key("Escape")
	if len(s.Sketch()) != 0 {
		t.Errorf("Esc kept the sketch")
	}
}

func TestInvalidGeometryRefused(t *testing.T) {
	for _, c := range []struct{ name, wkt, want string }{
		{"bowtie", "MULTIPOLYGON(((0 0,10 10,10 0,0 10,0 0)))", "edit.err.self"},
		{"zero area", "MULTIPOLYGON(((0 0,10 0,20 0,0 0)))", "edit.err.zero_area"},
		{"two points", "MULTIPOLYGON(((0 0,10 0,0 0)))", "edit.err.poly_points"},
		{"line of one point", "MULTILINESTRING((5 5,5 5))", "edit.err.line_points"},
	} {
		t.Run(c.name, func(t *testing.T) {
			g, err := wkt.Unmarshal(c.wkt)
			if err != nil {
				t.Fatal(err)
			}
			err = Validate(g)
			want := strings.SplitN(i18n.T(c.want), "%", 2)[0]
			if !errors.Is(err, ErrGeometry) || !strings.Contains(err.Error(), want) {
				t.Errorf("Validate(%s) = %v, want %q", c.wkt, err, want)
			}
		})
	}
	bp := testBlueprint(t)
	s, _ := session(t, bp)
	s.SetTool(ToolDraw)
	j0 := journalLen(t, bp)
	for _, p := range [][2]float64{{500400, 4600400}, {500500, 4600500}, {500500, 4600400}, {500400, 4600500}} {
		tap(s, p[0], p[1])
	}
	if _, err := s.Finish(); !errors.Is(err, ErrGeometry) || s.Pending() != nil {
		t.Errorf("bowtie finished: %v", err)
	}
	if journalLen(t, bp) != j0 || len(s.Sketch()) != 4 {
		t.Errorf("refused sketch stored or lost")
	}
}

// selectProposal selects the proposal drawn by testBlueprint.
func selectProposal(t *testing.T, s *Session) *layers.Feature {
	t.Helper()
	s.SetTool(ToolSelect)
	tap(s, 500250, 4600050)
	sel := s.Selection()
	if len(sel) != 1 || sel[0].Layer.Code != "GL_XZFA" {
		t.Fatalf("selection %v", sel)
	}
	return sel[0]
}

func TestVertexMoveUndoRedo(t *testing.T) {
	bp := testBlueprint(t)
	s, _ := session(t, bp)
	f := selectProposal(t, s)
	j0 := journalLen(t, bp)
	// drag the corner (500300, 4600100) to (500320, 4600130)
	if !s.DragStart(Pointer{P: orb.Point{500301, 4600101}, Res: res}) {
		t.Fatal("drag on a vertex not taken")
	}
	s.Drag(Pointer{P: orb.Point{500310, 4600120}, Res: res})
	s.Drag(Pointer{P: orb.Point{500320, 4600130}, Res: res})
	s.DragEnd(Pointer{P: orb.Point{500320, 4600130}, Res: res})
	moved := area(t, bp, f.UID)
	want := 100*100 + 0.5*100*20 + 0.5*100*30 // the square plus two triangles
	if math.Abs(moved-want) > 1e-6 {
		t.Errorf("area after the move %v, want %v", moved, want)
	}
	if err := s.Undo(); err != nil {
		t.Fatal(err)
	}
	if a := area(t, bp, f.UID); math.Abs(a-10000) > 1e-6 {
		t.Errorf("area after undo %v", a)
	}
	if err := s.Redo(); err != nil {
		t.Fatal(err)
	}
	if a := area(t, bp, f.UID); math.Abs(a-moved) > 1e-6 {
		t.Errorf("area after redo %v", a)
	}
	if got := journalLen(t, bp) - j0; got != 3 {
		t.Errorf("move, undo, redo wrote %d journal rows, want 3", got)
	}
	g, _ := bp.FeatureByUID(context.Background(), "GL_XZFA", f.UID)
	if g.Attrs["mj"] != want {
		t.Errorf("area field mj = %v, want %v", g.Attrs["mj"], want)
	}
}

func TestVertexInsertAndDelete(t *testing.T) {
	bp := testBlueprint(t)
	s, _ := session(t, bp)
	f := selectProposal(t, s)
	// drag the midpoint of the bottom edge (500250, 4600000) down 20 m
	if !s.DragStart(Pointer{P: orb.Point{500250, 4600000}, Res: res}) {
		t.Fatal("midpoint drag not taken")
	}
	s.DragEnd(Pointer{P: orb.Point{500250, 4599980}, Res: res})
	if a := area(t, bp, f.UID); math.Abs(a-11000) > 1e-6 {
		t.Errorf("area after inserting a vertex %v, want 11000", a)
	}
	// double-click the left edge inserts a vertex there
	doubleTap(s, 500200, 4600050)
	if n := vertices(t, bp, f.UID); n != 6 {
		t.Errorf("%d vertices after the double click, want 6", n)
	}
	if _, ok := s.SelectedVertex(); !ok {
		t.Fatal("inserted vertex not selected")
	}
	s.Key("Delete")
	if n := vertices(t, bp, f.UID); n != 5 {
		t.Errorf("%d vertices after Delete, want 5: %s", n, s.Message())
	}
	// the inserted vertex and a corner go; the triangle left cannot lose another
	tap(s, 500250, 4599980)
	if err := s.DeleteVertex(); err != nil {
		t.Fatal(err)
	}
	tap(s, 500300, 4600100)
	if err := s.DeleteVertex(); err != nil || vertices(t, bp, f.UID) != 3 {
		t.Fatalf("deleting a corner: %v, %d vertices", err, vertices(t, bp, f.UID))
	}
	tap(s, 500200, 4600000)
	if err := s.DeleteVertex(); !errors.Is(err, ErrGeometry) || vertices(t, bp, f.UID) != 3 {
		t.Errorf("deleting a triangle's vertex: %v", err)
	}
}

func TestDeleteUndo(t *testing.T) {
	bp := testBlueprint(t)
	s, _ := session(t, bp)
	f := selectProposal(t, s)
	j0 := journalLen(t, bp)
	if !s.Key("Delete") {
		t.Fatal("Delete not handled")
	}
	if _, err := bp.FeatureByUID(context.Background(), "GL_XZFA", f.UID); !errors.Is(err, layers.ErrNoFeature) {
		t.Fatalf("feature still there: %v", err)
	}
	if err := s.Undo(); err != nil {
		t.Fatal(err)
	}
	g, err := bp.FeatureByUID(context.Background(), "GL_XZFA", f.UID)
	if err != nil || !orb.Equal(g.Geom, f.Geom) {
		t.Fatalf("undo of delete: %v %v", g, err)
	}
	if got := journalLen(t, bp) - j0; got != 2 {
		t.Errorf("delete + undo wrote %d journal rows", got)
	}
}

func TestSplitAndMerge(t *testing.T) {
	bp := testBlueprint(t)
	s, _ := session(t, bp)
	f := selectProposal(t, s)
	s.SetTool(ToolSplit)
	j0 := journalLen(t, bp)
	tap(s, 500230, 4599990)
	tap(s, 500230, 4600110)
	if _, err := s.Finish(); err != nil {
		t.Fatal(err)
	}
	sel := s.Selection()
	if len(sel) != 2 {
		t.Fatalf("split left %d features selected", len(sel))
	}
	a0, a1 := math.Abs(planar.Area(sel[0].Geom)), math.Abs(planar.Area(sel[1].Geom))
	if sel[0].UID != f.UID || math.Abs(a0-7000) > 1e-6 || math.Abs(a1-3000) > 1e-6 {
		t.Errorf("pieces %s %v, %s %v", sel[0].UID, a0, sel[1].UID, a1)
	}
	if got := journalLen(t, bp) - j0; got != 2 {
		t.Errorf("split wrote %d journal rows, want 2 (update + insert)", got)
	}
	s.SetTool(ToolSelect)
	if err := s.MergeSelected(); err != nil {
		t.Fatal(err)
	}
	if a := area(t, bp, f.UID); math.Abs(a-10000) > 1e-6 {
		t.Errorf("merged area %v", a)
	}
	if _, err := bp.FeatureByUID(context.Background(), "GL_XZFA", sel[1].UID); !errors.Is(err, layers.ErrNoFeature) {
		t.Errorf("merged piece still there: %v", err)
	}
	for range 2 {
		if err := s.Undo(); err != nil {
			t.Fatal(err)
		}
	}
	if a := area(t, bp, f.UID); math.Abs(a-10000) > 1e-6 || count(t, bp, "GL_XZFA") != 1 {
		t.Errorf("after undoing merge and split: area %v, %d features", a, count(t, bp, "GL_XZFA"))
	}
}

func TestSplitMissesRefused(t *testing.T) {
	bp := testBlueprint(t)
	s, _ := session(t, bp)
	selectProposal(t, s)
	s.SetTool(ToolSplit)
	tap(s, 500230, 4600010)
	tap(s, 500240, 4600020) // inside: cuts nothing
	if _, err := s.Finish(); !errors.Is(err, ErrNothing) {
		t.Errorf("split inside the polygon: %v", err)
	}
}

func TestUndoRefusesOverAnotherEdit(t *testing.T) {
	bp := testBlueprint(t)
	s, _ := session(t, bp)
	f := selectProposal(t, s)
	s.Key("Delete")
	if err := s.Undo(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(2 * time.Millisecond) // a later updated_at
	if _, err := bp.Apply(context.Background(), layers.Edit{Op: layers.OpUpdate, Layer: "GL_XZFA", UID: f.UID, Attrs: map[string]any{"bz": "他人修改"}}); err != nil {
		t.Fatal(err)
	}
	if err := s.Redo(); !errors.Is(err, ErrStale) {
		t.Errorf("redo over another edit: %v", err)
	}
}

func area(t *testing.T, bp *layers.Blueprint, uid string) float64 {
	t.Helper()
	f, err := bp.FeatureByUID(context.Background(), "GL_XZFA", uid)
	if err != nil {
		t.Fatal(err)
	}
	return math.Abs(planar.Area(f.Geom))
}

func vertices(t *testing.T, bp *layers.Blueprint, uid string) int {
	t.Helper()
	f, err := bp.FeatureByUID(context.Background(), "GL_XZFA", uid)
	if err != nil {
		t.Fatal(err)
	}
	return measureGeom(f.Geom).Vertices
}

func count(t *testing.T, bp *layers.Blueprint, code string) int {
	n := 0
	bp.Query(context.Background(), layers.Query{Layers: []string{code}, NoGeom: true}, func(*layers.Feature) error { n++; return nil })
	return n
}
