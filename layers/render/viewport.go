package render

import (
	"errors"
	"fmt"
	"math"

	"github.com/paulmach/orb"
)

// PixelSize is the OGC standardized rendering pixel, 0.28 mm, used to turn a
// resolution in metres per pixel into a scale denominator.
const PixelSize = 0.00028

// ErrViewport is returned for a viewport that cannot be drawn.
var ErrViewport = errors.New("render: invalid viewport")

// Viewport is a rectangle of pixels over the blueprint's projected CRS: its
// Center in map units, Res in map units (metres) per pixel, and a size in
// pixels. Map y grows up; pixel y grows down. Pixel (0,0) is the top-left
// corner of the top-left pixel. A Viewport is a value: safe for concurrent
// use.
type Viewport struct {
	Center orb.Point
	Res    float64
	W, H   int
}

// AtScale returns a viewport at scale 1:denom (OGC 0.28 mm pixels).
func AtScale(center orb.Point, denom float64, w, h int) Viewport {
	return Viewport{Center: center, Res: denom * PixelSize, W: w, H: h}
}

// Fit returns the viewport of size w x h that shows all of b, centred.
func Fit(b orb.Bound, w, h int) Viewport {
	res := 1.0
	if w > 0 && h > 0 {
		res = max(b.Max[0]-b.Min[0], 0) / float64(w)
		res = max(res, max(b.Max[1]-b.Min[1], 0)/float64(h))
	}
	if res <= 0 || math.IsNaN(res) || math.IsInf(res, 0) {
		res = 1
	}
	return Viewport{Center: b.Center(), Res: res, W: w, H: h}
}

// Validate reports whether the viewport can be drawn.
func (v Viewport) Validate() error {
	switch {
	case v.W <= 0 || v.H <= 0 || v.W > 1<<15 || v.H > 1<<15:
		return fmt.Errorf("%w: size %dx%d", ErrViewport, v.W, v.H)
	case !(v.Res > 0) || math.IsInf(v.Res, 0):
		return fmt.Errorf("%w: resolution %v", ErrViewport, v.Res)
	case math.IsNaN(v.Center[0]) || math.IsNaN(v.Center[1]) ||
		math.IsInf(v.Center[0], 0) || math.IsInf(v.Center[1], 0):
		return fmt.Errorf("%w: centre %v", ErrViewport, v.Center)
	}
	return nil
}

// Scale is the scale denominator of the viewport (OGC 0.28 mm pixels).
func (v Viewport) Scale() float64 { return v.Res / PixelSize }

// origin is the map position of pixel corner (0,0).
func (v Viewport) origin() orb.Point {
	return orb.Point{
		v.Center[0] - float64(v.W)/2*v.Res,
		v.Center[1] + float64(v.H)/2*v.Res,
	}
}

// ToPixel maps a map point to pixel coordinates (fractional).
func (v Viewport) ToPixel(p orb.Point) (x, y float64) {
	o := v.origin()
	return (p[0] - o[0]) / v.Res, (o[1] - p[1]) / v.Res
}

// ToMap maps pixel coordinates to a map point.
func (v Viewport) ToMap(x, y float64) orb.Point {
	o := v.origin()
	return orb.Point{o[0] + x*v.Res, o[1] - y*v.Res}
}

// Bound is the map rectangle the viewport covers.
func (v Viewport) Bound() orb.Bound {
	o := v.origin()
	return orb.Bound{
		Min: orb.Point{o[0], o[1] - float64(v.H)*v.Res},
		Max: orb.Point{o[0] + float64(v.W)*v.Res, o[1]},
	}
}

// Pan returns the viewport moved by dx, dy pixels (positive dx right,
// positive dy down).
func (v Viewport) Pan(dx, dy float64) Viewport {
	v.Center = orb.Point{v.Center[0] + dx*v.Res, v.Center[1] - dy*v.Res}
	return v
}

// Zoom returns the viewport with its resolution divided by f, keeping the
// map point under pixel (x, y) fixed.
func (v Viewport) Zoom(f, x, y float64) Viewport {
	if !(f > 0) {
		return v
	}
	p := v.ToMap(x, y)
	v.Res /= f
	q := v.ToMap(x, y)
	v.Center = orb.Point{v.Center[0] + p[0] - q[0], v.Center[1] + p[1] - q[1]}
	return v
}
