//go:build linux || darwin || freebsd

package terrain

import (
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// mappedFile is a file's bytes, mapped read-only where the OS allows so
// that only the pages in use are resident. Not safe for concurrent Close.
type mappedFile struct {
	data   []byte
	mapped bool
}

// mapFile maps path read-only; an empty file reads as no bytes.
func mapFile(path string) (*mappedFile, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("terrain: read %s: %w", path, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("terrain: read %s: %w", path, err)
	}
	if st.Size() == 0 || int64(int(st.Size())) != st.Size() {
		return &mappedFile{}, nil
	}
	b, err := unix.Mmap(int(f.Fd()), 0, int(st.Size()), unix.PROT_READ, unix.MAP_SHARED)
	if err != nil {
		return nil, fmt.Errorf("terrain: map %s: %w", path, err)
	}
	_ = unix.Madvise(b, unix.MADV_SEQUENTIAL)
	return &mappedFile{data: b, mapped: true}, nil
}

// drop tells the OS that bytes off..off+n are not needed for now: their
// pages leave the process (a later read faults them back from the page
// cache), so a file read block row by block row stays small in memory.
func (m *mappedFile) drop(off, n int) {
	if !m.mapped || n <= 0 {
		return
	}
	page := os.Getpagesize()
	lo := off / page * page
	hi := min(len(m.data), (off+n+page-1)/page*page)
	if lo < hi {
		_ = unix.Madvise(m.data[lo:hi], unix.MADV_DONTNEED)
	}
}

// Close unmaps the file; its bytes must not be used after.
func (m *mappedFile) Close() error {
	if !m.mapped {
		return nil
	}
	m.mapped = false
	return unix.Munmap(m.data)
}
