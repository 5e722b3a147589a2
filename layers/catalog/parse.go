package catalog

import (
	"fmt"
	"image/color"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"
)

// fileDoc is one TOML file: layers, palettes or both.
type fileDoc struct {
	Layer   []layerDoc   `toml:"layer"`
	Palette []paletteDoc `toml:"palette"`
}

type layerDoc struct {
	Code       string     `toml:"code"`
	Table      string     `toml:"table"`
	NameZh     string     `toml:"name_zh"`
	NameEn     string     `toml:"name_en"`
	Group      []string   `toml:"group"`
	Geometry   string     `toml:"geometry"`
	Role       string     `toml:"role"`
	Visible    bool       `toml:"visible"`
	Editable   bool       `toml:"editable"`
	Source     string     `toml:"source"`
	MinScale   float64    `toml:"min_scale"`
	MaxScale   float64    `toml:"max_scale"`
	ClassField string     `toml:"class_field"`
	LabelField string     `toml:"label_field"`
	Fields     []fieldDoc `toml:"fields"`
	Style      styleDoc   `toml:"style"`
}

type fieldDoc struct {
	Name   string `toml:"name"`
	Type   string `toml:"type"`
	NameZh string `toml:"name_zh"`
	NameEn string `toml:"name_en"`
	// Required fields must have a value in the attribute form.
	Required bool `toml:"required"`
}

type styleDoc struct {
	Fill       string    `toml:"fill"`
	Stroke     string    `toml:"stroke"`
	Width      float64   `toml:"width"`
	Dash       []float64 `toml:"dash"`
	Hatch      string    `toml:"hatch"`
	HatchColor string    `toml:"hatch_color"`
	Opacity    *float64  `toml:"opacity"`
	Palette    string    `toml:"palette"`
	Symbol     string    `toml:"symbol"`
	Size       float64   `toml:"size"`
}

type paletteDoc struct {
	Name   string     `toml:"name"`
	NameZh string     `toml:"name_zh"`
	NameEn string     `toml:"name_en"`
	Class  []classDoc `toml:"class"`
}

type classDoc struct {
	Code         string `toml:"code"`
	NameZh       string `toml:"name_zh"`
	NameEn       string `toml:"name_en"`
	Color        string `toml:"color"`
	Construction bool   `toml:"construction"`
}

// Parse reads every *.toml file of fsys (in name order) and validates the
// catalog. Errors name the file and the layer or palette.
func Parse(fsys fs.FS) (*Catalog, error) {
	names, err := fs.Glob(fsys, "*.toml")
	if err != nil {
		return nil, fmt.Errorf("catalog: %w", err)
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("%w: no *.toml files", ErrInvalid)
	}
	sort.Strings(names)
	c := &Catalog{Palettes: map[string]*Palette{}, byCode: map[string]*Layer{}, byTable: map[string]*Layer{}}
	var pending []pendingLayer
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("catalog: %s: %w", name, err)
		}
		var doc fileDoc
		md, err := toml.Decode(string(data), &doc)
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %v", ErrInvalid, name, err)
		}
		if un := md.Undecoded(); len(un) > 0 {
			return nil, fmt.Errorf("%w: %s: unknown key %q", ErrInvalid, name, un[0].String())
		}
		for _, p := range doc.Palette {
			if err := c.addPalette(p); err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
		}
		for _, l := range doc.Layer {
			pending = append(pending, pendingLayer{file: name, doc: l})
		}
	}
	for i, p := range pending {
		l, err := c.buildLayer(p.doc, i)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path.Base(p.file), err)
		}
		c.Layers = append(c.Layers, l)
		c.byCode[l.Code], c.byTable[l.Table] = l, l
	}
	c.buildTree()
	c.order()
	return c, nil
}

type pendingLayer struct {
	file string
	doc  layerDoc
}

func (c *Catalog) addPalette(d paletteDoc) error {
	if d.Name == "" {
		return fmt.Errorf("%w: a palette has no name", ErrInvalid)
	}
	if c.Palettes[d.Name] != nil {
		return fmt.Errorf("%w: palette %q defined twice", ErrInvalid, d.Name)
	}
	p := &Palette{Name: d.Name, NameZh: d.NameZh, NameEn: d.NameEn, byCode: map[string]*Class{}}
	for _, cd := range d.Class {
		col, err := parseColor(cd.Color)
		if err != nil {
			return fmt.Errorf("%w: palette %q class %q: %v", ErrInvalid, d.Name, cd.Code, err)
		}
		if cd.Code == "" || p.byCode[cd.Code] != nil {
			return fmt.Errorf("%w: palette %q: empty or duplicate class code %q", ErrInvalid, d.Name, cd.Code)
		}
		p.Classes = append(p.Classes, Class{Code: cd.Code, NameZh: cd.NameZh, NameEn: cd.NameEn, Color: col, Construction: cd.Construction})
	}
	for i := range p.Classes {
		p.byCode[p.Classes[i].Code] = &p.Classes[i]
	}
	c.Palettes[d.Name] = p
	return nil
}

var (
	geometries = map[string]bool{"polygon": true, "line": true, "point": true, "raster": true}
	fieldTypes = map[string]bool{"text": true, "integer": true, "real": true, "date": true}
	hatches    = map[string]bool{"": true, "diagonal": true, "cross": true, "horizontal": true, "vertical": true, "dots": true}
	symbols    = map[string]bool{"": true, "circle": true, "square": true, "triangle": true, "star": true, "cross": true}
	sources    = map[string]bool{"exchange": true, "local": true, "derived": true}
	roots      = []string{"现状", "规划", "管理", "指标"}
)

func (c *Catalog) buildLayer(d layerDoc, tree int) (*Layer, error) {
	bad := func(format string, a ...any) error {
		return fmt.Errorf("%w: layer %q: %s", ErrInvalid, d.Code, fmt.Sprintf(format, a...))
	}
	switch {
	case !validCode(d.Code):
		return nil, bad("code must be ASCII letters, digits and underscores")
	case c.byCode[d.Code] != nil:
		return nil, bad("duplicate code")
	case !validTable(d.Table):
		return nil, bad("table %q must be a lower-case identifier", d.Table)
	case c.byTable[d.Table] != nil:
		return nil, bad("table %q used twice", d.Table)
	case d.NameZh == "" || d.NameEn == "":
		return nil, bad("name_zh and name_en are required")
	case len(d.Group) < 2 || !contains(roots, d.Group[0]):
		return nil, bad("group %v must start with one of %v and name a sub-group", d.Group, roots)
	case !geometries[d.Geometry]:
		return nil, bad("unknown geometry %q", d.Geometry)
	case roleRank[d.Role] == 0 && d.Role != "terrain":
		return nil, bad("unknown role %q", d.Role)
	case !sources[d.Source]:
		return nil, bad("unknown source %q", d.Source)
	case d.MinScale < 0 || d.MaxScale < 0 || (d.MinScale > 0 && d.MaxScale > d.MinScale):
		return nil, bad("scale range inverted: min_scale %g (most zoomed out) < max_scale %g", d.MinScale, d.MaxScale)
	}
	l := &Layer{Code: d.Code, Table: d.Table, NameZh: d.NameZh, NameEn: d.NameEn, Group: d.Group, Geometry: d.Geometry,
		Role: d.Role, MinScale: d.MinScale, MaxScale: d.MaxScale, Visible: d.Visible, Editable: d.Editable, Source: d.Source,
		ClassField: d.ClassField, LabelField: d.LabelField, Tree: tree}
	if err := c.buildFields(l, d.Fields); err != nil {
		return nil, bad("%v", err)
	}
	st, err := c.buildStyle(d.Style)
	if err != nil {
		return nil, bad("style: %v", err)
	}
	l.Style = st
	return l, c.checkFieldRefs(l)
}

func (c *Catalog) buildFields(l *Layer, fds []fieldDoc) error {
	seen := map[string]bool{}
	for _, f := range fds {
		switch {
		case !validTable(f.Name):
			return fmt.Errorf("field %q must be a lower-case identifier", f.Name)
		case seen[f.Name] || reserved[f.Name]:
			return fmt.Errorf("field %q is duplicate or reserved", f.Name)
		case !fieldTypes[f.Type]:
			return fmt.Errorf("field %q: unknown type %q", f.Name, f.Type)
		}
		seen[f.Name] = true
		l.Fields = append(l.Fields, Field{Name: f.Name, Type: f.Type, NameZh: f.NameZh, NameEn: f.NameEn, Required: f.Required})
	}
	return nil
}

// reserved columns every blueprint table has.
var reserved = map[string]bool{"fid": true, "geom": true, "uid": true, "version": true, "updated_at": true, "updated_by": true}

func (c *Catalog) checkFieldRefs(l *Layer) error {
	for _, ref := range []struct{ what, name string }{{"class_field", l.ClassField}, {"label_field", l.LabelField}} {
		if ref.name != "" && !l.HasField(ref.name) {
			return fmt.Errorf("%w: layer %q: %s %q is not among its fields", ErrInvalid, l.Code, ref.what, ref.name)
		}
	}
	if l.Style.Palette != "" && l.ClassField == "" {
		return fmt.Errorf("%w: layer %q: palette %q needs a class_field", ErrInvalid, l.Code, l.Style.Palette)
	}
	return nil
}

// HasField reports whether the layer has an attribute of that name.
func (l *Layer) HasField(name string) bool {
	for _, f := range l.Fields {
		if f.Name == name {
			return true
		}
	}
	return false
}

func (c *Catalog) buildStyle(d styleDoc) (Style, error) {
	s := Style{Width: d.Width, Dash: d.Dash, Hatch: d.Hatch, Palette: d.Palette, Symbol: d.Symbol, Size: d.Size, Opacity: 1}
	var err error
	for _, cf := range []struct {
		name string
		src  string
		dst  *color.NRGBA
	}{{"fill", d.Fill, &s.Fill}, {"stroke", d.Stroke, &s.Stroke}, {"hatch_color", d.HatchColor, &s.HatchColor}} {
		if cf.src == "" {
			continue
		}
		if *cf.dst, err = parseColor(cf.src); err != nil {
			return s, fmt.Errorf("%s: %v", cf.name, err)
		}
	}
	if d.Opacity != nil {
		s.Opacity = *d.Opacity
	}
	switch {
	case s.Opacity < 0 || s.Opacity > 1:
		return s, fmt.Errorf("opacity %g outside 0..1", s.Opacity)
	case s.Width < 0 || s.Size < 0:
		return s, fmt.Errorf("negative width or size")
	case !hatches[s.Hatch]:
		return s, fmt.Errorf("unknown hatch %q", s.Hatch)
	case !symbols[s.Symbol]:
		return s, fmt.Errorf("unknown symbol %q", s.Symbol)
	case s.Palette != "" && c.Palettes[s.Palette] == nil:
		return s, fmt.Errorf("unknown palette %q", s.Palette)
	}
	for _, v := range s.Dash {
		if v <= 0 {
			return s, fmt.Errorf("dash lengths must be positive: %v", s.Dash)
		}
	}
	return s, nil
}

// parseColor reads #RRGGBB or #RRGGBBAA.
func parseColor(s string) (color.NRGBA, error) {
	if !strings.HasPrefix(s, "#") || (len(s) != 7 && len(s) != 9) {
		return color.NRGBA{}, fmt.Errorf("bad colour %q: want #RRGGBB or #RRGGBBAA", s)
	}
	v, err := strconv.ParseUint(s[1:], 16, 32)
	if err != nil {
		return color.NRGBA{}, fmt.Errorf("bad colour %q: want #RRGGBB or #RRGGBBAA", s)
	}
	if len(s) == 7 {
		v = v<<8 | 0xff
	}
	return color.NRGBA{uint8(v >> 24), uint8(v >> 16), uint8(v >> 8), uint8(v)}, nil
}

func validCode(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_') {
			return false
		}
	}
	return true
}

func validTable(s string) bool {
	if s == "" || s[0] >= '0' && s[0] <= '9' || strings.HasPrefix(s, "gpkg_") || strings.HasPrefix(s, "lantu_") || strings.HasPrefix(s, "rtree_") {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_') {
			return false
		}
	}
	return true
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// buildTree groups the layers by their group paths, in file order.
func (c *Catalog) buildTree() {
	index := map[string]*Group{}
	var get func(p []string) *Group
	get = func(p []string) *Group {
		key := strings.Join(p, "/")
		if g := index[key]; g != nil {
			return g
		}
		g := &Group{Name: p[len(p)-1], Path: append([]string(nil), p...)}
		index[key] = g
		if len(p) == 1 {
			c.Groups = append(c.Groups, g)
		} else {
			parent := get(p[:len(p)-1])
			parent.Groups = append(parent.Groups, g)
			parent.Children = append(parent.Children, g)
		}
		return g
	}
	for _, l := range c.Layers {
		g := get(l.Group)
		g.Layers = append(g.Layers, l)
		g.Children = append(g.Children, l)
	}
}
