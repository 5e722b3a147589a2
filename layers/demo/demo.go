// Package demo generates the deterministic demo blueprint: Shenyang in
// EPSG:4550, shaped by the real city outline and rivers, with every vector
// catalog layer filled with plausible shapes and attributes and with the
// realistic conflicts the conflict engine should find.
//
// The outline, rivers and relief it is shaped by ship inside the binary
// (assets.DemoSource), so it needs nothing beside the program; a folder
// with the same layout can stand in for them (Options.DataDir, LANTU_DATA).
package demo

import (
	"context"
	"fmt"
	"math"
	"os"
	"sort"

	"github.com/google/uuid"
	"github.com/paulmach/orb"

	"lantu/layers"
	"lantu/layers/catalog"
)

// Options configure Generate.
type Options struct {
	Scale    string // tiny, small (default, ~50k features), city (~1M), stress (~5M)
	Seed     int64  // 0: 1
	DataDir  string // folder with vector/ and dem/ as in assets/demo; "": LANTU_DATA, else the embedded copy
	Progress func(stage string, done, total int)
}

// Stats counts the features written per layer code.
type Stats struct {
	Layers   map[string]int
	Features int
}

// scales maps a scale name to its size factor.
var scales = map[string]float64{"tiny": 0.15, "small": 1, "city": 20, "stress": 100}

// Scales lists the scale names, smallest first.
func Scales() []string { return []string{"tiny", "small", "city", "stress"} }

// gen holds the state of one generation. Not safe for concurrent use.
type gen struct {
	data   *dataSource // the real outline, rivers and relief
	ctx    context.Context
	opt    Options
	k      float64
	cat    *catalog.Catalog
	w      *layers.BulkWriter
	src    *source
	geo    *geo
	stats  Stats
	centre orb.Point
	urbanR float64
	bound  orb.Bound
	dists  []district
	red    []orb.Polygon // ecological red line parts, for classification
	dev    []orb.Polygon // development boundary parts
	hv     []orb.LineString
	cell   float64 // land-use cell size in metres
	n1, n2 noise
}

// Generate writes a new demo blueprint to path (which must not exist). The
// same Scale, Seed and source data give the same content.
func Generate(ctx context.Context, path string, opt Options) (*Stats, error) {
	if opt.Scale == "" {
		opt.Scale = "small"
	}
	k, ok := scales[opt.Scale]
	if !ok {
		return nil, fmt.Errorf("demo: unknown scale %q (want tiny, small, city or stress)", opt.Scale)
	}
	if opt.Seed == 0 {
		opt.Seed = 1
	}
	data := openData(opt.DataDir)
	if err := data.check(); err != nil {
		return nil, err
	}
	src, err := loadSource(data)
	if err != nil {
		return nil, err
	}
	g := &gen{ctx: ctx, opt: opt, k: k, src: src, data: data, stats: Stats{Layers: map[string]int{}}}
	if err := g.run(path); err != nil {
		os.Remove(path)
		os.Remove(path + "-wal")
		os.Remove(path + "-shm")
		return nil, err
	}
	return &g.stats, nil
}

func (g *gen) run(path string) error {
	bp, err := layers.Create(path, layers.CreateOptions{User: "demo"})
	if err != nil {
		return err
	}
	defer bp.Close()
	g.cat = bp.Catalog()
	if g.geo, err = newGeo(g.src.outline); err != nil {
		return err
	}
	g.setup()
	if g.w, err = bp.Bulk(g.ctx); err != nil {
		return err
	}
	if err := g.fill(); err != nil {
		g.w.Rollback()
		return err
	}
	g.progress("索引 indexing", 0, 1)
	if err := g.w.Commit(); err != nil {
		return err
	}
	return g.terrain(bp)
}

func (g *gen) progress(stage string, done, total int) {
	if g.opt.Progress != nil {
		g.opt.Progress(stage, done, total)
	}
}

// setup derives the city frame: centre, urban radius, districts, control
// lines used by the classifiers.
func (g *gen) setup() {
	g.bound = polygons(toOrb(g.geo.outline)).Bound()
	g.centre = g.src.lonLat(123.43, 41.80)
	g.urbanR = 13000
	g.cell = 800 / math.Sqrt(g.k)
	g.n1 = noise{seed: uint64(g.opt.Seed) * 7, scale: 6000}
	g.n2 = noise{seed: uint64(g.opt.Seed) * 13, scale: 900}
	g.dists = g.makeDistricts()
	g.dev = g.makeDevBoundary()
	g.red = g.makeRedLine()
	g.hv = g.makeHVLines()
}

// fill writes every vector layer in catalog tree order.
func (g *gen) fill() error {
	ls := append([]*catalog.Layer(nil), g.cat.Layers...)
	sort.SliceStable(ls, func(i, j int) bool { return ls[i].Tree < ls[j].Tree })
	for i, l := range ls {
		if err := g.ctx.Err(); err != nil {
			return err
		}
		g.progress("图层 layers", i, len(ls))
		if l.Geometry == "raster" {
			continue
		}
		if err := g.layer(l); err != nil {
			return fmt.Errorf("demo: layer %s: %w", l.Code, err)
		}
	}
	g.progress("图层 layers", len(ls), len(ls))
	return nil
}

// put writes one feature, filling the attributes it was not given.
func (g *gen) put(l *catalog.Layer, geom orb.Geometry, attrs map[string]any) error {
	if geom == nil {
		return nil
	}
	if attrs == nil {
		attrs = map[string]any{}
	}
	n := g.stats.Layers[l.Code]
	g.fillAttrs(l, geom, attrs, n)
	attrs["uid"] = uuid.NewSHA1(uuid.NameSpaceOID, fmt.Appendf(nil, "lantu-demo/%d/%s/%d", g.opt.Seed, l.Code, n)).String()
	if err := g.w.Insert(l.Code, geom, attrs); err != nil {
		return err
	}
	g.stats.Layers[l.Code] = n + 1
	g.stats.Features++
	return nil
}

// putPolys writes each polygon of a multipolygon-producing step as one
// MultiPolygon feature.
func (g *gen) putPoly(l *catalog.Layer, mp orb.MultiPolygon, attrs map[string]any) error {
	if len(mp) == 0 {
		return nil
	}
	return g.put(l, mp, attrs)
}

func (g *gen) putLine(l *catalog.Layer, ml orb.MultiLineString, attrs map[string]any) error {
	if len(ml) == 0 {
		return nil
	}
	return g.put(l, ml, attrs)
}

// count scales a per-small-demo count.
func (g *gen) count(n int) int { return max(1, int(float64(n)*g.k)) }

// dist is the distance from the city centre.
func (g *gen) dist(p orb.Point) float64 { return math.Hypot(p[0]-g.centre[0], p[1]-g.centre[1]) }

// east is how far east of the centre p lies, in metres.
func (g *gen) east(p orb.Point) float64 { return p[0] - g.centre[0] }
