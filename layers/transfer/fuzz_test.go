package transfer

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func addSeeds(f *testing.F, pattern string) {
	paths, _ := filepath.Glob(pattern)
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
}

// FuzzGeoJSON: any input is a Source or an error naming the file; a
// Source's features have finite coordinates and typed fields.
func FuzzGeoJSON(f *testing.F) {
	addSeeds(f, "testdata/fuzz/*.geojson")
	f.Fuzz(func(t *testing.T, data []byte) {
		src, err := parseGeoJSON("fuzz.geojson", data)
		if err != nil {
			if !strings.Contains(err.Error(), "fuzz.geojson") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		checkSource(t, src)
	})
}

// FuzzCSV: the same for CSV, in UTF-8 and GBK.
func FuzzCSV(f *testing.F) {
	addSeeds(f, "testdata/fuzz/*.csv")
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, enc := range []string{"", "GBK"} {
			src, err := parseCSV("fuzz.csv", data, enc)
			if err != nil {
				if !strings.Contains(err.Error(), "fuzz.csv") {
					t.Fatalf("error does not name the file: %v", err)
				}
				continue
			}
			checkSource(t, src)
		}
	})
}

func checkSource(t *testing.T, src *Source) {
	for _, ft := range src.Features {
		if err := checkFinite(ft); err != nil {
			t.Fatalf("accepted a non-finite coordinate: %v", err)
		}
	}
	types := map[string]string{}
	for _, fl := range src.Fields {
		if _, dup := types[fl.Name]; dup {
			t.Fatalf("field %q twice", fl.Name)
		}
		types[fl.Name] = fl.Type
	}
	for _, ft := range src.Features {
		for k, v := range ft.Attrs {
			typ, ok := types[k]
			if !ok {
				t.Fatalf("%s: attribute %q is no field", ft.Name, k)
			}
			if _, ok := convert(v, typ); !ok {
				t.Fatalf("%s: %q = %v does not fit its type %s", ft.Name, k, v, typ)
			}
		}
	}
}

// FuzzGeoJSONStream: the streamed reader (Open, then Each) on any input
// gives a Source or an error naming the file, with the invariants of
// FuzzGeoJSON; when the whole-file parser also reads the input, both give
// the same fields, features and extent.
func FuzzGeoJSONStream(f *testing.F) {
	addSeeds(f, "testdata/fuzz/*.geojson")
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(t.TempDir(), "fuzz.geojson")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		src, err := Read(path, ReadOptions{})
		if err != nil {
			if !strings.Contains(err.Error(), "fuzz.geojson") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		checkSource(t, src)
		whole, err := parseGeoJSON(path, data)
		if err != nil {
			return
		}
		b1, ok1 := sourceBound(src)
		b2, ok2 := sourceBound(whole)
		if !reflect.DeepEqual(src.Fields, whole.Fields) || !reflect.DeepEqual(src.Features, whole.Features) || b1 != b2 || ok1 != ok2 {
			t.Fatalf("streamed %v %v %v, whole %v %v %v", src.Fields, src.Features, b1, whole.Fields, whole.Features, b2)
		}
	})
}
