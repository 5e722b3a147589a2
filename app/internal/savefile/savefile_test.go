package savefile_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/storage"

	"lantu/app/internal/savefile"
	"lantu/app/internal/uitest"
)

// The save dialog's writer must leave a chosen file alone until written:
// Fyne's own truncates it on open, which emptied a blueprint chosen as output.
func TestWriterTouchesNothingUntilWritten(t *testing.T) {
	uitest.NewApp(t)
	dir := t.TempDir()
	keep := filepath.Join(dir, "city.gpkg")
	if err := os.WriteFile(keep, []byte("blueprint bytes"), 0o644); err != nil {
		t.Fatal(err)
	}
	if w, err := storage.Writer(storage.NewFileURI(keep)); err == nil {
		w.Close()
		if b, _ := os.ReadFile(keep); len(b) != 0 {
			t.Fatalf("Fyne's writer no longer truncates on open (%q): this package may be unneeded", b)
		}
	}
	if err := os.WriteFile(keep, []byte("blueprint bytes"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := savefile.Install(); err != nil {
		t.Fatal(err)
	}
	if err := savefile.Install(); err != nil { // idempotent
		t.Fatal(err)
	}
	w, err := storage.Writer(storage.NewFileURI(keep))
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(keep); string(b) != "blueprint bytes" {
		t.Fatalf("an unwritten writer changed the file to %q", b)
	}
	fresh := filepath.Join(dir, "new.pdf")
	w, _ = storage.Writer(storage.NewFileURI(fresh))
	w.Close()
	if _, err := os.Stat(fresh); !os.IsNotExist(err) {
		t.Fatalf("an unwritten writer created %s (err %v)", fresh, err)
	}
	w, _ = storage.Writer(storage.NewFileURI(keep))
	if _, err := w.Write([]byte("new")); err != nil {
		t.Fatal(err)
	}
	w.Close()
	if b, _ := os.ReadFile(keep); string(b) != "new" {
		t.Fatalf("a written writer left %q, want %q", b, "new")
	}
	if ok, err := storage.CanList(storage.NewFileURI(dir)); !ok || err != nil {
		t.Fatalf("the wrapped repository no longer lists folders: %v %v", ok, err)
	}
}

// Every save dialog of the app goes through NewDialog: a bare
// dialog.NewFileSave would empty the file a user picks before Lantu sees it.
func TestNoBareSaveDialogs(t *testing.T) {
	root := filepath.Join("..", "..")
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(path) != ".go" || strings.Contains(path, "savefile") {
			return err
		}
		b, err := os.ReadFile(path)
		if err == nil && strings.Contains(string(b), "dialog.NewFileSave(") {
			t.Errorf("%s calls dialog.NewFileSave: use savefile.NewDialog", path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}
