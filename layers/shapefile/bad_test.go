package shapefile

import (
	"archive/zip"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/paulmach/orb"
)

// writeDistricts writes districtsFile into dir and returns the stem path.
func writeDistricts(t *testing.T, dir string) string {
	t.Helper()
	stem := filepath.Join(dir, "d")
	if err := Write(stem+".shp", districtsFile(Polygon), WriteOptions{Encoding: "GBK"}); err != nil {
		t.Fatal(err)
	}
	return stem
}

// TestBadInput breaks one file of a good shapefile at a time and checks
// the error names the file and the record and wraps the right sentinel.
func TestBadInput(t *testing.T) {
	testBadInput(t, func(path string) error {
		_, err := Read(path, ReadOptions{})
		return err
	})
}

// TestReaderBadInput runs TestBadInput's cases through Open and Next: the
// streaming reader gives the same errors.
func TestReaderBadInput(t *testing.T) {
	testBadInput(t, func(path string) error {
		r, err := Open(path, ReadOptions{})
		if err != nil {
			return err
		}
		defer r.Close()
		for {
			if _, _, err := r.Next(); err != nil {
				if errors.Is(err, io.EOF) {
					return nil
				}
				return err
			}
		}
	})
}

// badCase breaks one file of a good shapefile.
type badCase struct {
	name, ext string
	edit      func(b []byte) []byte
	want      error
	mention   []string
}

func testBadInput(t *testing.T, read func(path string) error) {
	cases := []badCase{
		{"truncated shp", ".shp", func(b []byte) []byte { return b[:len(b)-10] }, ErrTruncated, []string{"d.shp", "header says"}},
		{"shp header only", ".shp", func(b []byte) []byte { return b[:50] }, ErrTruncated, []string{"d.shp"}},
		{"record overruns", ".shp", func(b []byte) []byte {
			be.PutUint32(b[24:], uint32(len(b)/2)) // keep the file length honest
			be.PutUint32(b[100+4:], 1<<20)
			return b
		}, ErrMismatch, []string{"d.shp", "record 1"}},
		{"absurd part count", ".shp", func(b []byte) []byte { le.PutUint32(b[108+36:], 1<<30); return b }, ErrFormat, []string{"record 1", "parts"}},
		{"absurd point count", ".shp", func(b []byte) []byte { le.PutUint32(b[108+40:], 1<<30); return b }, ErrFormat, []string{"record 1", "points"}},
		{"shx offset", ".shx", func(b []byte) []byte { be.PutUint32(b[100+8:], 60); return b }, ErrMismatch, []string{"record 2", ".shx"}},
		{"shx fewer entries", ".shx", func(b []byte) []byte { be.PutUint32(b[24:], uint32(len(b)/2-4)); return b[:len(b)-8] }, ErrMismatch, []string{"d.shp", "indexes 2 records", "holds 3"}},
		{"shx type", ".shx", func(b []byte) []byte { le.PutUint32(b[32:], 1); return b }, ErrMismatch, []string{"d.shx"}},
		{"dbf fewer records", ".dbf", func(b []byte) []byte { le.PutUint32(b[4:], 2); return b }, ErrMismatch, []string{"d.dbf", "2 records", "3"}},
		{"dbf more records", ".dbf", func(b []byte) []byte {
			le.PutUint32(b[4:], 4)
			rl := int(le.Uint16(b[10:]))
			return append(b[:len(b)-1], b[len(b)-1-rl:]...)
		}, ErrMismatch, []string{"d.dbf", "4 records"}},
		{"dbf truncated", ".dbf", func(b []byte) []byte { return b[:len(b)-40] }, ErrTruncated, []string{"d.dbf"}},
		{"bad number", ".dbf", func(b []byte) []byte { return replaceOnce(b, "210106", "21x106") }, ErrValue, []string{"d.dbf", "record 2", `"code"`}},
		{"bad date", ".dbf", func(b []byte) []byte { return replaceOnce(b, "19481102", "19481302") }, ErrValue, []string{"record 1", `"founded"`}},
		{"unknown cpg", ".cpg", func([]byte) []byte { return []byte("KLINGON") }, ErrEncoding, []string{"KLINGON", ".cpg"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			stem := writeDistricts(t, t.TempDir())
			b, err := os.ReadFile(stem + c.ext)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(stem+c.ext, c.edit(b), 0o644); err != nil {
				t.Fatal(err)
			}
			checkErr(t, read(stem+".shp"), c.want, c.mention...)
		})
	}
}

func checkErr(t *testing.T, err, want error, mention ...string) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("error %v, want %v", err, want)
	}
	for _, m := range mention {
		if !strings.Contains(err.Error(), m) {
			t.Errorf("error %q does not mention %q", err, m)
		}
	}
}

func replaceOnce(b []byte, old, new string) []byte {
	return []byte(strings.Replace(string(b), old, new, 1))
}

func TestUnknownEncoding(t *testing.T) {
	stem := writeDistricts(t, t.TempDir())
	_, err := Read(stem+".shp", ReadOptions{Encoding: "EBCDIC-KLINGON"})
	checkErr(t, err, ErrEncoding, "EBCDIC-KLINGON", "d.shp")
	err = Write(stem+"2.shp", districtsFile(Polygon), WriteOptions{Encoding: "nope"})
	checkErr(t, err, ErrEncoding, "nope")
	f := districtsFile(Polygon)
	f.Records[0].Values[0] = "😀"
	err = Write(stem+"3.shp", f, WriteOptions{Encoding: "GBK"})
	checkErr(t, err, ErrEncoding, "record 1", "GBK")
	if _, err := os.Stat(stem + "3.shp"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a failed Write left %s.shp: %v", stem+"3", err)
	}
}

func TestWriteRejects(t *testing.T) {
	cases := []struct {
		name string
		edit func(f *File)
		want error
	}{
		{"text too wide", func(f *File) { f.Records[0].Values[0] = strings.Repeat("长", 11) }, ErrValue},
		{"fraction in integer", func(f *File) { f.Records[0].Values[1] = 1.5 }, ErrValue},
		{"string in number", func(f *File) { f.Records[0].Values[1] = "12" }, ErrValue},
		{"line in polygon file", func(f *File) { f.Records[0].Geometry = orb.LineString{{0, 0}, {1, 1}} }, ErrGeometry},
		{"Z count", func(f *File) { f.ShapeType = PolygonZ; f.Records[0].Z = []float64{1} }, ErrGeometry},
		{"Z in an M file", func(f *File) { f.ShapeType = PolygonM; f.Records[0].Z = make([]float64, 10) }, ErrGeometry},
		{"multipoint in a point file", func(f *File) { f.ShapeType = Point; f.Records[0].Geometry = orb.MultiPoint{{1, 1}} }, ErrGeometry},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := districtsFile(Polygon)
			c.edit(f)
			checkErr(t, Write(filepath.Join(t.TempDir(), "x.shp"), f, WriteOptions{}), c.want, "record 1")
		})
	}
}

// TestEncodingDetection reads one GBK table through every route: .cpg,
// language driver byte, detection, and the override.
func TestEncodingDetection(t *testing.T) {
	stem := writeDistricts(t, t.TempDir())
	read := func(opts ReadOptions) *File {
		f, err := Read(stem+".shp", opts)
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	if f := read(ReadOptions{}); f.Encoding != "GBK" || f.Records[0].Values[0] != "和平区" {
		t.Errorf("with .cpg: %s %v", f.Encoding, f.Records[0].Values[0])
	}
	os.Remove(stem + ".cpg")
	if f := read(ReadOptions{}); f.Encoding != "GBK" || f.Records[2].Values[5] != "多部分，岛在洞中" {
		t.Errorf("by LDID: %s %v", f.Encoding, f.Records[2].Values[5])
	}
	b, _ := os.ReadFile(stem + ".dbf")
	b[29] = 0
	os.WriteFile(stem+".dbf", b, 0o644)
	if f := read(ReadOptions{}); f.Encoding != "GBK" || f.Fields[5].Name != "名称字段很" {
		t.Errorf("detected: %s %v", f.Encoding, f.Fields[5].Name)
	}
	if f := read(ReadOptions{Encoding: "ISO-8859-1"}); f.Encoding != "ISO-8859-1" || f.Records[0].Values[0] == "和平区" {
		t.Errorf("override: %s %v", f.Encoding, f.Records[0].Values[0])
	}
}

func TestFieldNames(t *testing.T) {
	cases := []struct {
		enc        string
		names, out []string
	}{
		{"GBK", []string{"名称字段很长的", "名称字段很长的2", "名称字段很长的3"}, []string{"名称字段很", "名称字段_1", "名称字段_2"}},
		{"UTF-8", []string{"名称字段很长的", "名称字段很长的2"}, []string{"名称字", "名称_1"}},
		{"", []string{"name", "NAME", "name_1", "", "a_very_long_name", "a_very_long_nameX"},
			[]string{"name", "NAME_2", "name_1", "FIELD", "a_very_lon", "a_very_l_1"}},
	}
	for _, c := range cases {
		got, err := FieldNames(c.names, c.enc)
		if err != nil || !slices.Equal(got, c.out) {
			t.Errorf("FieldNames(%q, %q) = %q, %v; want %q", c.names, c.enc, got, err, c.out)
		}
	}
	if _, err := FieldNames([]string{"a"}, "nope"); !errors.Is(err, ErrEncoding) {
		t.Errorf("unknown encoding: %v", err)
	}
}

func TestZip(t *testing.T) {
	dir := t.TempDir()
	stem := writeDistricts(t, dir)
	zipPath := filepath.Join(dir, "d.zip")
	zipFiles(t, zipPath, stem, "sub/")
	for _, p := range []string{zipPath, zipPath + "/d.shp", zipPath + "/sub/d.shp"} {
		f, err := Read(p, ReadOptions{})
		if err != nil || len(f.Records) != 3 || f.Records[0].Values[0] != "和平区" {
			t.Errorf("Read(%s): %v", p, err)
		}
	}
	_, err := Read(zipPath+"/roads.shp", ReadOptions{})
	checkErr(t, err, ErrNotFound, "roads.shp", "d.zip")
}

// zipFiles puts the shapefile at stem into a zip, under prefix.
func zipFiles(t *testing.T, zipPath, stem, prefix string) {
	t.Helper()
	out, err := os.Create(zipPath)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	zw := zip.NewWriter(out)
	for _, ext := range []string{".shp", ".shx", ".dbf", ".cpg", ".prj"} {
		b, err := os.ReadFile(stem + ext)
		if err != nil {
			t.Fatal(err)
		}
		w, err := zw.Create(prefix + filepath.Base(stem) + strings.ToUpper(ext))
		if err != nil {
			t.Fatal(err)
		}
		w.Write(b)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestConcurrentUse reads one shapefile and writes others from several
// goroutines at once (run with -race).
func TestConcurrentUse(t *testing.T) {
	dir := t.TempDir()
	stem := writeDistricts(t, dir)
	errs := make(chan error, 8)
	for i := range 4 {
		go func() {
			f, err := Read(stem+".shp", ReadOptions{KeepZM: true})
			if err == nil && f.Records[0].Values[0] != "和平区" {
				err = errors.New("wrong text")
			}
			errs <- err
		}()
		go func() {
			errs <- Write(filepath.Join(dir, "w"+strings.Repeat("x", i)+".shp"), districtsFile(PolygonZ), WriteOptions{Encoding: "GBK"})
		}()
	}
	for range 8 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}
