// Package outfile writes a command's output file so that nothing is lost:
// an output is never one of the command's inputs, an existing file is
// replaced only when asked, and a failed or interrupted write leaves the old
// file whole.
//
// The contract of Create and Commit:
//   - An output that is the same file as any input is refused (ErrInput):
//     the same path, another path to the same inode (a hard link or a
//     symlink, by os.SameFile), or an input's SQLite sidecar (-wal, -shm,
//     -journal).
//   - An existing output (a file or a symlink, even a dangling one) is
//     refused unless Options.Force (ErrExists); a folder is always refused.
//   - A missing parent folder is an error naming it (ErrNoFolder).
//   - The writer writes Path(), a file with the target's name inside a new
//     temporary folder beside the target, so it keeps the extension and is
//     on the same file system. Commit fsyncs it, renames it over the target
//     and fsyncs the folder; Abort removes the temporary folder. Until
//     Commit the target is untouched, so a crash leaves the old file whole
//     (and at worst a hidden ".NAME.tmp-*" folder beside it).
//
// The checks are made again at Commit, so a file that appeared while the
// command ran is not overwritten without Force.
package outfile

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// Sentinel errors, wrapped with %w.
var (
	ErrInput    = errors.New("outfile: the output is an input")
	ErrExists   = errors.New("outfile: the output exists")
	ErrNoFolder = errors.New("outfile: the output's folder does not exist")
	ErrWrite    = errors.New("outfile: cannot write the output")
)

// sidecars are the files SQLite keeps beside a database.
var sidecars = []string{"-wal", "-shm", "-journal"}

// Options say what an output must not be.
type Options struct {
	Inputs []string // files the command reads; the output may be none of them
	Force  bool     // replace an existing output
	// SQLite marks an output that is an SQLite database (a GeoPackage): on
	// Commit the -wal, -shm and -journal files of the file it replaces are
	// removed first, so SQLite cannot replay them into the new database.
	SQLite bool
}

// File is an output being written. It is not safe for concurrent use.
type File struct {
	target string
	opt    Options
	dir    string // the temporary folder beside target
	tmp    string // dir/base(target): what the writer writes
	done   bool
}

// Check applies Create's refusals without creating anything.
func Check(target string, opt Options) error {
	if target == "" {
		return fmt.Errorf("%w: no output file given", ErrWrite)
	}
	dir := filepath.Dir(target)
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return fmt.Errorf("%w: %s: folder %s", ErrNoFolder, target, dir)
	}
	for _, in := range opt.Inputs {
		if err := notInput(target, in); err != nil {
			return err
		}
	}
	lst, err := os.Lstat(target)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return nil
	case err != nil:
		return fmt.Errorf("%w: %s: %v", ErrWrite, target, err)
	case lst.IsDir():
		return fmt.Errorf("%w: %s is a folder", ErrExists, target)
	case !opt.Force:
		return fmt.Errorf("%w: %s (use --force to replace it)", ErrExists, target)
	}
	if st, err := os.Stat(target); err == nil && st.IsDir() {
		return fmt.Errorf("%w: %s is a link to a folder", ErrExists, target)
	}
	return nil
}

// notInput refuses a target that is the input in or one of its sidecars.
func notInput(target, in string) error {
	if filepath.Clean(target) == filepath.Clean(in) || sameFile(target, in) {
		return fmt.Errorf("%w: %s is the input %s (the same file)", ErrInput, target, in)
	}
	for _, s := range sidecars {
		if filepath.Clean(target) == filepath.Clean(in)+s || sameFile(target, in+s) {
			return fmt.Errorf("%w: %s is the %s file of the input %s", ErrInput, target, s, in)
		}
	}
	return nil
}

// sameFile tells whether a and b both exist and are one file.
func sameFile(a, b string) bool {
	sa, err1 := os.Stat(a)
	sb, err2 := os.Stat(b)
	return err1 == nil && err2 == nil && os.SameFile(sa, sb)
}

// Create checks target against opt and prepares its temporary file. The
// caller writes Path() and calls Commit, or Abort (always safe to defer).
func Create(target string, opt Options) (*File, error) {
	if err := Check(target, opt); err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp(filepath.Dir(target), "."+filepath.Base(target)+".tmp-")
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrWrite, target, err)
	}
	return &File{target: target, opt: opt, dir: dir, tmp: filepath.Join(dir, filepath.Base(target))}, nil
}

// Path is the temporary file to write: it has the target's name and does
// not exist yet.
func (f *File) Path() string { return f.tmp }

// Target is the output file asked for.
func (f *File) Target() string { return f.target }

// Abort removes the temporary file and folder; the target is untouched.
// It does nothing after Commit and may be called more than once.
func (f *File) Abort() {
	if f == nil || f.done {
		return
	}
	f.done = true
	os.RemoveAll(f.dir)
}

// Commit makes the written file the target: it checks the target again,
// fsyncs the file, renames it into place and fsyncs the folder. On error
// the target is untouched and the temporary file removed.
func (f *File) Commit() error {
	if f.done {
		return fmt.Errorf("%w: %s: already committed or aborted", ErrWrite, f.target)
	}
	defer f.Abort()
	if err := f.ready(); err != nil {
		return err
	}
	if err := Check(f.target, f.opt); err != nil {
		return err
	}
	if f.opt.SQLite {
		for _, s := range sidecars {
			if err := os.Remove(f.target + s); err != nil && !errors.Is(err, os.ErrNotExist) {
				return fmt.Errorf("%w: %s: remove the old %s: %v", ErrWrite, f.target, s, err)
			}
		}
	}
	if err := os.Rename(f.tmp, f.target); err != nil {
		return fmt.Errorf("%w: %s: %v", ErrWrite, f.target, err)
	}
	return syncDir(filepath.Dir(f.target))
}

// ready checks that the writer wrote a closed file and fsyncs it.
func (f *File) ready() error {
	st, err := os.Stat(f.tmp)
	if err != nil || !st.Mode().IsRegular() {
		return fmt.Errorf("%w: %s: nothing was written", ErrWrite, f.target)
	}
	if wal, err := os.Stat(f.tmp + "-wal"); err == nil && wal.Size() > 0 {
		return fmt.Errorf("%w: %s: the database is still open (its -wal file is not checkpointed)", ErrWrite, f.target)
	}
	h, err := os.Open(f.tmp)
	if err != nil {
		return fmt.Errorf("%w: %s: %v", ErrWrite, f.target, err)
	}
	defer h.Close()
	if err := h.Sync(); err != nil {
		return fmt.Errorf("%w: %s: fsync: %v", ErrWrite, f.target, err)
	}
	return nil
}

// syncDir fsyncs a folder so a rename in it survives a crash.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("%w: %s: %v", ErrWrite, dir, err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, os.ErrInvalid) {
		return fmt.Errorf("%w: fsync %s: %v", ErrWrite, dir, err)
	}
	return nil
}
