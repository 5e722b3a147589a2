package workstation

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"github.com/paulmach/orb"

	"lantu/app/conflictpanel"
	"lantu/app/i18n"
	"lantu/app/internal/uitest"
	"lantu/app/mapview"
	"lantu/layers"
	"lantu/layers/conflict"
)

// panelHost is a conflictpanel.Host whose Do serialises the panel's
// updates with the test.
type panelHost struct {
	*uitest.UI
	m      *mapview.MapView
	w      fyne.Window
	status map[string]string
}

func (h *panelHost) Window() fyne.Window   { return h.w }
func (h *panelHost) Map() *mapview.MapView { return h.m }
func (h *panelHost) SetStatus(k, v string) { h.status[k] = v }
func (h *panelHost) SetMessage(string)     {}
func (h *panelHost) ShowPanel(string)      {}
func (h *panelHost) RunLong(_ string, fn func(context.Context, func(string, float64)) error, done func()) {
	if fn(context.Background(), func(string, float64) {}) == nil {
		done()
	}
}

func square(x0, y0, size float64) orb.Polygon {
	return orb.Polygon{{{x0, y0}, {x0 + size, y0}, {x0 + size, y0 + size}, {x0, y0 + size}, {x0, y0}}}
}

// redLineBlueprint has a red line (1 km square) overlapping one farmland
// block, checked once: one stored patch.
func redLineBlueprint(t *testing.T) *layers.Blueprint {
	t.Helper()
	ctx := context.Background()
	bp, err := layers.Create(filepath.Join(t.TempDir(), "live.gpkg"), layers.CreateOptions{User: "规划员"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { bp.Close() })
	w, err := bp.Bulk(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Insert("GH_STBHHX", square(500000, 4600000, 1000), nil); err != nil {
		t.Fatal(err)
	}
	if err := w.Insert("GH_YJJBNT", square(500900, 4600900, 200), nil); err != nil {
		t.Fatal(err)
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	rules, err := conflict.DefaultRules()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conflict.Run(ctx, bp, rules, conflict.Options{}); err != nil {
		t.Fatal(err)
	}
	return bp
}

// TestLiveRecheck: an Apply that puts farmland in the red line makes a new
// patch in the conflicts panel within a second, outlined on the map; two
// edits in one burst make one re-check; deleting the farmland clears the
// patch; a remote change makes its patch too; after stop nothing is
// re-checked.
func TestLiveRecheck(t *testing.T) {
	test.NewTempApp(t)
	i18n.Set(i18n.Zh)
	ctx := context.Background()
	bp := redLineBlueprint(t)
	ui := &uitest.UI{}
	m := mapview.New(nil)
	m.Resize(fyne.NewSize(400, 300))
	h := &panelHost{UI: ui, m: m, status: map[string]string{}}
	p := conflictpanel.New(h)
	h.w = test.NewTempWindow(t, p.Content())
	ui.Do(func() { p.SetBlueprint(bp) })
	ui.Eventually(t, "the stored patch", func() bool { return h.status[conflictpanel.StatusKey] == "冲突 1 · 待审 1" })

	var mu sync.Mutex
	var runs, added, cleared int
	live := newLiveRecheck(ui.Do, func(got *layers.Blueprint, ps []conflict.Patch, st *conflict.RecheckStats, err error) {
		if err != nil {
			t.Errorf("re-check: %v", err)
			return
		}
		a, c := p.ShowPatches(got, ps)
		mu.Lock()
		runs, added, cleared = runs+1, added+a, cleared+c
		mu.Unlock()
	})
	live.delay = time.Second // a burst on a loaded machine still falls in one window
	live.watch(bp)
	defer live.stop()

	start := time.Now()
	ins, err := bp.Apply(ctx, layers.Edit{Op: layers.OpInsert, Layer: "GH_YJJBNT", Geom: square(500100, 4600100, 100)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := bp.Apply(ctx, layers.Edit{Op: layers.OpInsert, Layer: "GH_YJJBNT", Geom: square(503000, 4600000, 100)}); err != nil {
		t.Fatal(err) // outside the red line: no patch, but the same burst
	}
	ui.Eventually(t, "the new patch", func() bool { return h.status[conflictpanel.StatusKey] == "冲突 2 · 待审 2" })
	t.Logf("edit to new patch shown: %v (delay %v)", time.Since(start), live.delay)
	mu.Lock()
	if runs != 1 || added != 1 || cleared != 0 {
		t.Errorf("%d re-checks, %d added, %d cleared; want 1, 1, 0", runs, added, cleared)
	}
	mu.Unlock()
	ui.Do(func() {
		if marks := m.Marks(); len(marks) != 1 || !orb.Ring(marks[0]).Bound().Contains(orb.Point{500150, 4600150}) {
			t.Errorf("marks %v: want the new patch outlined", marks)
		}
	})

	live.delay = recheckDelay
	start = time.Now()
	if _, err := bp.Apply(ctx, layers.Edit{Op: layers.OpDelete, Layer: "GH_YJJBNT", UID: ins[0].UID}); err != nil {
		t.Fatal(err)
	}
	ui.Eventually(t, "the cleared patch", func() bool { return h.status[conflictpanel.StatusKey] == "冲突 2 · 待审 1" })
	t.Logf("edit to cleared patch shown: %v (delay %v)", time.Since(start), live.delay)
	mu.Lock()
	if runs != 2 || cleared != 1 {
		t.Errorf("%d re-checks, %d cleared; want 2, 1", runs, cleared)
	}
	mu.Unlock()

	// A remote change (sync) is heard and re-checked the same way.
	_, err = bp.ApplyRemote(ctx, layers.RemoteBatch{Remote: "hub", Collection: "GH_YJJBNT", Cursor: "c1",
		Changes: []layers.RemoteChange{{Layer: "GH_YJJBNT", UID: "00000000-0000-4000-8000-00000000000a",
			Geom: orb.MultiPolygon{square(500300, 4600600, 100)}, Version: 1, User: "同步", Time: time.Now()}}})
	if err != nil {
		t.Fatal(err)
	}
	ui.Eventually(t, "the remote patch", func() bool { return h.status[conflictpanel.StatusKey] == "冲突 3 · 待审 2" })

	live.stop()
	if _, err := bp.Apply(ctx, layers.Edit{Op: layers.OpInsert, Layer: "GH_YJJBNT", Geom: square(500500, 4600500, 100)}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond) // longer than the delay: a re-check would have started
	mu.Lock()
	defer mu.Unlock()
	if runs != 3 {
		t.Errorf("%d re-checks after stop, want 3", runs)
	}
}

// TestMergeChanges: one ChangeSet names each feature once per layer, in
// first-touched order, and keeps a reload.
func TestMergeChanges(t *testing.T) {
	got := mergeChanges([]layers.ChangeSet{
		{Layers: []layers.LayerChange{{Layer: "a", Upserted: []string{"1", "2"}}, {Layer: "b", Deleted: []string{"9"}}}},
		{Remote: "hub", Layers: []layers.LayerChange{{Layer: "b", Upserted: []string{"8"}, Deleted: []string{"9"}}, {Layer: "c", Reloaded: true}}},
		{Layers: []layers.LayerChange{{Layer: "a", Upserted: []string{"2", "3"}}}},
	})
	want := []layers.LayerChange{
		{Layer: "a", Upserted: []string{"1", "2", "3"}},
		{Layer: "b", Upserted: []string{"8"}, Deleted: []string{"9"}},
		{Layer: "c", Reloaded: true},
	}
	if len(got.Layers) != len(want) {
		t.Fatalf("%+v", got)
	}
	for i, w := range want {
		g := got.Layers[i]
		if g.Layer != w.Layer || g.Reloaded != w.Reloaded || !equal(g.Upserted, w.Upserted) || !equal(g.Deleted, w.Deleted) {
			t.Errorf("layer %d: %+v, want %+v", i, g, w)
		}
	}
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
