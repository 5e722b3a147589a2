package shapefile

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// Reader reads a shapefile one record at a time, holding only a window of
// its files in memory: what an import of a big file uses. ShapeType,
// Fields, PRJ and Encoding are set by Open. A Reader is not safe for
// concurrent use.
type Reader struct {
	ShapeType ShapeType
	Fields    []Field
	PRJ       string
	Encoding  string
	// Box is the header's bounding box: xmin, ymin, xmax, ymax.
	Box [4]float64

	keepZM  bool
	closers []io.Closer
	shp     *window
	shpName string
	shpLen  int64
	spans   []span // from the .shx; nil: walk the .shp
	next    int    // 0-based record to read next
	pos     int64  // where the next record starts when walking
	dbf     *dbfStream
	dbfName string
}

// Open opens the shapefile at path (as Read names it) for reading record by
// record. The .shx, when present, is read whole (8 bytes a record) and the
// record counts of the .shx and .dbf are checked here; the .shp and .dbf
// are read through windows of a few MiB. Errors are Read's, naming the file
// and record; an error from Next ends the reading.
func Open(path string, opts ReadOptions) (*Reader, error) {
	if opts.Encoding != "" {
		if _, err := lookupCodec(opts.Encoding); err != nil {
			return nil, fmt.Errorf("%s: ReadOptions: %w", path, err)
		}
	}
	src, err := openSource(path)
	if err != nil {
		return nil, err
	}
	defer src.Close()
	r := &Reader{keepZM: opts.KeepZM, Encoding: opts.Encoding}
	if err := r.open(src, opts.Encoding); err != nil {
		r.Close()
		return nil, err
	}
	return r, nil
}

func (r *Reader) open(src source, override string) error {
	if err := r.openSHP(src); err != nil {
		return err
	}
	var err error
	if r.PRJ, err = readText(src, ".prj"); err != nil {
		return err
	}
	return r.openDBF(src, override)
}

// openSHP opens the .shp, checks its header and reads the .shx.
func (r *Reader) openSHP(src source) error {
	ra, size, name, err := openMember(src, ".shp")
	if err != nil {
		return err
	}
	r.closers = append(r.closers, ra)
	r.shp, r.shpName = newWindow(ra, size), name
	head, err := r.shp.at(0, min(headerLen, size))
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	h, err := parseHeaderSized(head, size)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	r.ShapeType, r.shpLen, r.pos = h.shapeType, h.fileLen, headerLen
	copy(r.Box[:], h.box[:4])
	shx, shxName, err := src.file(".shx")
	switch {
	case err == nil:
		t, spans, err := decodeSHX(shx)
		if err != nil {
			return fmt.Errorf("%s: %w", shxName, err)
		}
		if t != h.shapeType {
			return fmt.Errorf("%s: %w: shape type %v, the .shp says %v", shxName, ErrMismatch, t, h.shapeType)
		}
		r.spans = spans
		if err := r.checkEnd(); !errors.Is(err, io.EOF) {
			return err
		}
	case !errors.Is(err, fs.ErrNotExist):
		return err
	}
	return nil
}

// Len is the number of records the .shx indexes, or -1 without one.
func (r *Reader) Len() int {
	if r.spans == nil {
		return -1
	}
	return len(r.spans)
}

// Next returns the next record not marked deleted and its number in the
// .shp (from 1), or io.EOF after the last.
func (r *Reader) Next() (Record, int, error) {
	for {
		rec, n, deleted, err := r.read()
		if err != nil || !deleted {
			return rec, n, err
		}
	}
}

func (r *Reader) read() (Record, int, bool, error) {
	i := r.next
	c, err := r.content(i)
	if err != nil {
		return Record{}, 0, false, err
	}
	s, err := decodeShape(c, r.ShapeType, r.keepZM)
	if err != nil {
		return Record{}, 0, false, fmt.Errorf("%s: record %d: %w", r.shpName, i+1, err)
	}
	r.next++
	rec := Record{Geometry: s.geom, Z: s.z, M: s.m}
	if r.dbf == nil {
		return rec, i + 1, false, nil
	}
	vals, deleted, err := r.dbf.row(i)
	if err != nil {
		return Record{}, 0, false, fmt.Errorf("%s: record %d: %w", r.dbfName, i+1, err)
	}
	rec.Values = vals
	return rec, i + 1, deleted, nil
}

// content is the content of record i, through the .shx or by walking.
func (r *Reader) content(i int) ([]byte, error) {
	if r.spans != nil {
		if i >= len(r.spans) {
			return nil, r.checkEnd()
		}
		return r.spanContent(r.spans[i], i)
	}
	if r.pos >= r.shpLen {
		return nil, r.checkDBFEnd(i)
	}
	if r.shpLen-r.pos < 8 {
		return nil, fmt.Errorf("%s: %w: record %d: header cut off at byte %d", r.shpName, ErrTruncated, i+1, r.shpLen)
	}
	hdr, err := r.shp.at(r.pos, 8)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", r.shpName, err)
	}
	length := int64(be.Uint32(hdr[4:])) * 2
	if length > r.shpLen-r.pos-8 {
		return nil, fmt.Errorf("%s: %w: record %d at byte %d: content of %d bytes overruns the file (%d bytes left)",
			r.shpName, ErrTruncated, i+1, r.pos, length, r.shpLen-r.pos-8)
	}
	c, err := r.spanContent(span{r.pos, length}, i)
	r.pos += 8 + length
	return c, err
}

// spanContent reads record i at s and checks its header, as recordContent.
func (r *Reader) spanContent(s span, i int) ([]byte, error) {
	if s.offset < headerLen || s.length < 0 || s.offset > r.shpLen-8 || s.length > r.shpLen-8-s.offset {
		return nil, fmt.Errorf("%s: %w: record %d: .shx says %d bytes at byte %d, the .shp has %d bytes",
			r.shpName, ErrMismatch, i+1, s.length, s.offset, r.shpLen)
	}
	b, err := r.shp.at(s.offset, 8+s.length)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", r.shpName, err)
	}
	if got := int64(be.Uint32(b[4:])) * 2; got != s.length {
		return nil, fmt.Errorf("%s: %w: record %d at byte %d: .shx says %d bytes, the .shp record header %d",
			r.shpName, ErrMismatch, i+1, s.offset, s.length, got)
	}
	if s.length < 4 {
		return nil, fmt.Errorf("%s: %w: record %d: content of %d bytes has no shape type", r.shpName, ErrFormat, i+1, s.length)
	}
	return b[8:], nil
}

// checkEnd is io.EOF after the last .shx record, or the mismatch when the
// .shp holds more records after the ones the .shx indexes end.
func (r *Reader) checkEnd() error {
	end := int64(headerLen)
	for _, s := range r.spans {
		if s.offset != end {
			return io.EOF // not laid out one after another: nothing to compare
		}
		end += 8 + s.length
	}
	more := 0
	for pos := end; pos+8 <= r.shpLen; more++ {
		hdr, err := r.shp.at(pos, 8)
		if err != nil {
			return io.EOF
		}
		pos += 8 + int64(be.Uint32(hdr[4:]))*2
	}
	if more > 0 {
		return fmt.Errorf("%s: %w: the .shx indexes %d records, the .shp holds %d", r.shpName, ErrMismatch, len(r.spans), len(r.spans)+more)
	}
	return io.EOF
}

// checkDBFEnd is io.EOF, or the mismatch when the .dbf (read without a
// .shx) holds another number of records than the n of the .shp.
func (r *Reader) checkDBFEnd(n int) error {
	if r.dbf != nil && r.dbf.records != int64(n) {
		return fmt.Errorf("%s: %w: %d records, the .shp has %d", r.dbfName, ErrMismatch, r.dbf.records, n)
	}
	return io.EOF
}

// Close releases the files.
func (r *Reader) Close() error {
	var first error
	for _, c := range r.closers {
		if err := c.Close(); err != nil && first == nil {
			first = err
		}
	}
	r.closers = nil
	return first
}

// openMember opens one file of the shapefile for reading at offsets: the
// file itself in a folder, the member's bytes in a zip.
func openMember(src source, ext string) (readerAtCloser, int64, string, error) {
	if d, ok := src.(dirSource); ok {
		name := d.shp
		if ext != ".shp" {
			var err error
			if name, err = d.sibling(ext); err != nil {
				return nil, 0, "", err
			}
		}
		f, err := os.Open(name)
		if err != nil {
			return nil, 0, name, fmt.Errorf("%s: %w", name, err)
		}
		st, err := f.Stat()
		if err != nil {
			f.Close()
			return nil, 0, name, fmt.Errorf("%s: %w", name, err)
		}
		return f, st.Size(), name, nil
	}
	b, name, err := src.file(ext)
	if err != nil {
		return nil, 0, name, err
	}
	return nopCloser{bytes.NewReader(b)}, int64(len(b)), name, nil
}

type readerAtCloser interface {
	io.ReaderAt
	io.Closer
}

type nopCloser struct{ *bytes.Reader }

func (nopCloser) Close() error { return nil }

// window is a read-ahead buffer over a ReaderAt: at returns bytes of the
// file from a buffer refilled when a read falls outside it.
type window struct {
	r     io.ReaderAt
	size  int64
	buf   []byte
	start int64 // file offset of buf[0]
}

const windowSize = 4 << 20

func newWindow(r io.ReaderAt, size int64) *window { return &window{r: r, size: size} }

// at returns n bytes at off (valid until the next call), or ErrTruncated
// when the file ends first.
func (w *window) at(off, n int64) ([]byte, error) {
	if off < 0 || n < 0 || off+n > w.size {
		return nil, fmt.Errorf("%w: %d bytes at byte %d, the file has %d", ErrTruncated, n, off, w.size)
	}
	if off >= w.start && off+n <= w.start+int64(len(w.buf)) {
		return w.buf[off-w.start : off-w.start+n], nil
	}
	want := min(max(n, windowSize), w.size-off)
	if int64(cap(w.buf)) < want {
		w.buf = make([]byte, want)
	}
	w.buf = w.buf[:want]
	if _, err := w.r.ReadAt(w.buf, off); err != nil && !errors.Is(err, io.EOF) {
		w.buf = w.buf[:0]
		return nil, err
	}
	w.start = off
	return w.buf[:n], nil
}

// dbfStream reads the rows of a .dbf one at a time.
type dbfStream struct {
	w       *window
	layout  dbfLayout
	records int64
	fields  []Field
	offsets []int
	dec     *decoder
}

// sampleBytes is how much of a .dbf's records the encoding is detected from.
const sampleBytes = 1 << 20

// openDBF opens the .dbf (none: records without fields), picks its
// encoding from a sample of its records and checks its record count
// against the .shx.
func (r *Reader) openDBF(src source, override string) error {
	ra, size, name, err := openMember(src, ".dbf")
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	} else if err != nil {
		return err
	}
	r.closers = append(r.closers, ra)
	cpg, err := readText(src, ".cpg")
	if err != nil {
		return err
	}
	d, err := newDBFStream(newWindow(ra, size), size, cpg, override)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	if r.spans != nil && d.records != int64(len(r.spans)) {
		return fmt.Errorf("%s: %w: %d records, the .shp has %d", name, ErrMismatch, d.records, len(r.spans))
	}
	r.dbf, r.dbfName, r.Fields, r.Encoding = d, name, d.fields, d.dec.codec.name
	return nil
}

func newDBFStream(w *window, size int64, cpg, override string) (*dbfStream, error) {
	fixed, err := w.at(0, min(size, dbfHeaderLen+1))
	if err != nil {
		return nil, err
	}
	hl := int64(dbfHeaderLen + 1)
	if len(fixed) >= dbfHeaderLen {
		hl = max(hl, int64(le.Uint16(fixed[8:])))
	}
	head, err := w.at(0, min(size, hl))
	if err != nil {
		return nil, err
	}
	l, err := parseDBFLayout(head, size)
	if err != nil {
		return nil, err
	}
	fields, names, offsets, err := parseFields(head[dbfHeaderLen:l.headerLen], l.recordLen)
	if err != nil {
		return nil, err
	}
	names = append([][]byte(nil), names...)
	for i := range names {
		names[i] = bytes.Clone(names[i])
	}
	sample, err := w.at(l.headerLen, min(l.records*l.recordLen, sampleBytes/l.recordLen*l.recordLen))
	if err != nil {
		return nil, err
	}
	codec, err := chooseCodec(append(names, sample), l.ldid, cpg, override)
	if err != nil {
		return nil, err
	}
	d := &dbfStream{w: w, layout: l, records: l.records, fields: fields, offsets: offsets, dec: newDecoder(codec)}
	for i := range fields {
		fields[i].Name = string(bytes.TrimSpace([]byte(d.dec.text(names[i]))))
	}
	return d, nil
}

// row decodes record i (0-based) and says whether it is marked deleted.
func (d *dbfStream) row(i int) ([]any, bool, error) {
	if int64(i) >= d.records {
		return nil, false, fmt.Errorf("%w: the .dbf has %d records", ErrMismatch, d.records)
	}
	rec, err := d.w.at(d.layout.headerLen+int64(i)*d.layout.recordLen, d.layout.recordLen)
	if err != nil {
		return nil, false, err
	}
	vals, err := parseRow(rec, d.fields, d.offsets, d.dec)
	return vals, rec[0] == '*', err
}
