package demo

import (
	"fmt"
	"path/filepath"

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
	dem, err := terrain.DemoDEM(g.ctx, b, demCell[g.opt.Scale], g.opt.Seed, filepath.Join(g.dir, etopoFile))
	if err != nil {
		return fmt.Errorf("demo: DEM: %w", err)
	}
	db := bp.DB()
	if err := terrain.Import(g.ctx, db, tables["XZ_DEM"], dem, bp.SRID()); err != nil {
		return err
	}
	g.rasterStats(db, "XZ_DEM", tables["XZ_DEM"])
	g.progress("地形 terrain", 1, 3)
	opt := terrain.DefaultOptions()
	if t := tables["XZ_PD"]; t != "" {
		if err := terrain.ImportCoverage(g.ctx, db, t, terrain.Slope(dem, opt), bp.SRID(), terrain.SlopeMeta); err != nil {
			return err
		}
		g.rasterStats(db, "XZ_PD", t)
	}
	g.progress("地形 terrain", 2, 3)
	if t := tables["XZ_STYY"]; t != "" {
		if err := terrain.ImportHillshade(g.ctx, db, t, dem, opt); err != nil {
			return err
		}
		g.rasterStats(db, "XZ_STYY", t)
	}
	g.progress("地形 terrain", 3, 3)
	return nil
}

// rasterStats counts a raster layer's tiles as its features.
func (g *gen) rasterStats(db *gpkg.DB, code, table string) {
	var n int
	if err := db.R.QueryRowContext(g.ctx, `SELECT count(*) FROM `+gpkg.QuoteIdent(table)).Scan(&n); err == nil {
		g.stats.Layers[code] = n
	}
}
