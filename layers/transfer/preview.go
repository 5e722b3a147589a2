package transfer

import (
	"github.com/paulmach/orb"

	"lantu/layers"
	"lantu/layers/catalog"
)

// This file is what a preview asks before anything is written: the
// geometry type of a Source, whether its CRS can be reprojected, which
// catalog layers it fits, and the field mapping Import would use.

// GeomType is the GeoPackage geometry type a new imported layer holding
// src gets (MULTIPOLYGON, MULTILINESTRING, POINT, MULTIPOINT or GEOMETRY
// for a mix), as Import with As makes it.
func (src *Source) GeomType() string { return sourceGeomType(src) }

// CheckCRS tells whether Import could reproject src to the EPSG code to:
// nil, or an error wrapping ErrNoCRS (the CRS is unknown, or PROJ cannot
// read it) or ErrCRS (the coordinates do not fit it). srs > 0 stands for
// the source CRS as ImportOptions.SRS does; src is not changed.
func CheckCRS(src *Source, srs, to int) error {
	probe := *src
	_, err := sourceProjector(&probe, srs, to, &Report{})
	return err
}

// Fits tells whether the features of src can go into l: a polygon source
// into a polygon layer, lines into a line layer, points into a point
// layer. A mixed source fits a GEOMETRY layer only.
func Fits(src *Source, l *layers.Layer) bool {
	want := kindOfTable(l.GeomType)
	have := kindOfTable(sourceGeomType(src))
	switch {
	case want == "":
		return true
	case want == "multipoint" && have == "point":
		return true
	}
	return want == have
}

// TargetFields are the attribute columns Import writes into l (the
// blueprint's own columns left out), with their catalog types, Chinese
// names and required flags where the catalog has the layer.
func TargetFields(l *layers.Layer) []catalog.Field { return targetFields(l) }

// PlanMapping is the mapping Import into l would use for src with the
// given overrides (source field -> target field name or Chinese name), or
// the error Import would return for a bad override. Nothing is written.
func PlanMapping(src *Source, l *layers.Layer, overrides map[string]string) (Mapping, error) {
	return mapFields(src.Fields, targetFields(l), overrides, l.Code)
}

// ImportedMapping is the mapping Import with As would use: each source
// field to the column of the new layer that holds it.
func ImportedMapping(src *Source) Mapping {
	_, m := importedFields(src.Fields)
	return m
}

// ProjectedBound is the bounding box of src's geometries reprojected to
// the EPSG code to (srs > 0 stands for the source CRS), for zooming to what
// an import brought in: the source's box, its edges densified, is
// reprojected, not every feature. An empty source has an empty bound.
func ProjectedBound(src *Source, srs, to int) (orb.Bound, error) {
	probe := *src
	pr, err := sourceProjector(&probe, srs, to, &Report{})
	if err != nil {
		return orb.Bound{}, err
	}
	b, some := sourceBound(src)
	if !some {
		return orb.Bound{}, nil
	}
	g, err := pr.Geometry(densified(b, 16))
	if err != nil {
		return orb.Bound{}, err
	}
	return g.Bound(), nil
}

// densified is b's outline with n points per side.
func densified(b orb.Bound, n int) orb.LineString {
	var ls orb.LineString
	corners := []orb.Point{b.Min, {b.Max[0], b.Min[1]}, b.Max, {b.Min[0], b.Max[1]}, b.Min}
	for i := 0; i < 4; i++ {
		p, q := corners[i], corners[i+1]
		for k := 0; k < n; k++ {
			t := float64(k) / float64(n)
			ls = append(ls, orb.Point{p[0] + t*(q[0]-p[0]), p[1] + t*(q[1]-p[1])})
		}
	}
	return append(ls, b.Min)
}
