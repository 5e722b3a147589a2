package qgis

import (
	"image/color"
	"strconv"
	"strings"

	"lantu/layers/catalog"
)

// SLD is the style of a vector catalog layer as an OGC Styled Layer
// Descriptor 1.1 (Symbology Encoding 1.1) document, what
// layer_styles.styleSLD holds for tools other than QGIS. It draws the same
// look as QML: a rule per palette class (a filter that matches the codes
// whose longest listed prefix is the class's, see classExpr) and an
// "other" rule with the layer's own style for the values of no class, scale limits on every rule,
// hatches as GraphicFill marks (shape://slash and the like), and a
// TextSymbolizer rule for labels.
func SLD(cat *catalog.Catalog, l *catalog.Layer, style catalog.Style) string {
	fts := el("se:FeatureTypeStyle")
	base := resolve(l.Geometry, style)
	if p := paletteOf(cat, l, style); p != nil {
		for _, c := range p.Classes {
			r := sldRule(c.Code+" "+c.NameEn, c.NameZh, l).add(classFilter(l.ClassField, p, c.Code))
			fts.add(scaleLimits(r, l).add(symbolizers(base.withClass(c.Color, style.Opacity))...))
		}
		r := sldRule("other", "其他 Other", l).add(otherFilter(l.ClassField, p))
		fts.add(scaleLimits(r, l).add(symbolizers(base)...))
	} else {
		r := sldRule(l.Code, l.NameZh, l)
		fts.add(scaleLimits(r, l).add(symbolizers(base)...))
	}
	fts.add(labelRule(l))
	root := el("StyledLayerDescriptor", "xmlns", "http://www.opengis.net/sld", "version", "1.1.0",
		"xmlns:se", "http://www.opengis.net/se", "xmlns:ogc", "http://www.opengis.net/ogc",
		"xmlns:xlink", "http://www.w3.org/1999/xlink", "xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance",
		"xsi:schemaLocation", "http://www.opengis.net/sld http://schemas.opengis.net/sld/1.1.0/StyledLayerDescriptor.xsd")
	us := el("UserStyle").add(textEl("se:Name", l.Table), fts)
	root.child("NamedLayer").add(textEl("se:Name", l.Table), us)
	return `<?xml version="1.0" encoding="UTF-8"?>` + "\n" + root.String()
}

// sldRule starts a rule with its name and title.
func sldRule(name, title string, l *catalog.Layer) *node {
	return el("se:Rule").add(textEl("se:Name", name), el("se:Description").add(textEl("se:Title", title)))
}

// scaleLimits adds the layer's scale range to a rule: SLD's
// MinScaleDenominator is the most zoomed-in scale (the catalog's
// max_scale), MaxScaleDenominator the most zoomed-out one (min_scale).
func scaleLimits(r *node, l *catalog.Layer) *node {
	if l.MaxScale > 0 {
		r.add(textEl("se:MinScaleDenominator", num(l.MaxScale)))
	}
	if l.MinScale > 0 {
		r.add(textEl("se:MaxScaleDenominator", num(l.MinScale)))
	}
	return r
}

// classFilter matches the values whose longest listed prefix is code: they
// start with code and with none of the longer listed codes that start
// with it.
func classFilter(field string, p *catalog.Palette, code string) *node {
	f := el("ogc:Filter")
	own := like(field, code)
	var others []*node
	for _, c := range longerCodes(p, code) {
		others = append(others, like(field, c))
	}
	switch len(others) {
	case 0:
		return f.add(own)
	case 1:
		return f.add(el("ogc:And").add(own, el("ogc:Not").add(others[0])))
	}
	return f.add(el("ogc:And").add(own, el("ogc:Not").add(el("ogc:Or").add(others...))))
}

// otherFilter matches the values no class rule matches: those starting
// with none of the listed codes. It stands for an ElseFilter,
// which QGIS 3.22 reads as a rule without a filter, drawn over every
// feature.
func otherFilter(field string, p *catalog.Palette) *node {
	var roots []*node
	for _, c := range p.Classes {
		if !hasListedPrefix(p, c.Code) {
			roots = append(roots, like(field, c.Code))
		}
	}
	if len(roots) == 1 {
		return el("ogc:Filter").add(el("ogc:Not").add(roots[0]))
	}
	return el("ogc:Filter").add(el("ogc:Not").add(el("ogc:Or").add(roots...)))
}

// hasListedPrefix reports whether a shorter listed code is a prefix of
// code.
func hasListedPrefix(p *catalog.Palette, code string) bool {
	for _, c := range p.Classes {
		if len(c.Code) < len(code) && strings.HasPrefix(code, c.Code) {
			return true
		}
	}
	return false
}

// like matches values of field starting with prefix.
func like(field, prefix string) *node {
	esc := make([]rune, 0, len(prefix)+1)
	for _, r := range prefix {
		if r == '*' || r == '.' || r == '!' {
			esc = append(esc, '!')
		}
		esc = append(esc, r)
	}
	return el("ogc:PropertyIsLike", "wildCard", "*", "singleChar", ".", "escapeChar", "!").
		add(textEl("ogc:PropertyName", field), textEl("ogc:Literal", string(esc)+"*"))
}

// symbolizers draw lk: fill, hatch and outline for areas, a stroke for
// lines, a mark for points.
func symbolizers(lk look) []*node {
	switch lk.kind {
	case "line":
		return []*node{el("se:LineSymbolizer").add(sldStroke(lk.stroke, lk.width, lk.dash))}
	case "point":
		return []*node{pointSymbolizer(lk)}
	}
	var out []*node
	if lk.fill.A > 0 {
		out = append(out, el("se:PolygonSymbolizer").add(sldFill(lk.fill)))
	}
	if h := hatchFill(lk); h != nil {
		out = append(out, el("se:PolygonSymbolizer").add(h))
	}
	if lk.hasStroke() {
		out = append(out, el("se:PolygonSymbolizer").add(sldStroke(lk.stroke, lk.width, lk.dash)))
	}
	return out
}

func svg(name, value string) *node { return textEl("se:SvgParameter", value, "name", name) }

func sldFill(c color.NRGBA) *node {
	return el("se:Fill").add(svg("fill", hexColor(c)), svg("fill-opacity", alpha(c)))
}

func sldStroke(c color.NRGBA, width float64, dash []float64) *node {
	s := el("se:Stroke").add(svg("stroke", hexColor(c)), svg("stroke-opacity", alpha(c)),
		svg("stroke-width", num(width)), svg("stroke-linejoin", "round"), svg("stroke-linecap", "butt"))
	if len(dash) > 0 {
		s.add(svg("stroke-dasharray", dashList(dash, " ")))
	}
	return s
}

// hatchMarks are the well-known marks of the hatches (GeoServer's
// shape:// names, which QGIS reads and writes too).
var hatchMarks = map[string]string{
	"diagonal": "shape://slash", "cross": "shape://times", "horizontal": "shape://horline",
	"vertical": "shape://vertline", "dots": "shape://dot",
}

// hatchFill is a GraphicFill of lk's hatch mark, nil for no hatch.
func hatchFill(lk look) *node {
	mark, ok := hatchMarks[lk.hatch]
	if !ok {
		return nil
	}
	size := hatchSpacing
	if lk.hatch == "dots" {
		size = 6
	}
	m := el("se:Mark").add(textEl("se:WellKnownName", mark), sldStroke(lk.hatchColor, 1, nil))
	if lk.hatch == "dots" {
		m.add(sldFill(lk.hatchColor))
	}
	g := el("se:Graphic").add(m, textEl("se:Size", strconv.Itoa(size)))
	return el("se:Fill").add(el("se:GraphicFill").add(g))
}

// pointSymbolizer draws lk's point symbol with the diameter as size.
func pointSymbolizer(lk look) *node {
	fill, outline := lk.markerColors()
	m := el("se:Mark").add(textEl("se:WellKnownName", lk.symbol), sldFill(fill))
	if lk.symbol != "cross" {
		m.add(sldStroke(outline, lk.markerWidth, nil))
	}
	return el("se:PointSymbolizer").add(el("se:Graphic").add(m, textEl("se:Size", num(lk.size))))
}

// labelRule is a rule with the layer's TextSymbolizer, nil without a
// label field; point labels stop past 1:50,000 as in Lantu.
func labelRule(l *catalog.Layer) *node {
	if l.LabelField == "" {
		return nil
	}
	r := sldRule("labels", l.NameZh+" 标注", l)
	lim := *l
	if l.Geometry == "point" && (l.MinScale == 0 || l.MinScale > pointLabelMaxScale) {
		lim.MinScale = pointLabelMaxScale
	}
	scaleLimits(r, &lim)
	size := labelSize
	if l.Geometry != "polygon" {
		size = smallLabelSize
	}
	placement := el("se:LabelPlacement").add(el("se:PointPlacement").add(
		el("se:AnchorPoint").add(textEl("se:AnchorPointX", "0.5"), textEl("se:AnchorPointY", "0.5"))))
	if l.Geometry == "line" {
		placement = el("se:LabelPlacement").add(el("se:LinePlacement"))
	}
	ts := el("se:TextSymbolizer").add(
		el("se:Label").add(textEl("ogc:PropertyName", l.LabelField)),
		el("se:Font").add(svg("font-family", LabelFont()), svg("font-size", strconv.Itoa(size))),
		placement,
		el("se:Halo").add(textEl("se:Radius", "2"), el("se:Fill").add(svg("fill", "#ffffff"), svg("fill-opacity", num(labelHaloOpacity)))),
		el("se:Fill").add(svg("fill", "#262b33")))
	return r.add(ts)
}
