package render

import (
	"image/color"
	"strings"

	"lantu/layers"
	"lantu/layers/catalog"
)

// snapshotData reads a blueprint layer's flat geometry.
type snapshotData struct{ l *layers.Layer }

func (d snapshotData) Read(fn func(g Geometry)) {
	d.l.Read(func(s *layers.Snapshot) { fn(s) })
}

// FromBlueprint returns the vector layers of bp in draw order, styled from
// its catalog or as edited in Lantu (Layer.CurrentDef); imported layers get
// the catalog's default style. The result is a fixed Source: safe for concurrent use.
func FromBlueprint(bp *layers.Blueprint) LayerList {
	cat := bp.Catalog()
	var out LayerList
	for _, l := range bp.Layers() {
		def := l.CurrentDef() // a style edited in Lantu (layers.WriteStyle)
		if def == nil {
			def = catalog.DefaultLayer(l.Table, l.GeomType)
		}
		if def.Geometry == "raster" {
			continue
		}
		out = append(out, FromCatalog(cat, def, l.Code, l.GeomType, snapshotData{l}))
	}
	return out
}

// FromCatalog turns a catalog layer definition into a drawable Layer over
// data; cat supplies class palettes and may be nil.
func FromCatalog(cat *catalog.Catalog, def *catalog.Layer, code, geomType string, data Data) *Layer {
	s := def.Style
	st := Style{
		Fill: s.Fill, Stroke: s.Stroke, Width: s.Width, Dash: s.Dash, Hatch: s.Hatch,
		HatchColor: s.HatchColor, Opacity: s.Opacity, Symbol: s.Symbol, Size: s.Size,
	}
	if s.Opacity <= 0 { // the catalog's 0 is "no fill", here 0 means 1
		st.Fill, st.Hatch, st.Opacity = color.NRGBA{}, "", 1
	}
	if cat != nil && def.ClassField != "" {
		if p := cat.Palette(def); p != nil {
			st.ClassColor = p.Color
		}
	}
	if len(s.Classes) > 0 { // a style read from layer_styles (layerstyle)
		st.ClassColor, st.ClassOnly, st.ClassWidth = s.ClassColor, !s.DrawUnclassed, s.ClassWidth
		for _, c := range s.Classes {
			st.Width = max(st.Width, c.Width)
		}
	}
	return &Layer{
		Code: code, Kind: kindOf(def.Geometry, geomType), Style: st,
		MinScale: def.MinScale, MaxScale: def.MaxScale, Visible: def.Visible,
		Labels: def.LabelField != "", Data: data,
	}
}

// kindOf picks the drawing kind from the catalog geometry, or else from the
// GeoPackage geometry type name.
func kindOf(catalogGeom, geomType string) Kind {
	g := strings.ToUpper(catalogGeom + " " + geomType)
	switch {
	case strings.Contains(g, "POLYGON"), strings.Contains(g, "SURFACE"):
		return Polygon
	case strings.Contains(g, "LINE"), strings.Contains(g, "CURVE"):
		return Line
	case strings.Contains(g, "POINT"):
		return Point
	}
	return Polygon
}
