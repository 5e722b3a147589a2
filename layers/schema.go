package layers

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"lantu/layers/catalog"
	"lantu/layers/gpkg"
)

// Lantu's own tables. Each is registered in gpkg_contents as an attributes
// table so GeoPackage tools list it.
var lantuTables = []struct{ name, ddl, desc string }{
	{"lantu_catalog", `CREATE TABLE lantu_catalog (
		id INTEGER PRIMARY KEY AUTOINCREMENT,
		table_name TEXT NOT NULL UNIQUE,
		code TEXT NOT NULL UNIQUE,
		name_zh TEXT, name_en TEXT, group_path TEXT)`, "Catalog code of each layer table"},
	{"lantu_journal", `CREATE TABLE lantu_journal (
		id INTEGER PRIMARY KEY AUTOINCREMENT,
		ts TEXT NOT NULL,
		user TEXT NOT NULL,
		op TEXT NOT NULL CHECK (op IN ('insert','update','delete')),
		layer TEXT NOT NULL,
		uid TEXT NOT NULL,
		fid INTEGER,
		base_version INTEGER NOT NULL DEFAULT 0,
		before TEXT,
		after TEXT)`, "Every local change, written with the change"},
	{"lantu_sync_state", syncStateDDL, syncStateDesc},
}

// lantu_sync_state holds one row per remote and collection: cursor is the
// remote's change-feed cursor for the collection. The row whose collection
// is ” is the remote's own: pushed_journal_id is how far the remote has
// acknowledged lantu_journal. Files made before remotes were named have
// the table without the remote column; syncState migrates it (remote.go).
const (
	syncStateDDL = `CREATE TABLE lantu_sync_state (
		id INTEGER PRIMARY KEY AUTOINCREMENT,
		remote TEXT NOT NULL,
		collection TEXT NOT NULL,
		cursor TEXT,
		pushed_journal_id INTEGER NOT NULL DEFAULT 0,
		updated_at TEXT,
		UNIQUE (remote, collection))`
	syncStateDesc = "Exchange sync cursors per remote and collection"
)

// createSchema makes the SRS rows, one table per vector catalog layer, and
// Lantu's own tables, in one transaction.
func createSchema(ctx context.Context, db *gpkg.DB, cat *catalog.Catalog, srid int) error {
	tx, err := db.W.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, code := range []int{4490, 4550, srid} {
		if err := db.EnsureSRS(ctx, tx, code); err != nil {
			return err
		}
	}
	for _, t := range lantuTables {
		if err := createAttributesTable(ctx, tx, t.name, t.ddl, t.desc); err != nil {
			return err
		}
	}
	for _, l := range cat.Layers {
		if l.Geometry == "raster" {
			continue
		}
		if err := createLayerTable(ctx, db, tx, l, srid); err != nil {
			return fmt.Errorf("layer %s (%s): %w", l.Code, l.Table, err)
		}
	}
	return tx.Commit()
}

func createAttributesTable(ctx context.Context, tx *sql.Tx, name, ddl, desc string) error {
	if _, err := tx.ExecContext(ctx, ddl); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO gpkg_contents (table_name, data_type, identifier, description, last_change)
		VALUES (?, 'attributes', ?, ?, strftime('%Y-%m-%dT%H:%M:%fZ','now'))`, name, name, desc)
	return err
}

// geomTypes maps catalog geometry kinds to GeoPackage type names.
var geomTypes = map[string]string{"polygon": "MULTIPOLYGON", "line": "MULTILINESTRING", "point": "POINT"}

// sqlTypes maps catalog field types to GeoPackage column types.
var sqlTypes = map[string]string{"text": "TEXT", "integer": "INTEGER", "real": "REAL", "date": "DATE"}

// systemColumns come first in every blueprint table, after fid and geom.
var systemColumns = []gpkg.Column{
	{Name: "uid", Type: "TEXT", NotNull: true, Unique: true},
	{Name: "version", Type: "INTEGER", NotNull: true, Default: "0"},
	{Name: "updated_at", Type: "DATETIME"},
	{Name: "updated_by", Type: "TEXT"},
}

func createLayerTable(ctx context.Context, db *gpkg.DB, tx *sql.Tx, l *catalog.Layer, srid int) error {
	gt, ok := geomTypes[l.Geometry]
	if !ok {
		return fmt.Errorf("%w: geometry kind %q", ErrInvalidInput, l.Geometry)
	}
	cols := append([]gpkg.Column(nil), systemColumns...)
	for _, f := range l.Fields {
		t, ok := sqlTypes[f.Type]
		if !ok {
			return fmt.Errorf("%w: field %s type %q", ErrInvalidInput, f.Name, f.Type)
		}
		cols = append(cols, gpkg.Column{Name: f.Name, Type: t})
	}
	spec := gpkg.TableSpec{
		Table: l.Table, Identifier: l.NameZh, Description: l.NameEn + " · " + strings.Join(l.Group, "/"),
		GeomColumn: "geom", GeomType: gt, SRSID: srid, Columns: cols,
	}
	if err := db.CreateTable(ctx, tx, spec); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO lantu_catalog (table_name, code, name_zh, name_en, group_path) VALUES (?,?,?,?,?)`,
		l.Table, l.Code, l.NameZh, l.NameEn, strings.Join(l.Group, "/"))
	return err
}
