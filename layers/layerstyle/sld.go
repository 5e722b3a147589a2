package layerstyle

import (
	"fmt"
	"image/color"
	"math"
	"strings"

	"lantu/layers/catalog"
)

// sldRule is one <Rule> of an SLD: its filter, scale range and the parts of
// its symbolizers.
type sldRule struct {
	field          string               // the filtered attribute; "" without a filter Lantu reads
	classes        []catalog.ValueClass // what the filter matches (colour still unset)
	filtered       bool                 // has a Filter, read or not
	isElse         bool
	minDen, maxDen float64 // Min/MaxScaleDenominator; 0 = none
	sym            symbolParts
	drawn          bool // has a Polygon-, Line- or PointSymbolizer
	label          string
	title          string
}

// ParseSLD reads an SLD 1.0 or 1.1 (Symbology Encoding) document, as
// layer_styles' styleSLD holds it. The rules of its first UserStyle are
// read; errors wrap ErrMalformed or ErrUnsupported.
func ParseSLD(data []byte) (*Style, error) {
	root, err := parseXML(data)
	if err != nil {
		return nil, err
	}
	scope := root
	if us := root.find("UserStyle"); len(us) > 0 {
		scope = us[0]
	} else if root.name != "StyledLayerDescriptor" && root.name != "FeatureTypeStyle" {
		return nil, fmt.Errorf("%w: root element <%s>, not <StyledLayerDescriptor>", ErrMalformed, root.name)
	}
	var rules []*sldRule
	for _, r := range scope.find("Rule") {
		rule, err := readRule(r)
		if err != nil {
			return nil, err
		}
		rules = append(rules, rule)
	}
	return sldStyle(rules)
}

// readRule reads one rule.
func readRule(r *node) (*sldRule, error) {
	rule := &sldRule{isElse: r.child("ElseFilter") != nil, sym: symbolParts{width: hairline, size: markerSize}}
	rule.title = r.child("Title").deepText()
	if rule.title == "" {
		rule.title = r.child("Description").child("Title").deepText()
	}
	if rule.title == "" {
		rule.title = r.child("Name").deepText()
	}
	for _, k := range []struct {
		name string
		v    *float64
	}{{"MinScaleDenominator", &rule.minDen}, {"MaxScaleDenominator", &rule.maxDen}} {
		if n := r.child(k.name); n != nil {
			v, ok := parseNumber(n.deepText())
			if !ok || v < 0 {
				return nil, fmt.Errorf("%w: rule %q: %s %q", ErrMalformed, rule.title, k.name, n.deepText())
			}
			*k.v = v
		}
	}
	if f := r.child("Filter"); f != nil {
		rule.filtered = true
		rule.field, rule.classes = readFilter(f)
	}
	for _, k := range r.kids {
		rule.symbolizer(k)
	}
	return rule, nil
}

// symbolizer adds the parts of one symbolizer; the first fill, stroke and
// mark of a rule win.
func (r *sldRule) symbolizer(n *node) {
	mapUnits := strings.Contains(n.get("uom"), "metre") || strings.Contains(n.get("uom"), "foot")
	switch n.name {
	case "PolygonSymbolizer":
		if f := n.child("Fill"); f != nil && !r.sym.hasFill {
			r.sym.hasFill = true
			r.sym.fill = sldFill(f)
			r.sym.main = r.sym.fill
		}
		r.sldStroke(n.child("Stroke"), mapUnits)
		if !r.sym.hasFill && !r.sym.hasMarker { // hollow: the class colour is the outline's
			r.sym.main = r.sym.stroke
		}
	case "LineSymbolizer":
		if !r.sym.hasFill && !r.sym.hasMarker {
			r.sym.main = sldStrokeColor(n.child("Stroke"))
		}
		r.sldStroke(n.child("Stroke"), mapUnits)
	case "PointSymbolizer":
		r.sldMark(n.child("Graphic"), mapUnits)
	case "TextSymbolizer":
		if f, ok := fieldName(n.child("Label").child("PropertyName").deepText()); ok && r.label == "" {
			r.label = f
		}
		return
	default:
		return
	}
	r.drawn = true
}

// params are the CssParameter (SLD 1.0) or SvgParameter (SE 1.1) values of
// a Fill or Stroke.
func params(n *node) map[string]string {
	m := map[string]string{}
	if n == nil {
		return m
	}
	for _, k := range n.kids {
		if k.name == "CssParameter" || k.name == "SvgParameter" {
			m[k.get("name")] = k.deepText()
		}
	}
	return m
}

// paramColor reads a colour and its opacity, def when the colour is absent.
func paramColor(pm map[string]string, key string, def color.NRGBA) color.NRGBA {
	c := def
	if v, ok := pm[key]; ok {
		c, _ = parseColor(v)
	}
	if op, ok := parseNumber(pm[key+"-opacity"]); ok {
		c = fade(c, op)
	}
	return c
}

var (
	sldGray  = color.NRGBA{0x80, 0x80, 0x80, 0xff} // the SLD default fill
	sldBlack = color.NRGBA{0, 0, 0, 0xff}          // the SLD default stroke
)

// sldFill is a Fill's colour; a GraphicFill (a pattern) is none.
func sldFill(f *node) color.NRGBA {
	if f.child("GraphicFill") != nil {
		return color.NRGBA{}
	}
	return paramColor(params(f), "fill", sldGray)
}

func sldStrokeColor(s *node) color.NRGBA {
	if s == nil {
		return color.NRGBA{}
	}
	return paramColor(params(s), "stroke", sldBlack)
}

// sldStroke sets the rule's stroke, width and dash from a Stroke.
func (r *sldRule) sldStroke(s *node, mapUnits bool) {
	if s == nil || r.sym.hasLn {
		return
	}
	r.sym.hasLn = true
	pm := params(s)
	r.sym.stroke = sldStrokeColor(s)
	r.sym.width = sldWidth(pm["stroke-width"], 1, mapUnits)
	if da := strings.FieldsFunc(pm["stroke-dasharray"], func(c rune) bool { return c == ' ' || c == ',' }); len(da) >= 2 {
		for _, f := range da {
			v, ok := parseNumber(f)
			if !ok || v < 0 {
				r.sym.dash = nil
				break
			}
			r.sym.dash = append(r.sym.dash, max(v, 0.5))
		}
	}
}

// sldWidth reads a pixel width (def when absent); map units are hairlines.
func sldWidth(s string, def float64, mapUnits bool) float64 {
	v, ok := parseNumber(s)
	if !ok {
		v = def
	}
	if mapUnits || v <= 0 {
		return hairline
	}
	return v
}

// sldMarks maps WellKnownNames to the catalog's symbols.
var sldMarks = map[string]string{
	"circle": "circle", "square": "square", "triangle": "triangle", "star": "star", "cross": "cross", "x": "cross",
}

// sldMark sets the rule's marker from a Graphic's Mark and Size.
func (r *sldRule) sldMark(g *node, mapUnits bool) {
	if g == nil || r.sym.hasMarker {
		return
	}
	r.sym.hasMarker = true
	m := g.child("Mark")
	r.sym.marker = sldMarks[strings.ToLower(m.child("WellKnownName").deepText())]
	if r.sym.marker == "" {
		r.sym.marker = "square" // the SLD default mark
	}
	r.sym.fill = sldGray
	if f := m.child("Fill"); f != nil {
		r.sym.fill = sldFill(f)
	}
	r.sym.main = r.sym.fill
	if m.child("Stroke") != nil {
		r.sldStroke(m.child("Stroke"), mapUnits)
	} else if m == nil {
		r.sym.stroke = sldBlack
	}
	if v, ok := parseNumber(g.child("Size").deepText()); ok && v > 0 && !mapUnits {
		r.sym.size = v
	} else if !ok {
		r.sym.size = 6 // the SLD default size
	}
	if op, ok := parseNumber(g.child("Opacity").deepText()); ok {
		r.sym.fill, r.sym.stroke, r.sym.main = fade(r.sym.fill, op), fade(r.sym.stroke, op), fade(r.sym.main, op)
	}
}

// sldStyle builds the layer style from the rules: the filtered rules on the
// first filtered field become classes, an ElseFilter or unfiltered drawing
// rule the style of unclassed features; without filters the first drawing
// rule is the one symbol.
func sldStyle(rules []*sldRule) (*Style, error) {
	s := &Style{Format: "sld", Renderer: "singleSymbol"}
	var used []*sldRule
	var base, other *sldRule
	for _, r := range rules {
		if s.LabelField == "" {
			s.LabelField = r.label
		}
		switch {
		case !r.drawn:
		case r.field != "" && (s.ClassField == "" || s.ClassField == r.field):
			s.ClassField = r.field
			s.Draw.Classes = append(s.Draw.Classes, r.colored()...)
			used = append(used, r)
			if base == nil {
				base = r
			}
		case (r.isElse || !r.filtered) && other == nil:
			other = r
		}
	}
	if other != nil {
		used = append(used, other)
		if base == nil || len(s.Draw.Classes) > 0 {
			base = other
		}
		s.Draw.DrawUnclassed = len(s.Draw.Classes) > 0
	}
	if base == nil {
		return nil, fmt.Errorf("%w: no SLD rule with a symbolizer and a filter Lantu reads", ErrUnsupported)
	}
	classes, unclassed := s.Draw.Classes, s.Draw.DrawUnclassed
	s.Draw = base.sym.style()
	for _, r := range used {
		if !sameDash(r.sym.dash, s.Draw.Dash) {
			s.Draw.Dash = nil
		}
	}
	s.Draw.Classes, s.Draw.DrawUnclassed = classes, unclassed
	if len(classes) > 0 {
		s.Renderer = "categorizedSymbol"
		if classes[0].Ranged {
			s.Renderer = "graduatedSymbol"
		}
	}
	s.MinScale, s.MaxScale = sldScales(used)
	return s, nil
}

// colored is the rule's classes with its colour and title.
func (r *sldRule) colored() []catalog.ValueClass {
	out := make([]catalog.ValueClass, len(r.classes))
	for i, c := range r.classes {
		c.Color, c.Label, c.Width = r.sym.main, r.title, r.sym.classWidth()
		out[i] = c
	}
	return out
}

// sldScales is the catalog scale range that covers every used rule: a rule
// without a bound makes that side unlimited. SLD's MinScaleDenominator is
// the most zoomed in (the catalog's MaxScale).
func sldScales(rules []*sldRule) (minScale, maxScale float64) {
	lo, hi := math.Inf(1), 0.0
	for _, r := range rules {
		if r.minDen <= 0 {
			lo = 0
		} else {
			lo = min(lo, r.minDen)
		}
		if r.maxDen <= 0 {
			hi = math.Inf(1)
		} else {
			hi = max(hi, r.maxDen)
		}
	}
	if math.IsInf(lo, 1) {
		lo = 0
	}
	if math.IsInf(hi, 1) {
		hi = 0
	}
	return hi, lo
}
