package gpkg

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"lantu/layers/crs"
)

// baseTables are the GeoPackage 1.4 core tables, written as the specification
// (Annex C) gives them.
var baseTables = []string{
	`CREATE TABLE gpkg_spatial_ref_sys (
  srs_name TEXT NOT NULL,
  srs_id INTEGER NOT NULL PRIMARY KEY,
  organization TEXT NOT NULL,
  organization_coordsys_id INTEGER NOT NULL,
  definition  TEXT NOT NULL,
  description TEXT
)`,
	`CREATE TABLE gpkg_contents (
  table_name TEXT NOT NULL PRIMARY KEY,
  data_type TEXT NOT NULL,
  identifier TEXT UNIQUE,
  description TEXT DEFAULT '',
  last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  min_x DOUBLE,
  min_y DOUBLE,
  max_x DOUBLE,
  max_y DOUBLE,
  srs_id INTEGER,
  CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id)
)`,
	`CREATE TABLE gpkg_geometry_columns (
  table_name TEXT NOT NULL,
  column_name TEXT NOT NULL,
  geometry_type_name TEXT NOT NULL,
  srs_id INTEGER NOT NULL,
  z TINYINT NOT NULL,
  m TINYINT NOT NULL,
  CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
  CONSTRAINT uk_gc_table_name UNIQUE (table_name),
  CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
  CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id)
)`,
	`CREATE TABLE gpkg_extensions (
  table_name TEXT,
  column_name TEXT,
  extension_name TEXT NOT NULL,
  definition TEXT NOT NULL,
  scope TEXT NOT NULL,
  CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name)
)`,
}

// wgs84WKT is the 4326 definition the specification's default row carries.
const wgs84WKT = `GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]]`

// defaultSRS are the rows every GeoPackage must hold (clause 1.1.2.1.2).
var defaultSRS = [][6]any{
	{"WGS 84 geodetic", 4326, "EPSG", 4326, wgs84WKT, "longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid"},
	{"Undefined cartesian SRS", -1, "NONE", -1, "undefined", "undefined cartesian coordinate reference system"},
	{"Undefined geographic SRS", 0, "NONE", 0, "undefined", "undefined geographic coordinate reference system"},
}

// createBase writes the header fields, base tables and default SRS rows.
func createBase(ctx context.Context, w *sql.DB) error {
	tx, err := w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	stmts := append([]string{
		fmt.Sprintf("PRAGMA application_id = %d", appGPKG),
		fmt.Sprintf("PRAGMA user_version = %d", UserVersion),
	}, baseTables...)
	for _, s := range stmts {
		if _, err := tx.ExecContext(ctx, s); err != nil {
			return err
		}
	}
	for _, r := range defaultSRS {
		if _, err := tx.ExecContext(ctx, `INSERT INTO gpkg_spatial_ref_sys
			(srs_name, srs_id, organization, organization_coordsys_id, definition, description)
			VALUES (?,?,?,?,?,?)`, r[:]...); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// QuoteIdent quotes an SQL identifier: tbl"name becomes "tbl""name".
func QuoteIdent(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

// inTx runs fn in tx, or in a transaction of its own on the writer when tx
// is nil.
func (db *DB) inTx(ctx context.Context, tx *sql.Tx, fn func(*sql.Tx) error) error {
	if tx != nil {
		return fn(tx)
	}
	if db.W == nil {
		return fmt.Errorf("gpkg: %s: %w", db.Path, errReadOnly)
	}
	own, err := db.W.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer own.Rollback()
	if err := fn(own); err != nil {
		return err
	}
	return own.Commit()
}

var errReadOnly = errors.New("opened read-only")

// EnsureSRS adds EPSG code epsg to gpkg_spatial_ref_sys unless present, with
// its WKT1 definition from PROJ. A code PROJ does not know gives
// ErrUnknownSRS. A nil tx runs in a transaction of its own.
func (db *DB) EnsureSRS(ctx context.Context, tx *sql.Tx, epsg int) error {
	return db.inTx(ctx, tx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM gpkg_spatial_ref_sys WHERE srs_id = ?", epsg).Scan(&n); err != nil {
			return fmt.Errorf("gpkg: %s: srs %d: %w", db.Path, epsg, err)
		}
		if n > 0 {
			return nil
		}
		def, err := crs.Lookup(epsg)
		if err != nil || def.WKT == "" {
			return fmt.Errorf("%w: EPSG:%d in %s: %v", ErrUnknownSRS, epsg, db.Path, err)
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO gpkg_spatial_ref_sys
			(srs_name, srs_id, organization, organization_coordsys_id, definition, description)
			VALUES (?, ?, 'EPSG', ?, ?, NULL)`, def.Name, epsg, epsg, def.WKT)
		if err != nil {
			return fmt.Errorf("gpkg: %s: srs %d: %w", db.Path, epsg, err)
		}
		return nil
	})
}
