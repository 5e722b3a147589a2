package sitingpanel

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/paulmach/orb"

	"lantu/app/i18n"
	"lantu/app/internal/uitest"
	"lantu/app/mapview"
	"lantu/layers"
	"lantu/layers/siting"
)

// fakeHost serves the panel; Do serialises its updates with the test.
type fakeHost struct {
	uitest.UI
	m   *mapview.MapView
	w   fyne.Window
	sel *layers.Feature

	mu  sync.Mutex
	msg string
}

func (h *fakeHost) Window() fyne.Window       { return h.w }
func (h *fakeHost) Map() *mapview.MapView     { return h.m }
func (h *fakeHost) Selected() *layers.Feature { return h.sel }
func (h *fakeHost) ShowPanel(string)          {}
func (h *fakeHost) SetMessage(s string)       { h.mu.Lock(); h.msg = s; h.mu.Unlock() }
func (h *fakeHost) message() string           { h.mu.Lock(); defer h.mu.Unlock(); return h.msg }
func (h *fakeHost) RunLong(_ string, fn func(context.Context, func(string, float64)) error, done func()) {
	if err := fn(context.Background(), func(string, float64) {}); err != nil {
		h.msg = err.Error()
		return
	}
	done()
}

func square(x0, y0, size float64) orb.Polygon {
	return orb.Polygon{{{x0, y0}, {x0 + size, y0}, {x0 + size, y0 + size}, {x0, y0 + size}, {x0, y0}}}
}

// fixture: a red line (ecological protection) and a proposal half in it.
func fixture(t *testing.T) (*layers.Blueprint, *layers.Feature, *layers.Feature) {
	t.Helper()
	ctx := context.Background()
	bp, err := layers.Create(filepath.Join(t.TempDir(), "siting.gpkg"), layers.CreateOptions{User: "审查员"})
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
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	out, err := bp.Apply(ctx, layers.Edit{Op: layers.OpInsert, Layer: ProposalLayer, Geom: orb.MultiPolygon{square(500950, 4600100, 100)},
		Attrs: map[string]any{"xmmc": "测试项目"}})
	if err != nil {
		t.Fatal(err)
	}
	prop, err := bp.FeatureByUID(ctx, ProposalLayer, out[0].UID)
	if err != nil {
		t.Fatal(err)
	}
	var red *layers.Feature
	err = bp.Query(ctx, layers.Query{Layers: []string{"GH_STBHHX"}}, func(f *layers.Feature) error { red = f; return nil })
	if err != nil || red == nil {
		t.Fatalf("red line: %v", err)
	}
	return bp, prop, red
}

func newPanel(t *testing.T, bp *layers.Blueprint) (*Panel, *fakeHost) {
	t.Helper()
	m := mapview.New(nil)
	m.Resize(fyne.NewSize(400, 300))
	h := &fakeHost{m: m}
	p := New(h)
	h.w = test.NewTempWindow(t, p.Content())
	h.w.Resize(fyne.NewSize(360, 700))
	h.Do(func() { p.SetBlueprint(bp) })
	return p, h
}

// labels collects the texts of the labels under o.
func labels(o fyne.CanvasObject) []*widget.Label {
	var out []*widget.Label
	var walk func(fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch o := o.(type) {
		case *widget.Label:
			out = append(out, o)
		case *fyne.Container:
			for _, c := range o.Objects {
				walk(c)
			}
		}
	}
	walk(o)
	return out
}

func findLabel(o fyne.CanvasObject, sub string) *widget.Label {
	for _, l := range labels(o) {
		if strings.Contains(l.Text, sub) {
			return l
		}
	}
	return nil
}

// TestReviewAndExport: a non-proposal selection is refused with a reason;
// the proposal's review shows 不合规 on red with the red-line row (5000 m²
// inside of 10000, 50%), zooms to it with its outline marked; Export
// writes the PDF and attaches the same bytes, listed as an earlier report.
func TestReviewAndExport(t *testing.T) {
	test.NewTempApp(t)
	i18n.Set(i18n.Zh)
	bp, prop, red := fixture(t)
	p, h := newPanel(t, bp)

	h.Do(p.Review)
	h.Do(func() {
		if p.subject.Text != i18n.T("siting.hint") || p.rep != nil {
			t.Errorf("no selection: %q", p.subject.Text)
		}
	})
	h.sel = red
	h.Do(p.Review)
	h.Do(func() {
		if !strings.Contains(p.subject.Text, "GH_STBHHX") || p.rep != nil {
			t.Errorf("red line selected: %q", p.subject.Text)
		}
	})
	h.sel = prop
	h.Do(p.Review)
	h.Do(func() {
		if p.rep == nil {
			t.Fatalf("no report: %s", h.msg)
		}
		if p.verdict.Text != "审查结论：不合规" || p.verdictBg.FillColor != siting.NonCompliant.Paper() {
			t.Errorf("verdict %q on %v", p.verdict.Text, p.verdictBg.FillColor)
		}
		row := findLabel(p.results, "生态保护红线")
		if row == nil || findLabel(p.results, "5000.0") == nil || findLabel(p.results, "50.0%") == nil || findLabel(p.results, "7.50") == nil {
			t.Errorf("results lack the red-line row (5000.0 m², 7.50 亩, 50.0%%): %v", texts(p.results))
		}
		if marks := h.m.Marks(); len(marks) != 1 || !h.m.View().Bound().Contains(orb.Point{501000, 4600150}) {
			t.Errorf("marks %v, view %v", marks, h.m.View().Bound())
		}
		if p.pdfBtn.Disabled() || findLabel(p.reports, "尚无") == nil {
			t.Error("export disabled or earlier reports not empty")
		}
	})

	path := filepath.Join(t.TempDir(), "report.pdf")
	if err := os.WriteFile(path, nil, 0o644); err != nil { // as the save dialog leaves it
		t.Fatal(err)
	}
	h.Do(func() { p.Export(path, siting.FormatPDF) })
	h.Eventually(t, "the attached report", func() bool { return len(p.list) == 1 })
	file, err := os.ReadFile(path)
	if err != nil || !bytes.HasPrefix(file, []byte("%PDF-")) {
		t.Fatalf("%s: %d bytes, %v", path, len(file), err)
	}
	stored, err := siting.ReportData(context.Background(), bp, p.list[0].ID)
	if err != nil || !bytes.Equal(stored, file) {
		t.Errorf("attached %d bytes (err %v), file %d", len(stored), err, len(file))
	}
	h.Do(func() {
		if l := findLabel(p.reports, "PDF · 不合规 · 审查员"); l == nil {
			t.Errorf("earlier reports %v", texts(p.reports))
		}
	})
	if !strings.Contains(h.message(), "附加到方案") {
		t.Errorf("message %q", h.message())
	}
}

// TestExportReadOnly: on a read-only blueprint the file is written and
// the message says it was not attached.
func TestExportReadOnly(t *testing.T) {
	test.NewTempApp(t)
	i18n.Set(i18n.Zh)
	bp, prop, _ := fixture(t)
	path := bp.Path()
	bp.Close()
	ro, err := layers.Open(path, layers.OpenOptions{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	prop, err = ro.FeatureByUID(context.Background(), ProposalLayer, prop.UID)
	if err != nil {
		t.Fatal(err)
	}
	p, h := newPanel(t, ro)
	h.sel = prop
	h.Do(p.Review)
	out := filepath.Join(t.TempDir(), "r.xlsx")
	h.Do(func() { p.Export(out, siting.FormatXLSX) })
	h.Eventually(t, "the message", func() bool { return h.message() != "" && !strings.HasPrefix(h.message(), "选址审查：") })
	if !strings.Contains(h.message(), "只读") {
		t.Errorf("message %q", h.message())
	}
	if b, err := os.ReadFile(out); err != nil || !bytes.HasPrefix(b, []byte("PK")) {
		t.Errorf("%s: %v", out, err)
	}
	if rs, err := siting.Reports(context.Background(), ro, prop.UID); err != nil || len(rs) != 0 {
		t.Errorf("read-only attached %v, %v", rs, err)
	}
}

func texts(o fyne.CanvasObject) []string {
	var out []string
	for _, l := range labels(o) {
		out = append(out, l.Text)
	}
	return out
}

func TestFileName(t *testing.T) {
	rep := &siting.Report{Project: `a/b:c"d`, Layer: ProposalLayer, FID: 3}
	i18n.Set(i18n.Zh)
	if got := fileName(rep, "pdf"); got != "选址审查_a_b_c_d.pdf" {
		t.Errorf("%q", got)
	}
	rep.Project = ""
	if got := fileName(rep, "xlsx"); got != "选址审查_GL_XZFA #3.xlsx" {
		t.Errorf("%q", got)
	}
}

// TestHeaderFollowsTheSelection: once a proposal was reviewed, selecting
// another one names it above the Review button instead of the report's
// proposal; selecting the reviewed one again, or nothing, shows the
// report's header again.
func TestHeaderFollowsTheSelection(t *testing.T) {
	test.NewTempApp(t)
	i18n.Set(i18n.Zh)
	bp, prop, red := fixture(t)
	p, h := newPanel(t, bp)
	h.sel = prop
	h.Do(p.Review)
	h.Eventually(t, "the report", func() bool { return p.rep != nil })
	var reviewed string
	h.Do(func() { reviewed = p.subject.Text })
	other := *prop
	other.UID, other.FID = "another-proposal", prop.FID+100
	other.Attrs = map[string]any{"xmmc": "第二个方案"}
	for _, c := range []struct {
		sel  *layers.Feature
		want string
	}{
		{&other, "所选方案：第二个方案 · GL_XZFA #"},
		{prop, reviewed},
		{red, reviewed}, // not a proposal: the report stays named
		{&other, "第二个方案"},
		{nil, reviewed},
	} {
		h.Do(func() {
			p.SelectionChanged(c.sel)
			if !strings.Contains(p.subject.Text, c.want) {
				t.Errorf("after selecting %v: header %q, want it to hold %q", c.sel, p.subject.Text, c.want)
			}
		})
	}
}
