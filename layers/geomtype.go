package layers

import (
	"fmt"

	"github.com/paulmach/orb"
)

// conform returns g as the layer's declared geometry type allows: a single
// part goes into a MULTI* column as a one-part multi geometry (and a
// one-part multi into a single column as its part), so that every row of
// a table has the type gpkg_geometry_columns declares, as GeoPackage
// requires and GDAL's validator checks. GEOMETRY columns take anything; a
// GEOMETRYCOLLECTION column takes collections and multi geometries. Any
// other mismatch (a line into a polygon layer) is ErrInvalidInput naming
// the table. A nil g is returned as is.
func (l *Layer) conform(g orb.Geometry) (orb.Geometry, error) {
	if g == nil {
		return nil, nil
	}
	switch l.GeomType {
	case "", "GEOMETRY":
		return g, nil
	case "GEOMETRYCOLLECTION":
		switch g.(type) {
		case orb.Collection, orb.MultiPoint, orb.MultiLineString, orb.MultiPolygon:
			return g, nil
		}
		return orb.Collection{g}, nil
	}
	if out, ok := conformTo(l.GeomType, g); ok {
		return out, nil
	}
	return nil, fmt.Errorf("%w: %s: a %s cannot go into a %s layer", ErrInvalidInput, l.Table, g.GeoJSONType(), l.GeomType)
}

// conformTo converts g to the simple-feature type named want when g is
// that type, its one-part multi, or its single part.
func conformTo(want string, g orb.Geometry) (orb.Geometry, bool) {
	switch v := g.(type) {
	case orb.Point:
		return pick(want, "POINT", v, "MULTIPOINT", orb.MultiPoint{v})
	case orb.MultiPoint:
		if len(v) == 1 {
			return pick(want, "MULTIPOINT", v, "POINT", v[0])
		}
		return v, want == "MULTIPOINT"
	case orb.LineString:
		return pick(want, "LINESTRING", v, "MULTILINESTRING", orb.MultiLineString{v})
	case orb.MultiLineString:
		if len(v) == 1 {
			return pick(want, "MULTILINESTRING", v, "LINESTRING", v[0])
		}
		return v, want == "MULTILINESTRING"
	case orb.Polygon:
		return pick(want, "POLYGON", v, "MULTIPOLYGON", orb.MultiPolygon{v})
	case orb.MultiPolygon:
		if len(v) == 1 {
			return pick(want, "MULTIPOLYGON", v, "POLYGON", v[0])
		}
		return v, want == "MULTIPOLYGON"
	}
	return nil, false
}

func pick(want, asIs string, g orb.Geometry, other string, alt orb.Geometry) (orb.Geometry, bool) {
	switch want {
	case asIs:
		return g, true
	case other:
		return alt, true
	}
	return nil, false
}
