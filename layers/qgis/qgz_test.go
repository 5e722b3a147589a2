package qgis

import (
	"bytes"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"strings"
	"testing"
	"time"
)

func savedQGS(t testing.TB) string {
	t.Helper()
	b, err := os.ReadFile("testdata/qgis322_saved.qgs")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestRestyleProjectSavedByQGIS: the style of a layer in a project QGIS
// itself saved is replaced, and the rest of the document kept.
func TestRestyleProjectSavedByQGIS(t *testing.T) {
	cat := defaultCatalog(t)
	qgs := savedQGS(t)
	l := cat.Layer("XZ_DLTB")
	out, err := restyleQGS(qgs, map[string]string{"dltb_63c39b33_7e04_4dbb_a4be_745a807a05cd": fragment(styleNodes(cat, l, l.Style))})
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(out, "<renderer-v2"); n != 1 {
		t.Fatalf("%d renderers after restyling, want 1", n)
	}
	if n, want := strings.Count(out, "<category "), len(cat.Palette(l).Classes)+1; n != want || !strings.Contains(out, `label="水浇地"`) {
		t.Errorf("%d categories after restyling, want the catalog's %d", n, want)
	}
	for _, keep := range []string{"<projectCrs>", "<layer-tree-group>", "<datasource>./q.gpkg|layername=xz_dltb</datasource>", "<Absolute type=\"bool\">false</Absolute>"} {
		if !strings.Contains(out, keep) {
			t.Errorf("restyling lost %s", keep)
		}
	}
	same, err := restyleQGS(qgs, map[string]string{"no_such_layer_id": fragment(styleNodes(cat, l, l.Style))})
	if err != nil || strings.Count(same, "<renderer-v2") != 1 || !strings.Contains(same, `label="耕地"`) {
		t.Errorf("restyling a missing layer changed the document (%v)", err)
	}
}

// TestReadQGS reads a project stored as QGIS stores it (hex of a zip) and
// as raw zip bytes, and refuses what is neither.
func TestReadQGS(t *testing.T) {
	p := &Project{Name: "x", QGS: savedQGS(t), Saved: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	z, err := p.QGZ()
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range [][]byte{[]byte(hex.EncodeToString(z)), z} {
		got, err := ReadQGS(in)
		if err != nil || got != p.QGS {
			t.Errorf("ReadQGS: %d bytes, %v", len(got), err)
		}
	}
	for _, bad := range []string{"", "zz", "504b0304", "not a project"} {
		if _, err := ReadQGS([]byte(bad)); !errors.Is(err, ErrProject) {
			t.Errorf("ReadQGS(%q): %v, want ErrProject", bad, err)
		}
	}
}

// FuzzReadQGS: any content is read or refused with ErrProject, never a
// panic.
func FuzzReadQGS(f *testing.F) {
	p := &Project{Name: "x", QGS: savedQGS(f), Saved: time.Now()}
	z, err := p.QGZ()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(z)
	f.Add([]byte(hex.EncodeToString(z)))
	f.Add(z[:len(z)/2])
	f.Fuzz(func(t *testing.T, b []byte) {
		if _, err := ReadQGS(b); err != nil && !errors.Is(err, ErrProject) {
			t.Fatalf("error not wrapping ErrProject: %v", err)
		}
	})
}

// FuzzRestyleQGS: any document is restyled or refused with ErrProject;
// a restyled document is well-formed XML.
func FuzzRestyleQGS(f *testing.F) {
	qgs := savedQGS(f)
	f.Add(qgs, "dltb_63c39b33_7e04_4dbb_a4be_745a807a05cd")
	f.Add(qgs[:len(qgs)/3], "dltb_63c39b33_7e04_4dbb_a4be_745a807a05cd")
	f.Add(`<qgis><maplayer><id>abc</id><renderer-v2/></maplayer></qgis>`, "abc")
	cat := defaultCatalog(f)
	l := cat.Layer("XZ_SJXZQ")
	style := fragment(styleNodes(cat, l, l.Style))
	f.Fuzz(func(t *testing.T, doc, id string) {
		out, err := restyleQGS(doc, map[string]string{id: style})
		if err != nil {
			if !errors.Is(err, ErrProject) {
				t.Fatalf("error not wrapping ErrProject: %v", err)
			}
			return
		}
		d := xml.NewDecoder(bytes.NewReader([]byte(out)))
		for {
			if _, err := d.Token(); err == io.EOF {
				break
			} else if err != nil {
				t.Fatalf("restyled document is not XML: %v", err)
			}
		}
	})
}

// FuzzStyleFragment: any stored QML gives style elements that are XML, or
// an error wrapping ErrProject.
func FuzzStyleFragment(f *testing.F) {
	cat := defaultCatalog(f)
	l := cat.Layer("GH_STBHHX")
	f.Add(QML(cat, l, l.Style))
	f.Add(`<qgis><renderer-v2 type="x"/><flags/></qgis>`)
	f.Add(`<qgis><renderer-v2>`)
	f.Fuzz(func(t *testing.T, qml string) {
		frag, err := styleFragment(qml)
		if err != nil {
			if !errors.Is(err, ErrProject) {
				t.Fatalf("error not wrapping ErrProject: %v", err)
			}
			return
		}
		d := xml.NewDecoder(strings.NewReader("<x>" + frag + "</x>"))
		for {
			if _, err := d.Token(); err == io.EOF {
				break
			} else if err != nil {
				t.Fatalf("fragment of %q is not XML: %v", qml, err)
			}
		}
	})
}

// TestStyleFragment keeps exactly the style elements of a QML.
func TestStyleFragment(t *testing.T) {
	cat := defaultCatalog(t)
	l := cat.Layer("XZ_SJXZQ")
	frag, err := styleFragment(QML(cat, l, l.Style))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"<renderer-v2 ", "<labeling ", "<blendMode>", "<layerOpacity>", "<aliases>"} {
		if strings.Count(frag, want) != 1 {
			t.Errorf("fragment has %d of %s", strings.Count(frag, want), want)
		}
	}
	if strings.Contains(frag, "<qgis") || strings.Contains(frag, "DOCTYPE") {
		t.Error("fragment keeps the QML's root")
	}
}
