package qgis

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"lantu/layers"
	"lantu/layers/crs"
)

// Project is a blueprint's QGIS project: the name it is stored under in
// qgis_projects (the blueprint's file name without .gpkg) and the .qgs
// document. A plain value.
type Project struct {
	Name, QGS string
	Saved     time.Time
}

// contents is what BuildProject reads of the file: the tables of
// gpkg_contents with their kind and extent, and the DEM's value range.
type contents struct {
	kind     map[string]string
	extent   map[string]orb.Bound
	demRange [2]float64
	hasRange bool
	demCell  float64 // the DEM's finest cell size, 0 if unknown
}

// BuildProject makes the blueprint's QGIS project from its catalog and
// the tables the file holds: the layer tree of the four roots and their
// groups in catalog order with the catalog's visibility, every vector
// catalog layer with its style and the raster layers (DEM, slope,
// hillshade multiplied over the map), the conflict patches when there
// are any, the project CRS and the city extent as the default view. Layers
// reference the file as "./NAME.gpkg|layername=TABLE" (rasters
// "GPKG:./NAME.gpkg:TABLE"), as QGIS writes a project stored in the
// GeoPackage it uses: the file can move to another folder with its
// project, but a renamed file needs its project written again (Write).
func BuildProject(ctx context.Context, bp *layers.Blueprint) (*Project, error) {
	c, err := readContents(ctx, bp)
	if err != nil {
		return nil, err
	}
	def, err := crs.Lookup(bp.SRID())
	if err != nil {
		return nil, fmt.Errorf("qgis: %s: project CRS: %w", bp.Path(), err)
	}
	pb := &projectBuilder{cat: bp.Catalog(), c: c, file: filepath.Base(bp.Path()), srs: def}
	p := &Project{Name: ProjectName(bp), Saved: time.Now().UTC()}
	p.QGS = pb.qgs(p.Name, p.Saved)
	return p, nil
}

// ProjectName is the name a blueprint's project is stored under.
func ProjectName(bp *layers.Blueprint) string {
	base := filepath.Base(bp.Path())
	return strings.TrimSuffix(base, filepath.Ext(base))
}

func readContents(ctx context.Context, bp *layers.Blueprint) (*contents, error) {
	c := &contents{kind: map[string]string{}, extent: map[string]orb.Bound{}}
	err := bp.Read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT table_name, data_type, min_x, min_y, max_x, max_y FROM gpkg_contents`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var t, k string
			var e [4]sql.NullFloat64
			if err := rows.Scan(&t, &k, &e[0], &e[1], &e[2], &e[3]); err != nil {
				return err
			}
			c.kind[t] = k
			if e[0].Valid && e[1].Valid && e[2].Valid && e[3].Valid {
				c.extent[t] = orb.Bound{Min: orb.Point{e[0].Float64, e[1].Float64}, Max: orb.Point{e[2].Float64, e[3].Float64}}
			}
		}
		if err := rows.Err(); err != nil {
			return err
		}
		return c.readDEMRange(ctx, tx)
	})
	if err != nil {
		return nil, fmt.Errorf("qgis: %s: %w", bp.Path(), err)
	}
	return c, nil
}

// readDEMRange reads the DEM's lowest and highest value from the tile
// statistics of the gridded coverage, and its finest cell size.
func (c *contents) readDEMRange(ctx context.Context, tx *sql.Tx) error {
	if c.kind[demTable] != "2d-gridded-coverage" {
		return nil
	}
	var lo, hi sql.NullFloat64
	err := tx.QueryRowContext(ctx, `SELECT min("min"), max("max") FROM gpkg_2d_gridded_tile_ancillary WHERE tpudt_name = ?`, demTable).Scan(&lo, &hi)
	if err != nil {
		return err
	}
	if lo.Valid && hi.Valid && hi.Float64 > lo.Float64 {
		c.demRange, c.hasRange = [2]float64{lo.Float64, hi.Float64}, true
	}
	var cell sql.NullFloat64
	if err := tx.QueryRowContext(ctx, `SELECT min(pixel_x_size) FROM gpkg_tile_matrix WHERE table_name = ?`, demTable).Scan(&cell); err != nil {
		return err
	}
	if cell.Valid && cell.Float64 > 0 {
		c.demCell = cell.Float64
	}
	return nil
}

// cityTable is the city boundary, whose extent is the project's view.
const cityTable = "xz_sjxzq"

// cityExtent is the city boundary's extent, else the union of the
// feature tables'.
func (c *contents) cityExtent() (orb.Bound, bool) {
	if b, ok := c.extent[cityTable]; ok {
		return b, true
	}
	var u orb.Bound
	found := false
	for t, b := range c.extent {
		if c.kind[t] != "features" {
			continue
		}
		if !found {
			u, found = b, true
		}
		u = u.Union(b)
	}
	return u, found
}
