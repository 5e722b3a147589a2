package demo

import (
	"math"
	"math/rand/v2"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"lantu/layers/catalog"
)

func (g *gen) districtLayer(l *catalog.Layer) error {
	for _, d := range g.dists {
		if err := g.putPoly(l, d.poly, map[string]any{"xzqdm": d.code, "xzqmc": d.name}); err != nil {
			return err
		}
	}
	return nil
}

// subdivide splits each district into Voronoi cells around random seeds:
// townships and villages. perDistrict scales with the demo size.
func (g *gen) subdivide(l *catalog.Layer, perDistrict int) error {
	r := rng(g.opt.Seed, l.Code)
	n := max(2, int(float64(perDistrict)*math.Sqrt(g.k)))
	for di, d := range g.dists {
		if len(d.poly) == 0 {
			continue
		}
		container, err := g.geo.fromOrb(d.poly)
		if err != nil {
			return err
		}
		b := d.poly.Bound()
		var seeds []orb.Point
		for tries := 0; len(seeds) < n && tries < n*50; tries++ {
			p := orb.Point{b.Min[0] + r.Float64()*(b.Max[0]-b.Min[0]), b.Min[1] + r.Float64()*(b.Max[1]-b.Min[1])}
			if planar.MultiPolygonContains(d.poly, p) {
				seeds = append(seeds, p)
			}
		}
		for i := range seeds {
			cell := voronoiCell(b.Pad(10), seeds, i)
			if cell == nil {
				continue
			}
			mp := g.geo.clipTo(cell, container)
			code := d.code + fmtInt(i+1, 3)
			name := d.short() + []string{"街道", "镇", "乡"}[(i+di)%3]
			if err := g.putPoly(l, mp, map[string]any{"xzqdm": code, "xzqmc": name + fmtInt(i+1, 0)}); err != nil {
				return err
			}
		}
	}
	return nil
}

func fmtInt(v, width int) string {
	s := []byte{}
	for v > 0 || len(s) < width || len(s) == 0 {
		s = append([]byte{byte('0' + v%10)}, s...)
		v /= 10
		if v == 0 && len(s) >= width {
			break
		}
	}
	return string(s)
}

func (g *gen) boundaryLines(l *catalog.Layer) error {
	for _, d := range g.dists {
		var ml orb.MultiLineString
		for _, p := range d.poly {
			ml = append(ml, orb.LineString(p[0]))
		}
		if err := g.putLine(l, ml, map[string]any{"mc": d.name + "界线", "dj": "区县界"}); err != nil {
			return err
		}
	}
	return nil
}

// tessellate covers the city (or the part keep accepts) with jittered
// quads clipped to the outline, one feature per cell.
func (g *gen) tessellate(l *catalog.Layer, cell float64, keep func(orb.Point) bool) error {
	gr := grid{origin: g.bound.Min, cell: cell, jitter: 0.22, seed: uint64(g.opt.Seed)*31 + uint64(len(l.Code))}
	var err error
	g.cellsOf(gr, func(i, j int64) bool {
		c := gr.centre(i, j)
		if keep != nil && !keep(c) {
			return true
		}
		err = g.putPoly(l, g.geo.clip(gr.quad(i, j)), nil)
		return err == nil
	})
	return err
}

// cellsOf walks the grid cells that may touch the city, stopping when fn
// returns false; cells far outside are skipped cheaply.
func (g *gen) cellsOf(gr grid, fn func(i, j int64) bool) { g.cellsIn(gr, g.bound, fn) }

// cellsIn is cellsOf limited to the cells covering b.
func (g *gen) cellsIn(gr grid, b orb.Bound, fn func(i, j int64) bool) {
	stop := false
	gr.cells(b, func(i, j int64) {
		if stop {
			return
		}
		c := gr.centre(i, j)
		if !g.geo.inside(c) && !g.nearOutline(c, gr.cell) {
			return
		}
		if g.ctx.Err() != nil || !fn(i, j) {
			stop = true
		}
	})
}

// nearOutline reports whether a cell centred at c may cross the outline.
func (g *gen) nearOutline(c orb.Point, cell float64) bool {
	for _, d := range [][2]float64{{-1, -1}, {1, -1}, {1, 1}, {-1, 1}} {
		if g.geo.inside(orb.Point{c[0] + d[0]*cell*0.8, c[1] + d[1]*cell*0.8}) {
			return true
		}
	}
	return false
}

func (g *gen) rivers(l *catalog.Layer) error {
	for i, rv := range g.src.rivers {
		ml := g.geo.clipLine(rv)
		if err := g.putLine(l, ml, map[string]any{"mc": riverNames[i%len(riverNames)], "dj": "一级"}); err != nil {
			return err
		}
	}
	return nil
}

var riverNames = []string{"浑河", "辽河", "蒲河", "细河", "北沙河", "柳河", "秀水河", "养息牧河", "招苏台河", "饶阳河"}

func (g *gen) riverBuffer(l *catalog.Layer, width float64) error {
	for i, rv := range g.src.rivers {
		if err := g.putPoly(l, g.geo.buffer(rv, width), map[string]any{"mc": riverNames[i%len(riverNames)]}); err != nil {
			return err
		}
	}
	return nil
}

// roads are a grid of streets in the city, ring roads and radial highways.
func (g *gen) roads(l *catalog.Layer) error {
	spacing := 1500 / math.Sqrt(math.Sqrt(g.k))
	R := g.urbanR * 1.1
	for x := -R; x <= R; x += spacing {
		for _, line := range []orb.LineString{
			{{g.centre[0] + x, g.centre[1] - R}, {g.centre[0] + x, g.centre[1] + R}},
			{{g.centre[0] - R, g.centre[1] + x}, {g.centre[0] + R, g.centre[1] + x}},
		} {
			if err := g.putLine(l, g.geo.clipLine(line), map[string]any{"dj": "城市道路", "kd": 30}); err != nil {
				return err
			}
		}
	}
	for _, rr := range []float64{5000, 9000, g.urbanR * 1.25} {
		if err := g.putLine(l, g.geo.clipLine(orb.LineString(circle(g.centre, rr, 120))), map[string]any{"dj": "环路", "kd": 50}); err != nil {
			return err
		}
	}
	for _, d := range g.dists[5:] {
		if err := g.putLine(l, g.geo.clipLine(orb.LineString{g.centre, d.seed}), map[string]any{"mc": "沈" + d.short() + "公路", "dj": "一级公路", "kd": 40}); err != nil {
			return err
		}
	}
	return nil
}

func (g *gen) hvLines(l *catalog.Layer) error {
	for i, line := range g.hv {
		if err := g.putLine(l, g.geo.clipLine(line), map[string]any{"mc": []string{"500kV", "220kV"}[i%2] + "线路", "dj": "高压"}); err != nil {
			return err
		}
	}
	return nil
}

func (g *gen) hvBuffer(l *catalog.Layer, width float64) error {
	for _, line := range g.hv {
		if err := g.putPoly(l, g.geo.buffer(line, width), nil); err != nil {
			return err
		}
	}
	return nil
}

// smallRects scatters small rectangles (buildings, parcels) over the urban
// area, denser towards the centre.
func (g *gen) smallRects(l *catalog.Layer, n int, minSize, maxSize float64) error {
	r := rng(g.opt.Seed, l.Code)
	for i := 0; i < n; i++ {
		c := g.randomInside(r, 0, g.urbanR*(0.6+0.6*r.Float64()))
		w := minSize + r.Float64()*(maxSize-minSize)
		h := minSize + r.Float64()*(maxSize-minSize)
		if err := g.put(l, orb.MultiPolygon{rect(c, w, h, r.Float64()*math.Pi/2)}, nil); err != nil {
			return err
		}
	}
	return nil
}

func (g *gen) fixed(l *catalog.Layer, ps []orb.Polygon) error {
	for _, p := range ps {
		if err := g.putPoly(l, g.geo.clip(p), nil); err != nil {
			return err
		}
	}
	return nil
}

// farmland is the permanent basic farmland: blocks of the western plains
// where the survey says cropland, kept out of the development boundary but
// for a few (a conflict to find).
func (g *gen) farmland(l *catalog.Layer) error {
	gr := grid{origin: g.bound.Min, cell: 2500 / math.Sqrt(math.Sqrt(g.k)), jitter: 0.2, seed: uint64(g.opt.Seed) * 97}
	r := rng(g.opt.Seed, l.Code)
	var err error
	g.cellsOf(gr, func(i, j int64) bool {
		c := gr.centre(i, j)
		if g.statusClass(c)[:2] != "01" || (inAny(g.dev, c) && r.Float64() > 0.06) || inAny(g.red, c) {
			return true
		}
		err = g.putPoly(l, g.geo.clip(gr.quad(i, j)), map[string]any{"lx": "永久基本农田"})
		return err == nil
	})
	return err
}

// regulatoryPlots are the detailed plan's plots in the central city: mostly
// the master plan's class, a few differing (控规 vs 总规 conflicts).
func (g *gen) regulatoryPlots(l *catalog.Layer) error {
	gr := grid{origin: g.bound.Min, cell: 400 / math.Sqrt(g.k), jitter: 0.2, seed: uint64(g.opt.Seed) * 53}
	r := rng(g.opt.Seed, l.Code)
	var err error
	g.cellsIn(gr, g.around(g.urbanR), func(i, j int64) bool {
		c := gr.centre(i, j)
		if g.dist(c) > g.urbanR {
			return true
		}
		class := g.planClass(c)
		if r.Float64() < 0.04 {
			class = []string{"0901", "1001", "070102", "0804"}[r.IntN(4)]
		}
		err = g.putPoly(l, g.geo.clip(gr.quad(i, j)), map[string]any{"ydyhdm": class})
		return err == nil
	})
	return err
}

// heritage protects the three imperial sites: 沈阳故宫, 北陵 and 东陵.
func (g *gen) heritage(l *catalog.Layer) error {
	r := rng(g.opt.Seed, l.Code)
	for _, s := range []struct {
		name     string
		lon, lat float64
	}{{"沈阳故宫", 123.456, 41.797}, {"清昭陵(北陵)", 123.420, 41.840}, {"清福陵(东陵)", 123.600, 41.830}} {
		if err := g.putPoly(l, g.geo.clip(blob(r, g.src.lonLat(s.lon, s.lat), 700, 36)), map[string]any{"mc": s.name, "lx": "世界文化遗产"}); err != nil {
			return err
		}
	}
	return nil
}

func (g *gen) eastBlobs(l *catalog.Layer, n int, radius float64) error {
	r := rng(g.opt.Seed, l.Code)
	for i, tries := 0, 0; i < g.count(n) && tries < 1000*g.count(n); tries++ {
		c := g.randomInside(r, 0, 0)
		if g.east(c) < 15000 {
			continue
		}
		i++
		if err := g.putPoly(l, g.geo.clip(blob(r, c, radius*(0.4+r.Float64())/math.Sqrt(math.Sqrt(g.k)), 32)), nil); err != nil {
			return err
		}
	}
	return nil
}

// points scatters points, optionally only east of the centre by minEast.
func (g *gen) points(l *catalog.Layer, r *rand.Rand, n int, minEast, _ float64) error {
	for i, tries := 0, 0; i < n && tries < 1000*n; tries++ {
		p := g.randomInside(r, 0, 0)
		if minEast > 0 && g.east(p) < minEast {
			continue
		}
		i++
		if err := g.put(l, p, nil); err != nil {
			return err
		}
	}
	return nil
}

// changes are the annual change-survey patches: a sample of cells whose
// class changed.
func (g *gen) changes(l *catalog.Layer) error {
	gr := grid{origin: g.bound.Min, cell: g.cell, jitter: 0.22, seed: uint64(g.opt.Seed)*31 + uint64(len("XZ_DLTB"))}
	r := rng(g.opt.Seed, l.Code)
	var err error
	g.cellsIn(gr, g.around(g.urbanR*1.6), func(i, j int64) bool {
		if r.Float64() > 0.05 || g.dist(gr.centre(i, j)) > g.urbanR*1.6 {
			return true
		}
		err = g.putPoly(l, g.geo.clip(gr.quad(i, j)), map[string]any{"dlbm": []string{"0701", "0601", "1004", "0810"}[r.IntN(4)]})
		return err == nil
	})
	return err
}

// approvals are rectangles near the urban edge: most inside the
// development boundary, some outside it, a few out east in the red line.
func (g *gen) approvals(l *catalog.Layer, r *rand.Rand, n int) error {
	for i := 0; i < n; i++ {
		var c orb.Point
		switch u := r.Float64(); {
		case u < 0.8:
			c = g.randomInside(r, g.urbanR*0.7, g.urbanR*1.45)
		case u < 0.93:
			c = g.randomInside(r, 0, 0)
		default:
			c = g.randomInside(r, 0, 0)
			if len(g.red) > 0 {
				c = g.red[r.IntN(len(g.red))].Bound().Center()
			}
		}
		s := 80 + r.Float64()*320
		if err := g.putPoly(l, g.geo.clip(rect(c, s, s*(0.5+r.Float64()), r.Float64()*math.Pi)), nil); err != nil {
			return err
		}
	}
	return nil
}

func (g *gen) blobs(l *catalog.Layer, r *rand.Rand, n int) error {
	radius := 2500 / math.Sqrt(math.Sqrt(g.k))
	for i := 0; i < n; i++ {
		c := g.randomInside(r, 0, 0)
		if err := g.putPoly(l, g.geo.clip(blob(r, c, radius*(0.2+r.Float64()), 24)), nil); err != nil {
			return err
		}
	}
	return nil
}

func (g *gen) walks(l *catalog.Layer, r *rand.Rand, n int) error {
	for i := 0; i < n; i++ {
		c := g.randomInside(r, 0, 0)
		ml := g.geo.clipLine(walk(r, c, r.Float64()*2*math.Pi, 600, 12))
		if err := g.putLine(l, ml, nil); err != nil {
			return err
		}
	}
	return nil
}

// around is the square bound of radius r around the city centre.
func (g *gen) around(r float64) orb.Bound {
	return orb.Bound{Min: orb.Point{g.centre[0] - r, g.centre[1] - r}, Max: orb.Point{g.centre[0] + r, g.centre[1] + r}}
}
