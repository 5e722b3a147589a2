package layers

import (
	"context"
	"database/sql"
	"fmt"
	"sort"

	"github.com/paulmach/orb"

	"lantu/layers/catalog"
	"lantu/layers/gpkg"
)

// Raster is one raster layer of a blueprint: a GeoPackage 2D gridded
// coverage (the DEM, slope) or a tile pyramid (hillshade). Its fields are set
// at open and never change, so it is safe for concurrent use. The pixels are
// read through lantu/layers/terrain.
type Raster struct {
	Table    string
	Code     string // catalog code; the table name for imported rasters
	Def      *catalog.Layer
	DataType string // "2d-gridded-coverage" or "tiles"
	SRID     int
	Extent   orb.Bound
	Tiles    int // stored tiles over all zoom levels
	Levels   int // zoom levels
	Imported bool
}

// Rasters lists the raster layers in catalog order, then imported ones.
func (b *Blueprint) Rasters() []*Raster { return b.rasters }

// Raster returns the raster layer with a catalog code or table name, or nil.
func (b *Blueprint) Raster(codeOrTable string) *Raster {
	for _, r := range b.rasters {
		if r.Code == codeOrTable || r.Table == codeOrTable {
			return r
		}
	}
	return nil
}

// loadRasters reads the tile and coverage tables of gpkg_contents and
// matches them to the catalog by lantu_catalog or by table name.
func (b *Blueprint) loadRasters(ctx context.Context, codes map[string]string) error {
	rows, err := b.db.R.QueryContext(ctx, `SELECT c.table_name, c.data_type, coalesce(c.srs_id, 0),
		coalesce(c.min_x, 0), coalesce(c.min_y, 0), coalesce(c.max_x, 0), coalesce(c.max_y, 0)
		FROM gpkg_contents c JOIN sqlite_master m ON m.name = c.table_name
		WHERE c.data_type IN ('tiles', '2d-gridded-coverage') ORDER BY c.table_name`)
	if err != nil {
		return fmt.Errorf("layers: %s: raster tables: %w", b.path, err)
	}
	var out []*Raster
	for rows.Next() {
		r := &Raster{}
		if err := rows.Scan(&r.Table, &r.DataType, &r.SRID, &r.Extent.Min[0], &r.Extent.Min[1], &r.Extent.Max[0], &r.Extent.Max[1]); err != nil {
			rows.Close()
			return fmt.Errorf("layers: %s: raster tables: %w", b.path, err)
		}
		out = append(out, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("layers: %s: raster tables: %w", b.path, err)
	}
	byTable := map[string]*catalog.Layer{}
	for _, l := range b.cat.Layers {
		if l.Geometry == "raster" {
			byTable[l.Table] = l
		}
	}
	for _, r := range out {
		if err := countTiles(ctx, b.db.R, r); err != nil {
			return fmt.Errorf("layers: %s: raster %s: %w", b.path, r.Table, err)
		}
		def := b.cat.Layer(codes[r.Table])
		if def == nil {
			def = byTable[r.Table]
		}
		if def != nil {
			r.Code, r.Def = def.Code, def
		} else {
			r.Code, r.Def, r.Imported = r.Table, catalog.DefaultLayer(r.Table, "raster"), true
			r.Def.Geometry = "raster"
		}
	}
	b.rasters = sortRasters(out)
	return nil
}

func countTiles(ctx context.Context, db *sql.DB, r *Raster) error {
	return db.QueryRowContext(ctx, `SELECT count(*), count(DISTINCT zoom_level) FROM `+gpkg.QuoteIdent(r.Table)).Scan(&r.Tiles, &r.Levels)
}

// sortRasters puts catalog rasters in catalog order before imported ones.
func sortRasters(rs []*Raster) []*Raster {
	var known, imported []*Raster
	for _, r := range rs {
		if r.Imported {
			imported = append(imported, r)
		} else {
			known = append(known, r)
		}
	}
	sort.SliceStable(known, func(i, j int) bool { return known[i].Def.Order < known[j].Def.Order })
	return append(known, imported...)
}
