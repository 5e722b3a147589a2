package conflictpanel

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"github.com/paulmach/orb"

	"lantu/app/i18n"
	"lantu/app/internal/uitest"
	"lantu/app/mapview"
	"lantu/layers"
	"lantu/layers/conflict"
)

func patch(id int64, rule, sev, district, status string, area float64) conflict.Patch {
	return conflict.Patch{ID: id, RuleID: rule, Severity: sev, District: district, Status: status, Area: area}
}

func TestArrange(t *testing.T) {
	ps := []conflict.Patch{
		patch(1, "B", "low", "210102", conflict.StatusOpen, 50),
		patch(2, "A", "high", "210103", conflict.StatusConfirmed, 10),
		patch(3, "A", "high", "210102", conflict.StatusOpen, 300),
		patch(4, "C", "medium", "", conflict.StatusResolvedByChange, 70),
		patch(5, "A", "medium", "210103", conflict.StatusWaived, 20),
	}
	names := Names{Rules: map[string]string{"A": "红线与农田"}, Districts: map[string]string{"210102": "和平区"}}
	order := []string{"C", "A", "B"}
	ids := func(gs []Group) string {
		var b strings.Builder
		for _, g := range gs {
			b.WriteString(g.Title + ":")
			for _, p := range g.Patches {
				b.WriteString(string(rune('0' + p.ID)))
			}
			b.WriteString(" ")
		}
		return strings.TrimSpace(b.String())
	}
	for _, tc := range []struct {
		name string
		v    View
		want string
	}{
		{"by rule, rule-set order, largest first", View{}, "C:4 红线与农田:352 B:1"},
		{"smallest first", View{Ascend: true}, "C:4 红线与农田:253 B:1"},
		{"by severity, high first", View{By: BySeverity}, "high:32 medium:45 low:1"},
		{"by district, names and a dash for none", View{By: ByDistrict}, "—:4 和平区:31 210103:52"},
		{"open only", View{Status: conflict.StatusOpen}, "红线与农田:3 B:1"},
		{"resolved includes resolved by change", View{Status: conflict.StatusResolved}, "C:4"},
		{"severity filter", View{Severity: "high"}, "红线与农田:32"},
		{"text matches a district name", View{Text: "和平"}, "红线与农田:3 B:1"},
		{"text matches a rule name", View{Text: "农田"}, "红线与农田:352"},
	} {
		if got := ids(Arrange(ps, tc.v, names, order)); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
	if c := Count(ps); c != (Counts{All: 5, Open: 2, Confirmed: 1, Waived: 1, Resolved: 1}) {
		t.Errorf("counts %+v", c)
	}
	for _, tc := range []struct {
		m2   float64
		want string
	}{{600, "600 m² (0.90 亩)"}, {25000, "2.50 ha (37.5 亩)"}, {3e6, "3.00 km² (4500 亩)"}} {
		if got := FormatArea(tc.m2); got != tc.want {
			t.Errorf("FormatArea(%v) = %q, want %q", tc.m2, got, tc.want)
		}
	}
}

// fakeHost records what the panel asks of the workstation.
type fakeHost struct {
	m      *mapview.MapView
	w      fyne.Window
	status map[string]string
}

func (h *fakeHost) Window() fyne.Window   { return h.w }
func (h *fakeHost) Map() *mapview.MapView { return h.m }
func (h *fakeHost) SetStatus(k, v string) { h.status[k] = v }
func (h *fakeHost) SetMessage(string)     {}
func (h *fakeHost) ShowPanel(string)      {}
func (h *fakeHost) RunLong(_ string, fn func(context.Context, func(string, float64)) error, done func()) {
	if fn(context.Background(), func(string, float64) {}) == nil {
		done()
	}
}

// ui stands in for the UI goroutine.
var ui uitest.UI

// TestPanelOnABlueprint checks a blueprint with red line over farmland:
// the stored patch loads, selecting it zooms, outlines and highlights both
// features, and a waiver needs a reason while a confirmation is stored.
func TestPanelOnABlueprint(t *testing.T) {
	test.NewTempApp(t)
	i18n.Set(i18n.Zh)
	ctx := context.Background()
	bp, err := layers.Create(filepath.Join(t.TempDir(), "bp.gpkg"), layers.CreateOptions{User: "审查员"})
	if err != nil {
		t.Fatal(err)
	}
	defer bp.Close()
	sq := func(x0, y0, x1, y1 float64) orb.Polygon {
		return orb.Polygon{{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}}
	}
	w, err := bp.Bulk(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []struct {
		layer string
		g     orb.Polygon
	}{{"GH_STBHHX", sq(500000, 4600000, 500100, 4600100)}, {"GH_YJJBNT", sq(500050, 4600000, 500150, 4600100)}} {
		if err := w.Insert(f.layer, f.g, nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	rules, err := conflict.DefaultRules()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conflict.Run(ctx, bp, rules, conflict.Options{Rules: []string{"CL-RED-FARM"}}); err != nil {
		t.Fatal(err)
	}
	m := mapview.New(nil)
	m.Resize(fyne.NewSize(400, 300))
	h := &fakeHost{m: m, status: map[string]string{}}
	p := New(h)
	p.post = ui.Post(t)
	h.w = test.NewTempWindow(t, p.Content())
	p.SetBlueprint(bp)
	ui.Eventually(t, "the stored patch", func() bool { return len(p.patches) == 1 })
	ui.Do(func() { inspect(t, p, h, m) })
	ui.Eventually(t, "the confirmation", func() bool { return p.patches[0].Status == conflict.StatusConfirmed })
	stored, err := conflict.LoadPatches(ctx, bp, conflict.Filter{})
	if err != nil || len(stored) != 1 || stored[0].Status != conflict.StatusConfirmed || stored[0].Reviewer != "审查员" || stored[0].Comment != "已核实，属于历史遗留" {
		t.Fatalf("stored %+v, err %v", stored, err)
	}
	var reviews int
	if err := bp.DB().R.QueryRow("SELECT count(*) FROM " + conflict.TableReviews).Scan(&reviews); err != nil || reviews != 1 {
		t.Errorf("%d review rows (err %v): the waiver without a reason must store nothing", reviews, err)
	}
}

// inspect checks the loaded panel and reviews its patch, on the UI.
func inspect(t *testing.T, p *Panel, h *fakeHost, m *mapview.MapView) {
	t.Helper()
	if got := h.status[StatusKey]; got != "冲突 1 · 待审 1" {
		t.Errorf("status bar %q", got)
	}
	if ids := p.childIDs(""); len(ids) != 1 || len(p.childIDs(ids[0])) != 1 {
		t.Fatalf("tree %v", ids)
	}
	p.selectNode("p0.0")
	if marks := m.Marks(); len(marks) != 1 || len(marks[0]) < 5 {
		t.Errorf("outline %v", marks)
	}
	if v := m.View(); !v.Bound().Contains(orb.Point{500075, 4600050}) {
		t.Errorf("view %v does not show the patch", v.Bound())
	}
	if !strings.Contains(p.detail.Text, "5000 m² (7.50 亩)") {
		t.Errorf("detail %q", p.detail.Text)
	}
	p.comment.SetText("")
	p.review(conflict.StatusWaived) // refused: no reason
	p.comment.SetText("已核实，属于历史遗留")
	p.review(conflict.StatusConfirmed)
}

func TestDistrictNames(t *testing.T) {
	bp, err := layers.Create(filepath.Join(t.TempDir(), "d.gpkg"), layers.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer bp.Close()
	w, err := bp.Bulk(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	sq := orb.Polygon{{{500000, 4600000}, {500100, 4600000}, {500100, 4600100}, {500000, 4600000}}}
	for _, a := range []map[string]any{{"xzqdm": "210102", "xzqmc": "和平区"}, {"xzqdm": "210103"}} {
		if err := w.Insert(conflict.DistrictLayer, sq, a); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	if got := districtNames(bp); len(got) != 1 || got["210102"] != "和平区" {
		t.Errorf("names %v, want only 210102 和平区 (a district without a name keeps its code)", got)
	}
}

// BenchmarkArrange regroups a city-size list (70k patches), as each filter
// keystroke does on the UI goroutine.
func BenchmarkArrange(b *testing.B) {
	ps := make([]conflict.Patch, 70000)
	for i := range ps {
		ps[i] = patch(int64(i), fmt.Sprint("R", i%26), []string{"high", "medium", "low"}[i%3], fmt.Sprint(210100+i%13), conflict.StatusOpen, float64(i%997))
	}
	for b.Loop() {
		Arrange(ps, View{Text: "r1"}, Names{}, nil)
	}
}
