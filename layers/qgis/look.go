package qgis

import (
	"fmt"
	"image/color"
	"math"
	"strconv"
	"strings"

	"lantu/layers/catalog"
	"lantu/layers/render"
)

// look is a catalog style resolved the way Lantu's renderer draws it
// (layers/render): the fill and hatch take the style's opacity, the
// stroke does not; an opacity of 0 means no fill and no hatch; a hatch
// without a colour takes the stroke's. QML and SLD are both written from
// it, so the two cannot disagree. A plain value.
type look struct {
	kind        string // polygon | line | point
	fill        color.NRGBA
	stroke      color.NRGBA
	width       float64
	dash        []float64
	hatch       string
	hatchColor  color.NRGBA
	symbol      string
	size        float64
	markerWidth float64 // a point symbol's outline width
}

// Lantu's defaults for point symbols (layers/render).
const defaultSymbolSize = 7

// resolve turns a layer's style into its look; kind is the layer's
// geometry (polygon, line, point).
func resolve(kind string, s catalog.Style) look {
	op := s.Opacity
	lk := look{kind: kind, stroke: s.Stroke, width: s.Width, dash: s.Dash, symbol: s.Symbol, size: s.Size}
	if op > 0 {
		lk.fill = fade(s.Fill, op)
		lk.hatch = s.Hatch
		lk.hatchColor = s.HatchColor
		if lk.hatchColor.A == 0 {
			lk.hatchColor = s.Stroke
		}
		lk.hatchColor = fade(lk.hatchColor, op)
	}
	if lk.hatchColor.A == 0 {
		lk.hatch = ""
	}
	if lk.size <= 0 {
		lk.size = defaultSymbolSize
	}
	if lk.symbol == "" {
		lk.symbol = "circle"
	}
	lk.markerWidth = math.Max(1, lk.width*0.75)
	return lk
}

// withClass is the look of a feature of a class coloured c, as Lantu draws
// it (layers/render): lines take the colour as their stroke, points as
// their fill; areas are filled with it muted (render.Muted) and, when the
// layer has an outline, outlined in a darker shade of its hue
// (render.ClassOutline) at the outline's alpha. Fills take the style's
// opacity.
func (lk look) withClass(c color.NRGBA, opacity float64) look {
	if opacity <= 0 {
		opacity = 1
	}
	switch lk.kind {
	case "line":
		lk.stroke = c
	case "point":
		lk.fill = fade(c, opacity)
	default:
		if lk.stroke.A > 0 {
			lk.stroke = fade(render.ClassOutline(c), float64(lk.stroke.A)/255)
		}
		lk.fill = fade(render.Muted(c), opacity)
	}
	return lk
}

// markerColors are a point symbol's fill and outline: with no fill the
// stroke colour fills the symbol and a white outline rings it.
func (lk look) markerColors() (fill, outline color.NRGBA) {
	if lk.fill.A == 0 {
		return lk.stroke, color.NRGBA{255, 255, 255, lk.stroke.A}
	}
	return lk.fill, lk.stroke
}

// hasStroke reports whether outlines or lines are drawn.
func (lk look) hasStroke() bool { return lk.stroke.A > 0 && lk.width > 0 }

// fade multiplies a colour's alpha by f (0..1).
func fade(c color.NRGBA, f float64) color.NRGBA {
	c.A = uint8(math.Round(float64(c.A) * math.Min(math.Max(f, 0), 1)))
	return c
}

// rgba is a colour as QGIS writes it: "r,g,b,a".
func rgba(c color.NRGBA) string { return fmt.Sprintf("%d,%d,%d,%d", c.R, c.G, c.B, c.A) }

// hexColor is a colour as SLD writes it: "#rrggbb".
func hexColor(c color.NRGBA) string { return fmt.Sprintf("#%02x%02x%02x", c.R, c.G, c.B) }

// alpha is a colour's opacity 0..1 as SLD writes it.
func alpha(c color.NRGBA) string { return num(float64(c.A) / 255) }

// num writes a number the shortest way that reads back the same.
func num(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

// dashList writes a dash pattern as QGIS does ("8;3;2;3") or, with sep
// " ", as SLD does.
func dashList(d []float64, sep string) string {
	s := make([]string, len(d))
	for i, v := range d {
		s[i] = num(v)
	}
	return strings.Join(s, sep)
}
