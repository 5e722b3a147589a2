package crs

import (
	"errors"
	"fmt"
	"math"
	"sync"

	"github.com/paulmach/orb"
)

// Errors of CheckExtent. ErrOutside: coordinates a geographic CRS cannot
// hold (beyond ±180°/±90°), which no transformation can use.
// ErrOutsideAreaOfUse: coordinates of a projected CRS far from its area of
// use; they still transform, so they are a warning (degrees stored in a
// projected CRS, say, or synthetic coordinates near its origin).
var (
	ErrOutside          = errors.New("coordinates outside the CRS's valid area")
	ErrOutsideAreaOfUse = errors.New("coordinates far from the CRS's area of use")
)

// CheckExtent tells whether a layer extent can be in the CRS epsg: for a
// geographic CRS, longitudes within ±180 and latitudes within ±90, else
// ErrOutside; for a projected CRS, the extent must meet the CRS's area of
// use (from PROJ, converted to the CRS) grown by its own width and height on
// every side, else ErrOutsideAreaOfUse: that catches degrees stored in a
// projected CRS and metres of a far-off zone while allowing data that
// overruns its zone. An unknown code or a CRS without an area of use is not
// checked (nil). It is safe for concurrent use.
func CheckExtent(epsg int, ext orb.Bound) error {
	d, err := Lookup(epsg)
	if err != nil {
		return nil
	}
	valid, ok := validBound(d)
	if !ok {
		return nil
	}
	if d.Geographic {
		if !valid.Contains(ext.Min) || !valid.Contains(ext.Max) {
			return fmt.Errorf("%w: extent %s is not longitude/latitude within ±180°/±90°, as EPSG:%d (%s) needs", ErrOutside, fmtBound(ext), epsg, d.Name)
		}
		return nil
	}
	if !valid.Intersects(ext) {
		return fmt.Errorf("%w: extent %s is far from the area of use of EPSG:%d (%s), about %s with margins", ErrOutsideAreaOfUse, fmtBound(ext), epsg, d.Name, fmtBound(valid))
	}
	return nil
}

var (
	validMu    sync.Mutex
	validCache = map[int]orb.Bound{}
)

// validBound is the bound coordinates of d must lie in (cached per code).
func validBound(d Definition) (orb.Bound, bool) {
	if d.Geographic {
		return orb.Bound{Min: orb.Point{-180 - 1e-9, -90 - 1e-9}, Max: orb.Point{180 + 1e-9, 90 + 1e-9}}, true
	}
	validMu.Lock()
	defer validMu.Unlock()
	if b, ok := validCache[d.EPSG]; ok {
		return b, b != orb.Bound{}
	}
	b, err := projectedArea(d)
	if err != nil {
		b = orb.Bound{}
	}
	validCache[d.EPSG] = b
	return b, b != orb.Bound{}
}

// projectedArea converts d's area of use into d's coordinates and grows it.
func projectedArea(d Definition) (orb.Bound, error) {
	a := d.Area
	if !d.HasArea || a[2] < a[0] {
		return orb.Bound{}, errors.New("no usable area of use")
	}
	tr, err := NewTransformer(WGS84, d.EPSG)
	if err != nil {
		return orb.Bound{}, err
	}
	b, err := tr.Bound(orb.Bound{Min: orb.Point{a[0], a[1]}, Max: orb.Point{a[2], a[3]}})
	if err != nil || math.IsInf(b.Min[0], 0) || math.IsInf(b.Max[0], 0) || math.IsNaN(b.Min[0]) {
		return orb.Bound{}, fmt.Errorf("area of use of EPSG:%d: %v", d.EPSG, err)
	}
	w, h := b.Max[0]-b.Min[0], b.Max[1]-b.Min[1]
	return orb.Bound{Min: orb.Point{b.Min[0] - w, b.Min[1] - h}, Max: orb.Point{b.Max[0] + w, b.Max[1] + h}}, nil
}

func fmtBound(b orb.Bound) string {
	return fmt.Sprintf("[%.6g %.6g, %.6g %.6g]", b.Min[0], b.Min[1], b.Max[0], b.Max[1])
}
