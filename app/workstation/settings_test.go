package workstation

import (
	"context"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2"

	"lantu/app/internal/uitest"
	"lantu/layers/gpkg"
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
