package layout

import (
	"image/color"
	"math"
	"slices"

	"github.com/paulmach/orb"

	"lantu/layers"
	"lantu/layers/catalog"
	"lantu/layers/render"
)

// maxClasses is how many classes of one layer the legend lists.
const maxClasses = 12

// LegendItem is one row of the legend: a layer, or one class of the layer
// above it. A value: safe for concurrent use.
type LegendItem struct {
	Code   string // the layer's code
	Name   string // the layer's Chinese name; a class: its code and name
	Kind   render.Kind
	Raster bool // a raster layer (relief): a grey swatch
	Class  bool // a class of the layer row before it
	More   int  // a row saying that many more classes are not listed
	Fill   color.NRGBA
	Stroke color.NRGBA
	Width  float64 // line width in mm
}

// legendItems lists, top layer first, the layers drawn in the frame that
// have features in it, and for class-coloured layers (land use) the
// classes of the features in the frame, in palette order.
func legendItems(bp *layers.Blueprint, src render.LayerList, sp Spec, frame orb.Bound, relief bool) []LegendItem {
	var out []LegendItem
	cat := bp.Catalog()
	for i := len(src) - 1; i >= 0; i-- {
		l := src[i]
		op, drawn := shownAt(l, sp)
		if !drawn {
			continue
		}
		classes, any := present(l, frame)
		if !any {
			continue
		}
		def := layerDef(bp, l.Code)
		item := swatch(l, op)
		item.Name = layerName(def, l.Code)
		out = append(out, item)
		out = append(out, classItems(cat, def, l, op, classes)...)
	}
	if relief {
		out = append(out, rasterItems(bp, sp.Layers)...)
	}
	return out
}

// shownAt reports whether the frame draws l, and at what opacity.
func shownAt(l *render.Layer, sp Spec) (float64, bool) {
	if sp.Layers == nil && !l.Visible || sp.Layers != nil && !slices.Contains(sp.Layers, l.Code) {
		return 0, false
	}
	n := sp.Scale
	if l.MaxScale > 0 && n < l.MaxScale || l.MinScale > 0 && n > l.MinScale {
		return 0, false
	}
	op, ok := sp.Opacity[l.Code]
	if !ok {
		op = 1
	}
	return op, op > 0
}

// present reads the class values of l's features in box and whether it
// has any there.
func present(l *render.Layer, box orb.Bound) (map[string]bool, bool) {
	classes := map[string]bool{}
	found := false
	if l.Data == nil {
		return classes, false
	}
	l.Data.Read(func(g render.Geometry) {
		g.Search(box, func(i int) bool {
			found = true
			if l.Style.ClassColor == nil {
				return false // one is enough
			}
			classes[g.Class(i)] = true
			return true
		})
	})
	return classes, found
}

func layerDef(bp *layers.Blueprint, code string) *catalog.Layer {
	if bl := bp.Layer(code); bl != nil {
		return bl.Def
	}
	return nil
}

func layerName(def *catalog.Layer, code string) string {
	if def != nil && def.NameZh != "" {
		return def.NameZh
	}
	return code
}

// swatch is a layer's legend row styled as drawn at opacity op.
func swatch(l *render.Layer, op float64) LegendItem {
	st := l.Style
	fo := st.Opacity
	if fo <= 0 {
		fo = 1
	}
	return LegendItem{
		Code: l.Code, Kind: l.Kind,
		Fill: fadeTo(st.Fill, fo*op), Stroke: fadeTo(st.Stroke, op),
		Width: math.Max(st.Width, 0.5) * designPixel,
	}
}

// classItems are the rows of the classes present, in palette order.
func classItems(cat *catalog.Catalog, def *catalog.Layer, l *render.Layer, op float64, present map[string]bool) []LegendItem {
	if cat == nil || def == nil || l.Style.ClassColor == nil {
		return nil
	}
	p := cat.Palette(def)
	if p == nil {
		return nil
	}
	seen := map[string]bool{}
	for code := range present {
		if c, ok := p.Lookup(code); ok {
			seen[c.Code] = true
		}
	}
	base := swatch(l, op)
	var out []LegendItem
	for _, c := range p.Classes {
		if !seen[c.Code] {
			continue
		}
		if len(out) == maxClasses {
			out = append(out, LegendItem{Code: l.Code, Class: true, More: len(seen) - maxClasses})
			break
		}
		it := classSwatch(l, op, base, c.Color)
		it.Class, it.Name = true, c.Code+" "+c.NameZh
		out = append(out, it)
	}
	return out
}

// classSwatch is base in class colour c as the renderer paints it: a
// polygon muted with an outline of its hue (render.Muted,
// render.ClassOutline), a line stroked and a point filled in c.
func classSwatch(l *render.Layer, op float64, base LegendItem, c color.NRGBA) LegendItem {
	fo := l.Style.Opacity
	if fo <= 0 {
		fo = 1
	}
	switch l.Kind {
	case render.Line:
		base.Stroke = fadeTo(c, op)
	case render.Point:
		base.Fill = fadeTo(c, fo*op)
	default:
		if base.Stroke.A > 0 {
			base.Stroke = fadeTo(render.ClassOutline(c), float64(base.Stroke.A)/255)
		}
		base.Fill = fadeTo(render.Muted(c), fo*op)
	}
	return base
}

// rasterItems are the raster layers the spec names (the relief shading).
func rasterItems(bp *layers.Blueprint, codes []string) []LegendItem {
	var out []LegendItem
	for _, r := range bp.Rasters() {
		if codes == nil || !slices.Contains(codes, r.Code) {
			continue
		}
		out = append(out, LegendItem{Code: r.Code, Name: layerName(r.Def, r.Code), Raster: true,
			Fill: color.NRGBA{0xb0, 0xb0, 0xb0, 0xff}, Stroke: color.NRGBA{0x80, 0x80, 0x80, 0xff}, Width: 0.15})
	}
	return out
}

func fadeTo(c color.NRGBA, f float64) color.NRGBA {
	c.A = uint8(math.Round(float64(c.A) * min(max(f, 0), 1)))
	return c
}
