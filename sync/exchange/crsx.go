package exchange

import (
	"net/http"
	"strings"
	"sync"

	"github.com/paulmach/orb"

	"lantu/layers/crs"
	"lantu/sync/wire"
)

// crsSet caches transformers and axis orders. CRS 0 is CRS84 (longitude,
// latitude). On the OGC API endpoints an EPSG code has the axis order EPSG
// gives it (EPSG:4490 is latitude, longitude; EPSG:4550 northing,
// easting), as OGC API - Features Part 2 asks; the exchange protocol's own
// endpoints (/changes, /sync/push) always use x=east, y=north ("gis"
// order, as GeoJSON and GeoPackage keep them), whatever the CRS. Stores
// keep x=east, y=north. Safe for concurrent use.
type crsSet struct {
	mu    sync.Mutex
	trs   map[[2]int]*crs.Transformer
	north map[int]bool
}

func newCRSSet() *crsSet {
	return &crsSet{trs: map[[2]int]*crs.Transformer{}, north: map[int]bool{0: false}}
}

// supported are the output CRSs of a collection stored in srid.
func supportedCRS(srid int) []int {
	out := []int{0, crs.CGCS2000, crs.CGCS2000GK}
	if srid != crs.CGCS2000 && srid != crs.CGCS2000GK && srid != 0 {
		out = append(out, srid)
	}
	return out
}

func supports(srid, code int) bool {
	for _, c := range supportedCRS(srid) {
		if c == code {
			return true
		}
	}
	return false
}

// parseCRSParam reads a crs or bbox-crs parameter (or Content-Crs) and
// checks the collection can serve it.
func parseCRSParam(name, value string, srid int) (int, *wire.Problem) {
	code, err := wire.ParseCRS(value)
	if err != nil {
		return 0, problemf(http.StatusBadRequest, wire.ProblemCRS, "%s: %v", name, err)
	}
	if !supports(srid, code) {
		return 0, problemf(http.StatusBadRequest, wire.ProblemCRS, "%s: %s is not offered (CRS84, EPSG:4490, EPSG:4550)", name, wire.CRSURI(code))
	}
	return code, nil
}

// northFirst tells whether an EPSG code's first axis points north.
func (c *crsSet) northFirst(code int) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if v, ok := c.north[code]; ok {
		return v
	}
	v := false
	if d, err := crs.Lookup(code); err == nil {
		v = firstAxisNorth(d.WKT2)
	}
	c.north[code] = v
	return v
}

// firstAxisNorth reads the direction of the first AXIS of a WKT2 string.
func firstAxisNorth(wkt string) bool {
	i := strings.Index(wkt, "AXIS[")
	if i < 0 {
		return false
	}
	rest := wkt[i+5:]
	if q := strings.Index(rest[1:], `"`); rest != "" && rest[0] == '"' && q >= 0 {
		rest = rest[q+2:]
	}
	rest = strings.TrimLeft(rest, ", ")
	return strings.HasPrefix(strings.ToLower(rest), "north")
}

func (c *crsSet) transformer(from, to int) (*crs.Transformer, error) {
	if from == 0 {
		from = crs.WGS84
	}
	if to == 0 {
		to = crs.WGS84
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	k := [2]int{from, to}
	if t := c.trs[k]; t != nil {
		return t, nil
	}
	t, err := crs.NewTransformer(from, to)
	if err != nil {
		return nil, err
	}
	c.trs[k] = t
	return t, nil
}

// out converts stored geometry (native srid, x=east) to code's CRS and axis order.
func (c *crsSet) out(g orb.Geometry, native, code int, gis bool) (orb.Geometry, error) {
	if g == nil {
		return nil, nil
	}
	if native != code {
		t, err := c.transformer(native, code)
		if err != nil {
			return nil, err
		}
		if g, err = t.Geometry(g); err != nil {
			return nil, err
		}
	}
	if !gis && code != 0 && c.northFirst(code) {
		g = swapped(g, native == code)
	}
	return g, nil
}

// in converts geometry in code's CRS and axis order to stored coordinates.
func (c *crsSet) in(g orb.Geometry, code, native int, gis bool) (orb.Geometry, error) {
	if g == nil {
		return nil, nil
	}
	if !gis && code != 0 && c.northFirst(code) {
		g = swapped(g, true)
	}
	if native == code {
		return g, nil
	}
	t, err := c.transformer(code, native)
	if err != nil {
		return nil, err
	}
	return t.Geometry(g)
}

// bound converts a box given in code's CRS and axis order to native.
func (c *crsSet) bound(b orb.Bound, code, native int, gis bool) (orb.Bound, error) {
	if !gis && code != 0 && c.northFirst(code) {
		b = orb.Bound{Min: orb.Point{b.Min[1], b.Min[0]}, Max: orb.Point{b.Max[1], b.Max[0]}}
	}
	if code == native {
		return b, nil
	}
	t, err := c.transformer(code, native)
	if err != nil {
		return b, err
	}
	return t.Bound(b)
}

// crs84Bound is a native box in CRS84.
func (c *crsSet) crs84Bound(b orb.Bound, native int) (orb.Bound, error) {
	t, err := c.transformer(native, 0)
	if err != nil {
		return b, err
	}
	return t.Bound(b)
}

// swapped exchanges x and y of every point; copy says whether g must be
// copied first (it is shared).
func swapped(g orb.Geometry, copy bool) orb.Geometry {
	if p, ok := g.(orb.Point); ok {
		return orb.Point{p[1], p[0]}
	}
	if copy {
		g = orb.Clone(g)
	}
	swapAll(g)
	return g
}

func swapAll(g orb.Geometry) {
	sw := func(ps []orb.Point) {
		for i, p := range ps {
			ps[i] = orb.Point{p[1], p[0]}
		}
	}
	switch g := g.(type) {
	case orb.MultiPoint:
		sw(g)
	case orb.LineString:
		sw(g)
	case orb.MultiLineString:
		for _, l := range g {
			sw(l)
		}
	case orb.Ring:
		sw(g)
	case orb.Polygon:
		for _, r := range g {
			sw(r)
		}
	case orb.MultiPolygon:
		for _, p := range g {
			for _, r := range p {
				sw(r)
			}
		}
	case orb.Collection:
		for i, m := range g {
			if p, ok := m.(orb.Point); ok {
				g[i] = orb.Point{p[1], p[0]}
			} else {
				swapAll(m)
			}
		}
	}
}

// crsHeader is a Content-Crs value.
func crsHeader(code int) string { return "<" + wire.CRSURI(code) + ">" }

// reproject converts stored coordinates between two storage CRSs.
func (c *crsSet) reproject(g orb.Geometry, from, to int) (orb.Geometry, error) {
	if g == nil || from == to {
		return g, nil
	}
	t, err := c.transformer(from, to)
	if err != nil {
		return nil, err
	}
	return t.Geometry(g)
}
