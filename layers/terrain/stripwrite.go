package terrain

import (
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"unsafe"
)

// stripWriter writes a single-band GeoTIFF row block by row block, as
// gdaldem writes by default: uncompressed, striped (strips of about 8 KB,
// at least one row), little-endian, the IFD after the pixels. Rows may come
// in any order; Close writes the header and IFD. One goroutine at a time.
type stripWriter struct {
	f        *os.File
	path     string
	w, h     int
	st       SampleType
	rowBytes int
	tags     []outTag
	scratch  []byte
}

// createStrips checks meta's georeferencing (meta.Data is not used) and
// creates path for a meta.Width x meta.Height image of st.
func createStrips(path string, meta *Grid, st SampleType) (*stripWriter, error) {
	if meta.Width <= 0 || meta.Height <= 0 {
		return nil, fmt.Errorf("%w: write %s: grid %d x %d", ErrFormat, path, meta.Width, meta.Height)
	}
	s := &stripWriter{path: path, w: meta.Width, h: meta.Height, st: st, rowBytes: meta.Width}
	if st == Float32 {
		s.rowBytes *= 4
	}
	if int64(s.rowBytes)*int64(s.h) > math.MaxUint32-1<<20 {
		return nil, fmt.Errorf("%w: write %s: %d x %d pixels do not fit a classic TIFF", ErrTooLarge, path, s.w, s.h)
	}
	tags, err := geoTIFFTags(meta, st, 1)
	if err != nil {
		return nil, fmt.Errorf("terrain: write %s: %w", path, err)
	}
	s.tags = append(tags, s.stripTags()...)
	if s.f, err = os.Create(path); err != nil {
		return nil, fmt.Errorf("terrain: write %s: %w", path, err)
	}
	return s, nil
}

// stripTags are RowsPerStrip and the strips' offsets and byte counts:
// the pixels lie contiguous from offset 8.
func (s *stripWriter) stripTags() []outTag {
	rps := min(s.h, max(1, 8192/s.rowBytes))
	n := (s.h + rps - 1) / rps
	offs, counts := make([]uint32, n), make([]uint32, n)
	for i := range n {
		offs[i] = uint32(8 + i*rps*s.rowBytes)
		counts[i] = uint32(min(rps, s.h-i*rps) * s.rowBytes)
	}
	return []outTag{{tagRowsPerStrip, 4, 1, le32s(uint32(rps))},
		{tagStripOffsets, 4, uint32(n), le32s(offs...)}, {tagStripBytes, 4, uint32(n), le32s(counts...)}}
}

// nativeLE reports whether float32s in memory are already little-endian.
var nativeLE = binary.NativeEndian.Uint16([]byte{1, 0}) == 1

// writeRows writes rows r0.. (len(rows)/width of them).
func (s *stripWriter) writeRows(r0 int, rows []float32) error {
	var b []byte
	switch {
	case len(rows) == 0:
		return nil
	case s.st == Float32 && nativeLE:
		b = unsafe.Slice((*byte)(unsafe.Pointer(&rows[0])), 4*len(rows))
	default:
		b = s.encode(rows)
	}
	if _, err := s.f.WriteAt(b, int64(8+r0*s.rowBytes)); err != nil {
		return fmt.Errorf("terrain: write %s: %w", s.path, err)
	}
	return nil
}

// encode converts rows to the file's samples in the writer's scratch
// buffer: Byte rounded as GDAL does, Float32 little-endian.
func (s *stripWriter) encode(rows []float32) []byte {
	size := 1
	if s.st == Float32 {
		size = 4
	}
	if cap(s.scratch) < size*len(rows) {
		s.scratch = make([]byte, size*len(rows))
	}
	b := s.scratch[:size*len(rows)]
	if s.st == Byte {
		for i, v := range rows {
			b[i] = roundByte(v)
		}
		return b
	}
	for i, v := range rows {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(v))
	}
	return b
}

// Close writes the header and IFD after all rows and closes the file.
func (s *stripWriter) Close() error {
	end := 8 + s.h*s.rowBytes
	ifdOff := end + end%2
	hdr := []byte{'I', 'I', 42, 0, 0, 0, 0, 0}
	binary.LittleEndian.PutUint32(hdr[4:], uint32(ifdOff))
	trailer := append(make([]byte, ifdOff-end), ifdBytes(s.tags, uint32(ifdOff))...)
	_, err := s.f.WriteAt(trailer, int64(end))
	if err == nil {
		_, err = s.f.WriteAt(hdr, 0)
	}
	if cerr := s.f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("terrain: write %s: %w", s.path, err)
	}
	return nil
}

// abort closes and removes the unfinished file.
func (s *stripWriter) abort() {
	s.f.Close()
	os.Remove(s.path)
}
