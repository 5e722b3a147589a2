package shapefile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// readAll reads path through Open and Next.
func readAll(t *testing.T, path string, opts ReadOptions) *File {
	t.Helper()
	r, err := Open(path, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	f := &File{ShapeType: r.ShapeType, Fields: r.Fields, PRJ: r.PRJ, Encoding: r.Encoding}
	for {
		rec, _, err := r.Next()
		if errors.Is(err, io.EOF) {
			return f
		}
		if err != nil {
			t.Fatal(err)
		}
		f.Records = append(f.Records, rec)
	}
}

// TestReaderMatchesRead reads the seed shapefiles of every shape type, a
// zipped one and one without its .shx with Read and with the streaming
// Reader: the same type, fields, encoding and records.
func TestReaderMatchesRead(t *testing.T) {
	dir := t.TempDir()
	stem := writeDistricts(t, dir)
	zipFiles(t, filepath.Join(dir, "d.zip"), stem, "data/")
	noSHX := filepath.Join(dir, "n")
	for _, ext := range []string{".shp", ".dbf", ".cpg"} {
		b, err := os.ReadFile(stem + ext)
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(noSHX+ext, b, 0o644)
	}
	paths := []string{stem + ".shp", filepath.Join(dir, "d.zip"), noSHX + ".shp"}
	for name, f := range map[string]*File{"z": districtsFile(PolygonZ), "m": districtsFile(PolygonM)} {
		p := filepath.Join(dir, name+".shp")
		if err := Write(p, f, WriteOptions{Encoding: "GBK"}); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	for _, p := range paths {
		for _, keep := range []bool{false, true} {
			want, err := Read(p, ReadOptions{KeepZM: keep})
			if err != nil {
				t.Fatal(err)
			}
			got := readAll(t, p, ReadOptions{KeepZM: keep})
			if len(want.Records) == 0 || !reflect.DeepEqual(got, want) {
				t.Errorf("%s keepZM=%v: Reader gives\n%+v\nRead gives\n%+v", p, keep, got, want)
			}
		}
	}
}

// TestWriterAbortLeavesNothing aborts a Writer midway and checks no file is
// left, and that a value too wide for its fixed width is refused by record.
func TestWriterAbortLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	f := districtsFile(Polygon)
	w, err := Create(filepath.Join(dir, "a.shp"), Polygon, f.Fields, "", WriteOptions{Encoding: "GBK"})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(f.Records[0]); err != nil {
		t.Fatal(err)
	}
	w.Abort()
	if left, _ := os.ReadDir(dir); len(left) != 0 {
		t.Errorf("abort left %v", left)
	}
	narrow := []Field{{Name: "name", Type: Character, Length: 2}}
	w, err = Create(filepath.Join(dir, "b.shp"), Polygon, narrow, "", WriteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Abort()
	err = w.Write(Record{Geometry: f.Records[0].Geometry, Values: []any{"too wide"}})
	checkErr(t, err, ErrValue, "b.dbf", "record 1", `"name"`)
}
