package workstation

import (
	"context"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2"

	"lantu/app/internal/uitest"
	"lantu/app/layertree"
	"lantu/layers/catalog"
	"lantu/layers/gpkg"
	"lantu/layers/terrain"
)

// The reviewer recorded is the user-name setting, or the OS account when
// unset (it was always "unknown" where the blueprint found no USER).
func TestUserNameSetting(t *testing.T) {
	uitest.NewApp(t)
	w := New(fyne.CurrentApp())
	t.Cleanup(w.win.Close)
	if got, want := w.userName(), osAccount(); got != want || want == "" {
		t.Fatalf("unset: %q, want the OS account %q", got, want)
	}
	w.setUserName("  王规划 ")
	if got := w.userName(); got != "王规划" {
		t.Fatalf("set: %q", got)
	}
	path := filepath.Join(t.TempDir(), "empty.gpkg")
	db, err := gpkg.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	bp, err := w.openIndexed(context.Background(), path, [2]int{800, 600}, func(string, float64) {})
	if err != nil {
		t.Fatal(err)
	}
	defer bp.Close()
	if bp.User() != "王规划" {
		t.Fatalf("the blueprint records %q, want the setting", bp.User())
	}
	w.setUserName("")
	if got := w.userName(); got != osAccount() {
		t.Fatalf("cleared: %q", got)
	}
}

// The hillshade opacity is a setting: the layer tree's slider for XZ_STYY
// stores it, a new window (the next session) reads it back and gives it to
// the tree, and other layers' opacities are not stored.
func TestHillshadeOpacitySetting(t *testing.T) {
	uitest.NewApp(t)
	w := New(fyne.CurrentApp())
	t.Cleanup(w.win.Close)
	if got := w.hillshadeOpacity(); got != defaultHillshade {
		t.Fatalf("unset: %v, want the default %v", got, defaultHillshade)
	}
	cat, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	tree := func() *layertree.Panel {
		var es []layertree.Entry
		for _, code := range []string{terrain.HillshadeLayer, "XZ_DLTB"} {
			es = append(es, layertree.Entry{Code: code, Def: cat.Layer(code)})
		}
		return layertree.New(cat, es, nil)
	}
	w.tree = tree()
	w.tree.OnOpacity = w.layerOpacity
	w.tree.SetOpacity(terrain.HillshadeLayer, 0.3)
	w.tree.SetOpacity("XZ_DLTB", 0.8)
	if got := w.hillshadeOpacity(); got != 0.3 {
		t.Fatalf("after the slider: %v, want 0.3", got)
	}

	next := New(fyne.CurrentApp())
	t.Cleanup(next.win.Close)
	next.tree = tree()
	next.tree.OnOpacity = next.layerOpacity
	next.restoreHillshade()
	if got := next.tree.Opacity(terrain.HillshadeLayer); got != 0.3 {
		t.Errorf("next session: the tree's hillshade at %v, want 0.3", got)
	}
	if got := next.tree.Opacity("XZ_DLTB"); got != 1 {
		t.Errorf("next session: 三调地类图斑 at %v, want 1 (not a setting)", got)
	}
}
