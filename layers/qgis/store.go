package qgis

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"lantu/layers"
	"lantu/layers/catalog"
	"lantu/layers/gpkg"
)

// ErrLayer is wrapped by the errors of a layer code the catalog does not
// have, or that has no style to write (a raster).
var ErrLayer = errors.New("qgis: no such vector catalog layer")

// Tables QGIS reads from a GeoPackage.
const (
	StylesTable   = "layer_styles"
	ProjectsTable = "qgis_projects"
)

// StyleName is the styleName of the layer_styles rows Lantu writes: one
// per layer, the default.
const StyleName = "蓝图 Lantu"

// stylesColumns are layer_styles' columns as GDAL creates the table when
// QGIS saves a style into a GeoPackage (GDAL 3.6, QGIS 3.22).
var stylesColumns = []gpkg.Column{
	{Name: "id", Type: "INTEGER", PK: true, NotNull: true},
	{Name: "f_table_catalog", Type: "TEXT(256)"}, {Name: "f_table_schema", Type: "TEXT(256)"},
	{Name: "f_table_name", Type: "TEXT(256)"}, {Name: "f_geometry_column", Type: "TEXT(256)"},
	{Name: "styleName", Type: "TEXT(30)"}, {Name: "styleQML", Type: "TEXT"}, {Name: "styleSLD", Type: "TEXT"},
	{Name: "useAsDefault", Type: "BOOLEAN"}, {Name: "description", Type: "TEXT"},
	{Name: "owner", Type: "TEXT(30)"}, {Name: "ui", Type: "TEXT(30)"},
	{Name: "update_time", Type: "DATETIME", Default: "(strftime('%Y-%m-%dT%H:%M:%fZ','now'))"},
}

// projectsDDL is qgis_projects as QGIS creates it. QGIS registers it
// nowhere (neither gpkg_contents nor gpkg_extensions), and neither does
// Lantu: registered, GDAL would list it as a layer of blobs.
const projectsDDL = `CREATE TABLE qgis_projects(name TEXT PRIMARY KEY, metadata BLOB, content BLOB)`

// ensureStyles creates layer_styles in tx unless it is there, registered
// in gpkg_contents as an attributes table as GDAL does.
func ensureStyles(ctx context.Context, bp *layers.Blueprint, tx *sql.Tx) error {
	ok, err := layers.TableExists(ctx, tx, StylesTable)
	if err != nil || ok {
		return err
	}
	return bp.DB().CreateTable(ctx, tx, gpkg.TableSpec{Table: StylesTable, DataType: "attributes",
		Identifier: StylesTable, Columns: stylesColumns})
}

func ensureProjects(ctx context.Context, tx *sql.Tx) error {
	ok, err := layers.TableExists(ctx, tx, ProjectsTable)
	if err != nil || ok {
		return err
	}
	_, err = tx.ExecContext(ctx, projectsDDL)
	return err
}

// styleRow is one layer_styles row Lantu writes.
type styleRow struct {
	table, qml, sld, desc string
}

// catalogMark ends the description of a row written from the catalog:
// the hash of its QML, so Update can tell a row the catalog wrote (and
// whether the catalog has changed since) from one edited in Lantu or QGIS.
const catalogMark = " · catalog "

// catalogRow is the row of a layer's catalog style.
func catalogRow(cat *catalog.Catalog, l *catalog.Layer) styleRow {
	r := styleRow{table: l.Table, qml: QML(cat, l, l.Style), sld: SLD(cat, l, l.Style)}
	r.desc = "Lantu 蓝图 " + l.NameZh + " " + l.NameEn + catalogMark + fingerprint(r.qml)
	return r
}

// fingerprint is a short hash of a style's text.
func fingerprint(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:6])
}

// putStyle replaces Lantu's row for the table and makes it the only
// default, in tx.
func putStyle(ctx context.Context, tx *sql.Tx, r styleRow) error {
	if _, err := tx.ExecContext(ctx, `UPDATE layer_styles SET useAsDefault = 0 WHERE f_table_name = ? AND useAsDefault`, r.table); err != nil {
		return fmt.Errorf("qgis: %s: %s: %w", StylesTable, r.table, err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM layer_styles WHERE f_table_name = ? AND styleName = ?`, r.table, StyleName); err != nil {
		return fmt.Errorf("qgis: %s: %s: %w", StylesTable, r.table, err)
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name,
		f_geometry_column, styleName, styleQML, styleSLD, useAsDefault, description, owner, ui, update_time)
		VALUES ('', '', ?, 'geom', ?, ?, ?, 1, ?, '', NULL, strftime('%Y-%m-%dT%H:%M:%fZ','now'))`,
		r.table, StyleName, r.qml, r.sld, r.desc)
	if err != nil {
		return fmt.Errorf("qgis: %s: %s: %w", StylesTable, r.table, err)
	}
	return nil
}

// vectorLayers are the catalog's vector layers in tree order.
func vectorLayers(cat *catalog.Catalog) []*catalog.Layer {
	var out []*catalog.Layer
	for _, l := range cat.TreeOrder() {
		if l.Geometry != "raster" {
			out = append(out, l)
		}
	}
	return out
}

// Write writes every vector catalog layer's style into layer_styles (as
// the default) and the blueprint's QGIS project into qgis_projects, in one
// transaction through the blueprint's writer: what `lantuctl qgis` does.
// Rows of layer_styles that Lantu did not write are kept, no longer
// default.
func Write(ctx context.Context, bp *layers.Blueprint) error {
	cat := bp.Catalog()
	var rows []styleRow
	for _, l := range vectorLayers(cat) {
		rows = append(rows, catalogRow(cat, l))
	}
	p, err := BuildProject(ctx, bp)
	if err != nil {
		return err
	}
	return writeRows(ctx, bp, rows, p)
}

// writeRows puts the rows and the project p (unless nil) in one
// transaction.
func writeRows(ctx context.Context, bp *layers.Blueprint, rows []styleRow, p *Project) error {
	return bp.Write(ctx, func(tx *sql.Tx) error {
		if err := ensureStyles(ctx, bp, tx); err != nil {
			return fmt.Errorf("qgis: %s: %w", bp.Path(), err)
		}
		for _, r := range rows {
			if err := putStyle(ctx, tx, r); err != nil {
				return err
			}
		}
		if p == nil {
			return nil
		}
		if err := ensureProjects(ctx, tx); err != nil {
			return fmt.Errorf("qgis: %s: %w", bp.Path(), err)
		}
		return putProject(ctx, tx, p)
	})
}

// WriteLayerStyle writes style as the default style of the vector layer
// code (a catalog code or table), QML and SLD together, and the same style
// into the layer of the blueprint's QGIS project: what Lantu calls when a
// style changes in Lantu. Only the editable parts of style are taken
// (layers.EditedStyle: a palette layer keeps its class colours). The row
// is marked as edited, so Update leaves it alone when the catalog changes.
// In the same transaction the style is recorded in lantu_styles
// (Blueprint.WriteStyle), so Lantu draws it from then on, and after a
// reopen.
func WriteLayerStyle(ctx context.Context, bp *layers.Blueprint, code string, style catalog.Style) error {
	cat := bp.Catalog()
	l := cat.Layer(code)
	if l == nil || l.Geometry == "raster" {
		return fmt.Errorf("%w: %q in %s", ErrLayer, code, bp.Path())
	}
	style = layers.EditedStyle(l.Style, style)
	r := styleRow{table: l.Table, qml: QML(cat, l, style), sld: SLD(cat, l, style),
		desc: "Lantu 蓝图 " + l.NameZh + " " + l.NameEn + " · edited in Lantu"}
	return bp.WriteStyle(ctx, l.Code, &style, func(tx *sql.Tx) error {
		return putLayerStyle(ctx, bp, tx, r, l, style)
	})
}

// ResetLayerStyle puts layer code back in its catalog style: the default
// row of layer_styles and the project's layer are the catalog's again (as
// Write makes them, so Update follows later catalog changes), and the
// layer's lantu_styles record is removed.
func ResetLayerStyle(ctx context.Context, bp *layers.Blueprint, code string) error {
	cat := bp.Catalog()
	l := cat.Layer(code)
	if l == nil || l.Geometry == "raster" {
		return fmt.Errorf("%w: %q in %s", ErrLayer, code, bp.Path())
	}
	return bp.WriteStyle(ctx, l.Code, nil, func(tx *sql.Tx) error {
		return putLayerStyle(ctx, bp, tx, catalogRow(cat, l), l, l.Style)
	})
}

// putLayerStyle writes row r and restyles l in the stored project, in tx.
func putLayerStyle(ctx context.Context, bp *layers.Blueprint, tx *sql.Tx, r styleRow, l *catalog.Layer, style catalog.Style) error {
	if err := ensureStyles(ctx, bp, tx); err != nil {
		return fmt.Errorf("qgis: %s: %w", bp.Path(), err)
	}
	if err := putStyle(ctx, tx, r); err != nil {
		return err
	}
	return restyleProject(ctx, tx, ProjectName(bp), bp.Catalog(), l, style)
}

// Update brings the QGIS tables up to date with the catalog, keeping what
// was styled elsewhere. It writes a layer's catalog style where the layer
// has no default style, or where the default is Lantu's row written from
// another catalog; a default edited in Lantu (WriteLayerStyle) or saved by
// QGIS is kept. It rewrites the project when it is missing or any style
// was written, each layer in the project taking its default style. It
// reports whether it wrote anything. For a blueprint made by an older
// Lantu, or opened after the catalog changed.
func Update(ctx context.Context, bp *layers.Blueprint) (bool, error) {
	stored, hasProject, err := readDefaults(ctx, bp)
	if err != nil {
		return false, err
	}
	cat := bp.Catalog()
	var rows []styleRow
	kept := map[string]string{} // layer id -> style elements of a default kept as it is
	for _, l := range vectorLayers(cat) {
		r := catalogRow(cat, l)
		d, ok := stored[l.Table]
		switch {
		case !ok || (d.lantu && strings.Contains(d.desc, catalogMark) && d.desc != r.desc):
			rows = append(rows, r)
		case d.qml != r.qml:
			frag, err := styleFragment(d.qml)
			if err != nil {
				return false, fmt.Errorf("qgis: %s: %s: default style: %w", bp.Path(), l.Table, err)
			}
			kept[layerID(l)] = frag
		}
	}
	if len(rows) == 0 && hasProject {
		return false, nil
	}
	p, err := BuildProject(ctx, bp)
	if err != nil {
		return false, err
	}
	if len(kept) > 0 {
		if p.QGS, err = restyleQGS(p.QGS, kept); err != nil {
			return false, fmt.Errorf("qgis: %s: %w", bp.Path(), err)
		}
	}
	return true, writeRows(ctx, bp, rows, p)
}

// storedDefault is the default style row of a table.
type storedDefault struct {
	lantu     bool // written by Lantu (StyleName)
	desc, qml string
}

// readDefaults reads the default style of each table that has one, and
// whether the blueprint's project is stored.
func readDefaults(ctx context.Context, bp *layers.Blueprint) (map[string]storedDefault, bool, error) {
	out := map[string]storedDefault{}
	hasProject := false
	err := bp.Read(ctx, func(tx *sql.Tx) error {
		if ok, err := layers.TableExists(ctx, tx, StylesTable); err != nil || !ok {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT f_table_name, styleName = ?, coalesce(description, ''), coalesce(styleQML, '')
			FROM layer_styles WHERE useAsDefault ORDER BY id`, StyleName)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var t string
			var d storedDefault
			if err := rows.Scan(&t, &d.lantu, &d.desc, &d.qml); err != nil {
				return err
			}
			out[t] = d // the latest default wins, as in QGIS
		}
		if err := rows.Err(); err != nil {
			return err
		}
		if ok, err := layers.TableExists(ctx, tx, ProjectsTable); err != nil || !ok {
			return err
		}
		var n int
		err = tx.QueryRowContext(ctx, `SELECT count(*) FROM qgis_projects WHERE name = ?`, ProjectName(bp)).Scan(&n)
		hasProject = n > 0
		return err
	})
	if err != nil {
		return nil, false, fmt.Errorf("qgis: %s: %w", bp.Path(), err)
	}
	return out, hasProject, nil
}

// WriteFile opens the blueprint at path (lazily: no index is built), writes
// its QGIS styles and project with Write, and closes it: for a blueprint
// just made (the demo), before or after it is moved into place under its
// final name, which names the project.
func WriteFile(ctx context.Context, path string) error {
	bp, err := layers.Open(path, layers.OpenOptions{Lazy: true})
	if err != nil {
		return err
	}
	werr := Write(ctx, bp)
	if err := bp.Close(); werr == nil {
		werr = err
	}
	return werr
}
