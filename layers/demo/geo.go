package demo

import (
	"fmt"
	"math"

	"github.com/paulmach/orb"
	"github.com/twpayne/go-geos"

	"lantu/layers/crs"
	"lantu/layers/gpkg"
)

// geo is the GEOS side of the generator: one context (the generator is
// single-threaded), the prepared city outline and helpers that move
// geometries between orb and GEOS. Not safe for concurrent use.
type geo struct {
	ctx     *geos.Context
	outline *geos.Geom
	prep    *geos.PrepGeom

	mask *mask
}

func newGeo(outline orb.Polygon) (*geo, error) {
	g := &geo{ctx: geos.NewContext()}
	o, err := g.fromOrb(outline)
	if err != nil {
		return nil, err
	}
	if !o.IsValid() {
		o = o.MakeValid()
	}
	g.outline = largestPolygon(o)
	g.prep = g.outline.Prepare()
	g.mask = newMask(polygons(toOrb(g.outline)))
	return g, nil
}

func (g *geo) fromOrb(o orb.Geometry) (*geos.Geom, error) {
	wkb, err := gpkg.EncodeWKB(o)
	if err != nil {
		return nil, err
	}
	return g.ctx.NewGeomFromWKB(wkb)
}

// toOrb converts a GEOS geometry back, keeping polygon parts only when
// polygons is set.
func toOrb(gg *geos.Geom) orb.Geometry {
	o, _, _, err := gpkg.DecodeWKB(gg.ToWKB())
	if err != nil {
		return nil
	}
	return o
}

// polygons extracts the polygonal part of a geometry as a MultiPolygon.
func polygons(o orb.Geometry) orb.MultiPolygon {
	switch o := o.(type) {
	case orb.Polygon:
		if len(o) == 0 || len(o[0]) < 4 {
			return nil
		}
		return orb.MultiPolygon{o}
	case orb.MultiPolygon:
		var out orb.MultiPolygon
		for _, p := range o {
			out = append(out, polygons(p)...)
		}
		return out
	case orb.Collection:
		var out orb.MultiPolygon
		for _, c := range o {
			out = append(out, polygons(c)...)
		}
		return out
	}
	return nil
}

// largestPolygon keeps the biggest polygon of a (multi)polygon.
func largestPolygon(gg *geos.Geom) *geos.Geom {
	n := gg.NumGeometries()
	if n <= 1 {
		return gg
	}
	best, area := gg.Geometry(0), -1.0
	for i := 0; i < n; i++ {
		if a := gg.Geometry(i).Area(); a > area {
			best, area = gg.Geometry(i), a
		}
	}
	return best.Clone()
}

// clip intersects a polygon with the outline; cheap when it lies inside.
func (g *geo) clip(p orb.Polygon) orb.MultiPolygon {
	gg, err := g.fromOrb(p)
	if err != nil {
		return nil
	}
	if g.prep.Contains(gg) {
		return orb.MultiPolygon{p}
	}
	if !g.prep.Intersects(gg) {
		return nil
	}
	return polygons(toOrb(gg.Intersection(g.outline)))
}

// clipTo intersects a polygon with another polygonal geometry.
func (g *geo) clipTo(p orb.Geometry, to *geos.Geom) orb.MultiPolygon {
	gg, err := g.fromOrb(p)
	if err != nil {
		return nil
	}
	return polygons(toOrb(gg.Intersection(to)))
}

// clipLine intersects a line with the outline.
func (g *geo) clipLine(l orb.LineString) orb.MultiLineString {
	gg, err := g.fromOrb(l)
	if err != nil {
		return nil
	}
	var out orb.MultiLineString
	switch o := toOrb(gg.Intersection(g.outline)).(type) {
	case orb.LineString:
		out = append(out, o)
	case orb.MultiLineString:
		out = append(out, o...)
	case orb.Collection:
		for _, c := range o {
			if ls, ok := c.(orb.LineString); ok {
				out = append(out, ls)
			}
		}
	}
	kept := out[:0]
	for _, ls := range out {
		if len(ls) >= 2 {
			kept = append(kept, ls)
		}
	}
	return kept
}

// buffer returns the polygonal buffer of a geometry, clipped to the outline.
func (g *geo) buffer(o orb.Geometry, width float64) orb.MultiPolygon {
	gg, err := g.fromOrb(o)
	if err != nil {
		return nil
	}
	return polygons(toOrb(gg.Buffer(width, 4).Intersection(g.outline)))
}

// inside reports whether a point lies in the city. It runs in Go on the
// valid outline: GEOSPreparedContainsXY is emulated on GEOS 3.11 and gives
// wrong answers there.
func (g *geo) inside(p orb.Point) bool {
	return g.mask.contains(p)
}

// source is the real data the demo is shaped by, in EPSG:4550.
type source struct {
	outline orb.Polygon
	rivers  []orb.LineString
	toGK    *crs.Transformer
}

const (
	outlineFile = "vector/shenyang_outline_echarts.geojson"
	riversFile  = "vector/shenyang_rivers_gshhg.geojson"
)

func loadSource(data *dataSource) (*source, error) {
	tr, err := crs.NewTransformer(crs.WGS84, crs.CGCS2000GK)
	if err != nil {
		return nil, err
	}
	s := &source{toGK: tr}
	fc, err := data.geoJSON(outlineFile)
	if err != nil {
		return nil, err
	}
	for _, f := range fc.Features {
		if p, ok := f.Geometry.(orb.Polygon); ok && len(s.outline) == 0 {
			g, err := tr.Geometry(p)
			if err != nil {
				return nil, err
			}
			s.outline = g.(orb.Polygon)
		}
	}
	if len(s.outline) == 0 {
		return nil, fmt.Errorf("demo: %s: no polygon", data.name(outlineFile))
	}
	if fc, err = data.geoJSON(riversFile); err != nil {
		return nil, err
	}
	for _, f := range fc.Features {
		if l, ok := f.Geometry.(orb.LineString); ok && len(l) > 1 && l[0] != l[len(l)-1] {
			g, err := tr.Geometry(l)
			if err != nil {
				return nil, err
			}
			s.rivers = append(s.rivers, g.(orb.LineString))
		}
	}
	return s, nil
}

// lonLat converts a lon/lat to EPSG:4550.
func (s *source) lonLat(lon, lat float64) orb.Point {
	p, err := s.toGK.Point(orb.Point{lon, lat})
	if err != nil {
		return orb.Point{math.NaN(), math.NaN()}
	}
	return p
}
