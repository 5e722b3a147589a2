package layerstyle

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// addSeeds adds every testdata/fuzz file with extension ext.
func addSeeds(f *testing.F, ext string) {
	names, err := filepath.Glob(filepath.Join("testdata", "fuzz", "*"+ext))
	if err != nil || len(names) == 0 {
		f.Fatalf("no %s seeds: %v", ext, err)
	}
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
}

// checkParsed is the contract of both parsers: a style or an error of
// the package's kinds, and classes only with a class field.
func checkParsed(t *testing.T, s *Style, err error) {
	if err != nil {
		if s != nil || !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrUnsupported) {
			t.Fatalf("style %v with error %v", s, err)
		}
		return
	}
	if s == nil {
		t.Fatal("nil style without an error")
	}
	if (len(s.Draw.Classes) > 0) != (s.ClassField != "") {
		t.Fatalf("%d classes with class field %q", len(s.Draw.Classes), s.ClassField)
	}
	if s.Draw.Width <= 0 || s.Draw.Opacity != 1 {
		t.Fatalf("width %g opacity %g", s.Draw.Width, s.Draw.Opacity)
	}
}

// FuzzParseQML feeds arbitrary documents to the QML parser, seeded with
// the QML QGIS saved in the fixtures.
func FuzzParseQML(f *testing.F) {
	addSeeds(f, ".qml")
	f.Add([]byte(`<qgis><renderer-v2 type="categorizedSymbol" attr="a"><categories><category value="1" symbol="0"><val value="2"/></category></categories></renderer-v2></qgis>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := ParseQML(data)
		checkParsed(t, s, err)
	})
}

// FuzzParseSLD feeds arbitrary documents to the SLD parser, seeded with
// the SLD QGIS saved in the fixtures and the hand-written SLD 1.0.
func FuzzParseSLD(f *testing.F) {
	addSeeds(f, ".sld")
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := ParseSLD(data)
		checkParsed(t, s, err)
	})
}
