package workstation

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"lantu/app/i18n"
	"lantu/app/internal/uitest"
	"lantu/app/layertree"
	"lantu/layers/catalog"
)

// labels finds the labels of o's tree (as drawn) whose text is one of want.
func labels(o fyne.CanvasObject, want map[string]bool) []*widget.Label {
	var out []*widget.Label
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if l, ok := o.(*widget.Label); ok && want[l.Text] {
			out = append(out, l)
		}
		switch o := o.(type) {
		case *fyne.Container:
			for _, c := range o.Objects {
				walk(c)
			}
		case fyne.Widget:
			for _, c := range test.WidgetRenderer(o).Objects() {
				walk(c)
			}
		}
	}
	walk(o)
	return out
}

// At 1024 x 700 the administrative layers, three groups deep, show their
// names whole ("乡镇…" before: the dock's panels widened it to 474 px and
// the tree indented 24 px a level), and the map keeps the 342 px it had.
func TestLayerNamesFit1024(t *testing.T) {
	uitest.NewApp(t)
	i18n.Set(i18n.Zh)
	cat, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	var entries []layertree.Entry
	names := map[string]bool{}
	for _, code := range []string{"XZ_SJXZQ", "XZ_QXXZQ", "XZ_XZXZQ", "XZ_CJXZQ"} {
		l := cat.Layer(code)
		if l == nil {
			t.Fatalf("no layer %s", code)
		}
		entries = append(entries, layertree.Entry{Code: code, Def: l, Count: 2345})
		names[l.NameZh] = true
	}
	w := New(fyne.CurrentApp())
	t.Cleanup(w.win.Close)
	w.tree = layertree.New(cat, entries, nil)
	w.tree.SetFilter("xzq")
	w.left.Objects = []fyne.CanvasObject{w.tree.Content()}
	w.win.Resize(fyne.NewSize(1024, 700))
	w.left.Refresh()
	found := labels(w.win.Content(), names)
	if len(found) != len(names) {
		t.Fatalf("found %d of the %d layer names drawn", len(found), len(names))
	}
	for _, l := range found {
		if got, need := l.Size().Width, naturalWidth(l); got < need {
			t.Errorf("%s drawn %.0f px wide, needs %.0f", l.Text, got, need)
		}
	}
	if got := w.view.Size().Width; got < 340 {
		t.Errorf("the map is %.0f px wide at 1024", got)
	}
}
