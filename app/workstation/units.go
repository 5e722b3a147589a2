package workstation

import (
	"github.com/paulmach/orb"

	"lantu/layers/crs"
)

// isGeographic reports whether EPSG code epsg counts in degrees (false when
// PROJ does not know it: the map then counts in metres).
func isGeographic(epsg int) bool {
	d, err := crs.Lookup(epsg)
	return err == nil && d.Geographic
}

// groundUnits is the map view's metres-per-map-unit function: nil (metres)
// for a projected CRS, and for a geographic one the geodesic length of a
// short east-west step at the point, per degree, as QGIS takes the scale
// along the parallel through the view centre.
func groundUnits(geo *crs.Geodesic, geographic bool) func(orb.Point) float64 {
	if !geographic || geo == nil {
		return nil
	}
	const step = 1e-3 // degrees
	return func(c orb.Point) float64 {
		l, err := geo.Length(orb.LineString{{c[0] - step/2, c[1]}, {c[0] + step/2, c[1]}})
		if err != nil {
			return 0
		}
		return l / step
	}
}
