package crs

/*
#include <geodesic.h>
*/
import "C"

import (
	"fmt"

	"github.com/paulmach/orb"
)

// CGCS2000 ellipsoid (semi-major axis, flattening); GRS80 differs from it
// by less than a tenth of a millimetre.
const (
	cgcs2000A = 6378137.0
	cgcs2000F = 1 / 298.257222101
)

// Geodesic measures on the CGCS2000 ellipsoid, from coordinates in any
// EPSG code. A Geodesic is safe for concurrent use.
type Geodesic struct {
	toGeo *Transformer
}

// NewGeodesic measures coordinates given in EPSG code epsg.
func NewGeodesic(epsg int) (*Geodesic, error) {
	t, err := NewTransformer(epsg, CGCS2000)
	if err != nil {
		return nil, err
	}
	return &Geodesic{toGeo: t}, nil
}

func (g *Geodesic) lonLat(ps []orb.Point) ([]orb.Point, error) {
	out := append([]orb.Point(nil), ps...)
	if err := g.toGeo.Points(out); err != nil {
		return nil, fmt.Errorf("crs: geodesic: %w", err)
	}
	return out, nil
}

// Length is the ellipsoidal length of a polyline in metres.
func (g *Geodesic) Length(line orb.LineString) (float64, error) {
	ll, err := g.lonLat(line)
	if err != nil {
		return 0, err
	}
	var geod C.struct_geod_geodesic
	C.geod_init(&geod, cgcs2000A, cgcs2000F)
	var total float64
	for i := 1; i < len(ll); i++ {
		var s12, azi1, azi2 C.double
		C.geod_inverse(&geod, C.double(ll[i-1][1]), C.double(ll[i-1][0]), C.double(ll[i][1]), C.double(ll[i][0]), &s12, &azi1, &azi2)
		total += float64(s12)
	}
	return total, nil
}

// Area is the ellipsoidal area of a polygon (outer ring minus holes) in
// square metres.
func (g *Geodesic) Area(p orb.Polygon) (float64, error) {
	var total float64
	for k, r := range p {
		a, err := g.ringArea(r)
		if err != nil {
			return 0, err
		}
		if k == 0 {
			total += a
		} else {
			total -= a
		}
	}
	return total, nil
}

func (g *Geodesic) ringArea(r orb.Ring) (float64, error) {
	if len(r) > 1 && r[0] == r[len(r)-1] {
		r = r[:len(r)-1]
	}
	ll, err := g.lonLat(r)
	if err != nil {
		return 0, err
	}
	var geod C.struct_geod_geodesic
	C.geod_init(&geod, cgcs2000A, cgcs2000F)
	var poly C.struct_geod_polygon
	C.geod_polygon_init(&poly, 0)
	for _, p := range ll {
		C.geod_polygon_addpoint(&geod, &poly, C.double(p[1]), C.double(p[0]))
	}
	var area, perim C.double
	C.geod_polygon_compute(&geod, &poly, 0, 1, &area, &perim)
	a := float64(area)
	if a < 0 {
		a = -a
	}
	return a, nil
}
