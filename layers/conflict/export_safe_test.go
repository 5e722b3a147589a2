package conflict

import (
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"testing"
)

// TestExportFailureKeepsTheOldFile: a failed export leaves the file it
// would replace byte for byte, and nothing beside it.
func TestExportFailureKeepsTheOldFile(t *testing.T) {
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	nanArea := testPatches(t)
	nanArea[0].Area = math.NaN() // encoding/json refuses NaN
	for _, c := range []struct {
		ext     string
		ctx     context.Context
		patches []Patch
	}{
		{".json", context.Background(), nanArea},
		{".gpkg", cancelled, testPatches(t)},
	} {
		t.Run(c.ext, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "out"+c.ext)
			os.WriteFile(path, []byte("old"), 0o644)
			if err := Export(c.ctx, c.patches, path); !errors.Is(err, ErrExport) {
				t.Fatalf("Export = %v, want ErrExport", err)
			}
			if b, _ := os.ReadFile(path); string(b) != "old" {
				t.Errorf("the failed export changed the old file to %d bytes", len(b))
			}
			if es, _ := os.ReadDir(dir); len(es) != 1 {
				t.Errorf("the failed export left %d files in the folder, want 1", len(es))
			}
		})
	}
}

// TestExportReplaces: Export replaces an existing file (the app's save
// dialog has asked) and leaves nothing beside it.
func TestExportReplaces(t *testing.T) {
	ps := testPatches(t)
	for _, ext := range exportFormats {
		t.Run(ext, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "out"+ext)
			os.WriteFile(path, []byte("old"), 0o644)
			os.WriteFile(path+"-wal", []byte("stale"), 0o644)
			if err := Export(context.Background(), ps, path); err != nil {
				t.Fatal(err)
			}
			want := 1
			if ext != ".gpkg" {
				want = 2 // out.EXT-wal is no sidecar of a non-SQLite file: left alone
			}
			if es, _ := os.ReadDir(dir); len(es) != want {
				t.Errorf("the export left %d files in the folder, want %d", len(es), want)
			}
			if n := countExported(t, path, ext); n != len(ps) {
				t.Errorf("%d patches read back, want %d", n, len(ps))
			}
		})
	}
}
