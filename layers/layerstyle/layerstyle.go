// Package layerstyle reads the styles QGIS and GDAL store in a GeoPackage's
// layer_styles table and turns a table's default one into Lantu's style
// model (catalog.Style), so that a GeoPackage made elsewhere is drawn as its
// author styled it instead of with catalog.DefaultLayer's generic style.
//
// The default style of a table is its row with useAsDefault true, else its
// newest (update_time, then row id). Its QML (QGIS's own format) is read
// when present, else its SLD 1.0 or 1.1.
//
// QML: the singleSymbol, categorizedSymbol and graduatedSymbol renderers
// with SimpleFill, SimpleLine and SimpleMarker symbol layers, the symbol's
// alpha, the layer opacity, scale-based visibility and the field of simple
// labeling. SLD: Polygon-, Line- and PointSymbolizer (CssParameter or
// SvgParameter fill, fill-opacity, stroke, stroke-opacity, stroke-width,
// stroke-dasharray; Mark WellKnownName and Size), TextSymbolizer labels,
// rules filtered by ogc:PropertyIsEqualTo (categorized) and by
// PropertyIsGreaterThan[OrEqualTo] / PropertyIsLessThan[OrEqualTo] /
// PropertyIsBetween (graduated), ElseFilter, Min/MaxScaleDenominator.
// Everything else (other symbol layer classes, data-defined properties,
// effects, other renderers' extras) is ignored; a document that is not XML,
// or whose numbers do not parse, is ErrMalformed, and a renderer Lantu cannot
// draw (rule-based, heatmap, an expression as class field) is
// ErrUnsupported: the caller then keeps the generic style and lists the
// problem.
//
// Units. Lantu's styles are in screen pixels at 96 dpi. QML sizes in MM
// (QGIS's default unit) are multiplied by 96/25.4 = 3.78 px/mm, Point by
// 96/72, Inch by 96, Pixel taken as they are; sizes in map units
// (MapUnit, RenderMetersInMapUnits) or Percentage have no fixed pixel size
// and are drawn as 1 px lines and default-size (7 px) markers. SLD sizes
// are pixels (the OGC 0.28 mm pixel is taken as Lantu's pixel, 6% larger
// than QGIS draws them); a symbolizer whose uom is metre or foot is treated
// as map units. A width of 0 is QGIS's hairline, drawn 1 px wide.
//
// Opacity. The layer opacity and the symbol alpha are multiplied into every
// colour's alpha (fill, outline, hatch, class colours) and Style.Opacity is
// 1, so that lines, outlines and fills fade alike, as they do in QGIS.
//
// Caps. Qt, and so QGIS, draws dashes with square caps unless a SimpleLine
// says capstyle flat; Lantu draws them butt-capped, so the pattern is
// lengthened by the width per dash and shortened per gap to look the same
// (a custom dash 6;3 px at 3 px wide is drawn 9 on, 0 off: solid, as in
// QGIS). SLD's stroke-linecap defaults to butt, as the SLD spec says (QGIS
// reads SLD dashes as square-capped).
//
// What is lost. A categorized or graduated style keeps one colour per
// class, the fill of polygons and points or the colour of lines (of
// outlines, for a style without fill; a hatched style's classes colour the
// outline too, the hatch keeping the first class's colour), and one line or
// outline width per class. The outline colour and marker of the first
// class's symbol serve every class, and its dash only when every class has
// the same one (else lines are solid).
// Stacked symbol layers keep the first fill, the first outline and the first
// marker.
package layerstyle

import (
	"errors"
	"image/color"
	"math"
	"strconv"
	"strings"

	"lantu/layers/catalog"
)

// Errors a caller may test for with errors.Is.
var (
	ErrMalformed   = errors.New("layerstyle: malformed style")
	ErrUnsupported = errors.New("layerstyle: unsupported style")
)

// Style is a layer style read from a QML or SLD document. A plain value:
// safe for concurrent use once made.
type Style struct {
	Format     string // "qml" or "sld"
	Renderer   string // singleSymbol, categorizedSymbol or graduatedSymbol
	Draw       catalog.Style
	ClassField string // the attribute Draw.Classes read; "" for one symbol
	LabelField string // "" for no labels
	// MinScale and MaxScale are scale denominators in the catalog's sense
	// (shown when MaxScale <= scale <= MinScale; 0 = unlimited).
	MinScale, MaxScale float64
}

// Screen units at Lantu's 96 dpi.
const (
	pxPerMM    = 96 / 25.4
	pxPerPoint = 96.0 / 72
	pxPerInch  = 96.0
	hairline   = 1.0 // px: a width of 0, or in map units
	markerSize = 7.0 // px: a marker sized in map units
)

// toPixels converts a QML size in unit to pixels; ok is false for map units
// and percentages, which have no fixed size on screen.
func toPixels(v float64, unit string) (px float64, ok bool) {
	switch unit {
	case "Pixel":
		return v, true
	case "Point":
		return v * pxPerPoint, true
	case "Inch":
		return v * pxPerInch, true
	case "MapUnit", "RenderMetersInMapUnits", "Percentage":
		return 0, false
	}
	return v * pxPerMM, true // "MM", QGIS's default, and unknown units
}

// width is a line width in pixels: hairline for 0 and map units.
func width(v float64, unit string) float64 {
	px, ok := toPixels(v, unit)
	if !ok || px <= 0 {
		return hairline
	}
	return px
}

// parseNumber reads a finite number.
func parseNumber(s string) (float64, bool) {
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	return v, err == nil && !math.IsNaN(v) && !math.IsInf(v, 0)
}

// parseColor reads QML's "r,g,b,a" (QGIS 3.28 appends ",rgb:..."), SLD's
// "#rrggbb" and "#rrggbbaa".
func parseColor(s string) (color.NRGBA, bool) {
	s = strings.TrimSpace(s)
	if h, ok := strings.CutPrefix(s, "#"); ok {
		return parseHex(h)
	}
	f := strings.Split(s, ",")
	if len(f) < 3 {
		return color.NRGBA{}, false
	}
	var c [4]uint8
	c[3] = 255
	for i := 0; i < min(len(f), 4); i++ {
		v, err := strconv.Atoi(strings.TrimSpace(f[i]))
		if err != nil || v < 0 || v > 255 {
			return color.NRGBA{}, false
		}
		c[i] = uint8(v)
	}
	return color.NRGBA{c[0], c[1], c[2], c[3]}, true
}

func parseHex(h string) (color.NRGBA, bool) {
	if len(h) == 3 {
		h = string([]byte{h[0], h[0], h[1], h[1], h[2], h[2]})
	}
	if len(h) != 6 && len(h) != 8 {
		return color.NRGBA{}, false
	}
	v, err := strconv.ParseUint(h, 16, 32)
	if err != nil {
		return color.NRGBA{}, false
	}
	if len(h) == 6 {
		v = v<<8 | 0xff
	}
	return color.NRGBA{uint8(v >> 24), uint8(v >> 16), uint8(v >> 8), uint8(v)}, true
}

// fade multiplies a colour's alpha by f (0..1).
func fade(c color.NRGBA, f float64) color.NRGBA {
	c.A = uint8(math.Round(float64(c.A) * min(max(f, 0), 1)))
	return c
}

// qtDash is a Qt pen style's dash pattern, in pen widths.
var qtDash = map[string][]float64{
	"dash": {4, 2}, "dot": {1, 2}, "dash dot": {4, 2, 1, 2}, "dash dot dot": {4, 2, 1, 2, 1, 2},
}

// penDash is the dash pattern in pixels of a QGIS pen style at width w.
func penDash(style string, w float64) []float64 {
	p := qtDash[style]
	if p == nil {
		return nil
	}
	out := make([]float64, len(p))
	for i, v := range p {
		out[i] = v * max(w, 1)
	}
	return out
}

// capped is a dash pattern drawn with square (or round) caps, which
// reach w/2 past each end of every dash, as butt-capped dashes: each dash
// grows by w and each gap shrinks by w. Gaps that close merge their dashes;
// a pattern with no gap left is solid (nil). Qt's pens (QGIS's outlines and
// lines) have square caps unless told otherwise; Lantu draws butt caps.
func capped(dash []float64, w float64) []float64 {
	if len(dash) < 2 || len(dash)%2 != 0 {
		return dash
	}
	var out []float64
	for i := 0; i < len(dash); i += 2 {
		on, off := dash[i]+w, dash[i+1]-w
		if len(out) > 0 && out[len(out)-1] <= 0 {
			out[len(out)-2] += on
			out[len(out)-1] = off
			continue
		}
		out = append(out, on, off)
	}
	if len(out) > 2 && out[len(out)-1] <= 0 { // the last gap closed: join the first dash
		out[0] += out[len(out)-2]
		out = out[:len(out)-2]
	}
	if out[len(out)-1] <= 0 {
		return nil
	}
	return out
}

// sameDash reports whether two dash patterns are equal.
func sameDash(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// fieldName is the column an attribute or label expression names: a bare
// identifier or a double-quoted one; ok is false for any other expression.
func fieldName(expr string) (string, bool) {
	s := strings.TrimSpace(expr)
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		s = strings.ReplaceAll(s[1:len(s)-1], `""`, `"`)
		return s, s != ""
	}
	for _, r := range s {
		if !(r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r > 127) {
			return "", false
		}
	}
	return s, s != ""
}
