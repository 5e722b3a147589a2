package qgis

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"testing"

	"lantu/layers/catalog"
	"lantu/layers/render"
)

func defaultCatalog(t testing.TB) *catalog.Catalog {
	t.Helper()
	cat, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

// wellFormed fails t unless doc is one well-formed XML document.
func wellFormed(t *testing.T, what, doc string) {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(doc))
	for {
		_, err := d.Token()
		if err == io.EOF {
			return
		}
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
}

// TestEveryLayerStyleIsXML: the QML and SLD of every vector catalog layer
// parse, and name the layer's label font and scale range.
func TestEveryLayerStyleIsXML(t *testing.T) {
	cat := defaultCatalog(t)
	n := 0
	for _, l := range vectorLayers(cat) {
		qml, sld := QML(cat, l, l.Style), SLD(cat, l, l.Style)
		wellFormed(t, l.Code+" QML", qml)
		wellFormed(t, l.Code+" SLD", sld)
		if !strings.HasPrefix(qml, qmlDoctype) {
			t.Errorf("%s: QML does not start with QGIS's doctype", l.Code)
		}
		if l.LabelField != "" && !strings.Contains(qml, `fieldName="`+l.LabelField+`"`) {
			t.Errorf("%s: QML does not label with %s", l.Code, l.LabelField)
		}
		if l.MinScale > 0 && !strings.Contains(qml, fmt.Sprintf(`minScale="%g"`, l.MinScale)) {
			t.Errorf("%s: QML lacks minScale %g", l.Code, l.MinScale)
		}
		if l.MinScale > 0 && !strings.Contains(sld, fmt.Sprintf("<se:MaxScaleDenominator>%g<", l.MinScale)) {
			t.Errorf("%s: SLD lacks MaxScaleDenominator %g", l.Code, l.MinScale)
		}
		n++
	}
	if n != 186 {
		t.Errorf("%d vector layers, want the catalog's 186", n)
	}
}

// qmlDoc is the part of a QML document the tests read back.
type qmlDoc struct {
	Renderer struct {
		Type       string `xml:"type,attr"`
		Attr       string `xml:"attr,attr"`
		Categories []struct {
			Value  string `xml:"value,attr"`
			Symbol string `xml:"symbol,attr"`
			Label  string `xml:"label,attr"`
		} `xml:"categories>category"`
		Symbols []struct {
			Name   string `xml:"name,attr"`
			Layers []struct {
				Class string `xml:"class,attr"`
				Props []struct {
					K string `xml:"k,attr"`
					V string `xml:"v,attr"`
				} `xml:"prop"`
			} `xml:"layer"`
		} `xml:"symbols>symbol"`
	} `xml:"renderer-v2"`
}

func prop(layer struct {
	Class string `xml:"class,attr"`
	Props []struct {
		K string `xml:"k,attr"`
		V string `xml:"v,attr"`
	} `xml:"prop"`
}, k string) string {
	for _, p := range layer.Props {
		if p.K == k {
			return p.V
		}
	}
	return ""
}

// TestPaletteLayersAreCategorized: a layer with a palette gets one
// category per class, labelled in Chinese, filled with the class colour
// muted as Lantu fills it, at the layer's opacity, and an "all other
// values" category.
func TestPaletteLayersAreCategorized(t *testing.T) {
	cat := defaultCatalog(t)
	l := cat.Layer("XZ_DLTB")
	p := cat.Palette(l)
	var d qmlDoc
	if err := xml.Unmarshal([]byte(QML(cat, l, l.Style)), &d); err != nil {
		t.Fatal(err)
	}
	r := d.Renderer
	if r.Type != "categorizedSymbol" || len(r.Categories) != len(p.Classes)+1 || len(r.Symbols) != len(r.Categories) {
		t.Fatalf("renderer %s with %d categories and %d symbols, want categorized with %d", r.Type, len(r.Categories), len(r.Symbols), len(p.Classes)+1)
	}
	for i, c := range p.Classes {
		got := r.Categories[i]
		want := fade(render.Muted(c.Color), l.Style.Opacity)
		fill := prop(r.Symbols[i].Layers[0], "color")
		if got.Value != c.Code || got.Label != c.NameZh || fill != rgba(want) {
			t.Errorf("category %d: %s %q fill %s, want %s %q fill %s", i, got.Value, got.Label, fill, c.Code, c.NameZh, rgba(want))
		}
	}
	if last := r.Categories[len(p.Classes)]; last.Value != "" {
		t.Errorf("last category %q, want the empty value (all other values)", last.Value)
	}
	if !strings.Contains(r.Attr, `left(trim("dlbm"), 4)`) {
		t.Errorf("class expression %q does not classify dlbm by its 4-character prefix", r.Attr)
	}
}

// TestHatchAndDash: the red line's diagonal hatch is a 45° line pattern
// in the hatch colour at the layer's opacity, and a dashed boundary keeps
// its dashes.
func TestHatchAndDash(t *testing.T) {
	cat := defaultCatalog(t)
	red := cat.Layer("GH_STBHHX")
	var d qmlDoc
	if err := xml.Unmarshal([]byte(QML(cat, red, red.Style)), &d); err != nil {
		t.Fatal(err)
	}
	ls := d.Renderer.Symbols[0].Layers
	if len(ls) != 4 || ls[1].Class != "SimpleFill" || ls[2].Class != "LinePatternFill" || prop(ls[2], "angle") != "45" {
		t.Fatalf("symbol layers %+v, want fill, tint, 45° line pattern, outline", ls)
	}
	if got, want := prop(ls[2], "color"), rgba(fade(red.Style.HatchColor, red.Style.Opacity)); got != want {
		t.Errorf("hatch colour %s, want %s", got, want)
	}
	city := cat.Layer("XZ_SJXZQ")
	q := QML(cat, city, city.Style)
	if !strings.Contains(q, `k="customdash" v="8;3;2;3"`) || !strings.Contains(q, `k="use_custom_dash" v="1"`) {
		t.Error("the city boundary's dash 8,3,2,3 is not in its QML")
	}
	if s := SLD(cat, city, city.Style); !strings.Contains(s, `<se:SvgParameter name="stroke-dasharray">8 3 2 3</se:SvgParameter>`) {
		t.Error("the city boundary's dash is not in its SLD")
	}
}
