package demo

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
)

// Cached returns a demo blueprint of the given scale (seed 1) kept in
// LANTU_BENCH_DIR, or lantu-bench under the system temp folder, generating
// it on first use. Benchmarks of every package share it. A blueprint is
// written to a temporary name and renamed, so a crash never leaves a
// half-written cache entry.
func Cached(ctx context.Context, scale string) (string, error) {
	dir := os.Getenv("LANTU_BENCH_DIR")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "lantu-bench")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("demo: cache: %w", err)
	}
	path := filepath.Join(dir, "demo-"+scale+".gpkg")
	if _, err := os.Stat(path); err == nil {
		return path, nil
	}
	tmp := fmt.Sprintf("%s.%d.tmp", path, os.Getpid())
	if _, err := Generate(ctx, tmp, Options{Scale: scale}); err != nil {
		return "", err
	}
	if err := os.Rename(tmp, path); err != nil {
		return "", fmt.Errorf("demo: cache: %w", err)
	}
	return path, nil
}
