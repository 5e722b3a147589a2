package workstation

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"github.com/paulmach/orb"

	"lantu/app/i18n"
	"lantu/app/internal/uitest"
	"lantu/app/mapview"
	"lantu/layers"
	"lantu/layers/bookmarks"
)

type bookmarkFixture struct {
	ui   *uitest.UI
	b    *bookmarkMenu
	view *mapview.MapView
	win  fyne.Window
	msg  string
}

func newBookmarkFixture(t *testing.T, bp *layers.Blueprint) *bookmarkFixture {
	t.Helper()
	f := &bookmarkFixture{ui: &uitest.UI{}, view: mapview.New(nil)}
	f.view.Resize(fyne.NewSize(400, 300))
	f.b = newBookmarkMenu(nil, f.view, func() *layers.Blueprint { return bp }, func(s string) { f.msg = s }, f.ui.Do)
	f.win = test.NewTempWindow(t, f.b.button)
	f.win.Resize(fyne.NewSize(500, 400))
	f.b.win = f.win
	return f
}

func menuLabels(items []*fyne.MenuItem) string {
	var s []string
	for _, it := range items {
		switch {
		case it.IsSeparator:
			s = append(s, "|")
		case it.ChildMenu != nil:
			s = append(s, it.Label+"▸"+menuLabels(it.ChildMenu.Items))
		default:
			s = append(s, it.Label)
		}
	}
	return strings.Join(s, " ")
}

// TestBookmarkMenu saves the view under a name, goes back to it from the
// menu, asks before replacing a used name, replaces it, pops the menu up
// from the button and deletes the bookmark.
func TestBookmarkMenu(t *testing.T) {
	test.NewTempApp(t)
	i18n.Set(i18n.Zh)
	bp := smallBlueprint(t)
	f := newBookmarkFixture(t, bp)
	home := orb.Point{500400, 4600500}
	listed := 0
	f.b.listed = func() { listed++ } // the workstation rebuilds its View menu here
	f.ui.Do(func() {
		f.view.SetView(home, 2)
		if got := menuLabels(f.b.items()); got != "保存当前视图… | （尚无书签）" {
			t.Errorf("empty menu %q", got)
		}
		f.b.save("  和平区中心 ", false)
	})
	f.ui.Eventually(t, "the saved bookmark", func() bool { return len(f.b.list) == 1 })
	f.ui.Do(func() {
		if listed == 0 {
			t.Error("a read of the list was not announced")
		}
		if f.msg != "已保存书签“和平区中心”" {
			t.Errorf("message %q", f.msg)
		}
		items := f.b.items()
		if got := menuLabels(items); got != "保存当前视图… | 和平区中心 | 删除书签▸和平区中心" {
			t.Errorf("menu %q", got)
		}
		f.view.SetView(orb.Point{501600, 4600200}, 8)
		items[2].Action()
		if v := f.view.View(); v.Center != home || v.Res != 2 {
			t.Errorf("went to %v res %v, want %v res 2", v.Center, v.Res, home)
		}
		f.view.SetView(orb.Point{501600, 4600200}, 8)
		f.b.save("和平区中心", false) // used: asks first
	})
	f.ui.Eventually(t, "the replace question", func() bool { return f.win.Canvas().Overlays().Top() != nil })
	f.ui.Do(func() {
		f.win.Canvas().Overlays().Remove(f.win.Canvas().Overlays().Top())
		f.b.save("和平区中心", true)
	})
	f.ui.Eventually(t, "the replaced view", func() bool { return len(f.b.list) == 1 && f.b.list[0].X == 501600 })
	f.ui.Do(func() { test.Tap(f.b.button) })
	f.ui.Eventually(t, "the pop-up menu", func() bool { return f.win.Canvas().Overlays().Top() != nil })
	f.ui.Do(func() {
		f.win.Canvas().Overlays().Remove(f.win.Canvas().Overlays().Top())
		f.b.delete("和平区中心")
	})
	f.ui.Eventually(t, "the deletion", func() bool { return len(f.b.list) == 0 && strings.Contains(f.msg, "已删除") })
	if got, err := bookmarks.List(context.Background(), bp); err != nil || len(got) != 0 {
		t.Errorf("stored %v, %v", got, err)
	}
}

// TestBookmarkReadOnly: saving on a read-only blueprint shows an error and
// stores nothing.
func TestBookmarkReadOnly(t *testing.T) {
	test.NewTempApp(t)
	i18n.Set(i18n.Zh)
	path := smallBlueprint(t).Path()
	ro, err := layers.Open(path, layers.OpenOptions{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	f := newBookmarkFixture(t, ro)
	f.ui.Do(func() { f.b.save("x", false) })
	f.ui.Eventually(t, "the error dialog", func() bool { return f.win.Canvas().Overlays().Top() != nil })
	if got, err := bookmarks.List(context.Background(), ro); err != nil || len(got) != 0 || f.msg != "" {
		t.Errorf("stored %v, %v, message %q", got, err, f.msg)
	}
}
