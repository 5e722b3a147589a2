// Package savefile asks where to save a file without touching the file chosen.
//
// Fyne's save dialog opens the chosen file for writing (truncating it) before it
// hands the writer over, so a user who picks the blueprint itself, or any file
// they meant to keep, and confirms "overwrite" would find it emptied before Lantu
// could refuse. NewDialog shows the same dialog, but the writer the dialog opens
// is lazy: the file is created or truncated only on the first Write, and the
// callback gets the path with the writer already closed unwritten. The caller
// then writes through layers/outfile, which refuses an input as output and
// replaces a file only through a temporary file renamed into place.
//
// Install (done by NewDialog) wraps the "file" storage repository once for the
// whole app; every other storage.Writer keeps working, opening its file on the
// first Write instead of at once. Safe for concurrent use.
package savefile

import (
	"fmt"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage/repository"
)

// NewDialog is dialog.NewFileSave whose callback receives the chosen path (""
// when cancelled) and whose dialog never creates, truncates or removes a file.
func NewDialog(onPath func(path string), parent fyne.Window) *dialog.FileDialog {
	if err := Install(); err != nil {
		fyne.LogError("savefile", err)
	}
	return dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		path := w.URI().Path()
		w.Close() // unwritten: nothing was opened
		onPath(path)
	}, parent)
}

var installMu sync.Mutex

// Install wraps the registered "file" repository so its writers are lazy. It
// is idempotent; it fails only when no "file" repository is registered yet
// (before the Fyne app exists).
func Install() error {
	installMu.Lock()
	defer installMu.Unlock()
	r, err := repository.ForScheme("file")
	if err != nil {
		return fmt.Errorf("savefile: no file repository: %w", err)
	}
	if _, ok := r.(*lazyRepo); ok {
		return nil
	}
	repository.Register("file", wrap(r))
	return nil
}
