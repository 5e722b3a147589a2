package syncpanel

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/paulmach/orb"

	"lantu/app/i18n"
	"lantu/app/internal/uitest"
	"lantu/app/mapview"
	"lantu/layers"
	"lantu/sync/exchange"
	"lantu/sync/replica"
)

// fakeHost serves the panel; Do serialises its updates with the test.
type fakeHost struct {
	uitest.UI
	m *mapview.MapView

	refreshed []string

	mu  sync.Mutex
	msg string
}

func (h *fakeHost) Map() *mapview.MapView { return h.m }
func (h *fakeHost) SetMessage(s string)   { h.mu.Lock(); h.msg = s; h.mu.Unlock() }
func (h *fakeHost) message() string       { h.mu.Lock(); defer h.mu.Unlock(); return h.msg }

// RefreshLayers records the layers refreshed (on the UI).
func (h *fakeHost) RefreshLayers(codes []string) { h.refreshed = append(h.refreshed, codes...) }

// RunLong runs fn on the calling goroutine (as the test's UI), then done.
func (h *fakeHost) RunLong(_ string, fn func(context.Context, func(string, float64)) error, done func()) {
	if err := fn(context.Background(), func(string, float64) {}); err != nil {
		h.SetMessage(err.Error())
		return
	}
	done()
}

func square(x, y, d float64) orb.MultiPolygon {
	return orb.MultiPolygon{{{{x, y}, {x + d, y}, {x + d, y + d}, {x, y + d}, {x, y}}}}
}

func approvalUID(i int) string { return fmt.Sprintf("00000000-0000-7000-9000-%012d", i) }

// server publishes two farmland-conversion approvals (GL_NZY, EPSG:4550)
// to a fresh SQLite exchange behind a test server that answers 503 while
// down is set; it returns the server, two admin tokens and a reader's.
func server(t *testing.T, down *atomic.Bool) (*httptest.Server, [3]string) {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	src := filepath.Join(dir, "city.gpkg")
	bp, err := layers.Create(src, layers.CreateOptions{User: "fixture"})
	if err != nil {
		t.Fatal(err)
	}
	w, err := bp.Bulk(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		if err := w.Insert("GL_NZY", square(500200+float64(i)*4000, 4635000, 300),
			map[string]any{"uid": approvalUID(i), "xmmc": fmt.Sprint("项目", i), "pzwh": "原", "mj": 90000.0, "ydw": "单位"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	bp.Close()
	s, err := exchange.OpenSQLite(ctx, filepath.Join(dir, "exchange.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := exchange.Publish(ctx, s, src, nil, "publisher"); err != nil {
		t.Fatal(err)
	}
	var toks [3]string
	for i, pr := range []exchange.Principal{{Name: "ada", Role: exchange.RoleAdmin}, {Name: "alan", Role: exchange.RoleAdmin}, {Name: "re", Role: exchange.RoleReader}} {
		if toks[i], err = exchange.AddToken(ctx, s, pr); err != nil {
			t.Fatal(err)
		}
	}
	h := exchange.NewServer(s, exchange.Options{Rate: -1, ReadRate: -1})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if down != nil && down.Load() {
			http.Error(w, "down for the test", http.StatusServiceUnavailable)
			return
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, toks
}

func clone(t *testing.T, srv *httptest.Server, token, name string) *layers.Blueprint {
	t.Helper()
	bp, _, err := replica.Clone(context.Background(), srv.URL, filepath.Join(t.TempDir(), name+".gpkg"),
		replica.CloneOptions{Token: token, User: name})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { bp.Close() })
	return bp
}

func newPanel(t *testing.T, bp *layers.Blueprint, interval time.Duration) (*Panel, *fakeHost) {
	t.Helper()
	uitest.NewApp(t)
	m := mapview.New(nil)
	m.Resize(fyne.NewSize(400, 300))
	h := &fakeHost{m: m}
	p := New(h)
	p.interval = interval
	w := test.NewTempWindow(t, p.Content())
	w.Resize(fyne.NewSize(380, 900))
	h.Do(func() { p.SetBlueprint(bp) })
	t.Cleanup(func() { h.Do(func() { p.SetBlueprint(nil) }) })
	return p, h
}

func edit(t *testing.T, bp *layers.Blueprint, uid string, a map[string]any) {
	t.Helper()
	if _, err := bp.Apply(context.Background(), layers.Edit{Op: layers.OpUpdate, Layer: "gl_nzy", UID: uid, Attrs: a}); err != nil {
		t.Fatal(err)
	}
}

// texts joins the texts of the labels under o.
func texts(o fyne.CanvasObject) string {
	var b strings.Builder
	var walk func(fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch o := o.(type) {
		case *widget.Label:
			if o.Visible() {
				b.WriteString(o.Text + "\n")
			}
		case *fyne.Container:
			if !o.Visible() {
				return
			}
			for _, c := range o.Objects {
				walk(c)
			}
		case *container.Scroll:
			walk(o.Content)
		}
	}
	walk(o)
	return b.String()
}

func has(p *Panel, key string, args ...any) bool {
	return strings.Contains(texts(p.Content()), fmt.Sprintf(i18n.T(key), args...))
}

// TestSyncAndResolve: the panel names the server; an Apply shows one
// pending change, Sync pushes it (pending back to 0, applied 1); a
// conflict made by two replicas is listed, selecting it shows base, mine
// and theirs with the conflicting field marked and outlines both
// geometries, and Take theirs resolves it.
func TestSyncAndResolve(t *testing.T) {
	srv, toks := server(t, nil)
	a := clone(t, srv, toks[0], "a")
	b := clone(t, srv, toks[1], "b")
	p, h := newPanel(t, b, time.Hour)
	h.Eventually(t, "the server and 0 pending", func() bool {
		return has(p, "sync.server", srv.URL) && has(p, "sync.pending", 0)
	})

	uid := approvalUID(1)
	edit(t, b, uid, map[string]any{"pzwh": "B号"})
	h.Do(p.Refresh)
	h.Eventually(t, "1 pending", func() bool { return has(p, "sync.pending", 1) })
	h.Do(p.Sync)
	h.Eventually(t, "0 pending after sync", func() bool {
		return has(p, "sync.pending", 0) && has(p, "sync.result", 1, 1, 0, 0, 0, 0) && has(p, "sync.online")
	})

	if _, err := a.Apply(context.Background(), layers.Edit{Op: layers.OpUpdate, Layer: "gl_nzy", UID: uid,
		Attrs: map[string]any{"ydw": "甲单位"}, Geom: square(504200, 4635000, 400)}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Apply(context.Background(), layers.Edit{Op: layers.OpUpdate, Layer: "gl_nzy", UID: uid,
		Attrs: map[string]any{"ydw": "乙单位"}, Geom: square(504100, 4634900, 400)}); err != nil {
		t.Fatal(err)
	}
	sa, err := replica.NewSyncer(context.Background(), a, replica.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sa.Sync(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	h.Do(p.Sync)
	h.Eventually(t, "the conflict listed", func() bool {
		return has(p, "sync.open_conflicts", 1) && len(p.snap.conflicts) == 1
	})
	h.Do(func() { p.conflicts.Select(0) })
	var table string
	h.Do(func() { table = texts(p.detail) })
	for _, want := range []string{"● ydw", "单位", "乙单位 *", "甲单位 *", "● " + i18n.T("sync.geometry"), i18n.T("sync.changed") + " *"} {
		if !strings.Contains(table, want) {
			t.Errorf("conflict table lacks %q:\n%s", want, table)
		}
	}
	if marks := h.m.Marks(); len(marks) != 2 || len(marks[0]) != 5 {
		t.Errorf("marks: %v, want mine's and theirs' outlines", marks)
	}
	h.Do(func() { p.Resolve(replica.TakeTheirs) })
	h.Eventually(t, "resolved", func() bool { return has(p, "sync.open_conflicts", 0) && len(p.snap.conflicts) == 0 })
	f, err := b.FeatureByUID(context.Background(), "gl_nzy", uid)
	if err != nil {
		t.Fatal(err)
	}
	if f.Attrs["ydw"] != "甲单位" || f.Attrs["pzwh"] != "B号" || !replica.GeomEqual(f.Geom, square(504200, 4635000, 400)) {
		t.Errorf("after take theirs: %v %v", f.Attrs, f.Geom)
	}
	h.Do(func() {
		if !slices.Contains(h.refreshed, "GL_NZY") {
			t.Errorf("map layers refreshed: %v, want GL_NZY", h.refreshed)
		}
	})
	if len(h.m.Marks()) != 0 {
		t.Errorf("marks left after resolve: %v", h.m.Marks())
	}
}

// TestRejected: an edit a reader may not push is listed as rejected with
// the server's reason.
func TestRejected(t *testing.T) {
	srv, toks := server(t, nil)
	r := clone(t, srv, toks[2], "reader")
	edit(t, r, approvalUID(0), map[string]any{"pzwh": "读者改"})
	p, h := newPanel(t, r, time.Hour)
	h.Eventually(t, "1 pending", func() bool { return has(p, "sync.pending", 1) })
	h.Do(p.Sync)
	h.Eventually(t, "the rejection listed", func() bool {
		return has(p, "sync.result", 1, 0, 0, 0, 1, 0) && len(p.snap.rejected) == 1
	})
	h.Do(func() {
		if len(p.snap.rejected) != 1 {
			t.Fatalf("rejected: %+v", p.snap.rejected)
		}
		e := p.snap.rejected[0]
		if e.UID != approvalUID(0) || !strings.Contains(e.Reason, "forbidden") {
			t.Errorf("rejected entry: %+v", e)
		}
		if !has(p, "sync.rejected_row", e.Layer, e.UID, e.JournalID, e.Reason) {
			t.Errorf("rejected row not shown:\n%s", texts(p.Content()))
		}
	})
}

// TestNotAReplica: a plain blueprint says it is not a replica and shows
// no sync controls.
func TestNotAReplica(t *testing.T) {
	bp, err := layers.Create(filepath.Join(t.TempDir(), "plain.gpkg"), layers.CreateOptions{User: "u"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { bp.Close() })
	p, h := newPanel(t, bp, time.Hour)
	h.Eventually(t, "not a replica", func() bool { return p.syncer == nil && has(p, "sync.not_replica") })
	h.Do(func() {
		if p.body.Visible() {
			t.Error("sync controls shown for a blueprint that is not a replica")
		}
		if s := texts(p.Content()); strings.Contains(s, i18n.T("sync.pending")[:6]) {
			t.Errorf("shows replica state: %s", s)
		}
	})
}

// TestReconnect: while the server is down an edit stays pending and the
// panel says offline; when it comes back the loop syncs by itself.
func TestReconnect(t *testing.T) {
	var down atomic.Bool
	srv, toks := server(t, &down)
	b := clone(t, srv, toks[0], "b")
	down.Store(true)
	edit(t, b, approvalUID(0), map[string]any{"pzwh": "离线改"})
	p, h := newPanel(t, b, 20*time.Millisecond)
	h.Eventually(t, "offline with 1 pending", func() bool {
		return p.reach < 0 && has(p, "sync.offline") && has(p, "sync.pending", 1) // a probe saw it down
	})
	down.Store(false)
	ok := false
	defer func() {
		if !ok {
			h.Do(func() { t.Logf("panel:\n%s\nmessage: %s", texts(p.Content()), h.message()) })
		}
	}()
	h.Eventually(t, "synced by itself", func() bool {
		return has(p, "sync.online") && has(p, "sync.pending", 0) && h.message() == i18n.T("sync.auto")
	})
	ok = true
}
