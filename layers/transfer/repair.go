package transfer

import (
	"fmt"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
	"github.com/twpayne/go-geos"
)

// fixer validates and repairs geometries with GEOS. It holds one GEOS
// context and is not safe for concurrent use: one fixer per goroutine.
type fixer struct {
	gctx *geos.Context
}

func newFixer() *fixer { return &fixer{gctx: geos.NewContext()} }

// fix returns g made valid, with GEOS's reason when it was invalid.
// refusal is non-empty when g cannot be used at all.
func (x *fixer) fix(g orb.Geometry) (out orb.Geometry, repaired, refusal string) {
	defer func() {
		if r := recover(); r != nil { // go-geos panics on GEOS exceptions
			out, repaired, refusal = nil, "", fmt.Sprintf("GEOS failed: %v", r)
		}
	}()
	b, err := wkb.Marshal(g)
	if err != nil {
		return nil, "", "geometry cannot be encoded: " + err.Error()
	}
	gg, err := x.gctx.NewGeomFromWKB(b)
	if err != nil {
		return nil, "", "unreadable geometry: " + err.Error()
	}
	if gg.IsEmpty() {
		return nil, "", "empty geometry"
	}
	if gg.IsValid() {
		return g, "", ""
	}
	repaired = gg.IsValidReason()
	gg = gg.MakeValid()
	if gg == nil || gg.IsEmpty() {
		return nil, "", repaired + "; nothing left after MakeValid"
	}
	out, err = wkb.Unmarshal(gg.ToWKB())
	if err != nil {
		return nil, "", "repaired geometry cannot be decoded: " + err.Error()
	}
	return out, repaired, ""
}

// intersect returns the part of g inside clip (both valid), of g's
// dimension; nil when nothing is left. A g that clip covers comes back
// unchanged, with cut false.
func (x *fixer) intersect(g orb.Geometry, clip []byte, kind string) (out orb.Geometry, cut bool, err error) {
	defer func() {
		if r := recover(); r != nil {
			out, cut, err = nil, false, fmt.Errorf("transfer: GEOS intersection failed: %v", r)
		}
	}()
	b, err := wkb.Marshal(g)
	if err != nil {
		return nil, false, err
	}
	a, err := x.gctx.NewGeomFromWKB(b)
	if err != nil {
		return nil, false, err
	}
	c, err := x.gctx.NewGeomFromWKB(clip)
	if err != nil {
		return nil, false, err
	}
	if c.Covers(a) {
		return g, false, nil
	}
	r := a.Intersection(c)
	if r == nil || r.IsEmpty() {
		return nil, false, nil
	}
	og, err := wkb.Unmarshal(r.ToWKB())
	if err != nil {
		return nil, false, err
	}
	og, _, refusal := coerce(og, kind)
	if refusal != "" {
		return nil, false, nil // only a boundary of another dimension touches
	}
	return og, true, nil
}

// kindOfTable maps a GeoPackage geometry type name to polygon, line, point
// (POINT), multipoint or "" (any).
func kindOfTable(geomType string) string {
	switch t := strings.ToUpper(geomType); {
	case strings.Contains(t, "POLYGON"):
		return "polygon"
	case strings.Contains(t, "LINE"):
		return "line"
	case t == "MULTIPOINT":
		return "multipoint"
	case t == "POINT":
		return "point"
	}
	return ""
}

// coerce turns g into the geometry a table of kind holds: polygons and
// lines as their Multi types, points as Point. Parts of another dimension in
// a collection (what MakeValid can leave) are dropped and named in dropped;
// refusal says why g does not fit at all.
func coerce(g orb.Geometry, kind string) (out orb.Geometry, dropped, refusal string) {
	if kind == "" {
		return g, "", ""
	}
	var polys orb.MultiPolygon
	var lines orb.MultiLineString
	var pts orb.MultiPoint
	var other []string
	collect(g, &polys, &lines, &pts, &other)
	keep := map[string]int{"polygon": len(polys), "line": len(lines), "point": len(pts), "multipoint": len(pts)}[kind]
	var parts []string
	for k, n := range map[string]int{"polygon": len(polys), "line": len(lines), "point": len(pts)} {
		if n > 0 && k != strings.TrimPrefix(kind, "multi") {
			parts = append(parts, fmt.Sprintf("%d %s part(s)", n, k))
		}
	}
	parts = append(parts, other...)
	if keep == 0 {
		return nil, "", fmt.Sprintf("a %s cannot go into a %s layer", g.GeoJSONType(), kind)
	}
	switch kind {
	case "polygon":
		out = polys
	case "line":
		out = lines
	case "multipoint":
		out = pts
	case "point":
		if len(pts) > 1 {
			return nil, "", fmt.Sprintf("a MultiPoint of %d points cannot go into a point layer", len(pts))
		}
		out = pts[0]
	}
	if len(parts) > 0 {
		dropped = "dropped " + strings.Join(parts, ", ")
	}
	return out, dropped, ""
}

// collect sorts g's parts by dimension.
func collect(g orb.Geometry, polys *orb.MultiPolygon, lines *orb.MultiLineString, pts *orb.MultiPoint, other *[]string) {
	switch g := g.(type) {
	case orb.Polygon:
		*polys = append(*polys, g)
	case orb.MultiPolygon:
		*polys = append(*polys, g...)
	case orb.Ring:
		*polys = append(*polys, orb.Polygon{g})
	case orb.LineString:
		*lines = append(*lines, g)
	case orb.MultiLineString:
		*lines = append(*lines, g...)
	case orb.Point:
		*pts = append(*pts, g)
	case orb.MultiPoint:
		*pts = append(*pts, g...)
	case orb.Collection:
		for _, c := range g {
			collect(c, polys, lines, pts, other)
		}
	case nil:
	default:
		*other = append(*other, g.GeoJSONType())
	}
}
