package workstation

import (
	"testing"

	"fyne.io/fyne/v2"
	"github.com/paulmach/orb"

	"lantu/app/i18n"
	"lantu/app/internal/uitest"
	"lantu/app/layertree"
	"lantu/app/printdialog"
)

// TestPrintMenuAndView: File has 打印/导出地图…, and the print dialog's
// host reports the map as shown: its centre and scale and the tree's
// visible layers (the opacities: app/layertree's TestOpacityIsTheSliders).
func TestPrintMenuAndView(t *testing.T) {
	uitest.NewApp(t)
	i18n.Set(i18n.Zh)
	w := New(fyne.CurrentApp())
	t.Cleanup(w.win.Close)
	found := false
	for _, it := range w.win.MainMenu().Items[0].Items {
		found = found || it.Label == "打印/导出地图…"
	}
	if !found {
		t.Errorf("File menu %q has no 打印/导出地图…", menuLabels(w.win.MainMenu().Items[0].Items))
	}
	var _ printdialog.Host = w // the workstation is the dialog's host
	// The tree as show makes it, without show's panels (their workers
	// post to the UI, which Fyne's test driver runs on their goroutines).
	bp := smallBlueprint(t)
	w.tree = layertree.New(bp.Catalog(), entriesOf(bp), []string{districtLayer})
	w.win.Resize(fyne.NewSize(1024, 700))
	w.view.SetView(orb.Point{501000, 4600500}, 5)
	v := w.PrintView()
	if v.Center != (orb.Point{501000, 4600500}) || v.Scale != w.view.Scale() {
		t.Errorf("view %v at 1:%v, want the map's", v.Center, v.Scale)
	}
	if !containsCode(v.Layers, districtLayer) {
		t.Errorf("visible %q lack %s", v.Layers, districtLayer)
	}
	if w.PrintAuthor() != w.userName() {
		t.Errorf("author %q", w.PrintAuthor())
	}
}

func containsCode(codes []string, c string) bool {
	for _, x := range codes {
		if x == c {
			return true
		}
	}
	return false
}
