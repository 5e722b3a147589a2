package siting

import (
	"context"
	"image"
	"image/color"
	"math"

	"github.com/paulmach/orb"

	"lantu/layers"
	"lantu/layers/conflict"
	"lantu/layers/render"
)

// mapLayer is one layer drawn in the report maps, for the legend.
type mapLayer struct {
	Code, NameZh string
	Fill, Stroke color.NRGBA
}

// reportMaps renders the location map (the proposal in its surroundings)
// and the detail map (the proposal filling the frame), w x h pixels each,
// with the proposal outlined over the layers the rules name. A layer not
// yet indexed (a blueprint opened Lazy) is read for the location map's
// area only, through the GeoPackage's R-tree (mapData).
func reportMaps(ctx context.Context, bp *layers.Blueprint, rep *Report, w, h int) (loc, detail *image.NRGBA, legend []mapLayer, err error) {
	b := rep.shape.Bound()
	locView, detailView := render.Fit(padTo(b, 4, 3000), w, h), render.Fit(padTo(b, 0.25, 200), w, h)
	src, names, legend, err := mapLayers(ctx, bp, rep, locView)
	if err != nil {
		return nil, nil, nil, err
	}
	r := render.New(src, render.Options{CacheBytes: -1})
	req := render.Request{Layers: names, View: detailView}
	if detail, err = r.Render(ctx, req); err != nil {
		return nil, nil, nil, err
	}
	outline(detail, req.View, rep.shape, 4)
	req.View = locView
	if loc, err = r.Render(ctx, req); err != nil {
		return nil, nil, nil, err
	}
	outline(loc, req.View, rep.shape, 4)
	return loc, detail, legend, nil
}

// mapLayers are the layers the maps draw (the district layer and those the
// report has rows for, not the proposal's own), drawn at every scale
// without labels, with their legend entries; view is the largest map.
func mapLayers(ctx context.Context, bp *layers.Blueprint, rep *Report, view render.Viewport) (render.LayerList, []string, []mapLayer, error) {
	codes := map[string]bool{conflict.DistrictLayer: true}
	for _, l := range rep.Layers {
		codes[l.Code] = true
	}
	var src render.LayerList
	var names []string
	var legend []mapLayer
	area := mapArea(view)
	for _, l := range render.FromBlueprint(bp) {
		bl := bp.Layer(l.Code)
		if !codes[l.Code] || l.Code == rep.Layer || bl == nil {
			continue
		}
		c := *l
		c.MinScale, c.MaxScale, c.Labels = 0, 0, false
		if !bl.Indexed() {
			d, err := readMapData(ctx, bp, bl, area)
			if err != nil {
				return nil, nil, nil, err
			}
			c.Data = d
		}
		src = append(src, &c)
		names = append(names, c.Code)
		if bl.Def != nil {
			legend = append(legend, mapLayer{c.Code, bl.Def.NameZh, c.Style.Fill, c.Style.Stroke})
		}
	}
	return src, names, legend, nil
}

// mapMarginPx is how far past the view, in pixels, a feature's drawing can
// reach into it (strokes, hatches): features that far out are read too.
const mapMarginPx = 64

// mapArea is the map area whose features can draw into view.
func mapArea(v render.Viewport) orb.Bound { return v.Bound().Pad(mapMarginPx * v.Res) }

// mapData is a layer's features of one area, read with ReadBox: a fixed
// render.Data, safe for concurrent use.
type mapData struct{ snap *layers.Snapshot }

func (d mapData) Read(fn func(g render.Geometry)) { fn(d.snap) }

// readMapData reads the features of l in area from the file. Geometries
// that cannot be decoded are left out of the map, as the index leaves them.
func readMapData(ctx context.Context, bp *layers.Blueprint, l *layers.Layer, area orb.Bound) (render.Data, error) {
	snap, _, err := bp.ReadBox(ctx, l, area, layers.BoxOptions{})
	if err != nil {
		return nil, err
	}
	return mapData{snap}, nil
}

// padTo grows b by frac of its larger side on each side, to at least
// minSide metres across.
func padTo(b orb.Bound, frac, minSide float64) orb.Bound {
	side := math.Max(b.Max[0]-b.Min[0], b.Max[1]-b.Min[1])
	pad := math.Max(side*frac, (minSide-side)/2)
	return b.Pad(pad)
}

// proposalColor is the outline of the proposal on the maps.
var proposalColor = color.NRGBA{0xd5, 0x00, 0x00, 0xff}

// outline draws the rings of g on img, width px wide.
func outline(img *image.NRGBA, v render.Viewport, g orb.Geometry, width int) {
	var rings []orb.Ring
	switch t := g.(type) {
	case orb.Polygon:
		rings = t
	case orb.MultiPolygon:
		for _, p := range t {
			rings = append(rings, p...)
		}
	}
	for _, r := range rings {
		for i := 1; i < len(r); i++ {
			x0, y0 := v.ToPixel(r[i-1])
			x1, y1 := v.ToPixel(r[i])
			segment(img, x0, y0, x1, y1, width)
		}
	}
}

// segment stamps a width x width square every half pixel from (x0, y0) to (x1, y1).
func segment(img *image.NRGBA, x0, y0, x1, y1 float64, width int) {
	n := int(math.Ceil(2*math.Hypot(x1-x0, y1-y0))) + 1
	if n > 1<<16 {
		return // far outside the frame
	}
	for k := 0; k <= n; k++ {
		t := float64(k) / float64(n)
		cx, cy := int(x0+t*(x1-x0)), int(y0+t*(y1-y0))
		for dy := -width / 2; dy < width-width/2; dy++ {
			for dx := -width / 2; dx < width-width/2; dx++ {
				if (image.Point{cx + dx, cy + dy}).In(img.Rect) {
					img.SetNRGBA(cx+dx, cy+dy, proposalColor)
				}
			}
		}
	}
}
