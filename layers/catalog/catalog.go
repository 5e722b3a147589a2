// Package catalog is the one-blueprint layer catalog: the 189 layers under
// 现状 / 规划 / 管理 / 指标, their groups, styles, scale ranges and fields, and
// the land-use class palettes, parsed and validated from TOML
// (assets/catalog/*.toml).
//
// Codes are ASCII: a root prefix (XZ 现状 status quo, GH 规划 plans, GL 管理
// management, ZB 指标 indicators), an underscore, and the pinyin initials of
// the Chinese name (GH_STBHHX = 生态保护红线). A layer's table name is its
// code in lower case.
package catalog

import (
	"errors"
	"image/color"
	"math"
	"sort"
	"strconv"
	"strings"

	"lantu/assets"
)

// ErrInvalid is wrapped by every validation error.
var ErrInvalid = errors.New("catalog: invalid")

// Catalog is the parsed catalog. It is read-only after Parse and safe for
// concurrent use.
type Catalog struct {
	Layers   []*Layer // in draw order (Order 0 first)
	Palettes map[string]*Palette
	Groups   []*Group // the roots, in tree order
	byCode   map[string]*Layer
	byTable  map[string]*Layer
}

// Layer is one catalog layer. Read-only after Parse.
type Layer struct {
	Code, Table, NameZh, NameEn string
	Group                       []string // e.g. ["规划", "三条控制线"]
	Geometry                    string   // polygon | line | point | raster
	Role                        string
	Style                       Style
	MinScale, MaxScale          float64 // scale denominators: shown when MaxScale <= scale <= MinScale; 0 = unlimited
	Visible, Editable           bool
	Source                      string // exchange | local | derived
	Fields                      []Field
	ClassField, LabelField      string
	Order                       int // draw order: lower is drawn first
	Tree                        int // position in the tree (file order)
}

// Field is one attribute column of a layer.
type Field struct {
	Name, Type, NameZh, NameEn string // Type: text | integer | real | date
	Required                   bool   // the attribute form refuses an empty value
}

// Style says how a layer is drawn.
type Style struct {
	Fill, Stroke color.NRGBA // zero alpha: none
	Width        float64     // pixels
	Dash         []float64   // on, off, ... in pixels
	Hatch        string      // "", diagonal, cross, horizontal, vertical, dots
	HatchColor   color.NRGBA
	Opacity      float64 // fill and hatch opacity 0..1
	Palette      string  // class palette for ClassField, "" for none
	Symbol       string  // points: circle, square, triangle, star, cross
	Size         float64 // point symbol size in pixels
	// Classes, when set, colour the features by their ClassField value in
	// place of a Palette, as QGIS's categorized and graduated renderers do:
	// see ValueClass and Style.ClassOf. The catalog TOML has no key for them;
	// lantu/layers/layerstyle sets them from a GeoPackage's layer_styles.
	Classes []ValueClass
	// DrawUnclassed, with Classes, draws a feature that matches no class in
	// Fill and Stroke (an SLD ElseFilter rule); without it such a feature is
	// not drawn at all, as in QGIS.
	DrawUnclassed bool
}

// ValueClass is one class of Style.Classes: an exact value (categorized) or
// a numeric range (graduated) and its colour, the fill of polygons and
// points or the colour of lines (and the outline of a style without fill). A plain value: safe for concurrent use.
type ValueClass struct {
	Value string // categorized: matched as text; "" also matches NULL
	// Ranged classes match a value read as a number between Min and Max,
	// both inclusive unless MinOpen or MaxOpen (QGIS's ranges are closed at
	// both ends, and the first matching class wins).
	Ranged           bool
	Min, Max         float64
	MinOpen, MaxOpen bool
	Label            string // legend text; "" = the value or range
	Color            color.NRGBA
	Width            float64 // line or outline width in pixels; 0 = the style's Width
}

// Matches reports whether the class takes value v (a ClassField value as
// text, "" for NULL).
func (c *ValueClass) Matches(v string) bool {
	if !c.Ranged {
		return c.Value == v
	}
	x, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
	if err != nil || math.IsNaN(x) {
		return false
	}
	return (x > c.Min || !c.MinOpen && x == c.Min) && (x < c.Max || !c.MaxOpen && x == c.Max)
}

// ClassOf is the first of s.Classes matching value v, or nil.
func (s *Style) ClassOf(v string) *ValueClass {
	for i := range s.Classes {
		if s.Classes[i].Matches(v) {
			return &s.Classes[i]
		}
	}
	return nil
}

// ClassWidth is the line or outline width of a feature of value v: its
// class's, else the style's Width.
func (s *Style) ClassWidth(v string) float64 {
	if c := s.ClassOf(v); c != nil && c.Width > 0 {
		return c.Width
	}
	return s.Width
}

// ClassColor is the colour of the first class matching v.
func (s *Style) ClassColor(v string) (color.NRGBA, bool) {
	if c := s.ClassOf(v); c != nil {
		return c.Color, true
	}
	return color.NRGBA{}, false
}

// Palette maps class codes to names and colours.
type Palette struct {
	Name, NameZh, NameEn string
	Classes              []Class
	byCode               map[string]*Class
}

// Class is one land-use (or grade) class.
type Class struct {
	Code, NameZh, NameEn string
	Color                color.NRGBA
	Construction         bool // construction land (建设用地)
}

// Group is a node of the layer tree.
type Group struct {
	Name     string
	Path     []string
	Groups   []*Group
	Layers   []*Layer
	Children []any // *Group and *Layer in tree order
}

// Default returns the embedded catalog.
func Default() (*Catalog, error) { return Parse(assets.Sub("catalog")) }

// Layer returns the layer with a code or table name; nil if none.
func (c *Catalog) Layer(code string) *Layer {
	if l := c.byCode[code]; l != nil {
		return l
	}
	return c.byTable[code]
}

// Lookup finds a class by code, falling back to its longest listed prefix
// ("070101" -> "0701" -> "07").
func (p *Palette) Lookup(code string) (*Class, bool) {
	code = strings.TrimSpace(code)
	for n := len(code); n > 0; n-- {
		if c := p.byCode[code[:n]]; c != nil {
			return c, true
		}
	}
	return nil, false
}

// Color is the colour of a class code by longest-prefix match.
func (p *Palette) Color(code string) (color.NRGBA, bool) {
	if c, ok := p.Lookup(code); ok {
		return c.Color, true
	}
	return color.NRGBA{}, false
}

// Construction reports whether a class code is construction land.
func (p *Palette) Construction(code string) bool {
	c, ok := p.Lookup(code)
	return ok && c.Construction
}

// Palette of a layer, nil if it has none.
func (c *Catalog) Palette(l *Layer) *Palette {
	if l == nil || l.Style.Palette == "" {
		return nil
	}
	return c.Palettes[l.Style.Palette]
}

// ImportedGroup is the group of tables a catalog does not know.
const ImportedGroup = "导入 Imported"

// ShownAt reports whether the layer is drawn at scale denominator s, by
// its scale range (MaxScale <= s <= MinScale, 0 meaning unlimited).
func (l *Layer) ShownAt(s float64) bool {
	return (l.MaxScale <= 0 || s >= l.MaxScale) && (l.MinScale <= 0 || s <= l.MinScale)
}

// DefaultLayer describes a table of an arbitrary GeoPackage: the Imported
// group and a default style by geometry type.
func DefaultLayer(table, geomType string) *Layer {
	l := &Layer{Code: table, Table: table, NameZh: table, NameEn: table, Group: []string{ImportedGroup},
		Role: "imported", Visible: true, Source: "local", Order: 1 << 20}
	gt := strings.ToUpper(geomType)
	switch {
	case strings.Contains(gt, "POINT"):
		l.Geometry = "point"
		l.Style = Style{Fill: color.NRGBA{255, 255, 255, 255}, Stroke: color.NRGBA{0x1f, 0x5f, 0xa8, 255}, Width: 1.2, Opacity: 1, Symbol: "circle", Size: 7}
	case strings.Contains(gt, "LINE") || strings.Contains(gt, "CURVE"):
		l.Geometry = "line"
		l.Style = Style{Stroke: color.NRGBA{0x1f, 0x5f, 0xa8, 255}, Width: 1.4, Opacity: 1}
	default:
		l.Geometry = "polygon"
		l.Style = Style{Fill: color.NRGBA{0x9e, 0xc5, 0xe8, 255}, Stroke: color.NRGBA{0x1f, 0x5f, 0xa8, 255}, Width: 1, Opacity: 0.45}
	}
	return l
}

// roleRank orders roles for drawing: base and status first, then plans,
// control lines, management, annotations.
var roleRank = map[string]int{
	"terrain": 0, "base": 1, "status": 2, "indicator": 3, "assessment": 4, "plan": 5,
	"city-line": 6, "control-line": 7, "approval": 8, "proposal": 9, "annotation": 10, "imported": 11,
}

// order sorts layers into draw order: by role rank, then tree position;
// base layers that are boundaries (lines, hollow polygons) go on top of the
// fills beneath them.
func (c *Catalog) order() {
	rank := func(l *Layer) int {
		r := roleRank[l.Role] * 10
		if l.Role == "base" && (l.Geometry == "line" || l.Geometry == "point" || l.Style.Fill.A == 0) {
			r = roleRank["annotation"]*10 - 5 // boundaries, roads and names above the plans
		}
		if l.Geometry == "point" {
			r += 5
		}
		return r
	}
	sort.SliceStable(c.Layers, func(i, j int) bool {
		ri, rj := rank(c.Layers[i]), rank(c.Layers[j])
		if ri != rj {
			return ri < rj
		}
		return c.Layers[i].Tree < c.Layers[j].Tree
	})
	for i, l := range c.Layers {
		l.Order = i
	}
}

// TreeOrder lists the catalog's layers in tree order: groups depth first,
// in file order (Layers is in draw order).
func (c *Catalog) TreeOrder() []*Layer {
	var out []*Layer
	var walk func(g *Group)
	walk = func(g *Group) {
		for _, ch := range g.Children {
			switch v := ch.(type) {
			case *Group:
				walk(v)
			case *Layer:
				out = append(out, v)
			}
		}
	}
	for _, g := range c.Groups {
		walk(g)
	}
	return out
}
