package savefile

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage/repository"
)

// fileRepo is everything Fyne's own file repository does; the save dialog
// lists, walks, checks and writes through it.
type fileRepo interface {
	repository.AppendableRepository
	repository.ListableRepository
	repository.HierarchicalRepository
	repository.DeleteAllRepository
	repository.CopyableRepository
	repository.MovableRepository
}

// lazyRepo is the file repository whose writers open their file on the first
// Write. Safe for concurrent use as the wrapped repository is.
type lazyRepo struct{ fileRepo }

// wrap returns r with lazy writers, or r itself when it is not a full file
// repository (which Install then reports).
func wrap(r repository.Repository) repository.Repository {
	if f, ok := r.(fileRepo); ok {
		return &lazyRepo{f}
	}
	return r
}

// Writer opens nothing yet: see lazyWriter.
func (r *lazyRepo) Writer(u fyne.URI) (fyne.URIWriteCloser, error) {
	return &lazyWriter{repo: r.fileRepo, uri: u}, nil
}

// lazyWriter creates or truncates its file on the first Write; closed
// unwritten, it leaves the file as it was (or absent). Not safe for
// concurrent use, like any writer.
type lazyWriter struct {
	repo fileRepo
	uri  fyne.URI
	w    fyne.URIWriteCloser
}

func (l *lazyWriter) URI() fyne.URI { return l.uri }

func (l *lazyWriter) Write(p []byte) (int, error) {
	if l.w == nil {
		w, err := l.repo.Writer(l.uri)
		if err != nil {
			return 0, fmt.Errorf("savefile: %s: %w", l.uri.Path(), err)
		}
		l.w = w
	}
	return l.w.Write(p)
}

func (l *lazyWriter) Close() error {
	if l.w == nil {
		return nil
	}
	return l.w.Close()
}
