package demo

import (
	"math"
	"math/rand/v2"
	"strings"

	"github.com/paulmach/orb"

	"lantu/layers/catalog"
)

// district is one 区/县 with its seed, code and polygon.
type district struct {
	name, code string
	seed       orb.Point
	poly       orb.MultiPolygon
}

func (d *district) short() string {
	return strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(d.name, "区"), "县"), "市")
}

// districtSeeds are the seats of Shenyang's districts and counties.
var districtSeeds = []struct {
	name, code string
	lon, lat   float64
}{
	{"和平区", "210102", 123.40, 41.79}, {"沈河区", "210103", 123.46, 41.80}, {"大东区", "210104", 123.50, 41.82},
	{"皇姑区", "210105", 123.42, 41.83}, {"铁西区", "210106", 123.33, 41.78}, {"苏家屯区", "210111", 123.34, 41.66},
	{"浑南区", "210112", 123.55, 41.70}, {"沈北新区", "210113", 123.52, 42.02}, {"于洪区", "210114", 123.25, 41.85},
	{"辽中区", "210115", 122.72, 41.52}, {"康平县", "210123", 123.35, 42.75}, {"法库县", "210124", 123.41, 42.50},
	{"新民市", "210181", 122.83, 42.00},
}

func (g *gen) makeDistricts() []district {
	seeds := make([]orb.Point, len(districtSeeds))
	for i, s := range districtSeeds {
		seeds[i] = g.src.lonLat(s.lon, s.lat)
	}
	box := g.bound.Pad(1000)
	out := make([]district, len(seeds))
	for i, s := range districtSeeds {
		out[i] = district{name: s.name, code: s.code, seed: seeds[i]}
		if cell := voronoiCell(box, seeds, i); cell != nil {
			out[i].poly = g.geo.clip(cell)
		}
	}
	return out
}

// districtAt is the district whose seed is nearest to p (its Voronoi cell).
func (g *gen) districtAt(p orb.Point) *district {
	best, bd := &g.dists[0], math.Inf(1)
	for i := range g.dists {
		if d := math.Hypot(p[0]-g.dists[i].seed[0], p[1]-g.dists[i].seed[1]); d < bd {
			best, bd = &g.dists[i], d
		}
	}
	return best
}

// makeDevBoundary is the urban development boundary: the main city and the
// county seats.
func (g *gen) makeDevBoundary() []orb.Polygon {
	r := rng(g.opt.Seed, "dev")
	out := []orb.Polygon{blob(r, g.centre, g.urbanR*1.2, 72)}
	for _, d := range g.dists[9:] {
		out = append(out, blob(r, d.seed, 3500, 40))
	}
	out = append(out, blob(r, g.dists[7].seed, 5000, 40), blob(r, g.dists[5].seed, 4000, 40))
	return out
}

// makeRedLine is the ecological red line: hills in the east, and one part
// that reaches into the development boundary (a conflict to find).
func (g *gen) makeRedLine() []orb.Polygon {
	r := rng(g.opt.Seed, "red")
	var out []orb.Polygon
	x0 := g.centre[0] + 15000
	for tries := 0; len(out) < 14 && tries < 100000; tries++ {
		p := orb.Point{x0 + r.Float64()*(g.bound.Max[0]-x0), g.bound.Min[1] + r.Float64()*(g.bound.Max[1]-g.bound.Min[1])}
		if g.geo.inside(p) {
			out = append(out, blob(r, p, 2500+r.Float64()*5000, 48))
		}
	}
	edge := orb.Point{g.centre[0] + g.urbanR*1.15, g.centre[1] - 2000}
	return append(out, blob(r, edge, 1800, 36))
}

// makeHVLines are high-voltage lines crossing the city.
func (g *gen) makeHVLines() []orb.LineString {
	r := rng(g.opt.Seed, "hv")
	var out []orb.LineString
	for i := 0; i < 6; i++ {
		a := float64(i) * math.Pi / 6
		start := orb.Point{g.centre[0] - 60000*math.Cos(a), g.centre[1] - 60000*math.Sin(a)}
		out = append(out, walk(r, start, a, 4000, 30))
	}
	return out
}

// randomInside draws a point inside the city, optionally inside a radius
// band around the centre.
func (g *gen) randomInside(r *rand.Rand, rmin, rmax float64) orb.Point {
	for i := 0; i < 10000; i++ {
		var p orb.Point
		if rmax > 0 {
			d := rmin + math.Sqrt(r.Float64())*(rmax-rmin)
			a := r.Float64() * 2 * math.Pi
			p = orb.Point{g.centre[0] + d*math.Cos(a), g.centre[1] + d*math.Sin(a)}
		} else {
			p = orb.Point{g.bound.Min[0] + r.Float64()*(g.bound.Max[0]-g.bound.Min[0]), g.bound.Min[1] + r.Float64()*(g.bound.Max[1]-g.bound.Min[1])}
		}
		if g.geo.inside(p) {
			return p
		}
	}
	return g.centre
}

// layer writes one catalog layer with its own generator, or a generic one
// by geometry kind.
func (g *gen) layer(l *catalog.Layer) error {
	if fn := g.special(l.Code); fn != nil {
		return fn(l)
	}
	r := rng(g.opt.Seed, l.Code)
	switch {
	case l.Geometry == "polygon" && (l.Role == "approval" || l.Role == "proposal"):
		return g.approvals(l, r, g.count(map[bool]int{true: 60, false: 25}[l.Visible]))
	case l.Geometry == "polygon":
		return g.blobs(l, r, g.count(30))
	case l.Geometry == "line":
		return g.walks(l, r, g.count(20))
	}
	return g.points(l, r, g.count(40), 0, 0)
}

// special returns the generator of layers that need their own shapes.
func (g *gen) special(code string) func(*catalog.Layer) error {
	return map[string]func(*catalog.Layer) error{
		"XZ_SJXZQ": func(l *catalog.Layer) error {
			return g.putPoly(l, polygons(toOrb(g.geo.outline)), map[string]any{"xzqdm": "210100", "xzqmc": "沈阳市"})
		},
		"XZ_QXXZQ":   g.districtLayer,
		"XZ_XZXZQ":   func(l *catalog.Layer) error { return g.subdivide(l, 8) },
		"XZ_CJXZQ":   func(l *catalog.Layer) error { return g.subdivide(l, 60) },
		"XZ_XZJX":    g.boundaryLines,
		"XZ_DLTB":    func(l *catalog.Layer) error { return g.tessellate(l, g.cell, nil) },
		"XZ_HL":      g.rivers,
		"XZ_SM":      func(l *catalog.Layer) error { return g.riverBuffer(l, 60) },
		"GH_LANX":    func(l *catalog.Layer) error { return g.riverBuffer(l, 150) },
		"XZ_DLZXX":   g.roads,
		"XZ_GYXL":    g.hvLines,
		"GH_GYZL":    func(l *catalog.Layer) error { return g.hvBuffer(l, 50) },
		"GH_HX":      func(l *catalog.Layer) error { return g.hvBuffer(l, 30) },
		"XZ_JZW":     func(l *catalog.Layer) error { return g.smallRects(l, g.count(8000), 12, 50) },
		"GL_ZD":      func(l *catalog.Layer) error { return g.smallRects(l, g.count(3000), 40, 160) },
		"GL_FW":      func(l *catalog.Layer) error { return g.smallRects(l, g.count(3000), 10, 30) },
		"GL_BDCDY":   func(l *catalog.Layer) error { return g.smallRects(l, g.count(1500), 20, 80) },
		"GH_STBHHX":  func(l *catalog.Layer) error { return g.fixed(l, g.red) },
		"GH_CZKFBJ":  func(l *catalog.Layer) error { return g.fixed(l, g.dev) },
		"GH_YJJBNT":  g.farmland,
		"GH_GHYDYH":  func(l *catalog.Layer) error { return g.tessellate(l, g.cell*2, nil) },
		"GH_TGYTFQ":  func(l *catalog.Layer) error { return g.tessellate(l, g.cell*3, nil) },
		"GH_JSYDGZQ": func(l *catalog.Layer) error { return g.tessellate(l, g.cell*4, nil) },
		"GH_GHFQ":    func(l *catalog.Layer) error { return g.tessellate(l, g.cell*5, nil) },
		"GH_CGYD":    func(l *catalog.Layer) error { return g.tessellate(l, g.cell*1.5, g.within(g.urbanR*2.2)) },
		"GH_KGDK":    g.regulatoryPlots,
		"GH_ZXCQ": func(l *catalog.Layer) error {
			return g.putPoly(l, g.geo.clip(orb.Polygon{circle(g.centre, g.urbanR*1.5, 96)}), nil)
		},
		"GH_ZX":       g.heritage,
		"XZ_DZZHYFQ":  func(l *catalog.Layer) error { return g.eastBlobs(l, 10, 3000) },
		"XZ_DZZHD":    func(l *catalog.Layer) error { return g.points(l, rng(g.opt.Seed, l.Code), g.count(40), 15000, 0) },
		"XZ_BGDC2021": func(l *catalog.Layer) error { return g.changes(l) },
		"XZ_BGDC2022": func(l *catalog.Layer) error { return g.changes(l) },
		"XZ_BGDC2023": func(l *catalog.Layer) error { return g.changes(l) },
	}[code]
}

// within limits a tessellation to a radius around the centre.
func (g *gen) within(radius float64) func(orb.Point) bool {
	return func(p orb.Point) bool { return g.dist(p) < radius }
}
