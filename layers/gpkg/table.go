package gpkg

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"strings"

	"github.com/paulmach/orb"
)

// Column is one column of a user table. Default is an SQL expression written
// as is (for example `0` or `'none'`). Column is a plain value, safe for
// concurrent use.
type Column struct {
	Name, Type          string
	NotNull, PK, Unique bool
	Default             string
}

// TableSpec describes a feature or attributes table to create. Z and M are 0
// (prohibited), 1 (mandatory) or 2 (optional). DataType is "features" (the
// default) or "attributes". TableSpec is a plain value, safe for concurrent
// use when not modified.
type TableSpec struct {
	Table, Identifier, Description, GeomColumn, GeomType string
	SRSID                                                int
	Z, M                                                 int
	Columns                                              []Column
	DataType                                             string
}

// geomTypeNames are the GeoPackage core geometry type names.
var geomTypeNames = map[string]bool{
	"GEOMETRY": true, "POINT": true, "LINESTRING": true, "POLYGON": true,
	"MULTIPOINT": true, "MULTILINESTRING": true, "MULTIPOLYGON": true, "GEOMETRYCOLLECTION": true,
}

// normalize fills defaults and checks the spec.
func (s *TableSpec) normalize() error {
	if s.Table == "" {
		return fmt.Errorf("gpkg: table name is empty")
	}
	if s.DataType == "" {
		s.DataType = "features"
	}
	if s.Identifier == "" {
		s.Identifier = s.Table
	}
	switch s.DataType {
	case "attributes":
		return nil
	case "features":
	default:
		return fmt.Errorf("gpkg: table %s: data type %q", s.Table, s.DataType)
	}
	if s.GeomColumn == "" {
		s.GeomColumn = "geom"
	}
	s.GeomType = strings.ToUpper(s.GeomType)
	if s.GeomType == "" {
		s.GeomType = "GEOMETRY"
	}
	if !geomTypeNames[s.GeomType] {
		return fmt.Errorf("gpkg: table %s: geometry type %q", s.Table, s.GeomType)
	}
	if s.Z < 0 || s.Z > 2 || s.M < 0 || s.M > 2 {
		return fmt.Errorf("gpkg: table %s: z=%d m=%d, want 0, 1 or 2", s.Table, s.Z, s.M)
	}
	return nil
}

// ddl returns the CREATE TABLE statement: the spec's primary key column, or
// fid INTEGER PRIMARY KEY AUTOINCREMENT, then the geometry, then the columns.
func (s *TableSpec) ddl() string {
	var parts []string
	hasPK := false
	for _, c := range s.Columns {
		hasPK = hasPK || c.PK
	}
	if !hasPK {
		parts = append(parts, `"fid" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL`)
	}
	if s.DataType == "features" {
		parts = append(parts, QuoteIdent(s.GeomColumn)+" "+s.GeomType)
	}
	for _, c := range s.Columns {
		parts = append(parts, c.ddl())
	}
	return "CREATE TABLE " + QuoteIdent(s.Table) + " (" + strings.Join(parts, ", ") + ")"
}

func (c Column) ddl() string {
	d := QuoteIdent(c.Name) + " " + c.Type
	if c.PK {
		d += " PRIMARY KEY"
		if strings.EqualFold(c.Type, "INTEGER") {
			d += " AUTOINCREMENT"
		}
	}
	if c.NotNull {
		d += " NOT NULL"
	}
	if c.Unique {
		d += " UNIQUE"
	}
	if c.Default != "" {
		d += " DEFAULT " + c.Default
	}
	return d
}

// CreateTable creates a feature or attributes table and registers it in
// gpkg_contents (and gpkg_geometry_columns for features), adding the SRS
// through EnsureSRS. A nil tx runs in a transaction of its own.
func (db *DB) CreateTable(ctx context.Context, tx *sql.Tx, spec TableSpec) error {
	if err := spec.normalize(); err != nil {
		return err
	}
	return db.inTx(ctx, tx, func(tx *sql.Tx) error {
		if err := db.createTable(ctx, tx, spec); err != nil {
			return fmt.Errorf("gpkg: %s: create table %s: %w", db.Path, spec.Table, err)
		}
		return nil
	})
}

func (db *DB) createTable(ctx context.Context, tx *sql.Tx, s TableSpec) error {
	var srs any
	if s.DataType == "features" {
		if err := db.EnsureSRS(ctx, tx, s.SRSID); err != nil {
			return err
		}
		srs = s.SRSID
	}
	if _, err := tx.ExecContext(ctx, s.ddl()); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO gpkg_contents
		(table_name, data_type, identifier, description, last_change, srs_id)
		VALUES (?, ?, ?, ?, strftime('%Y-%m-%dT%H:%M:%fZ','now'), ?)`,
		s.Table, s.DataType, s.Identifier, s.Description, srs)
	if err != nil || s.DataType != "features" {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO gpkg_geometry_columns
		(table_name, column_name, geometry_type_name, srs_id, z, m) VALUES (?, ?, ?, ?, ?, ?)`,
		s.Table, s.GeomColumn, s.GeomType, s.SRSID, s.Z, s.M)
	return err
}

// UpdateExtent sets the gpkg_contents extent of table to the bound of its
// geometries (NULL when it has none) and last_change to now. A nil tx runs in
// a transaction of its own.
func (db *DB) UpdateExtent(ctx context.Context, tx *sql.Tx, table string) error {
	return db.inTx(ctx, tx, func(tx *sql.Tx) error {
		if err := updateExtent(ctx, tx, table); err != nil {
			return fmt.Errorf("gpkg: %s: extent of %s: %w", db.Path, table, err)
		}
		return nil
	})
}

func updateExtent(ctx context.Context, tx *sql.Tx, table string) error {
	var col string
	err := tx.QueryRowContext(ctx, "SELECT column_name FROM gpkg_geometry_columns WHERE table_name = ?", table).Scan(&col)
	if err != nil {
		return fmt.Errorf("geometry column: %w", err)
	}
	bd, ok, err := scanExtent(ctx, tx, table, col)
	if err != nil {
		return err
	}
	ext := []any{nil, nil, nil, nil}
	if ok {
		ext = []any{bd.Min[0], bd.Min[1], bd.Max[0], bd.Max[1]}
	}
	_, err = tx.ExecContext(ctx, `UPDATE gpkg_contents SET min_x = ?, min_y = ?, max_x = ?, max_y = ?,
		last_change = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE table_name = ?`, append(ext, table)...)
	return err
}

// scanExtent unions the bounds of every geometry blob of table.col.
func scanExtent(ctx context.Context, tx *sql.Tx, table, col string) (orb.Bound, bool, error) {
	rows, err := tx.QueryContext(ctx, "SELECT "+QuoteIdent(col)+" FROM "+QuoteIdent(table)+" WHERE "+QuoteIdent(col)+" IS NOT NULL")
	if err != nil {
		return orb.Bound{}, false, err
	}
	defer rows.Close()
	all := orb.Bound{Min: orb.Point{math.Inf(1), math.Inf(1)}, Max: orb.Point{math.Inf(-1), math.Inf(-1)}}
	found := false
	var blob []byte
	for rows.Next() {
		if err := rows.Scan(&blob); err != nil {
			return orb.Bound{}, false, err
		}
		if bd, ok := BlobBound(blob); ok {
			all, found = all.Union(bd), true
		}
	}
	return all, found, rows.Err()
}
