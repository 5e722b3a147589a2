package gpkg

import (
	"context"
	"database/sql"
	"fmt"
	"math"
)

// Problem is one defect Check or CheckGeometries found. Table is empty for
// problems of the file as a whole; IsFeature says the problem is the one
// feature FID's. Problem is a plain value, safe for concurrent use.
type Problem struct {
	Table, Message string
	FID            int64
	IsFeature      bool
}

func (p Problem) String() string {
	switch {
	case p.Table == "":
		return p.Message
	case p.IsFeature:
		return fmt.Sprintf("%s: fid %d: %s", p.Table, p.FID, p.Message)
	}
	return p.Table + ": " + p.Message
}

// checker collects problems; the first SQL error stops further checks.
type checker struct {
	ctx   context.Context
	q     queryer
	probs []Problem
}

func (c *checker) add(table, format string, args ...any) {
	c.probs = append(c.probs, Problem{Table: table, Message: fmt.Sprintf(format, args...)})
}

// count runs a count(*) style query; errors become problems and count as 0.
func (c *checker) count(table, q string, args ...any) int {
	var n int
	if err := c.q.QueryRowContext(c.ctx, q, args...).Scan(&n); err != nil {
		c.add(table, "query failed: %v", err)
		return 0
	}
	return n
}

// Check runs Lantu's structural checks: the header, the required tables and
// SRS rows, the SRS references, gpkg_geometry_columns against gpkg_contents,
// each R-tree's table, triggers and extension row, and the extents. It
// returns nil for a sound file.
func (db *DB) Check(ctx context.Context) []Problem {
	c := &checker{ctx: ctx, q: db.R}
	c.header()
	if !c.requiredTables() {
		return c.probs
	}
	c.srs()
	if c.tableExists("gpkg_geometry_columns") {
		c.geometryColumns()
	}
	infos, err := db.Layers(ctx)
	if err != nil {
		c.add("", "%v", err)
		return c.probs
	}
	for _, l := range infos {
		c.layer(l)
	}
	return c.probs
}

func (c *checker) header() {
	var app, ver int64
	if err := c.q.QueryRowContext(c.ctx, "PRAGMA application_id").Scan(&app); err != nil {
		c.add("", "application_id: %v", err)
		return
	}
	switch uint32(app) {
	case appGP10, appGP11:
	case appGPKG:
		if err := c.q.QueryRowContext(c.ctx, "PRAGMA user_version").Scan(&ver); err == nil && ver < 10200 {
			c.add("", "user_version %d is below 10200 for application_id GPKG", ver)
		}
	default:
		c.add("", "application_id %#08x is not GPKG, GP10 or GP11", uint32(app))
	}
}

func (c *checker) requiredTables() bool {
	ok := true
	for _, t := range []string{"gpkg_spatial_ref_sys", "gpkg_contents"} {
		if !c.tableExists(t) {
			c.add(t, "required table missing")
			ok = false
		}
	}
	if ok && !c.tableExists("gpkg_geometry_columns") &&
		c.count("gpkg_contents", "SELECT count(*) FROM gpkg_contents WHERE data_type = 'features'") > 0 {
		c.add("gpkg_geometry_columns", "required table missing (the file has features)")
		ok = false
	}
	return ok
}

func (c *checker) tableExists(t string) bool {
	return c.count(t, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?", t) > 0
}

func (c *checker) srs() {
	for _, id := range []int{-1, 0, 4326} {
		if c.count("gpkg_spatial_ref_sys", "SELECT count(*) FROM gpkg_spatial_ref_sys WHERE srs_id = ?", id) == 0 {
			c.add("gpkg_spatial_ref_sys", "required srs_id %d missing", id)
		}
	}
	for _, src := range []string{"gpkg_contents", "gpkg_geometry_columns"} {
		if c.tableExists(src) {
			c.missingSRS(src)
		}
	}
}

// missingSRS reports rows of src whose srs_id is not in gpkg_spatial_ref_sys.
func (c *checker) missingSRS(src string) {
	rows, err := c.q.QueryContext(c.ctx, "SELECT table_name, srs_id FROM "+src+
		" WHERE srs_id IS NOT NULL AND srs_id NOT IN (SELECT srs_id FROM gpkg_spatial_ref_sys)")
	if err != nil {
		c.add(src, "query failed: %v", err)
		return
	}
	defer rows.Close()
	for rows.Next() {
		var t string
		var id int64
		if rows.Scan(&t, &id) == nil {
			c.add(t, "%s refers to srs_id %d, which gpkg_spatial_ref_sys lacks", src, id)
		}
	}
}

// geometryColumns matches gpkg_geometry_columns with features in gpkg_contents.
func (c *checker) geometryColumns() {
	pairs := []struct{ q, msg string }{
		{`SELECT table_name FROM gpkg_contents WHERE data_type = 'features'
			AND lower(table_name) NOT IN (SELECT lower(table_name) FROM gpkg_geometry_columns)`,
			"features table without a gpkg_geometry_columns row"},
		{`SELECT table_name FROM gpkg_geometry_columns WHERE lower(table_name) NOT IN
			(SELECT lower(table_name) FROM gpkg_contents WHERE data_type = 'features')`,
			"gpkg_geometry_columns row without a features entry in gpkg_contents"},
	}
	for _, p := range pairs {
		rows, err := c.q.QueryContext(c.ctx, p.q)
		if err != nil {
			c.add("gpkg_geometry_columns", "query failed: %v", err)
			continue
		}
		for rows.Next() {
			var t string
			if rows.Scan(&t) == nil {
				c.add(t, "%s", p.msg)
			}
		}
		rows.Close()
	}
}

func (c *checker) layer(l LayerInfo) {
	if l.Err != nil {
		c.add(l.Table, "%v", l.Err)
		return
	}
	if l.DataType != "features" || l.GeomColumn == "" {
		return
	}
	if l.RTree {
		c.rtree(l)
	}
	c.extent(l)
}

func hasColumn(cols []Column, name string) bool {
	for _, col := range cols {
		if col.Name == name {
			return true
		}
	}
	return false
}

func (c *checker) rtree(l LayerInfo) {
	rt := RTreeName(l.Table, l.GeomColumn)
	for _, s := range triggerSuffixes {
		if c.count(l.Table, "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name = ?", rt+s) == 0 {
			// GeoPackage 1.4 replaces update1 and update3 by update6/update7 and update5.
			if (s == "_update1" || s == "_update3") && c.count(l.Table,
				"SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name IN (?, ?)", rt+"_update6", rt+"_update5") > 0 {
				continue
			}
			c.add(l.Table, "R-tree trigger %s missing", rt+s)
		}
	}
	if c.count(l.Table, `SELECT count(*) FROM gpkg_extensions WHERE lower(table_name) = lower(?)
		AND lower(column_name) = lower(?) AND extension_name = 'gpkg_rtree_index'`, l.Table, l.GeomColumn) == 0 {
		c.add(l.Table, "R-tree %s not registered in gpkg_extensions", rt)
	}
}

// extent checks that gpkg_contents' extent covers the R-tree's (which SQLite
// rounds outward to float32) or, without an R-tree, the blobs' bound.
func (c *checker) extent(l LayerInfo) {
	var b [4]sql.NullFloat64
	var err error
	if l.RTree {
		err = c.q.QueryRowContext(c.ctx, "SELECT min(minx), min(miny), max(maxx), max(maxy) FROM "+
			QuoteIdent(RTreeName(l.Table, l.GeomColumn))).Scan(&b[0], &b[1], &b[2], &b[3])
	}
	if err != nil {
		c.add(l.Table, "R-tree query failed: %v", err)
		return
	}
	if !b[0].Valid {
		return
	}
	if !l.HasExtent {
		c.add(l.Table, "gpkg_contents has no extent for a table with features")
		return
	}
	got := [4]float64{l.Extent.Min[0], l.Extent.Min[1], l.Extent.Max[0], l.Extent.Max[1]}
	for i, v := range b {
		tol := 1e-6*math.Abs(v.Float64) + 1e-9
		if (i < 2 && got[i] > v.Float64+tol) || (i >= 2 && got[i] < v.Float64-tol) {
			c.add(l.Table, "gpkg_contents extent %v does not cover the R-tree extent %v", got, b)
			return
		}
	}
}
