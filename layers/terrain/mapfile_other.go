//go:build !(linux || darwin || freebsd)

package terrain

import (
	"fmt"
	"os"
)

// mappedFile is a file's bytes, read whole where mapping is not used.
// Not safe for concurrent Close.
type mappedFile struct{ data []byte }

func mapFile(path string) (*mappedFile, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("terrain: read %s: %w", path, err)
	}
	return &mappedFile{data: b}, nil
}

func (m *mappedFile) drop(off, n int) {}

// Close releases the bytes.
func (m *mappedFile) Close() error { m.data = nil; return nil }
