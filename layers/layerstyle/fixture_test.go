package layerstyle

import (
	"context"
	"image/color"
	"math"
	"path/filepath"
	"testing"

	"lantu/layers/catalog"
	"lantu/layers/gpkg"
)

// readFixture returns the default style records of a testdata GeoPackage.
func readFixture(t *testing.T, name string) map[string]Record {
	t.Helper()
	db, err := gpkg.Open(filepath.Join("testdata", name), true)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	recs, err := ReadDefaults(context.Background(), db.R)
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

func rgba(r, g, b, a uint8) color.NRGBA { return color.NRGBA{r, g, b, a} }

// near compares pixel sizes to the 0.01 px.
func near(a, b float64) bool { return math.Abs(a-b) < 0.01 }

func nearAll(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !near(a[i], b[i]) {
			return false
		}
	}
	return true
}

// want is what a fixture's style must parse to; the values are those
// make_fixtures.py gave QGIS (widths converted at 96 dpi).
type want struct {
	file, table, format, renderer string
	fill, stroke                  color.NRGBA
	width                         float64
	dash                          []float64
	symbol                        string
	size                          float64
	classField, labelField        string
	classes                       []catalog.ValueClass
	minScale, maxScale            float64
}

var fixtureWants = []want{
	{file: "single.gpkg", table: "parcels", format: "qml", renderer: "singleSymbol",
		fill: rgba(255, 204, 0, 204), stroke: rgba(153, 51, 0, 204), width: 0.5 * pxPerMM,
		dash: []float64{5 * 0.5 * pxPerMM, 1 * 0.5 * pxPerMM}, labelField: "name"}, // Qt's dash 4,2 widths, square-capped
	// 6;3 px square-capped at 3 px closes the gaps: QGIS draws it solid.
	{file: "single.gpkg", table: "roads", format: "qml", renderer: "singleSymbol",
		stroke: rgba(0, 102, 204, 255), width: 3},
	{file: "single.gpkg", table: "wells", format: "qml", renderer: "singleSymbol",
		fill: rgba(204, 0, 204, 255), stroke: rgba(0, 0, 0, 255), width: hairline, symbol: "square", size: 4 * pxPerMM,
		minScale: 50000, maxScale: 500},
	{file: "categorized.gpkg", table: "parcels", format: "qml", renderer: "categorizedSymbol",
		fill: rgba(230, 0, 0, 255), stroke: rgba(35, 35, 35, 255), width: 0.26 * pxPerMM, classField: "landuse",
		classes: []catalog.ValueClass{
			{Value: "R", Label: "Residential", Color: rgba(230, 0, 0, 255), Width: 0.26 * pxPerMM},
			{Value: "C", Label: "Commercial", Color: rgba(0, 90, 230, 255), Width: 0.26 * pxPerMM},
			{Value: "G", Label: "Green", Color: rgba(0, 170, 0, 255), Width: 0.26 * pxPerMM}}},
	{file: "categorized.gpkg", table: "roads", format: "qml", renderer: "categorizedSymbol",
		stroke: rgba(200, 0, 0, 255), width: 1.2 * pxPerMM, classField: "kind",
		classes: []catalog.ValueClass{
			{Value: "main", Label: "main", Color: rgba(200, 0, 0, 255), Width: 1.2 * pxPerMM},
			{Value: "minor", Label: "minor", Color: rgba(120, 120, 120, 255), Width: 0.6 * pxPerMM}}},
	{file: "graduated.gpkg", table: "parcels", format: "qml", renderer: "graduatedSymbol",
		fill: rgba(255, 255, 178, 255), stroke: rgba(0, 0, 0, 255), width: 1, classField: "area_ha",
		classes: []catalog.ValueClass{
			{Ranged: true, Min: 0, Max: 2, Label: "0 - 2 ha", Color: rgba(255, 255, 178, 255), Width: 1},
			{Ranged: true, Min: 2, Max: 5, Label: "2 - 5 ha", Color: rgba(254, 141, 60, 255), Width: 1},
			{Ranged: true, Min: 5, Max: 10, Label: "5 - 10 ha", Color: rgba(189, 0, 38, 255), Width: 1}}},
	{file: "sld.gpkg", table: "parcels", format: "sld", renderer: "categorizedSymbol",
		fill: rgba(230, 0, 0, 255), stroke: rgba(35, 35, 35, 255), width: 1, classField: "landuse",
		classes: []catalog.ValueClass{
			{Value: "R", Label: "R", Color: rgba(230, 0, 0, 255), Width: 1},
			{Value: "C", Label: "C", Color: rgba(0, 90, 230, 255), Width: 1},
			{Value: "G", Label: "G", Color: rgba(0, 170, 0, 255), Width: 1}}},
	{file: "sld.gpkg", table: "roads", format: "sld", renderer: "categorizedSymbol",
		// main is dashed, minor is not: the layer is solid.
		stroke: rgba(0xcc, 0x66, 0, 255), width: 4, classField: "kind", minScale: 100000,
		classes: []catalog.ValueClass{
			{Value: "main", Label: "Main road", Color: rgba(0xcc, 0x66, 0, 255), Width: 4},
			{Value: "minor", Label: "Minor road", Color: rgba(0x33, 0x99, 0x33, 255), Width: 4}}},
}

// TestFixtureStyles parses the default style QGIS saved in each fixture
// and checks it against the colours, widths and ranges QGIS was given.
func TestFixtureStyles(t *testing.T) {
	for _, w := range fixtureWants {
		t.Run(w.file+"/"+w.table, func(t *testing.T) {
			rec, ok := readFixture(t, w.file)[w.table]
			if !ok {
				t.Fatalf("no default style for %s", w.table)
			}
			s, err := rec.Parse()
			if err != nil {
				t.Fatal(err)
			}
			checkStyle(t, s, w)
		})
	}
}

func checkStyle(t *testing.T, s *Style, w want) {
	t.Helper()
	d := s.Draw
	if s.Format != w.format || s.Renderer != w.renderer {
		t.Errorf("format %s renderer %s, want %s %s", s.Format, s.Renderer, w.format, w.renderer)
	}
	if d.Fill != w.fill || d.Stroke != w.stroke {
		t.Errorf("fill %v stroke %v, want %v %v", d.Fill, d.Stroke, w.fill, w.stroke)
	}
	if !near(d.Width, w.width) || !nearAll(d.Dash, w.dash) {
		t.Errorf("width %g dash %v, want %g %v", d.Width, d.Dash, w.width, w.dash)
	}
	if d.Symbol != w.symbol || (w.symbol != "" && !near(d.Size, w.size)) {
		t.Errorf("symbol %q size %g, want %q %g", d.Symbol, d.Size, w.symbol, w.size)
	}
	if d.Opacity != 1 {
		t.Errorf("opacity %g, want 1 (the layer opacity is in the alphas)", d.Opacity)
	}
	if s.ClassField != w.classField || s.LabelField != w.labelField {
		t.Errorf("class field %q label field %q, want %q %q", s.ClassField, s.LabelField, w.classField, w.labelField)
	}
	if s.MinScale != w.minScale || s.MaxScale != w.maxScale {
		t.Errorf("scales %g..%g, want %g..%g", s.MaxScale, s.MinScale, w.maxScale, w.minScale)
	}
	if len(d.Classes) != len(w.classes) {
		t.Fatalf("%d classes %+v, want %d", len(d.Classes), d.Classes, len(w.classes))
	}
	for i, c := range d.Classes {
		if near(c.Width, w.classes[i].Width) {
			c.Width = w.classes[i].Width
		}
		if c != w.classes[i] {
			t.Errorf("class %d: %+v, want %+v", i, c, w.classes[i])
		}
	}
}
