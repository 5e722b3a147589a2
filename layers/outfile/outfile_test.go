package outfile

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func write(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// leftovers lists what is in dir besides the names given.
func leftovers(t *testing.T, dir string, known ...string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		if !contains(known, e.Name()) {
			out = append(out, e.Name())
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestRefusals(t *testing.T) {
	for _, c := range []struct {
		name  string
		setup func(dir string) (target string, opt Options)
		want  error
	}{
		{"same path", func(d string) (string, Options) {
			return filepath.Join(d, "in.gpkg"), Options{Inputs: []string{filepath.Join(d, "in.gpkg")}, Force: true}
		}, ErrInput},
		{"same path spelled differently", func(d string) (string, Options) {
			return filepath.Join(d, ".", "in.gpkg"), Options{Inputs: []string{d + "//in.gpkg"}, Force: true}
		}, ErrInput},
		{"hard link", func(d string) (string, Options) {
			os.Link(filepath.Join(d, "in.gpkg"), filepath.Join(d, "hard.gpkg"))
			return filepath.Join(d, "hard.gpkg"), Options{Inputs: []string{filepath.Join(d, "in.gpkg")}, Force: true}
		}, ErrInput},
		{"symlink to the input", func(d string) (string, Options) {
			os.Symlink("in.gpkg", filepath.Join(d, "soft.gpkg"))
			return filepath.Join(d, "soft.gpkg"), Options{Inputs: []string{filepath.Join(d, "in.gpkg")}, Force: true}
		}, ErrInput},
		{"input given as a symlink", func(d string) (string, Options) {
			os.Symlink("in.gpkg", filepath.Join(d, "soft.gpkg"))
			return filepath.Join(d, "in.gpkg"), Options{Inputs: []string{filepath.Join(d, "soft.gpkg")}, Force: true}
		}, ErrInput},
		{"the input's -wal", func(d string) (string, Options) {
			return filepath.Join(d, "in.gpkg-wal"), Options{Inputs: []string{filepath.Join(d, "in.gpkg")}, Force: true}
		}, ErrInput},
		{"existing file without force", func(d string) (string, Options) {
			return filepath.Join(d, "old.png"), Options{Inputs: []string{filepath.Join(d, "in.gpkg")}}
		}, ErrExists},
		{"dangling symlink without force", func(d string) (string, Options) {
			os.Symlink("nowhere", filepath.Join(d, "dangling.png"))
			return filepath.Join(d, "dangling.png"), Options{}
		}, ErrExists},
		{"folder, even with force", func(d string) (string, Options) {
			os.Mkdir(filepath.Join(d, "sub"), 0o755)
			return filepath.Join(d, "sub"), Options{Force: true}
		}, ErrExists},
		{"missing folder", func(d string) (string, Options) {
			return filepath.Join(d, "no", "such", "out.png"), Options{Force: true}
		}, ErrNoFolder},
		{"no name", func(d string) (string, Options) { return "", Options{} }, ErrWrite},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			write(t, filepath.Join(dir, "in.gpkg"), "input")
			write(t, filepath.Join(dir, "old.png"), "old")
			target, opt := c.setup(dir)
			before := leftovers(t, dir)
			f, err := Create(target, opt)
			if !errors.Is(err, c.want) {
				f.Abort()
				t.Fatalf("Create(%s) = %v, want %v", target, err, c.want)
			}
			if got := read(t, filepath.Join(dir, "in.gpkg")); got != "input" {
				t.Errorf("input now holds %q", got)
			}
			if got := read(t, filepath.Join(dir, "old.png")); got != "old" {
				t.Errorf("old.png now holds %q", got)
			}
			if extra := leftovers(t, dir, before...); len(extra) > 0 {
				t.Errorf("left %v behind", extra)
			}
		})
	}
}

func TestCommitReplaces(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "out.gpkg")
	write(t, target, "old")
	write(t, target+"-wal", "stale wal")
	f, err := Create(target, Options{Force: true, SQLite: true})
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(f.Path()) != "out.gpkg" || filepath.Dir(filepath.Dir(f.Path())) != dir {
		t.Errorf("temporary file %s: want out.gpkg in a folder beside the target", f.Path())
	}
	write(t, f.Path(), "new")
	if got := read(t, target); got != "old" {
		t.Errorf("before Commit the target holds %q, want the old file", got)
	}
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	if got := read(t, target); got != "new" {
		t.Errorf("after Commit the target holds %q", got)
	}
	if _, err := os.Stat(target + "-wal"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the replaced database's -wal is still there: %v", err)
	}
	if extra := leftovers(t, dir, "out.gpkg"); len(extra) > 0 {
		t.Errorf("left %v behind", extra)
	}
	if err := f.Commit(); !errors.Is(err, ErrWrite) {
		t.Errorf("second Commit = %v, want ErrWrite", err)
	}
}

func TestAbortKeepsTheOldFile(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "out.png")
	write(t, target, "old")
	f, err := Create(target, Options{Force: true})
	if err != nil {
		t.Fatal(err)
	}
	write(t, f.Path(), "half")
	f.Abort()
	f.Abort()
	if got := read(t, target); got != "old" {
		t.Errorf("after Abort the target holds %q", got)
	}
	if extra := leftovers(t, dir, "out.png"); len(extra) > 0 {
		t.Errorf("left %v behind", extra)
	}
}

func TestCommitChecksAgain(t *testing.T) {
	for _, c := range []struct {
		name   string
		during func(f *File)
		want   error
	}{
		{"nothing written", func(*File) {}, ErrWrite},
		{"target appeared meanwhile", func(f *File) {
			os.WriteFile(f.Path(), []byte("new"), 0o644)
			os.WriteFile(f.Target(), []byte("someone else's"), 0o644)
		}, ErrExists},
		{"database still open", func(f *File) {
			os.WriteFile(f.Path(), []byte("new"), 0o644)
			os.WriteFile(f.Path()+"-wal", []byte("frames"), 0o644)
		}, ErrWrite},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			f, err := Create(filepath.Join(dir, "out.gpkg"), Options{})
			if err != nil {
				t.Fatal(err)
			}
			c.during(f)
			if err := f.Commit(); !errors.Is(err, c.want) {
				t.Fatalf("Commit = %v, want %v", err, c.want)
			}
			if b, err := os.ReadFile(f.Target()); err == nil && string(b) == "new" {
				t.Errorf("the refused file was renamed into place")
			}
			if extra := leftovers(t, dir, "out.gpkg"); len(extra) > 0 {
				t.Errorf("left %v behind", extra)
			}
		})
	}
}
