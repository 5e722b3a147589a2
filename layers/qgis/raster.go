package qgis

import (
	"fmt"
	"image/color"
	"math"

	"lantu/layers/catalog"
	"lantu/layers/terrain"
)

// The catalog's terrain tables (layers/terrain).
const (
	demTable       = "xz_dem"
	slopeTable     = "xz_pd"
	hillshadeTable = "xz_styy"
)

// rasterRank orders the terrain layers from the top down.
var rasterRank = map[string]int{hillshadeTable: 0, slopeTable: 1, demTable: 2}

// Terrain layers are multiplied into the map beneath them, as Lantu's
// relief is (layers/terrain/relief.go), at the opacity that is Lantu's
// strength for each: a multiply at opacity a gives dst*(1-a+a*src), which
// is Lantu's blend.
const (
	hillshadeOpacity = 0.45
	elevationOpacity = 0.55
	slopeOpacity     = 0.75
	blendMultiply    = "6" // QgsPainting::BlendMultiply
)

// Lantu fades the hillshade out between 1.25 and 2.5 view pixels per
// finest DEM cell (terrain.ShadeFade): QGIS hides it from the scale where
// a cell covers shadeHidePx pixels, the middle of that fade.
const shadeHidePx = 1.875

// rasterLayer is the <maplayer> of a terrain layer: the hillshade's RGBA
// tiles as they are, the DEM through Lantu's hypsometric ramp over its
// value range, the slope in the slope classes.
func (pb *projectBuilder) rasterLayer(l *catalog.Layer) *node {
	scaled, maxScale := "0", 0.0
	if l.Table == hillshadeTable && pb.c.demCell > 0 {
		scaled, maxScale = "1", math.Round(pb.c.demCell/(shadeHidePx*pixelSize))
	}
	n := el("maplayer", "type", "raster", "styleCategories", "AllStyleCategories", "hasScaleBasedVisibilityFlag", scaled,
		"minScale", "0", "maxScale", num(maxScale), "autoRefreshEnabled", "0", "autoRefreshTime", "0",
		"refreshOnNotifyEnabled", "0", "refreshOnNotifyMessage", "", "legendPlaceholderImage", "")
	pb.layerHead(n, l)
	n.add(textEl("provider", "gdal"))
	n.child("noData").child("noDataList", "bandNo", "1", "useSrcNoData", "1")
	n.child("map-layer-style-manager", "current", "default").child("map-layer-style", "name", "default")
	pipe := n.child("pipe")
	pipe.child("provider").child("resampling", "enabled", "false", "zoomedInResamplingMethod", "nearestNeighbour",
		"zoomedOutResamplingMethod", "nearestNeighbour", "maxOversampling", "2")
	pipe.add(pb.rasterRenderer(l))
	pipe.child("brightnesscontrast", "brightness", "0", "contrast", "0", "gamma", "1")
	pipe.child("huesaturation", "saturation", "0", "grayscaleMode", "0", "invertColors", "0", "colorizeOn", "0",
		"colorizeRed", "255", "colorizeGreen", "128", "colorizeBlue", "128", "colorizeStrength", "100")
	pipe.child("rasterresampler", "maxOversampling", "2")
	pipe.add(textEl("resamplingStage", "resamplingFilter"))
	return n.add(textEl("blendMode", blendMultiply))
}

func (pb *projectBuilder) rasterRenderer(l *catalog.Layer) *node {
	switch l.Table {
	case demTable:
		lo, hi := 0.0, 1000.0
		if pb.c.hasRange {
			lo, hi = pb.c.demRange[0], pb.c.demRange[1]
		}
		return pseudocolor(elevationOpacity, "INTERPOLATED", lo, hi, rampItems(lo, hi))
	case slopeTable:
		return pseudocolor(slopeOpacity, "DISCRETE", 0, 90, slopeItems(pb.cat))
	}
	r := el("rasterrenderer", "type", "multibandcolor", "opacity", num(hillshadeOpacity), "alphaBand", "4",
		"redBand", "1", "greenBand", "2", "blueBand", "3", "nodataColor", "")
	r.child("rasterTransparency")
	for _, band := range []string{"red", "green", "blue"} {
		r.child(band+"ContrastEnhancement").add(textEl("minValue", "0"), textEl("maxValue", num(flatShade())),
			textEl("algorithm", "StretchToMinimumMaximum"))
	}
	return r
}

// flatShade is the hillshade of flat ground in the stored tiles (sun at
// terrain.DefaultOptions' altitude). The hillshade is stretched so that
// flat ground is white and only slopes turned from the light darken, as
// Lantu's relief does (layers/terrain mulShade); Lantu also exaggerates
// the relief it draws, the stored tiles do not, so QGIS's shading is the
// gentler of the two.
func flatShade() float64 {
	return math.Round((254*math.Sin(terrain.DefaultOptions().Altitude*math.Pi/180)+1)*10) / 10
}

// pseudocolor is a single band pseudocolor renderer over lo..hi.
func pseudocolor(opacity float64, kind string, lo, hi float64, items []*node) *node {
	r := el("rasterrenderer", "type", "singlebandpseudocolor", "band", "1", "opacity", num(opacity), "alphaBand", "-1",
		"classificationMin", num(lo), "classificationMax", num(hi), "nodataColor", "")
	r.child("rasterTransparency")
	mmo := r.child("minMaxOrigin")
	mmo.add(textEl("limits", "None"), textEl("extent", "WholeRaster"), textEl("statAccuracy", "Estimated"),
		textEl("cumulativeCutLower", "0.02"), textEl("cumulativeCutUpper", "0.98"), textEl("stdDevFactor", "2"))
	r.child("rastershader").child("colorrampshader", "colorRampType", kind, "classificationMode", "1",
		"clip", "0", "minimumValue", num(lo), "maximumValue", num(hi), "labelPrecision", "0").add(items...)
	return r
}

// rampItems are Lantu's hypsometric ramp stops over lo..hi.
func rampItems(lo, hi float64) []*node {
	var out []*node
	for _, s := range terrain.Hypsometric.Stops {
		v := lo + s.At*(hi-lo)
		out = append(out, rampItem(v, fmt.Sprintf("%.0f m", v), s.Color))
	}
	return out
}

// slopeItems are the slope classes: each colours the slopes up to its
// upper bound (degrees), named as the catalog's slope palette names them.
func slopeItems(cat *catalog.Catalog) []*node {
	bounds := append(terrain.SlopeClasses[:], 90)
	var p *catalog.Palette
	if cat != nil {
		p = cat.Palettes["slope"]
	}
	var out []*node
	for i, ub := range bounds {
		label := fmt.Sprintf("≤%g°", ub)
		if p != nil && i < len(p.Classes) {
			label = p.Classes[i].NameZh
		}
		out = append(out, rampItem(ub, label, terrain.SlopeColors[i]))
	}
	return out
}

func rampItem(v float64, label string, c color.NRGBA) *node {
	return el("item", "value", num(v), "label", label, "color", hexColor(c), "alpha", num(float64(c.A)))
}
