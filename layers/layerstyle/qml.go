package layerstyle

import (
	"fmt"
	"image/color"
	"strings"

	"lantu/layers/catalog"
)

// ParseQML reads a QGIS layer style (a .qml document, as layer_styles'
// styleQML holds it). Errors wrap ErrMalformed or ErrUnsupported.
func ParseQML(data []byte) (*Style, error) {
	root, err := parseXML(data)
	if err != nil {
		return nil, err
	}
	if root.name != "qgis" {
		return nil, fmt.Errorf("%w: root element <%s>, not <qgis>", ErrMalformed, root.name)
	}
	opacity, err := qmlOpacity(root)
	if err != nil {
		return nil, err
	}
	s, err := qmlRenderer(root.child("renderer-v2"), opacity)
	if err != nil {
		return nil, err
	}
	s.Format = "qml"
	if err := qmlScale(root, s); err != nil {
		return nil, err
	}
	s.LabelField = qmlLabelField(root)
	return s, nil
}

// qmlOpacity is the layer opacity: <layerOpacity> 0..1 (QGIS 3), else
// <layerTransparency> 0..100 (QGIS 2), else 1.
func qmlOpacity(root *node) (float64, error) {
	if op := root.child("layerOpacity"); op != nil {
		v, ok := parseNumber(op.deepText())
		if !ok {
			return 0, fmt.Errorf("%w: layerOpacity %q", ErrMalformed, op.deepText())
		}
		return min(max(v, 0), 1), nil
	}
	if tr := root.child("layerTransparency"); tr != nil {
		v, ok := parseNumber(tr.deepText())
		if !ok {
			return 0, fmt.Errorf("%w: layerTransparency %q", ErrMalformed, tr.deepText())
		}
		return 1 - min(max(v, 0), 100)/100, nil
	}
	return 1, nil
}

// qmlRenderer reads the renderer-v2 element.
func qmlRenderer(r *node, opacity float64) (*Style, error) {
	if r == nil {
		return nil, fmt.Errorf("%w: no renderer-v2", ErrUnsupported)
	}
	symbols := map[string]*node{}
	for _, s := range r.child("symbols").children("symbol") {
		symbols[s.get("name")] = s
	}
	s := &Style{Renderer: r.get("type")}
	switch s.Renderer {
	case "singleSymbol":
		sym := symbols["0"]
		if sym == nil {
			return nil, fmt.Errorf("%w: singleSymbol renderer without its symbol", ErrMalformed)
		}
		s.Draw = readSymbol(sym, opacity).style()
		return s, nil
	case "categorizedSymbol", "graduatedSymbol":
		return qmlClassified(r, s, symbols, opacity)
	}
	return nil, fmt.Errorf("%w: renderer %q", ErrUnsupported, s.Renderer)
}

// qmlClassified reads a categorized or graduated renderer: its classes,
// and the first class's symbol (else the source symbol) as the layer style.
func qmlClassified(r *node, s *Style, symbols map[string]*node, opacity float64) (*Style, error) {
	field, ok := fieldName(r.get("attr"))
	if !ok {
		return nil, fmt.Errorf("%w: %s renderer classifies by the expression %q", ErrUnsupported, s.Renderer, r.get("attr"))
	}
	s.ClassField = field
	var classes []catalog.ValueClass
	var base *node
	var err error
	var syms []*node
	if s.Renderer == "categorizedSymbol" {
		classes, syms = qmlCategories(r, symbols, opacity)
	} else if classes, syms, err = qmlRanges(r, symbols, opacity); err != nil {
		return nil, err
	}
	if len(syms) > 0 {
		base = syms[0]
	}
	if base == nil {
		base = r.child("source-symbol").child("symbol")
	}
	if base == nil {
		return nil, fmt.Errorf("%w: %s renderer without a class or source symbol", ErrMalformed, s.Renderer)
	}
	s.Draw = readSymbol(base, opacity).style()
	for _, sym := range syms {
		if !sameDash(readSymbol(sym, opacity).dash, s.Draw.Dash) {
			s.Draw.Dash = nil
		}
	}
	s.Draw.Classes = classes
	return s, nil
}

// qmlCategories reads <categories>: one class per value (a list category
// gives one per <val>), skipping those not rendered or without a symbol;
// used are the symbols of the categories kept.
func qmlCategories(r *node, symbols map[string]*node, opacity float64) (out []catalog.ValueClass, used []*node) {
	for _, c := range r.child("categories").children("category") {
		sym := symbols[c.get("symbol")]
		if sym == nil || c.get("render") == "false" {
			continue
		}
		used = append(used, sym)
		parts := readSymbol(sym, opacity)
		values := []string{c.get("value")}
		if vs := c.children("val"); len(vs) > 0 {
			values = values[:0]
			for _, v := range vs {
				values = append(values, v.get("value"))
			}
		}
		for _, v := range values {
			out = append(out, catalog.ValueClass{Value: v, Label: c.get("label"), Color: parts.main, Width: parts.classWidth()})
		}
	}
	return out, used
}

// qmlRanges reads <ranges>: closed ranges, first match wins (as QGIS's
// QgsGraduatedSymbolRenderer::rangeForValue).
func qmlRanges(r *node, symbols map[string]*node, opacity float64) (out []catalog.ValueClass, used []*node, err error) {
	for _, rg := range r.child("ranges").children("range") {
		sym := symbols[rg.get("symbol")]
		if sym == nil || rg.get("render") == "false" {
			continue
		}
		lo, ok1 := parseNumber(rg.get("lower"))
		hi, ok2 := parseNumber(rg.get("upper"))
		if !ok1 || !ok2 {
			return nil, nil, fmt.Errorf("%w: range %q: bounds %q, %q", ErrMalformed, rg.get("label"), rg.get("lower"), rg.get("upper"))
		}
		used = append(used, sym)
		parts := readSymbol(sym, opacity)
		out = append(out, catalog.ValueClass{Ranged: true, Min: lo, Max: hi, Label: rg.get("label"), Color: parts.main, Width: parts.classWidth()})
	}
	return out, used, nil
}

// qmlScale reads scale-based visibility from the <qgis> attributes.
func qmlScale(root *node, s *Style) error {
	if root.get("hasScaleBasedVisibilityFlag") != "1" {
		return nil
	}
	// QGIS 3's minScale is the most zoomed out, as the catalog's MinScale;
	// QGIS 2 wrote maximumScale for it (and minimumScale for the other).
	outKey, inKey := "minScale", "maxScale"
	if _, ok := root.attr[outKey]; !ok {
		outKey, inKey = "maximumScale", "minimumScale"
	}
	out, ok1 := parseNumber(root.get(outKey))
	in, ok2 := parseNumber(root.get(inKey))
	if !ok1 || !ok2 {
		return fmt.Errorf("%w: scale range %s=%q %s=%q", ErrMalformed, outKey, root.get(outKey), inKey, root.get(inKey))
	}
	s.MinScale, s.MaxScale = max(out, 0), max(in, 0)
	return nil
}

// qmlLabelField is the field of enabled simple labeling, "" for none or an
// expression.
func qmlLabelField(root *node) string {
	lb := root.child("labeling")
	if lb.get("type") != "simple" || root.get("labelsEnabled") == "0" {
		return ""
	}
	ts := lb.child("settings").child("text-style")
	f, ok := fieldName(ts.get("fieldName"))
	if !ok {
		return ""
	}
	return f
}

// symbolParts is what a QML symbol's layers give, in pixels and with the
// alphas applied.
type symbolParts struct {
	kind           string // fill, line or marker (the <symbol> type)
	fill, stroke   color.NRGBA
	hatch          string
	hatchColor     color.NRGBA
	width          float64
	dash           []float64
	marker         string
	size           float64
	main           color.NRGBA // the class colour: fill of fills and markers, colour of lines
	hasFill, hasLn bool
	hasMarker      bool
}

// readSymbol reads a <symbol>: its alpha and its first SimpleFill,
// SimpleLine and SimpleMarker layers; other layer classes are ignored.
func readSymbol(sym *node, opacity float64) symbolParts {
	p := symbolParts{kind: sym.get("type"), width: hairline, size: markerSize}
	alpha := 1.0
	if a, ok := parseNumber(sym.get("alpha")); ok {
		alpha = min(max(a, 0), 1)
	}
	for _, l := range sym.children("layer") {
		if l.get("enabled") == "0" {
			continue
		}
		pr := props(l)
		switch l.get("class") {
		case "SimpleFill":
			p.simpleFill(pr)
		case "SimpleLine":
			p.simpleLine(pr)
		case "SimpleMarker":
			p.simpleMarker(pr)
		}
	}
	f := alpha * opacity
	p.fill, p.stroke, p.hatchColor, p.main = fade(p.fill, f), fade(p.stroke, f), fade(p.hatchColor, f), fade(p.main, f)
	return p
}

// props are a symbol layer's properties: QGIS 3.22 writes both <prop k v>
// and an <Option type="Map"> of <Option name value>, later versions only
// the latter.
func props(l *node) map[string]string {
	m := map[string]string{}
	for _, o := range l.child("Option").children("Option") {
		m[o.get("name")] = o.get("value")
	}
	for _, p := range l.children("prop") {
		m[p.get("k")] = p.get("v")
	}
	return m
}

// color reads a colour property; a missing or unreadable one is none.
func propColor(pr map[string]string, key string) color.NRGBA {
	c, _ := parseColor(pr[key])
	return c
}

// number reads a numeric property, def when missing or unreadable.
func propNumber(pr map[string]string, key string, def float64) float64 {
	if v, ok := parseNumber(pr[key]); ok {
		return v
	}
	return def
}

// qmlHatch maps SimpleFill brush styles to the catalog's hatches.
var qmlHatch = map[string]string{
	"horizontal": "horizontal", "vertical": "vertical", "cross": "cross", "b_diagonal": "diagonal",
	"f_diagonal": "diagonal", "diagonal_x": "cross", "dense1": "dots", "dense2": "dots", "dense3": "dots",
	"dense4": "dots", "dense5": "dots", "dense6": "dots", "dense7": "dots",
}

func (p *symbolParts) simpleFill(pr map[string]string) {
	if p.hasFill {
		return
	}
	p.hasFill = true
	c := propColor(pr, "color")
	p.main = c
	switch st := pr["style"]; {
	case st == "no": // hollow: the class colour is the outline's
		p.main = propColor(pr, "outline_color")
	case qmlHatch[st] != "":
		p.hatch, p.hatchColor = qmlHatch[st], c
	default:
		p.fill = c
	}
	p.outline(pr, "outline_color", "outline_style", "outline_width", 0.26)
}

// outline sets the stroke from a colour, pen style and width property.
// def is QGIS's default width in mm.
func (p *symbolParts) outline(pr map[string]string, colorKey, styleKey, widthKey string, def float64) {
	if p.hasLn {
		return
	}
	p.hasLn = true
	p.width = width(propNumber(pr, widthKey, def), pr[widthKey+"_unit"])
	if pr[styleKey] == "no" {
		return
	}
	p.stroke = propColor(pr, colorKey)
	p.dash = penDash(pr[styleKey], p.width)
	if pr["capstyle"] != "flat" {
		p.dash = capped(p.dash, p.width)
	}
}

func (p *symbolParts) simpleLine(pr map[string]string) {
	if p.hasLn {
		return
	}
	key := "line_color"
	if _, ok := pr[key]; !ok {
		key = "color"
	}
	if !p.hasFill && !p.hasMarker {
		p.main = propColor(pr, key)
	}
	p.outline(pr, key, "line_style", "line_width", 0.26)
	if pr["use_custom_dash"] == "1" && pr["line_style"] != "no" {
		p.dash = customDash(pr["customdash"], pr["customdash_unit"])
		if pr["capstyle"] != "flat" {
			p.dash = capped(p.dash, p.width)
		}
	}
}

// customDash reads a "5;2"-style custom dash pattern in unit.
func customDash(s, unit string) []float64 {
	var out []float64
	for _, f := range strings.Split(s, ";") {
		v, ok := parseNumber(f)
		if !ok || v < 0 {
			return nil
		}
		out = append(out, max(width(v, unit), 0.5))
	}
	if len(out) < 2 {
		return nil
	}
	return out
}

// qmlMarker maps SimpleMarker shapes to the catalog's symbols; others are
// circles.
var qmlMarker = map[string]string{
	"square": "square", "rectangle": "square", "diamond": "square", "triangle": "triangle",
	"equilateral_triangle": "triangle", "star": "star", "regular_star": "star", "cross": "cross",
	"cross2": "cross", "cross_fill": "cross", "x": "cross",
}

func (p *symbolParts) simpleMarker(pr map[string]string) {
	if p.hasMarker {
		return
	}
	p.hasMarker = true
	p.marker = qmlMarker[pr["name"]]
	if p.marker == "" {
		p.marker = "circle"
	}
	if px, ok := toPixels(propNumber(pr, "size", 2), pr["size_unit"]); ok && px > 0 {
		p.size = px
	}
	p.fill = propColor(pr, "color")
	p.main = p.fill
	p.outline(pr, "outline_color", "outline_style", "outline_width", 0)
}

// classWidth is the width a class of these parts draws with: the line or
// outline's, 0 (the style's) when the symbol has none.
func (p symbolParts) classWidth() float64 {
	if !p.hasLn || p.stroke.A == 0 {
		return 0
	}
	return p.width
}

// style is the catalog style of the parts.
func (p symbolParts) style() catalog.Style {
	s := catalog.Style{Stroke: p.stroke, Width: p.width, Dash: p.dash, Opacity: 1}
	switch {
	case p.hasMarker:
		s.Fill, s.Symbol, s.Size = p.fill, p.marker, p.size
	case p.hasFill:
		s.Fill, s.Hatch, s.HatchColor = p.fill, p.hatch, p.hatchColor
	}
	return s
}
