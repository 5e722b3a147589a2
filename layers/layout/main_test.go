package layout

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"lantu/layers/demo"
)

// TestMain generates the tiny demo blueprint (about 2 s) for the tests
// that print real data.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "layout-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	tinyPath = filepath.Join(dir, "tiny.gpkg")
	if _, err := demo.Generate(context.Background(), tinyPath, demo.Options{Scale: "tiny"}); err != nil {
		fmt.Fprintln(os.Stderr, "tiny demo:", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}
