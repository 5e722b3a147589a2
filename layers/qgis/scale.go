package qgis

import (
	"fmt"
	"image/color"
)

// Lantu draws by scale as printed maps do (layers/render/scale.go): line
// widths hold to 1:100,000 and thin to two thirds at the city overview;
// hatches are 10 px apart to 1:25,000, 8 px to 1:100,000, then open up to
// 12 px and fade out by 1:600,000, their colour laid down as a flat tint
// instead; filled polygons smaller than a size that grows past 1:100,000
// lose their outlines. QGIS does the same with data-defined properties:
// expressions of @map_scale (the same scale as Lantu's when QGIS renders
// at 90.7 dpi, Lantu's 0.28 mm pixel). The constants are render's.
const (
	widthFull   = 100000
	minWidthF   = 0.67
	hatchFull   = 100000
	hatchNone   = 600000
	minOutlined = 4
	maxOutlined = 40
	pixelSize   = 0.00028 // metres per pixel at scale 1 (layers/render.PixelSize)
)

// Expressions of the scale, in QGIS's expression language.
var (
	widthFactorExpr = fmt.Sprintf("(CASE WHEN @map_scale <= %d THEN 1 ELSE max(%g, (%d / @map_scale) ^ 0.15) END)",
		widthFull, minWidthF, widthFull)
	// hatchT is 0 at hatchFull and 1 at hatchNone.
	hatchT        = fmt.Sprintf("(ln(@map_scale / %d) / ln(%d / %d))", hatchFull, hatchNone, hatchFull)
	hatchStrength = fmt.Sprintf("(CASE WHEN @map_scale <= %d THEN 1 WHEN @map_scale >= %d THEN 0 ELSE 1 - %s END)",
		hatchFull, hatchNone, hatchT)
	hatchGap = fmt.Sprintf("(CASE WHEN @map_scale <= 25000 THEN 10 WHEN @map_scale <= %d THEN 8 WHEN @map_scale >= %d THEN 12 ELSE 8 + round(4 * %s) END)",
		hatchFull, hatchNone, hatchT)
	outlineMinExpr = fmt.Sprintf("(CASE WHEN @map_scale <= %d THEN %d ELSE min(%d, %d * (@map_scale / %d) ^ 0.9) END)",
		widthFull, minOutlined, maxOutlined, minOutlined, widthFull)
	// pixelExtent is a feature's larger bounding-box side in pixels.
	pixelExtent = fmt.Sprintf("(max(bounds_width($geometry), bounds_height($geometry)) / (@map_scale * %g))", pixelSize)
)

// scaledColor is c with its alpha multiplied by the expression f.
func scaledColor(c color.NRGBA, f string) string {
	return fmt.Sprintf("color_rgba(%d, %d, %d, %d * %s)", c.R, c.G, c.B, c.A, f)
}

// ddProps are data-defined properties: name, expression pairs.
func ddProps(pairs ...string) *node {
	props := el("Option", "name", "properties", "type", "Map")
	for i := 0; i+1 < len(pairs); i += 2 {
		props.child("Option", "name", pairs[i], "type", "Map").add(
			el("Option", "name", "active", "type", "bool", "value", "true"),
			el("Option", "name", "expression", "type", "QString", "value", pairs[i+1]),
			el("Option", "name", "type", "type", "int", "value", "3"))
	}
	return el("data_defined_properties").add(el("Option", "type", "Map").add(
		el("Option", "name", "name", "type", "QString", "value", ""), props,
		el("Option", "name", "type", "type", "QString", "value", "collection")))
}
