package shapefile

import (
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"lantu/layers/peer/peertest"
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

// TestFloatDecimals: a Float field without a set width gets the most
// decimals its values have, and its values are plain decimals, so ogrinfo
// shows 63678491.33 (it showed 63678491 when the field said 0 decimals and
// the value was written 6.367849133e+07); GDAL reads the same numbers.
func TestFloatDecimals(t *testing.T) {
	ogrinfo := peertest.Tool(t, "ogrinfo")
	vals := []float64{63678491.33, 2856810500.2, 0.125, 1e300}
	f := &File{ShapeType: Point, Fields: []Field{{Name: "mj", Type: Float}}}
	for i, v := range vals {
		f.Records = append(f.Records, Record{Geometry: orb.Point{float64(i), 0}, Values: []any{v}})
	}
	path := filepath.Join(t.TempDir(), "f.shp")
	if err := Write(path, f, WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	back, err := Read(path, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if fd := back.Fields[0]; fd.Decimals != 3 || fd.Length != 24 {
		t.Errorf("field %+v, want width 24 with 3 decimals", fd)
	}
	for i, r := range back.Records {
		if r.Values[0] != vals[i] {
			t.Errorf("record %d: %v, wrote %v", i+1, r.Values[0], vals[i])
		}
	}
	out, err := exec.Command(ogrinfo, "-ro", "-al", "-q", path).Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"mj (Real) = 63678491.330", "mj (Real) = 2856810500.200", "mj (Real) = 0.125"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("ogrinfo lacks %q:\n%s", want, out)
		}
	}
	for _, r := range gdalRead(t, path)[:3] {
		if v, _ := r.props["mj"].(float64); !slices.Contains(vals, v) {
			t.Errorf("GDAL reads mj %v", r.props["mj"])
		}
	}
}
