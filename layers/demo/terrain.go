package demo

import (
	"fmt"
	"math"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/paulmach/orb"

	"lantu/layers"
	"lantu/layers/gpkg"
	"lantu/layers/terrain"
)

// demCell is the demo DEM's cell size in metres per scale: about 30 m as
// the city's survey DEM, coarser for the tiny test blueprint.
var demCell = map[string]float64{"tiny": 240, "small": 30, "city": 30, "stress": 30}

// etopoFile is the coarse real relief the demo DEM is shaped by.
const etopoFile = "dem/etopo20_northeast_china.tif"

// terrain stores the demo DEM and the slope and hillshade derived from it
// in the catalog's three raster layers.
func (g *gen) terrain(bp *layers.Blueprint) error {
	tables := map[string]string{}
	for _, l := range g.cat.Layers {
		if l.Geometry == "raster" {
			tables[l.Code] = l.Table
		}
	}
	if tables["XZ_DEM"] == "" {
		return nil // a catalog without terrain layers
	}
	g.progress("地形 terrain", 0, 3)
	b := g.bound.Pad(2000)
	etopo, cleanup, err := g.data.filePath(etopoFile)
	if err != nil {
		return err
	}
	dem, err := terrain.DemoDEM(g.ctx, b, demCell[g.opt.Scale], g.opt.Seed, etopo)
	cleanup()
	if err != nil {
		return fmt.Errorf("demo: DEM: %w", err)
	}
	clipToOutline(dem, g.geo.mask.poly)
	db := bp.DB()
	if err := terrain.Import(g.ctx, bp, tables["XZ_DEM"], dem, bp.SRID()); err != nil {
		return err
	}
	g.rasterStats(db, "XZ_DEM", tables["XZ_DEM"])
	g.progress("地形 terrain", 1, 3)
	opt := terrain.DefaultOptions()
	if t := tables["XZ_PD"]; t != "" {
		if err := terrain.ImportCoverage(g.ctx, bp, t, terrain.Slope(dem, opt), bp.SRID(), terrain.SlopeMeta); err != nil {
			return err
		}
		g.rasterStats(db, "XZ_PD", t)
	}
	g.progress("地形 terrain", 2, 3)
	if t := tables["XZ_STYY"]; t != "" {
		if err := terrain.ImportHillshade(g.ctx, bp, t, dem, opt); err != nil {
			return err
		}
		g.rasterStats(db, "XZ_STYY", t)
	}
	g.progress("地形 terrain", 3, 3)
	return nil
}

// clipToOutline makes the cells whose centres lie outside the outline
// nodata, so the stored rasters cover the city only.
func clipToOutline(g *terrain.Grid, outline orb.MultiPolygon) {
	g.HasNoData, g.NoData = true, -9999
	gt := g.GeoTransform
	var next atomic.Int64
	var wg sync.WaitGroup
	for range runtime.NumCPU() {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var xs []float64
			for r := int(next.Add(1) - 1); r < g.Height; r = int(next.Add(1) - 1) {
				y := gt[3] + (float64(r)+0.5)*gt[5]
				xs = rowCrossings(outline, y, xs[:0])
				row := g.Data[r*g.Width : (r+1)*g.Width]
				c := 0
				for k := 0; k+1 < len(xs); k += 2 {
					c0 := min(g.Width, max(0, int(math.Ceil((xs[k]-gt[0])/gt[1]-0.5))))
					c1 := min(g.Width, max(0, int(math.Floor((xs[k+1]-gt[0])/gt[1]-0.5))+1))
					for ; c < c0; c++ {
						row[c] = -9999
					}
					c = max(c, c1)
				}
				for ; c < g.Width; c++ {
					row[c] = -9999
				}
			}
		}()
	}
	wg.Wait()
}

// rasterStats counts a raster layer's tiles as its features.
func (g *gen) rasterStats(db *gpkg.DB, code, table string) {
	var n int
	if err := db.R.QueryRowContext(g.ctx, `SELECT count(*) FROM `+gpkg.QuoteIdent(table)).Scan(&n); err == nil {
		g.stats.Layers[code] = n
	}
}
