package workstation

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"lantu/app/i18n"
	"lantu/app/internal/uitest"
)

// The status bar's texts truncate: with every segment full (a conflict
// check's counts, the elevation under the cursor, X/Y, lon/lat, a long
// message) the window still fits 1024 px, in English as in Chinese. Before,
// hovering the map after a conflict check grew the window to 1446 px.
func TestStatusBarNeverWidensWindow(t *testing.T) {
	for _, l := range []i18n.Lang{i18n.En, i18n.Zh} {
		t.Run(string(l), func(t *testing.T) {
			uitest.NewApp(t)
			i18n.Set(l)
			t.Cleanup(func() { i18n.Set(i18n.Zh) })
			w := New(fyne.CurrentApp())
			t.Cleanup(w.win.Close)
			w.SetStatus("conflicts", "Conflicts: 12 high · 30 medium · 7 low · 3 waived · 48 open")
			w.SetStatus("elevation", "Elevation 191.8 m  Slope 1.2°  Aspect 270°")
			w.SetStatus("index", "Indexing 120/189")
			w.status.set(w.status.xy, "X 521278.01  Y 4663583.79")
			w.status.set(w.status.lonlat, i18n.T("status.lonlat")+" 123.257256°E 42.107269°N")
			w.SetMessage(strings.Repeat("Checked 189 layers against 42 rules; ", 5))
			if got := w.status.root.MinSize().Width; got > 420 {
				t.Errorf("status bar asks for %.0f px", got)
			}
			// The window pads its content by theme.Padding() each side.
			if got := w.win.Content().MinSize().Width + 2*theme.Padding(); got > 1024 {
				t.Errorf("window needs %.0f px, more than 1024", got)
			}
			w.win.Resize(fyne.NewSize(1024, 700))
			if got := w.win.Canvas().Size().Width; got > 1024 {
				t.Errorf("window grew to %.0f px", got)
			}
			// At full width, the segments show whole.
			w.win.Resize(fyne.NewSize(1600, 1000))
			if w.status.lonlat.Size().Width < naturalWidth(w.status.lonlat)-1 {
				t.Errorf("at 1600 px lon/lat is squeezed to %.0f px", w.status.lonlat.Size().Width)
			}
		})
	}
}

// Texts set after the window is laid out (the cursor moving) move their
// neighbours: X/Y and lon/lat overlapped the scale when the row was laid
// out while they were empty.
func TestStatusTextsRelayout(t *testing.T) {
	uitest.NewApp(t)
	w := New(fyne.CurrentApp())
	t.Cleanup(w.win.Close)
	w.win.Resize(fyne.NewSize(1600, 1000))
	w.status.set(w.status.xy, "X 123.62  Y 41.80")
	w.status.set(w.status.lonlat, "经纬度 123.620000°E 41.800000°N")
	xy, ll := w.status.xy, w.status.lonlat
	if xy.Size().Width < naturalWidth(xy)-1 || ll.Size().Width < naturalWidth(ll)-1 {
		t.Fatalf("X/Y %.0f px (needs %.0f), lon/lat %.0f px (needs %.0f)", xy.Size().Width, naturalWidth(xy), ll.Size().Width, naturalWidth(ll))
	}
	if xy.Position().X+xy.Size().Width > ll.Position().X+0.5 {
		t.Fatalf("X/Y [%v +%v] overlaps lon/lat at %v", xy.Position().X, xy.Size().Width, ll.Position().X)
	}
}

// The window opens at the size it was closed at.
func TestWindowSizeRemembered(t *testing.T) {
	uitest.NewApp(t)
	w := New(fyne.CurrentApp())
	if got := w.win.Canvas().Size(); got != defaultWindow {
		t.Fatalf("first start: %v, want %v", got, defaultWindow)
	}
	w.win.Resize(fyne.NewSize(1024, 700))
	w.saveSettings()
	w.win.Close()
	again := New(fyne.CurrentApp())
	t.Cleanup(again.win.Close)
	if got := again.win.Canvas().Size(); got != fyne.NewSize(1024, 700) {
		t.Fatalf("second start: %v, want 1024x700", got)
	}
}

// When the texts cannot all fit, none is drawn narrower than "…" (Fyne
// would draw such a label's whole text over its neighbours): the message
// and then the leftmost segments give way, and no two shown labels overlap.
func TestStatusRowNoOverlap(t *testing.T) {
	uitest.NewApp(t)
	w := New(fyne.CurrentApp())
	t.Cleanup(w.win.Close)
	w.win.Resize(fyne.NewSize(1024, 700))
	w.SetMessage("已完成冲突检查：19 条规则，4200 个图斑，用时 12.3 秒")
	w.SetStatus("conflicts", "冲突 4200：待审 4200 · 已确认 0 · 已豁免 0")
	w.SetStatus("elevation", "高程 191.8 m  坡度 1.2°")
	w.status.set(w.status.xy, "X 504566.43  Y 4682134.50")
	w.status.set(w.status.lonlat, "经纬度 123.055355°E 42.274512°N")
	for _, width := range []float32{1024, 800, 600} {
		w.win.Resize(fyne.NewSize(width, 700))
		var shown []fyne.CanvasObject
		for _, o := range w.status.row.Objects {
			if o.Visible() && o.Position().X >= 0 {
				if o.Size().Width < narrowest()-0.5 {
					t.Errorf("%v px: a label %.0f px wide is drawn", width, o.Size().Width)
				}
				shown = append(shown, o)
			}
		}
		for i := 1; i < len(shown); i++ {
			if a, b := shown[i-1], shown[i]; a.Position().X+a.Size().Width > b.Position().X+0.5 {
				t.Errorf("%v px: labels overlap at %.0f", width, b.Position().X)
			}
		}
		if shown[len(shown)-1] != w.status.lonlat {
			t.Errorf("%v px: lon/lat is not shown", width)
		}
	}
}
