package boundarytxt

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb/planar"
)

func readFile(t *testing.T, name string, opt Options) (*File, error) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return Read(name, data, opt)
}

// TestReadTwoParcels reads a zone-prefixed file (X = northing) with a hole,
// in UTF-8 and in GBK, and checks parcels, attributes, areas and the CRS.
func TestReadTwoParcels(t *testing.T) {
	for _, name := range []string{"two_parcels.txt", "two_parcels_gbk.txt"} {
		t.Run(name, func(t *testing.T) {
			f, err := readFile(t, name, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if !f.NorthingFirst || f.Zone != 41 || f.EPSG != 4529 {
				t.Errorf("northingFirst=%v zone=%d epsg=%d, want true 41 4529", f.NorthingFirst, f.Zone, f.EPSG)
			}
			if len(f.Parcels) != 2 {
				t.Fatalf("%d parcels", len(f.Parcels))
			}
			p := f.Parcels[0]
			if p.Number != "A-01" || p.Name != "浑南新区产业园" || p.Use != "工业用地" || p.LandCode != "0601" || p.Sheet != "K51G018022" || p.Line != 13 {
				t.Errorf("parcel 1 = %+v", p)
			}
			if len(p.Geometry) != 1 || len(p.Geometry[0]) != 2 {
				t.Fatalf("parcel 1: want one polygon with a hole, got %v", p.Geometry)
			}
			// 100 m east x 120 m north minus a 20 x 40 m hole.
			if a := planar.Area(p.Geometry); a != 100*120-20*40 {
				t.Errorf("parcel 1 area %v", a)
			}
			if pt := p.Geometry[0][0][0]; pt[0] != 41540000 || pt[1] != 4625000 {
				t.Errorf("first point %v, want easting 41540000 northing 4625000", pt)
			}
			if a := planar.Area(f.Parcels[1].Geometry); a != 50*50 {
				t.Errorf("parcel 2 area %v", a)
			}
			if f.Value("带号") != "41" || f.Value("数据产生单位") != "沈阳市规划测绘院" {
				t.Errorf("header %v", f.Header)
			}
		})
	}
}

func TestReadEastingFirst(t *testing.T) {
	f, err := readFile(t, "easting_first.txt", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if f.NorthingFirst || f.Zone != 0 || f.EPSG != 4550 {
		t.Errorf("northingFirst=%v zone=%d epsg=%d, want false 0 4550", f.NorthingFirst, f.Zone, f.EPSG)
	}
	if a := planar.Area(f.Parcels[0].Geometry); a != 600 {
		t.Errorf("area %v", a)
	}
}

// TestReadErrors: each bad file is refused with an error naming the file,
// the line and, for rings, the parcel.
func TestReadErrors(t *testing.T) {
	data, err := os.ReadFile("testdata/two_parcels.txt")
	if err != nil {
		t.Fatal(err)
	}
	good := string(data)
	cases := []struct {
		name, text string
		want       error
		says       []string
	}{
		{"open", "", ErrOpenRing, []string{"open_ring.txt:10", "B-07", "未闭合地块", "line 6", "ring 1"}},
		{"ring change", strings.Replace(good, "J4,1,4625120.00,41540000.00\nJ1,1", "J4,1,4625120.00,41540000.00\nJ1,2", 1), ErrOpenRing, []string{"bad.txt:17", "A-01"}},
		{"xian80", strings.Replace(good, "2000国家大地坐标系", "1980西安坐标系", 1), ErrCRS, []string{"bad.txt", "1980西安坐标系"}},
		{"not projected", strings.Replace(good, "4625000.00,41540000.00", "41.8,123.4", 2), ErrCRS, []string{"bad.txt:14", "J1"}},
		{"two zones", strings.Replace(good, "J2,1,4625000.00,41540100.00", "J2,1,4625000.00,40540100.00", 1), ErrCRS, []string{"bad.txt:15", "zone 40"}},
		{"bad number", strings.Replace(good, "J3,1,4625120.00", "J3,1,46x5120.00", 1), ErrSyntax, []string{"bad.txt:16", "A-01"}},
		{"no parcels", "[属性描述]\n坐标系=2000国家大地坐标系\n", ErrSyntax, []string{"bad.txt", "no [地块坐标]"}},
		{"stray", "hello\n", ErrSyntax, []string{"bad.txt:1"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var err error
			if c.text == "" {
				_, err = readFile(t, "open_ring.txt", Options{})
			} else {
				_, err = Read("bad.txt", []byte(c.text), Options{})
			}
			if !errors.Is(err, c.want) {
				t.Fatalf("err = %v, want %v", err, c.want)
			}
			for _, s := range c.says {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not say %q", err, s)
				}
			}
		})
	}
	if _, err := Read("x.txt", data, Options{Encoding: "KOI9-ZZ"}); !errors.Is(err, ErrEncoding) || !strings.Contains(err.Error(), "x.txt") {
		t.Errorf("unknown encoding: %v", err)
	}
}

// TestWriteRoundTrip: what Write writes reads back to the same parcels,
// exactly, in UTF-8 and GBK.
func TestWriteRoundTrip(t *testing.T) {
	f, err := readFile(t, "two_parcels.txt", Options{})
	if err != nil {
		t.Fatal(err)
	}
	f.Parcels[1].Geometry[0][0][0][0] += 1.0 / 3 // a coordinate without a short decimal form
	f.Parcels[1].Geometry[0][0][4] = f.Parcels[1].Geometry[0][0][0]
	for _, enc := range []string{"", "GBK"} {
		var buf bytes.Buffer
		if err := Write(&buf, f, enc); err != nil {
			t.Fatal(err)
		}
		g, err := Read("back.txt", buf.Bytes(), Options{})
		if err != nil {
			t.Fatalf("%s: %v\n%s", enc, err, buf.String())
		}
		if len(g.Parcels) != 2 || g.EPSG != f.EPSG {
			t.Fatalf("%s: %d parcels epsg %d", enc, len(g.Parcels), g.EPSG)
		}
		for i := range f.Parcels {
			a, b := f.Parcels[i], g.Parcels[i]
			if a.Name != b.Name || a.Number != b.Number || a.Area != b.Area || !a.Geometry.Equal(b.Geometry) {
				t.Errorf("%s: parcel %d: %+v\nback %+v", enc, i, a, b)
			}
			if b.Points != 10 && b.Points != 5 {
				t.Errorf("%s: parcel %d: 点数 %d", enc, i, b.Points)
			}
		}
	}
}

func FuzzRead(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.txt")
	for _, p := range files {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := Read("fuzz.txt", data, Options{})
		if err != nil {
			if !strings.Contains(err.Error(), "fuzz.txt") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		for _, p := range file.Parcels {
			for _, poly := range p.Geometry {
				for _, r := range poly {
					if len(r) < 4 || r[0] != r[len(r)-1] {
						t.Fatalf("parcel %s: ring %v is not closed", p.Number, r)
					}
				}
			}
		}
		var buf bytes.Buffer
		if err := Write(&buf, file, ""); err != nil {
			return // a name with a comma cannot be written back
		}
		if _, err := Read("again.txt", buf.Bytes(), Options{}); err != nil {
			t.Fatalf("written file does not read back: %v\n%s", err, buf.String())
		}
	})
}
