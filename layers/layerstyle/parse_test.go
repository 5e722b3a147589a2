package layerstyle

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"lantu/layers/catalog"
)

func readSeed(t *testing.T, name string) []byte { return readSeedB(t, name) }

func readSeedB(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "fuzz", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestQGISGraduatedSLD reads QGIS's own SLD export of the graduated
// parcels: >= 0 and <= 2, then > 2 and <= 5, then > 5 and <= 10.
func TestQGISGraduatedSLD(t *testing.T) {
	s, err := ParseSLD(readSeed(t, "graduated_parcels.sld"))
	if err != nil {
		t.Fatal(err)
	}
	if s.Renderer != "graduatedSymbol" || s.ClassField != "area_ha" || len(s.Draw.Classes) != 3 {
		t.Fatalf("renderer %s field %q classes %+v", s.Renderer, s.ClassField, s.Draw.Classes)
	}
	want := []catalog.ValueClass{
		{Ranged: true, Min: 0, Max: 2, Color: rgba(255, 255, 178, 255), Width: 1},
		{Ranged: true, Min: 2, Max: 5, MinOpen: true, Color: rgba(254, 141, 60, 255), Width: 1},
		{Ranged: true, Min: 5, Max: 10, MinOpen: true, Color: rgba(189, 0, 38, 255), Width: 1},
	}
	for i, c := range s.Draw.Classes {
		c.Label = ""
		if c != want[i] {
			t.Errorf("class %d: %+v, want %+v", i, c, want[i])
		}
	}
	for v, col := range map[string]uint8{"0": 255, "2": 255, "2.0001": 254, "5": 254, "7.5": 189, "10": 189} {
		got, ok := s.Draw.ClassColor(v)
		if !ok || got.R != col {
			t.Errorf("value %s: colour %v %v, want red %d", v, got, ok, col)
		}
	}
	for _, v := range []string{"-1", "10.5", "", "abc", "NaN"} {
		if c, ok := s.Draw.ClassColor(v); ok {
			t.Errorf("value %q matched %v, want no class", v, c)
		}
	}
}

// TestQGISPointSLD reads QGIS's SLD of the wells: SE's MinScaleDenominator
// is the most zoomed in (the catalog's MaxScale).
func TestQGISPointSLD(t *testing.T) {
	s, err := ParseSLD(readSeed(t, "single_wells.sld"))
	if err != nil {
		t.Fatal(err)
	}
	d := s.Draw
	if d.Symbol != "square" || d.Size != 14 || d.Fill != rgba(204, 0, 204, 255) || d.Stroke != rgba(0, 0, 0, 255) {
		t.Errorf("marker %s size %g fill %v stroke %v", d.Symbol, d.Size, d.Fill, d.Stroke)
	}
	if s.MinScale != 50000 || s.MaxScale != 500 {
		t.Errorf("scales %g..%g, want 500..50000", s.MaxScale, s.MinScale)
	}
}

// sld11 wraps rules in an SE 1.1 document.
func sld11(rules string) []byte {
	return []byte(`<?xml version="1.0"?><StyledLayerDescriptor version="1.1.0" xmlns="http://www.opengis.net/sld"
 xmlns:se="http://www.opengis.net/se" xmlns:ogc="http://www.opengis.net/ogc"><NamedLayer><se:Name>t</se:Name>
 <UserStyle><se:FeatureTypeStyle>` + rules + `</se:FeatureTypeStyle></UserStyle></NamedLayer></StyledLayerDescriptor>`)
}

const poly = `<se:PolygonSymbolizer><se:Fill><se:SvgParameter name="fill">%s</se:SvgParameter>
 <se:SvgParameter name="fill-opacity">0.5</se:SvgParameter></se:Fill></se:PolygonSymbolizer>`

func polyRule(filter, fill string) string {
	return `<se:Rule>` + filter + strings.Replace(poly, "%s", fill, 1) + `</se:Rule>`
}

// TestSLDRangesAndElse: GreaterThanOrEqualTo/LessThan ranges are half
// open, reversed operands flip, Between is closed, an ElseFilter draws the
// rest, a TextSymbolizer gives the label field.
func TestSLDRangesAndElse(t *testing.T) {
	doc := sld11(
		polyRule(`<ogc:Filter><ogc:And><ogc:PropertyIsGreaterThanOrEqualTo><ogc:PropertyName>h</ogc:PropertyName><ogc:Literal>0</ogc:Literal></ogc:PropertyIsGreaterThanOrEqualTo>
		<ogc:PropertyIsLessThan><ogc:PropertyName>h</ogc:PropertyName><ogc:Literal>10</ogc:Literal></ogc:PropertyIsLessThan></ogc:And></ogc:Filter>`, "#010000") +
			polyRule(`<ogc:Filter><ogc:PropertyIsLessThan><ogc:Literal>20</ogc:Literal><ogc:PropertyName>h</ogc:PropertyName></ogc:PropertyIsLessThan></ogc:Filter>`, "#020000") +
			polyRule(`<ogc:Filter><ogc:PropertyIsBetween><ogc:PropertyName>h</ogc:PropertyName><ogc:LowerBoundary><ogc:Literal>10</ogc:Literal></ogc:LowerBoundary>
		<ogc:UpperBoundary><ogc:Literal>20</ogc:Literal></ogc:UpperBoundary></ogc:PropertyIsBetween></ogc:Filter>`, "#030000") +
			polyRule(`<ogc:Filter><ogc:PropertyIsLike><ogc:PropertyName>h</ogc:PropertyName><ogc:Literal>1*</ogc:Literal></ogc:PropertyIsLike></ogc:Filter>`, "#040000") +
			polyRule(`<se:ElseFilter/>`, "#050000") +
			`<se:Rule><se:TextSymbolizer><se:Label><ogc:PropertyName>name</ogc:PropertyName></se:Label></se:TextSymbolizer></se:Rule>`)
	s, err := ParseSLD(doc)
	if err != nil {
		t.Fatal(err)
	}
	if s.Renderer != "graduatedSymbol" || s.ClassField != "h" || s.LabelField != "name" || !s.Draw.DrawUnclassed {
		t.Fatalf("renderer %s field %q label %q unclassed %v", s.Renderer, s.ClassField, s.LabelField, s.Draw.DrawUnclassed)
	}
	if s.Draw.Fill != rgba(5, 0, 0, 128) {
		t.Errorf("base fill %v, want the else rule's #050000 at fill-opacity 0.5", s.Draw.Fill)
	}
	cases := map[string]uint8{"0": 1, "9.99": 1, "10": 3, "20": 3, "20.5": 2, "1e9": 2}
	for v, r := range cases {
		c := s.Draw.ClassOf(v)
		if c == nil || c.Color.R != r {
			t.Errorf("value %s: class %+v, want colour #0%d0000", v, c, r)
		}
	}
	if c := s.Draw.ClassOf("-1"); c != nil {
		t.Errorf("-1 matched %+v (the unread PropertyIsLike rule must be ignored)", c)
	}
	if got := s.Draw.Classes[1]; got.Min != 20 || !got.MinOpen || !math.IsInf(got.Max, 1) {
		t.Errorf("20 < h: %+v, want (20, +Inf]", got)
	}
}

// qmlDoc is a QML with one renderer.
func qmlDoc(root, renderer string) []byte {
	return []byte(`<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'><qgis ` + root + `>` + renderer + `</qgis>`)
}

const qmlFill = `<symbols><symbol type="fill" name="0" alpha="0.5"><layer class="SimpleFill" enabled="1">
 <Option type="Map"><Option name="color" value="10,20,30,255,rgb:0.04,0.08,0.12,1" type="QString"/>
 <Option name="style" value="b_diagonal" type="QString"/><Option name="outline_style" value="dot" type="QString"/>
 <Option name="outline_width" value="2" type="QString"/><Option name="outline_width_unit" value="Point" type="QString"/>
 <Option name="outline_color" value="#ff0000" type="QString"/></Option></layer>
 <layer class="GradientFill" enabled="1"><prop k="color" v="1,2,3,255"/></layer></symbol></symbols>`

// TestQMLOptionsOnly reads a QGIS 3.28-style symbol layer (only <Option>
// properties, colours with an rgb: suffix), a hatch brush, a dotted
// outline in points (Qt's dot 1,2 widths, square-capped: 2,1), the symbol alpha and an ignored unknown layer class.
func TestQMLOptionsOnly(t *testing.T) {
	s, err := ParseQML(qmlDoc(`hasScaleBasedVisibilityFlag="0" minScale="1e+08" maxScale="0"`,
		`<renderer-v2 type="singleSymbol">`+qmlFill+`</renderer-v2><layerOpacity>0.5</layerOpacity>`))
	if err != nil {
		t.Fatal(err)
	}
	d := s.Draw
	w := 2 * pxPerPoint
	if d.Fill.A != 0 || d.Hatch != "diagonal" || d.HatchColor != rgba(10, 20, 30, 64) {
		t.Errorf("fill %v hatch %q %v, want a diagonal hatch 10,20,30 at 0.25", d.Fill, d.Hatch, d.HatchColor)
	}
	if d.Stroke != rgba(255, 0, 0, 64) || !near(d.Width, w) || !nearAll(d.Dash, []float64{2 * w, w}) {
		t.Errorf("stroke %v width %g dash %v", d.Stroke, d.Width, d.Dash)
	}
	if s.MinScale != 0 || s.MaxScale != 0 {
		t.Errorf("scales %g %g with the flag off", s.MinScale, s.MaxScale)
	}
}

// TestQMLUnits: map-unit widths are hairlines, map-unit marker sizes the
// default 7 px.
func TestQMLUnits(t *testing.T) {
	for _, c := range []struct {
		unit string
		px   float64
	}{{"MM", 2 * pxPerMM}, {"", 2 * pxPerMM}, {"Pixel", 2}, {"Point", 2 * pxPerPoint}, {"Inch", 192}, {"MapUnit", hairline}, {"RenderMetersInMapUnits", hairline}} {
		if got := width(2, c.unit); !near(got, c.px) {
			t.Errorf("2 %s = %g px, want %g", c.unit, got, c.px)
		}
	}
	s, err := ParseQML(qmlDoc("", `<renderer-v2 type="singleSymbol"><symbols><symbol type="marker" name="0"><layer class="SimpleMarker">
		<prop k="name" v="pentagon"/><prop k="size" v="50"/><prop k="size_unit" v="MapUnit"/></layer></symbol></symbols></renderer-v2>`))
	if err != nil {
		t.Fatal(err)
	}
	if s.Draw.Symbol != "circle" || s.Draw.Size != markerSize {
		t.Errorf("marker %q size %g, want circle %g", s.Draw.Symbol, s.Draw.Size, markerSize)
	}
}

// TestBadStyles: malformed documents and renderers Lantu cannot draw are
// errors of the right kind, never a panic or a silent style.
func TestBadStyles(t *testing.T) {
	cases := []struct {
		name string
		rec  Record
		want error
	}{
		{"truncated QML", Record{QML: `<qgis><renderer-v2 type="singleSymbol">`}, ErrMalformed},
		{"not XML", Record{QML: "hello"}, ErrMalformed},
		{"not qgis", Record{QML: "<html/>"}, ErrMalformed},
		{"no renderer", Record{QML: "<qgis/>"}, ErrUnsupported},
		{"rule-based", Record{QML: `<qgis><renderer-v2 type="RuleRenderer"/></qgis>`}, ErrUnsupported},
		{"expression", Record{QML: `<qgis><renderer-v2 type="categorizedSymbol" attr="upper(&quot;a&quot;)"/></qgis>`}, ErrUnsupported},
		{"bad range", Record{QML: `<qgis><renderer-v2 type="graduatedSymbol" attr="a"><ranges><range lower="x" upper="1" symbol="0"/></ranges>` + qmlFill + `</renderer-v2></qgis>`}, ErrMalformed},
		{"bad opacity", Record{QML: `<qgis><layerOpacity>half</layerOpacity></qgis>`}, ErrMalformed},
		{"bad scale", Record{QML: `<qgis hasScaleBasedVisibilityFlag="1" minScale="big" maxScale="0"><renderer-v2 type="singleSymbol">` + qmlFill + `</renderer-v2></qgis>`}, ErrMalformed},
		{"empty", Record{}, ErrMalformed},
		{"bad SLD", Record{SLD: "<StyledLayerDescriptor><Rule>"}, ErrMalformed},
		{"SLD without rules", Record{SLD: string(sld11(""))}, ErrUnsupported},
		{"SLD bad scale", Record{SLD: string(sld11(`<se:Rule><se:MinScaleDenominator>-5</se:MinScaleDenominator></se:Rule>`))}, ErrMalformed},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, err := c.rec.Parse()
			if !errors.Is(err, c.want) {
				t.Fatalf("style %+v error %v, want %v", s, err, c.want)
			}
		})
	}
}

// TestApplyColumns: the class field is matched to a column regardless of
// case; a missing class column is an error, a missing label column drops
// the labels.
func TestApplyColumns(t *testing.T) {
	recs := readFixture(t, "categorized.gpkg")
	def := catalog.DefaultLayer("parcels", "POLYGON")
	l, err := Apply(def, recs["parcels"], []string{"fid", "geom", "LandUse"})
	if err != nil {
		t.Fatal(err)
	}
	if l.ClassField != "LandUse" || len(l.Style.Classes) != 3 || l.Geometry != "polygon" || def.Style.Classes != nil {
		t.Errorf("class field %q, %d classes, geometry %s; def changed: %v", l.ClassField, len(l.Style.Classes), l.Geometry, def.Style.Classes)
	}
	if _, err := Apply(def, recs["parcels"], []string{"fid", "geom"}); !errors.Is(err, ErrUnsupported) || !strings.Contains(err.Error(), `"parcels"`) {
		t.Errorf("missing class column: %v, want ErrUnsupported naming the table", err)
	}
	single := readFixture(t, "single.gpkg")["parcels"]
	if l, err := Apply(def, single, []string{"fid"}); err != nil || l.LabelField != "" {
		t.Errorf("missing label column: %v, label field %q", err, l.LabelField)
	}
}

// TestDashes: a flat-capped custom dash is kept as it is, a square-capped
// one lengthened by the width per dash; SLD dashes are butt-capped.
func TestDashes(t *testing.T) {
	line := func(props string) []byte {
		return qmlDoc("", `<renderer-v2 type="singleSymbol"><symbols><symbol type="line" name="0"><layer class="SimpleLine">
			<prop k="line_width" v="2"/><prop k="line_width_unit" v="Pixel"/><prop k="use_custom_dash" v="1"/>
			<prop k="customdash" v="6;3;1;3"/><prop k="customdash_unit" v="Pixel"/>`+props+`</layer></symbol></symbols></renderer-v2>`)
	}
	for _, c := range []struct {
		props string
		want  []float64
	}{{`<prop k="capstyle" v="flat"/>`, []float64{6, 3, 1, 3}}, {`<prop k="capstyle" v="square"/>`, []float64{8, 1, 3, 1}}, {"", []float64{8, 1, 3, 1}}} {
		s, err := ParseQML(line(c.props))
		if err != nil {
			t.Fatal(err)
		}
		if !nearAll(s.Draw.Dash, c.want) {
			t.Errorf("%s: dash %v, want %v", c.props, s.Draw.Dash, c.want)
		}
	}
	s, err := ParseSLD(sld11(`<se:Rule><se:LineSymbolizer><se:Stroke><se:SvgParameter name="stroke-width">3</se:SvgParameter>
		<se:SvgParameter name="stroke-dasharray">5,2</se:SvgParameter></se:Stroke></se:LineSymbolizer></se:Rule>`))
	if err != nil {
		t.Fatal(err)
	}
	if !nearAll(s.Draw.Dash, []float64{5, 2}) || s.Draw.Width != 3 || s.Draw.Stroke != rgba(0, 0, 0, 255) {
		t.Errorf("SLD dash %v width %g stroke %v, want [5 2] 3 black", s.Draw.Dash, s.Draw.Width, s.Draw.Stroke)
	}
	if got := capped([]float64{1, 1}, 1); got != nil {
		t.Errorf("capped 1,1 at 1 px = %v, want solid", got)
	}
	if got := capped([]float64{4, 1, 1, 3}, 1); !nearAll(got, []float64{7, 2}) {
		t.Errorf("capped 4,1,1,3 at 1 px = %v, want 7,2 (the closed gap merges)", got)
	}
}

// TestQGIS2Layer reads a QGIS 2 style's layerTransparency and its scale
// attributes, whose names QGIS 3 swapped.
func TestQGIS2Layer(t *testing.T) {
	s, err := ParseQML(qmlDoc(`version="2.18.28" hasScaleBasedVisibilityFlag="1" minimumScale="1000" maximumScale="25000"`,
		`<renderer-v2 type="singleSymbol"><symbols><symbol type="line" name="0" alpha="1"><layer class="SimpleLine" pass="0" locked="0">
		<prop k="line_color" v="0,0,255,255"/><prop k="line_width" v="0.26"/><prop k="line_width_unit" v="MM"/></layer></symbol></symbols>
		</renderer-v2><layerTransparency>25</layerTransparency>`))
	if err != nil {
		t.Fatal(err)
	}
	if s.MinScale != 25000 || s.MaxScale != 1000 {
		t.Errorf("scales %g..%g, want 1000..25000", s.MaxScale, s.MinScale)
	}
	if s.Draw.Stroke != rgba(0, 0, 255, 191) || !near(s.Draw.Width, 0.26*pxPerMM) || s.Draw.Fill.A != 0 {
		t.Errorf("stroke %v width %g fill %v, want 0,0,255 at 0.75, %g px, no fill", s.Draw.Stroke, s.Draw.Width, s.Draw.Fill, 0.26*pxPerMM)
	}
}

// TestHollowCategories: the classes of a fill symbol without fill take
// the outline colour; an SLD PolygonSymbolizer without Fill likewise.
func TestHollowCategories(t *testing.T) {
	sym := func(name, outline string) string {
		return `<symbol type="fill" name="` + name + `"><layer class="SimpleFill"><prop k="style" v="no"/><prop k="color" v="1,1,1,255"/>
		<prop k="outline_color" v="` + outline + `"/></layer></symbol>`
	}
	s, err := ParseQML(qmlDoc("", `<renderer-v2 type="categorizedSymbol" attr="k"><categories><category value="a" symbol="0" label="A"/>
		<category value="b" symbol="1" label="B"/></categories><symbols>`+sym("0", "200,0,0,255")+sym("1", "0,0,200,255")+`</symbols></renderer-v2>`))
	if err != nil {
		t.Fatal(err)
	}
	if c := s.Draw.Classes; len(c) != 2 || c[0].Color != rgba(200, 0, 0, 255) || c[1].Color != rgba(0, 0, 200, 255) || s.Draw.Fill.A != 0 {
		t.Errorf("classes %+v fill %v, want the outline colours and no fill", c, s.Draw.Fill)
	}
	s, err = ParseSLD(sld11(`<se:Rule><ogc:Filter><ogc:PropertyIsEqualTo><ogc:PropertyName>k</ogc:PropertyName><ogc:Literal>a</ogc:Literal>
		</ogc:PropertyIsEqualTo></ogc:Filter><se:PolygonSymbolizer><se:Stroke><se:SvgParameter name="stroke">#00c800</se:SvgParameter>
		</se:Stroke></se:PolygonSymbolizer></se:Rule>`))
	if err != nil {
		t.Fatal(err)
	}
	if c := s.Draw.Classes; len(c) != 1 || c[0].Color != rgba(0, 200, 0, 255) || c[0].Value != "a" || s.Draw.Fill.A != 0 {
		t.Errorf("SLD classes %+v fill %v", c, s.Draw.Fill)
	}
}
