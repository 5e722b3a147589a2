package workstation

import (
	"math"
	"testing"

	"github.com/paulmach/orb"

	"lantu/layers/crs"
)

// One degree of longitude on the ellipsoid is π/180·a·cosφ/√(1−e²sin²φ)
// (the radius of the parallel); groundUnits must agree for EPSG:4326 and
// be nil (metres) for the projected Gauss-Kruger CRS.
func TestGroundUnits(t *testing.T) {
	if groundUnits(nil, isGeographic(crs.CGCS2000GK)) != nil || isGeographic(crs.CGCS2000GK) {
		t.Fatal("EPSG:4550 is projected: the map counts in metres")
	}
	if !isGeographic(crs.WGS84) {
		t.Fatal("EPSG:4326 not reported geographic")
	}
	geo, err := crs.NewGeodesic(crs.WGS84)
	if err != nil {
		t.Fatal(err)
	}
	fn := groundUnits(geo, true)
	const a, f = 6378137.0, 1 / 298.257222101
	e2 := f * (2 - f)
	for _, lat := range []float64{0, 41.8, 60} {
		phi := lat * math.Pi / 180
		want := math.Pi / 180 * a * math.Cos(phi) / math.Sqrt(1-e2*math.Sin(phi)*math.Sin(phi))
		if got := fn(orb.Point{123.4, lat}); math.Abs(got-want) > 0.01 {
			t.Errorf("lat %.1f: %.3f m per degree, want %.3f", lat, got, want)
		}
	}
}
