package render

import "math"

// Line widths and hatches follow the scale as on printed maps: the widths
// the catalog gives hold at district scale and closer, and thin out
// towards the city overview, where a full-width boundary or hatch on every
// small patch would cover the map; hatches open up and fade between
// hatchFull and hatchNone and are not drawn past it (the fill alone shows
// the class there).
const (
	widthFull = 100000 // scale denominator up to which widths are as given
	minWidthF = 0.67   // the thinnest share of a width, at the overview
	hatchFull = 100000 // hatches at full strength up to this denominator
	hatchNone = 600000 // and none past this one
)

// widthFactor is the share of a catalog line width drawn at scale
// denominator s (0 = unknown: 1): widths hold to widthFull and thin to
// two thirds at the city overview. (The outlines of small filled areas go
// altogether there, see outlineMinAt, so boundaries stand out.)
func widthFactor(s float64) float64 {
	if s <= widthFull {
		return 1
	}
	return max(minWidthF, math.Pow(widthFull/s, 0.15))
}

// hatchAt is the hatch spacing in pixels and its strength 0..1 at scale
// denominator s (0 = unknown: the district-scale hatch). Close in, lines
// are further apart so large parcels stay light.
func hatchAt(s float64) (spacing int, strength float64) {
	switch {
	case s <= 0:
		return 8, 1
	case s <= 25000:
		return 10, 1
	case s <= hatchFull:
		return 8, 1
	case s >= hatchNone:
		return 12, 0
	}
	t := math.Log(s/hatchFull) / math.Log(hatchNone/hatchFull)
	return 8 + int(math.Round(4*t)), 1 - t
}

// outlineMinAt is the pixel size under which a filled polygon loses its
// outline at scale denominator s: minOutlined at district scale, growing
// towards the overview so that a tessellation of small blocks (farmland,
// parcels) reads as an area, not as a grid of outlines.
func outlineMinAt(s float64) float64 {
	if s <= widthFull {
		return minOutlined
	}
	return min(maxOutlined, minOutlined*math.Pow(s/widthFull, 0.9))
}

// maxOutlined bounds outlineMinAt: a polygon this large keeps its outline
// at any scale.
const maxOutlined = 40

// HatchTone is the share of a polygon a hatch covers on average: when a
// hatch fades out at small scales its colour is laid down as a flat tint
// of that strength instead, so the area keeps its tone.
func HatchTone(kind string) float64 {
	switch kind {
	case "cross":
		return 0.28
	case "dots":
		return 0.12
	case "":
		return 0
	}
	return 0.16
}
