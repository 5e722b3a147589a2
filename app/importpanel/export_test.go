package importpanel

import (
	"context"
	"path/filepath"
	"slices"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/test"

	"lantu/app/i18n"
	"lantu/app/internal/uitest"
	"lantu/layers"
	"lantu/layers/transfer"
)

// selHost is a fakeHost with a map selection.
type selHost struct {
	*fakeHost
	sel []*layers.Feature
}

func (h *selHost) SelectedFeatures() []*layers.Feature { return h.sel }

// pickHost is a fakeHost whose identify tool picked one feature.
type pickHost struct {
	*fakeHost
	picked *layers.Feature
}

func (h *pickHost) Selected() *layers.Feature { return h.picked }

// exportFixture is a blueprint with the 12 squares of gbkShapefile as the
// layer 城市 and its features.
func exportFixture(t *testing.T) (*fakeHost, []*layers.Feature) {
	t.Helper()
	uitest.NewApp(t)
	i18n.Set(i18n.Zh)
	t.Cleanup(func() { i18n.Set(i18n.Zh) })
	h := &fakeHost{bp: blueprint(t)}
	h.win = test.NewWindow(nil)
	h.win.Resize(fyne.NewSize(1200, 760))
	src, err := transfer.Open(gbkShapefile(t, 12, true), transfer.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := transfer.Import(context.Background(), h.bp, src, transfer.ImportOptions{As: "城市"}); err != nil {
		t.Fatal(err)
	}
	var fs []*layers.Feature
	err = h.bp.Query(context.Background(), layers.Query{Layers: []string{"城市"}}, func(f *layers.Feature) error {
		fs = append(fs, f)
		return nil
	})
	if err != nil || len(fs) != 12 {
		t.Fatalf("fixture: %d features, %v", len(fs), err)
	}
	return h, fs
}

// TestExportSelected: with three features selected on the layer the
// dialog offers "only the selected features (3)"; checked, the export holds
// exactly those three; without a selection on the chosen layer the option
// is hidden, and a host with one identified feature offers that one.
func TestExportSelected(t *testing.T) {
	fh, fs := exportFixture(t)
	h := &selHost{fakeHost: fh, sel: []*layers.Feature{fs[1], fs[4], fs[9]}}
	e := newExporter(h, h.bp, "城市")
	e.dlg = dialog.NewCustomWithoutButtons("", e.content, h.win)
	if !e.selected.Visible() || e.selected.Text != "仅导出所选要素（3 个）" {
		t.Fatalf("selection option: visible %v, %q", e.selected.Visible(), e.selected.Text)
	}
	opt, err := e.options()
	if err != nil || opt.UIDs != nil {
		t.Fatalf("unchecked: %v, uids %v", err, opt.UIDs)
	}
	e.selected.SetChecked(true)
	opt, err = e.options()
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "sel.gpkg")
	e.run(out, opt)
	if h.err != nil {
		t.Fatal(h.err)
	}
	back, err := transfer.Read(out, transfer.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var got, want []string
	for _, f := range back.Features {
		got = append(got, anyText(f.Attrs["编号"]))
	}
	for _, f := range h.sel {
		want = append(want, anyText(f.Attrs["编号"]))
	}
	slices.Sort(got)
	slices.Sort(want)
	if len(got) != 3 || slices.Contains(want, "") || !slices.Equal(got, want) {
		t.Errorf("exported 编号 %v, want %v", got, want)
	}

	h.sel = []*layers.Feature{{Layer: &layers.Layer{Code: "GL_XZFA"}, UID: "x"}}
	e.showSelection()
	if e.selected.Visible() {
		t.Errorf("the option shows for a selection on another layer")
	}
	p := &pickHost{fakeHost: fh, picked: fs[7]}
	if e := newExporter(p, p.bp, "城市"); !e.selected.Visible() || !slices.Equal(e.uids, []string{fs[7].UID}) {
		t.Errorf("identified feature: visible %v, uids %v", e.selected.Visible(), e.uids)
	}
	if e := newExporter(fh, fh.bp, "城市"); e.selected.Visible() {
		t.Errorf("the option shows without any selection")
	}
}

// TestCellText: areas show every digit (they showed 6.36785e+07).
func TestCellText(t *testing.T) {
	for v, want := range map[any]string{63678491.33: "63678491.33", 0.125: "0.125", 1e300: "1e+300", int64(7): "7", nil: ""} {
		if got := cellText(v); got != want {
			t.Errorf("cellText(%v) = %q, want %q", v, got, want)
		}
	}
}
