package shapefile

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Writer writes a shapefile one record at a time with bounded memory: the
// .shp and .shx are written as records come, the attribute values are
// spooled to a temporary file and the .dbf is laid out at Close, when
// every value's width is known. Everything is written under temporary
// names and renamed into place by Close, so a Writer that is aborted (or
// fails) leaves no file. The files, names and rules are Write's. A Writer
// is not safe for concurrent use.
type Writer struct {
	path, stem string
	prj        string
	t          ShapeType // Null until the first geometry sets it
	fields     []Field
	enc        *encoder
	shp, shx   *tmpFile
	spool      *tmpFile
	widths     []int
	decimals   []int // the most decimals of a Float field without a set width
	n          int
	shpLen     int64
	all        box
	done       bool
}

// tmpFile is a buffered temporary file beside its target.
type tmpFile struct {
	f      *os.File
	w      *bufio.Writer
	target string
}

func createTmp(target string) (*tmpFile, error) {
	f, err := os.Create(target + ".tmp-lantu")
	if err != nil {
		return nil, err
	}
	return &tmpFile{f: f, w: bufio.NewWriterSize(f, 1<<20), target: target}, nil
}

func (t *tmpFile) remove() {
	if t != nil {
		t.f.Close()
		os.Remove(t.f.Name())
	}
}

// Create starts writing the shapefile path (a .shp) with fields; t Null
// takes the type of the first geometry written. prj "" writes no .prj
// (and removes a stale one at Close).
func Create(path string, t ShapeType, fields []Field, prj string, opts WriteOptions) (*Writer, error) {
	ext := filepath.Ext(path)
	if !strings.EqualFold(ext, ".shp") {
		return nil, fmt.Errorf("%s: %w: want a path ending in .shp", path, ErrNotFound)
	}
	if t.Base() < 0 {
		return nil, fmt.Errorf("%s: %w: unknown shape type %d", path, ErrGeometry, int32(t))
	}
	c, err := lookupCodec(orUTF8(opts.Encoding))
	if err != nil {
		return nil, fmt.Errorf("%s: WriteOptions: %w", path, err)
	}
	w := &Writer{path: path, stem: strings.TrimSuffix(path, ext), prj: prj, t: t, fields: fields,
		enc: newEncoder(c), widths: make([]int, len(fields)), decimals: make([]int, len(fields)), shpLen: headerLen, all: emptyBox()}
	for _, fd := range fields {
		if err := checkField(fd); err != nil {
			return nil, fmt.Errorf("%s.dbf: field %q: %w", w.stem, fd.Name, err)
		}
	}
	if err := w.createFiles(); err != nil {
		w.Abort()
		return nil, err
	}
	return w, nil
}

func (w *Writer) createFiles() error {
	var err error
	if w.shp, err = createTmp(w.path); err != nil {
		return err
	}
	if w.shx, err = createTmp(w.stem + ".shx"); err != nil {
		return err
	}
	if w.spool, err = createTmp(w.stem + ".dbf-spool"); err != nil {
		return err
	}
	w.shp.w.Write(make([]byte, headerLen)) // the header is written at Close
	w.shx.w.Write(make([]byte, headerLen))
	return nil
}

// Write adds one record: a geometry of the file's type (or nil) and no
// values (all NULL) or one per field. A record that does not fit is an
// error naming it; the Writer should then be aborted.
func (w *Writer) Write(r Record) error {
	if w.done {
		return fmt.Errorf("%s: %w: write after Close or Abort", w.path, ErrValue)
	}
	w.n++
	if len(r.Values) != 0 && len(r.Values) != len(w.fields) {
		return fmt.Errorf("%s.dbf: record %d: %w: %d values for %d fields", w.stem, w.n, ErrValue, len(r.Values), len(w.fields))
	}
	if err := w.writeShape(r); err != nil {
		return fmt.Errorf("%s: record %d: %w", w.path, w.n, err)
	}
	return w.spoolValues(r.Values)
}

func (w *Writer) writeShape(r Record) error {
	if w.t == Null && r.Geometry != nil {
		w.t = inferType([]Record{r})
	}
	rec, b, err := appendRecord(nil, r, w.t, w.n-1)
	if err != nil {
		return err
	}
	if w.shpLen+int64(len(rec)) > 1<<32 {
		return fmt.Errorf("%w: more than the 8 GiB a .shp can address", ErrGeometry)
	}
	w.all = w.all.union(b)
	var e [8]byte
	be.PutUint32(e[:], uint32(w.shpLen/2))
	be.PutUint32(e[4:], uint32((len(rec)-8)/2))
	w.shx.w.Write(e[:])
	w.shp.w.Write(rec)
	w.shpLen += int64(len(rec))
	return nil
}

// spoolValues formats the values and spools them, each as a uvarint of
// its length + 1 (0: NULL) and its bytes.
func (w *Writer) spoolValues(vals []any) error {
	var buf []byte
	for j, fd := range w.fields {
		var v any
		if j < len(vals) {
			v = vals[j]
		}
		b, err := formatValue(v, fd, w.enc)
		if err != nil {
			return fmt.Errorf("%s.dbf: record %d: field %q: %w", w.stem, w.n, fd.Name, err)
		}
		if fd.Length > 0 && len(b) > fd.Length {
			return fmt.Errorf("%s.dbf: record %d: field %q: %w: a value of %d bytes does not fit the width %d",
				w.stem, w.n, fd.Name, ErrValue, len(b), fd.Length)
		}
		w.widths[j] = max(w.widths[j], len(b))
		if fd.Type == Float && fd.Length == 0 {
			w.decimals[j] = max(w.decimals[j], decimalsOf(b))
		}
		if b == nil {
			buf = binary.AppendUvarint(buf, 0)
			continue
		}
		buf = append(binary.AppendUvarint(buf, uint64(len(b))+1), b...)
	}
	_, err := w.spool.w.Write(buf)
	return err
}

// decimalsOf is the number of digits after the point of a formatted
// number (0 for one in exponent form).
func decimalsOf(b []byte) int {
	if bytes.ContainsAny(b, "eE") {
		return 0
	}
	if i := bytes.IndexByte(b, '.'); i >= 0 {
		return len(b) - i - 1
	}
	return 0
}

// Close writes the headers, lays out the .dbf, writes the .cpg and .prj
// and renames everything into place.
func (w *Writer) Close() error {
	if w.done {
		return nil
	}
	defer w.Abort()
	if err := w.finishGeometry(); err != nil {
		return fmt.Errorf("%s: %w", w.path, err)
	}
	dbf, err := w.writeDBF()
	if err != nil {
		return fmt.Errorf("%s.dbf: %w", w.stem, err)
	}
	small := map[string][]byte{w.stem + ".cpg": []byte(w.enc.codec.cpg)}
	if w.prj != "" {
		small[w.stem+".prj"] = []byte(w.prj)
	} else if err := os.Remove(w.stem + ".prj"); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	for _, t := range []*tmpFile{w.shp, w.shx, dbf} {
		if err := os.Rename(t.f.Name(), t.target); err != nil {
			dbf.remove()
			return err
		}
	}
	return writeFiles(small)
}

// finishGeometry flushes the .shp and .shx and writes their headers.
func (w *Writer) finishGeometry() error {
	t := w.t
	all := w.all.finite()
	shxLen := headerLen + 8*w.n
	for _, f := range []struct {
		tf  *tmpFile
		len int
	}{{w.shp, int(w.shpLen)}, {w.shx, shxLen}} {
		if err := f.tf.w.Flush(); err != nil {
			return err
		}
		if _, err := f.tf.f.WriteAt(appendHeader(nil, f.len, t, all), 0); err != nil {
			return err
		}
		if err := f.tf.f.Close(); err != nil {
			return err
		}
	}
	return nil
}

// writeDBF lays out the .dbf from the spooled values.
func (w *Writer) writeDBF() (*tmpFile, error) {
	cols, recLen, err := w.dbfColumns()
	if err != nil {
		return nil, err
	}
	hdrLen := dbfHeaderLen + dbfFieldLen*len(cols) + 1
	if hdrLen > math.MaxUint16 || recLen > math.MaxUint16 {
		return nil, fmt.Errorf("%w: %d fields, %d bytes a record: too many for a .dbf", ErrValue, len(cols), recLen)
	}
	out, err := createTmp(w.stem + ".dbf")
	if err != nil {
		return nil, err
	}
	hdr := appendDBFHeader(nil, w.n, hdrLen, recLen, w.enc.codec.ldid, time.Now())
	for _, c := range cols {
		hdr = appendFieldDescriptor(hdr, c)
	}
	out.w.Write(append(hdr, dbfFieldEnd))
	if err := w.copyRecords(out.w, cols, recLen); err != nil {
		out.remove()
		return nil, err
	}
	out.w.WriteByte(dbfEOF)
	if err := out.w.Flush(); err != nil {
		out.remove()
		return nil, err
	}
	if err := out.f.Close(); err != nil {
		out.remove()
		return nil, err
	}
	return out, nil
}

// dbfColumns settles each field's width from the widest value.
func (w *Writer) dbfColumns() ([]column, int, error) {
	names := make([]string, len(w.fields))
	for i, fd := range w.fields {
		names[i] = fd.Name
	}
	dbfNames, err := FieldNames(names, w.enc.codec.name)
	if err != nil {
		return nil, 0, err
	}
	recLen := 1
	cols := make([]column, len(w.fields))
	for j, fd := range w.fields {
		cols[j] = column{Field: fd}
		cols[j].name, _ = w.enc.bytes(dbfNames[j])
		if cols[j].Length == 0 {
			cols[j].Length = defaultWidth(fd, w.widths[j])
			if fd.Type == Float && fd.Decimals == 0 {
				cols[j].Decimals = min(w.decimals[j], 15, cols[j].Length-2)
			}
		}
		recLen += cols[j].Length
	}
	return cols, recLen, nil
}

// copyRecords reads the spool back and writes each record padded.
func (w *Writer) copyRecords(out *bufio.Writer, cols []column, recLen int) error {
	if err := w.spool.w.Flush(); err != nil {
		return err
	}
	if _, err := w.spool.f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	in := bufio.NewReaderSize(w.spool.f, 1<<20)
	rec := make([]byte, 0, recLen)
	for i := 0; i < w.n; i++ {
		rec = append(rec[:0], ' ')
		for _, c := range cols {
			n, err := binary.ReadUvarint(in)
			if err != nil {
				return fmt.Errorf("spool: record %d: %w", i+1, err)
			}
			if rec, err = appendPadded(rec, in, n, c); err != nil {
				return fmt.Errorf("spool: record %d: %w", i+1, err)
			}
		}
		out.Write(rec)
	}
	return nil
}

// appendPadded appends one spooled value (n: its length + 1, 0 for NULL)
// padded to c's width, as column.pad does.
func appendPadded(rec []byte, in io.Reader, n uint64, c column) ([]byte, error) {
	if n == 0 {
		return append(rec, bytes.Repeat([]byte{nullFiller(c.Type)}, c.Length)...), nil
	}
	v := make([]byte, n-1)
	if _, err := io.ReadFull(in, v); err != nil {
		return rec, err
	}
	fill := bytes.Repeat([]byte{' '}, c.Length-len(v))
	if c.Type == Numeric || c.Type == Float {
		return append(append(rec, fill...), v...), nil
	}
	return append(append(rec, v...), fill...), nil
}

// Abort removes the temporary files; after Close it does nothing.
func (w *Writer) Abort() {
	if w.done {
		return
	}
	w.done = true
	w.shp.remove()
	w.shx.remove()
	w.spool.remove()
}
