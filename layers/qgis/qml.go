package qgis

import (
	"strconv"

	"lantu/layers/catalog"
)

// Version is the QGIS version the QML and project files are written for
// (Debian 12's QGIS); QGIS 3.x from 3.16 on reads them.
const Version = "3.22.16-Białowieża"

// qmlDoctype is the first line of every QML and QGS file QGIS writes.
const qmlDoctype = "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"

// QML is the QGIS style of a vector catalog layer as a .qml document:
// what layer_styles.styleQML holds and QGIS's "Load Style" reads. cat
// gives the layer's class palette; style replaces the layer's catalog
// style (pass l.Style for the catalog's own). The label font is the
// family of Lantu's embedded CJK font.
func QML(cat *catalog.Catalog, l *catalog.Layer, style catalog.Style) string {
	root := el("qgis", "version", Version, "styleCategories", "AllStyleCategories")
	root.attrs = append(root.attrs, layerAttrs(l, style)...)
	root.add(styleNodes(cat, l, style)...)
	return qmlDoctype + root.String()
}

// layerAttrs are the scale-visibility and label attributes a <qgis> or
// <maplayer> element carries. QGIS's minScale is the most zoomed-out
// denominator and maxScale the most zoomed-in one, as the catalog's
// min_scale and max_scale; 0 is no limit on either side.
func layerAttrs(l *catalog.Layer, style catalog.Style) []string {
	scaled := "0"
	if l.MinScale > 0 || l.MaxScale > 0 {
		scaled = "1"
	}
	labels := "0"
	if l.LabelField != "" {
		labels = "1"
	}
	return []string{"hasScaleBasedVisibilityFlag", scaled, "minScale", num(l.MinScale), "maxScale", num(l.MaxScale),
		"labelsEnabled", labels, "readOnly", "0", "symbologyReferenceScale", "-1",
		"simplifyDrawingHints", "1", "simplifyAlgorithm", "0", "simplifyDrawingTol", "1", "simplifyLocal", "1", "simplifyMaxScale", "1"}
}

// styleNodes are the style elements shared by a QML document and a
// project's <maplayer>: renderer, labels, blending, opacity, aliases.
func styleNodes(cat *catalog.Catalog, l *catalog.Layer, style catalog.Style) []*node {
	return []*node{
		renderer(cat, l, style),
		labeling(l),
		textEl("blendMode", "0"),
		textEl("featureBlendMode", "0"),
		textEl("layerOpacity", "1"),
		aliases(l),
	}
}

// renderer is a categorized renderer for a layer with a class palette
// (see classExpr), else a single symbol renderer.
func renderer(cat *catalog.Catalog, l *catalog.Layer, style catalog.Style) *node {
	base := resolve(l.Geometry, style)
	p := paletteOf(cat, l, style)
	if p == nil {
		r := el("renderer-v2", "type", "singleSymbol", "symbollevels", "0", "enableorderby", "0", "forceraster", "0", "referencescale", "-1")
		r.child("symbols").add(symbolOf(base, "0"))
		return r
	}
	r := el("renderer-v2", "type", "categorizedSymbol", "attr", classExpr(l.ClassField, p),
		"symbollevels", "0", "enableorderby", "0", "forceraster", "0", "referencescale", "-1")
	cats, syms := r.child("categories"), r.child("symbols")
	for i, c := range p.Classes {
		name := strconv.Itoa(i)
		cats.child("category", "value", c.Code, "symbol", name, "label", c.NameZh, "render", "true")
		syms.add(symbolOf(base.withClass(c.Color, style.Opacity), name))
	}
	// An empty value is QGIS's "all other values": a code with no listed
	// prefix keeps the layer's own style, as in Lantu.
	name := strconv.Itoa(len(p.Classes))
	cats.child("category", "value", "", "symbol", name, "label", "其他 Other", "render", "true")
	syms.add(symbolOf(base, name))
	return r
}

// paletteOf is the class palette the layer is drawn with, nil if none.
func paletteOf(cat *catalog.Catalog, l *catalog.Layer, style catalog.Style) *catalog.Palette {
	if cat == nil || style.Palette == "" || l.ClassField == "" {
		return nil
	}
	return cat.Palettes[style.Palette]
}

// Label text as Lantu draws it (layers/render/label.go): 13 px on areas,
// 12 px on lines and points, dark grey with a 2 px light halo; points are
// labelled only from 1:50,000 in.
const (
	labelSize          = 13
	smallLabelSize     = 12
	labelText          = "38,43,51,255"
	labelHalo          = "255,255,255,255"
	labelHaloOpacity   = 0xd8 / 255.0
	pointLabelMaxScale = 50000
)

// labeling labels features with the layer's label field in the embedded
// CJK font; nil for a layer without one.
func labeling(l *catalog.Layer) *node {
	if l.LabelField == "" {
		return nil
	}
	size := labelSize
	if l.Geometry != "polygon" {
		size = smallLabelSize
	}
	ts := el("text-style", "fieldName", l.LabelField, "isExpression", "0", "fontFamily", LabelFont(),
		"fontSize", strconv.Itoa(size), "fontSizeUnit", "Pixel", "textColor", labelText, "textOpacity", "1",
		"fontWeight", "50", "fontItalic", "0", "namedStyle", "", "blendMode", "0", "multilineHeight", "1")
	ts.child("text-buffer", "bufferDraw", "1", "bufferSize", "2", "bufferSizeUnits", "Pixel", "bufferColor", labelHalo,
		"bufferOpacity", num(labelHaloOpacity), "bufferNoFill", "1", "bufferJoinStyle", "128", "bufferBlendMode", "0")
	// Polygons: over a point inside, only where the text fits inside the
	// polygon, as Lantu labels an area only when the text fits its widest
	// span.
	placement, fit, scaleVis, scaleMax := "1", "1", "0", "0"
	switch l.Geometry {
	case "line":
		placement, fit = "2", "0" // parallel
	case "point":
		placement, fit, scaleVis, scaleMax = "0", "0", "1", strconv.Itoa(pointLabelMaxScale) // around the point
	}
	s := el("settings", "calloutType", "simple").add(ts)
	s.child("text-format", "wrapChar", "", "multilineAlign", "3", "formatNumbers", "0")
	s.child("placement", "placement", placement, "placementFlags", "10", "dist", "1", "distUnits", "Pixel",
		"priority", "5", "centroidInside", "1", "fitInPolygonOnly", fit)
	// QGIS's XML names the most zoomed-out scale "scaleMax".
	s.child("rendering", "scaleVisibility", scaleVis, "scaleMin", "0", "scaleMax", scaleMax, "obstacle", "1",
		"drawLabels", "1", "displayAll", "0", "upsidedownLabels", "0", "labelPerPart", "0", "mergeLines", "0")
	return el("labeling", "type", "simple").add(s)
}

// aliases name the catalog fields in Chinese in QGIS's forms and tables.
func aliases(l *catalog.Layer) *node {
	a := el("aliases")
	for i, f := range l.Fields {
		if f.NameZh != "" {
			a.child("alias", "field", f.Name, "index", strconv.Itoa(len(systemColumns)+i), "name", f.NameZh)
		}
	}
	return a
}

// systemColumns are the columns every blueprint table has before its
// catalog fields (layers/schema.go).
var systemColumns = []string{"fid", "uid", "version", "updated_at", "updated_by"}
