package qgis

import (
	"fmt"
	"image/color"
	"lantu/layers/render"
	"math"
)

// QGIS symbol layers for a look. Sizes and widths are in pixels, as
// Lantu's are ("Pixel" units), so a view draws at the same sizes at any
// DPI.

// symbolLayer is one <layer> of a symbol: its class, its properties
// (written both as the Option map QGIS 3 reads and as the <prop> list
// older versions read) and an optional sub-symbol.
func symbolLayer(class string, sub *node, props ...string) *node {
	return symbolLayerDD(class, sub, nil, props...)
}

// symbolLayerDD is symbolLayer with data-defined properties (see ddProps).
func symbolLayerDD(class string, sub, dd *node, props ...string) *node {
	n := el("layer", "class", class, "enabled", "1", "locked", "0", "pass", "0")
	opt := n.child("Option", "type", "Map")
	for i := 0; i+1 < len(props); i += 2 {
		opt.child("Option", "name", props[i], "type", "QString", "value", props[i+1])
	}
	for i := 0; i+1 < len(props); i += 2 {
		n.child("prop", "k", props[i], "v", props[i+1])
	}
	return n.add(dd, sub)
}

// symbol wraps symbol layers: typ is fill, line or marker.
func symbol(typ, name string, layers ...*node) *node {
	return el("symbol", "type", typ, "name", name, "alpha", "1", "clip_to_extent", "1", "force_rhr", "0").add(layers...)
}

// symbolOf is the symbol drawing lk, named name.
func symbolOf(lk look, name string) *node {
	switch lk.kind {
	case "line":
		return symbol("line", name, scaledLine(lk.stroke, lk.width, lk.dash, ""))
	case "point":
		return symbol("marker", name, simpleMarker(lk))
	}
	s := symbol("fill", name, simpleFill(lk.fill))
	if tone := render.HatchTone(lk.hatch); lk.hatch != "" && tone > 0 {
		s.add(tintFill(lk.hatchColor, tone))
	}
	s.add(hatchLayers(lk, name)...)
	if lk.hasStroke() {
		enabled := ""
		if lk.fill.A > 0 || lk.hatch != "" { // a filled area's outline goes when it is small
			enabled = pixelExtent + " >= " + outlineMinExpr
		}
		s.add(scaledLine(lk.stroke, lk.width, lk.dash, enabled))
	}
	return s
}

// scaledLine is simpleLine with Lantu's width by scale, drawn only where
// the expression enabled holds ("" always).
func scaledLine(c color.NRGBA, width float64, dash []float64, enabled string) *node {
	pairs := []string{"outlineWidth", num(width) + " * " + widthFactorExpr}
	if enabled != "" {
		pairs = append(pairs, "enabled", enabled)
	}
	n := simpleLine(c, width, dash)
	n.kids = append([]*node{ddProps(pairs...)}, n.kids...)
	return n
}

// tintFill is the flat tone a faded hatch leaves (Lantu's hatch tint):
// colour c at share tone of the hatch's faded strength.
func tintFill(c color.NRGBA, tone float64) *node {
	dd := ddProps("fillColor", scaledColor(c, fmt.Sprintf("%g * (1 - %s)", tone, hatchStrength)))
	return symbolLayerDD("SimpleFill", nil, dd, "color", rgba(color.NRGBA{c.R, c.G, c.B, 0}), "style", "solid",
		"outline_color", "0,0,0,0", "outline_style", "no", "outline_width", "0", "outline_width_unit", "Pixel")
}

// simpleFill fills with c and draws no outline (the outline is a line
// layer of its own, so it can be dashed).
func simpleFill(c color.NRGBA) *node {
	style := "solid"
	if c.A == 0 {
		style = "no"
	}
	return symbolLayer("SimpleFill", nil, "color", rgba(c), "style", style,
		"outline_color", "0,0,0,0", "outline_style", "no", "outline_width", "0", "outline_width_unit", "Pixel",
		"joinstyle", "round", "offset", "0,0", "offset_unit", "Pixel")
}

// simpleLine strokes with c at width pixels, dashed when dash is set.
func simpleLine(c color.NRGBA, width float64, dash []float64) *node {
	style, custom := "solid", "0"
	if c.A == 0 || width <= 0 {
		style = "no"
	}
	if len(dash) > 0 {
		custom = "1"
	}
	p := []string{"line_color", rgba(c), "line_style", style, "line_width", num(width), "line_width_unit", "Pixel",
		"capstyle", "flat", "joinstyle", "round", "use_custom_dash", custom, "customdash_unit", "Pixel",
		"offset", "0", "offset_unit", "Pixel", "draw_inside_polygon", "0", "ring_filter", "0"}
	if len(dash) > 0 {
		p = append(p, "customdash", dashList(dash, ";"))
	}
	return symbolLayer("SimpleLine", nil, p...)
}

// markerNames maps Lantu's point symbols to QGIS's simple marker shapes.
var markerNames = map[string]string{
	"circle": "circle", "square": "square", "triangle": "triangle", "star": "star", "cross": "cross_fill",
}

// simpleMarker draws lk's point symbol: size is the diameter in pixels.
func simpleMarker(lk look) *node {
	fill, outline := lk.markerColors()
	style := "solid"
	if lk.symbol == "cross" { // Lantu draws a cross without an outline
		style = "no"
	}
	return symbolLayer("SimpleMarker", nil, "name", markerNames[lk.symbol], "color", rgba(fill),
		"outline_color", rgba(outline), "outline_style", style, "outline_width", num(lk.markerWidth),
		"outline_width_unit", "Pixel", "size", num(lk.size), "size_unit", "Pixel", "scale_method", "diameter",
		"angle", "0", "joinstyle", "miter", "horizontal_anchor_point", "1", "vertical_anchor_point", "1",
		"offset", "0,0", "offset_unit", "Pixel")
}

// hatchSpacing is Lantu's hatch period in pixels (layers/render): lines
// every 8 pixels along an axis, so diagonal lines lie 8/sqrt(2) apart.
const hatchSpacing = 8

// hatchLayers are the line (or point) pattern fills of lk's hatch.
func hatchLayers(lk look, name string) []*node {
	diag := hatchSpacing / math.Sqrt2
	switch lk.hatch {
	case "diagonal":
		return []*node{linePattern(lk.hatchColor, 45, diag, true, name+"@1")}
	case "cross":
		return []*node{linePattern(lk.hatchColor, 45, diag, true, name+"@1"), linePattern(lk.hatchColor, 135, diag, true, name+"@2")}
	case "horizontal":
		return []*node{linePattern(lk.hatchColor, 0, hatchSpacing, false, name+"@1")}
	case "vertical":
		return []*node{linePattern(lk.hatchColor, 90, hatchSpacing, false, name+"@1")}
	case "dots":
		return []*node{dotPattern(lk.hatchColor, name+"@1")}
	}
	return nil
}

// linePattern is a LinePatternFill of 1 pixel lines of colour c at angle
// degrees (counter-clockwise from east), distance pixels apart (at district
// scale; diagonal lines lie the gap over sqrt 2 apart), the gap and the
// colour's strength following the scale as Lantu's hatches do.
func linePattern(c color.NRGBA, angle, distance float64, diagonal bool, name string) *node {
	line := simpleLine(c, 1, nil)
	line.kids = append([]*node{ddProps("outlineColor", scaledColor(c, hatchStrength))}, line.kids...)
	sub := symbol("line", name, line)
	gap := hatchGap
	if diagonal {
		gap = hatchGap + " / sqrt(2)"
	}
	return symbolLayerDD("LinePatternFill", sub, ddProps("lineDistance", gap), "angle", num(angle), "distance", num(distance),
		"distance_unit", "Pixel", "color", rgba(c), "line_width", "1", "line_width_unit", "Pixel",
		"offset", "0", "offset_unit", "Pixel")
}

// dotPattern is a PointPatternFill of 2 pixel squares every 6 pixels, as
// Lantu's dots hatch.
func dotPattern(c color.NRGBA, name string) *node {
	dot := symbolLayer("SimpleMarker", nil, "name", "square", "color", rgba(c), "outline_style", "no",
		"outline_color", "0,0,0,0", "size", "2", "size_unit", "Pixel", "scale_method", "diameter")
	return symbolLayer("PointPatternFill", symbol("marker", name, dot), "distance_x", "6", "distance_y", "6",
		"distance_x_unit", "Pixel", "distance_y_unit", "Pixel", "displacement_x", "0", "displacement_y", "0",
		"displacement_x_unit", "Pixel", "displacement_y_unit", "Pixel")
}
