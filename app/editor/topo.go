package editor

import (
	"fmt"
	"math"
	"regexp"
	"strconv"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
	"github.com/twpayne/go-geos"

	"lantu/app/i18n"
	"lantu/layers/areal"
)

// GEOS is used only in this file. Each function makes its own Context, so
// they are safe for concurrent use; inputs are validated (or made valid)
// before any operation, so go-geos never meets a geometry it panics on.

// minArea is the smallest polygon area kept, in square metres.
const minArea = 1e-6

// Validate refuses a geometry the blueprint must not store: too few
// distinct vertices, no area or no length, coordinates that are not
// finite, a self-intersecting or otherwise invalid polygon (GEOS's reason,
// with the place). The error wraps ErrGeometry and is worded for the user.
func Validate(g orb.Geometry) error {
	s, ok := shapeOf(g)
	if !ok {
		return fmt.Errorf("%w: %s", ErrGeometry, i18n.T("edit.err.kind"))
	}
	for _, p := range s.paths {
		for _, q := range p {
			if math.IsNaN(q[0]) || math.IsNaN(q[1]) || math.IsInf(q[0], 0) || math.IsInf(q[1], 0) {
				return fmt.Errorf("%w: %s", ErrGeometry, i18n.T("edit.err.coord"))
			}
		}
	}
	switch s.kind {
	case Line:
		for _, p := range s.paths {
			if len(dedupe(p, false)) < 2 {
				return fmt.Errorf("%w: %s", ErrGeometry, i18n.T("edit.err.line_points"))
			}
		}
	case Polygon:
		return validPolygons(s, g)
	}
	return nil
}

func validPolygons(s shape, g orb.Geometry) error {
	for _, p := range s.paths {
		if len(dedupe(p, true)) < 3 {
			return fmt.Errorf("%w: %s", ErrGeometry, i18n.T("edit.err.poly_points"))
		}
		if collinear(p) {
			return fmt.Errorf("%w: %s", ErrGeometry, i18n.T("edit.err.zero_area"))
		}
	}
	gctx := geos.NewContext()
	gg, err := toGEOS(gctx, g)
	if err != nil {
		return err
	}
	if !gg.IsValid() {
		return fmt.Errorf("%w: %s", ErrGeometry, reasonText(gg.IsValidReason()))
	}
	if gg.Area() < minArea {
		return fmt.Errorf("%w: %s", ErrGeometry, i18n.T("edit.err.zero_area"))
	}
	return nil
}

// collinear reports whether every vertex lies on one line (within a
// micrometre), a ring with no area at all.
func collinear(ps []orb.Point) bool {
	a, far := ps[0], ps[0]
	for _, p := range ps {
		if dist2(a, p) > dist2(a, far) {
			far = p
		}
	}
	l := math.Sqrt(dist2(a, far))
	if l == 0 {
		return true
	}
	for _, p := range ps {
		cross := (far[0]-a[0])*(p[1]-a[1]) - (far[1]-a[1])*(p[0]-a[0])
		if math.Abs(cross)/l > 1e-6 {
			return false
		}
	}
	return true
}

var reasonAt = regexp.MustCompile(`^([A-Za-z -]+)\[([-0-9.e+]+) ([-0-9.e+]+)\]`)

// reasonText words GEOS's IsValidReason ("Self-intersection[x y]") for
// the user.
func reasonText(r string) string {
	m := reasonAt.FindStringSubmatch(r)
	if m == nil {
		return i18n.T("edit.err.invalid") + ": " + r
	}
	key := map[string]string{"Self-intersection": "edit.err.self", "Ring Self-intersection": "edit.err.self",
		"Hole lies outside shell": "edit.err.hole",
		"Nested shells":           "edit.err.nested", "Interior is disconnected": "edit.err.disconnected"}[m[1]]
	x, y := roundText(m[2]), roundText(m[3])
	if key == "" {
		return fmt.Sprintf("%s: %s (%s, %s)", i18n.T("edit.err.invalid"), m[1], x, y)
	}
	return fmt.Sprintf(i18n.T(key), x, y)
}

// roundText shows a GEOS coordinate to the centimetre.
func roundText(s string) string {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return s
	}
	return strconv.FormatFloat(v, 'f', 2, 64)
}

func toGEOS(gctx *geos.Context, g orb.Geometry) (*geos.Geom, error) {
	b, err := wkb.Marshal(g)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrGeometry, err)
	}
	gg, err := gctx.NewGeomFromWKB(b)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrGeometry, err)
	}
	return gg, nil
}

// validGEOS converts a stored polygon, repairing it with MakeValid and
// keeping its polygonal part; nil if no area is left.
func validGEOS(gctx *geos.Context, g orb.Geometry) (*geos.Geom, error) {
	gg, err := toGEOS(gctx, g)
	if err != nil {
		return nil, err
	}
	if !gg.IsValid() {
		gg = gg.MakeValid()
	}
	gg = polygonal(gctx, gg)
	if gg == nil || gg.Area() < minArea {
		return nil, fmt.Errorf("%w: %s", ErrGeometry, i18n.T("edit.err.zero_area"))
	}
	return gg, nil
}

// polygonal keeps the polygons of g; nil if none (areal.Polygonal).
func polygonal(gctx *geos.Context, g *geos.Geom) *geos.Geom { return areal.Polygonal(gctx, g) }

func fromGEOS(g *geos.Geom) (orb.MultiPolygon, error) {
	mp, err := areal.MultiPolygon(g)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrGeometry, err)
	}
	return mp, nil
}

// Split cuts a polygon with a line into the pieces that lie inside it,
// largest first. It fails with ErrNothing when the line does not cut the
// polygon in two.
func Split(poly orb.Geometry, line orb.LineString) ([]orb.MultiPolygon, error) {
	if len(dedupe(line, false)) < 2 {
		return nil, fmt.Errorf("%w: %s", ErrGeometry, i18n.T("edit.err.line_points"))
	}
	gctx := geos.NewContext()
	gp, err := validGEOS(gctx, poly)
	if err != nil {
		return nil, err
	}
	gl, err := toGEOS(gctx, line)
	if err != nil {
		return nil, err
	}
	noded := gp.Boundary().Union(gl)
	pieces := gctx.Polygonize([]*geos.Geom{noded})
	var out []orb.MultiPolygon
	var areas []float64
	for i := range pieces.NumGeometries() {
		piece := pieces.Geometry(i)
		if piece.Area() < minArea || !gp.Contains(piece.PointOnSurface()) {
			continue
		}
		mp, err := fromGEOS(piece)
		if err != nil {
			return nil, err
		}
		out, areas = insertByArea(out, areas, mp, piece.Area())
	}
	if len(out) < 2 {
		return nil, fmt.Errorf("%w: %s", ErrNothing, i18n.T("edit.err.no_cut"))
	}
	return out, nil
}

func insertByArea(out []orb.MultiPolygon, areas []float64, mp orb.MultiPolygon, a float64) ([]orb.MultiPolygon, []float64) {
	i := 0
	for i < len(areas) && areas[i] >= a {
		i++
	}
	out = append(out[:i], append([]orb.MultiPolygon{mp}, out[i:]...)...)
	areas = append(areas[:i], append([]float64{a}, areas[i:]...)...)
	return out, areas
}

// Merge is the union of polygons (repaired first when invalid).
func Merge(polys ...orb.Geometry) (orb.MultiPolygon, error) {
	if len(polys) < 2 {
		return nil, fmt.Errorf("%w: %s", ErrNothing, i18n.T("edit.err.merge_two"))
	}
	gctx := geos.NewContext()
	var gs []*geos.Geom
	for _, p := range polys {
		g, err := validGEOS(gctx, p)
		if err != nil {
			return nil, err
		}
		gs = append(gs, g)
	}
	u := gctx.NewCollection(geos.TypeIDGeometryCollection, gs).UnaryUnion()
	u = polygonal(gctx, u)
	if u == nil {
		return nil, fmt.Errorf("%w: %s", ErrGeometry, i18n.T("edit.err.zero_area"))
	}
	return fromGEOS(u)
}
