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
// with the proposal outlined over the layers the rules name.
func reportMaps(ctx context.Context, bp *layers.Blueprint, rep *Report, w, h int) (loc, detail *image.NRGBA, legend []mapLayer, err error) {
	codes := map[string]bool{conflict.DistrictLayer: true, rep.Layer: true}
	for _, l := range rep.Layers {
		codes[l.Code] = true
	}
	var src render.LayerList
	var names []string
	for _, l := range render.FromBlueprint(bp) {
		if !codes[l.Code] || l.Code == rep.Layer {
			continue
		}
		c := *l // drawn at every scale, labels off
		c.MinScale, c.MaxScale, c.Labels = 0, 0, false
		src = append(src, &c)
		names = append(names, c.Code)
		if def := bp.Layer(c.Code); def != nil && def.Def != nil && c.Code != rep.Layer {
			legend = append(legend, mapLayer{c.Code, def.Def.NameZh, c.Style.Fill, c.Style.Stroke})
		}
	}
	r := render.New(src, render.Options{CacheBytes: -1})
	b := rep.shape.Bound()
	req := render.Request{Layers: names}
	req.View = render.Fit(padTo(b, 0.25, 200), w, h)
	if detail, err = r.Render(ctx, req); err != nil {
		return nil, nil, nil, err
	}
	outline(detail, req.View, rep.shape, 4)
	req.View = render.Fit(padTo(b, 4, 3000), w, h)
	if loc, err = r.Render(ctx, req); err != nil {
		return nil, nil, nil, err
	}
	outline(loc, req.View, rep.shape, 4)
	return loc, detail, legend, nil
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
