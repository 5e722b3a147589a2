package gpkg

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/paulmach/orb"
)

// LayerInfo describes one table registered in gpkg_contents. Columns lists
// every column of the table (PK and geometry included) as PRAGMA table_info
// gives them. Err is set, and the fields after Table may be incomplete, for a
// table registered in gpkg_contents that cannot be read (missing, a broken
// view, no such geometry column): callers skip it and say why. LayerInfo
// is a plain value, safe for concurrent use when not modified.
type LayerInfo struct {
	Table, DataType, Identifier, Description, GeomColumn, GeomType, PK string
	SRSID, Z, M                                                        int
	Extent                                                             orb.Bound
	HasExtent, RTree, IsView                                           bool
	Columns                                                            []Column
	Err                                                                error
}

// queryer is what *sql.DB, *sql.Tx and *sql.Conn share.
type queryer interface {
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
}

// Layers lists the feature and attributes tables and views of gpkg_contents
// in table name order. A table that cannot be read is listed with Err set
// (wrapping ErrLayer); only a gpkg_contents that cannot be read is an error.
func (db *DB) Layers(ctx context.Context) ([]LayerInfo, error) {
	infos, err := readContents(ctx, db.R)
	if err != nil {
		return nil, fmt.Errorf("gpkg: %s: gpkg_contents: %w", db.Path, err)
	}
	names, err := readSchemaNames(ctx, db.R)
	if err != nil {
		return nil, fmt.Errorf("gpkg: %s: sqlite_master: %w", db.Path, err)
	}
	for i := range infos {
		l := &infos[i]
		if err := completeLayer(ctx, db.R, names, l); err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			l.Err = fmt.Errorf("%w: %s: table %s: %w", ErrLayer, db.Path, l.Table, err)
		}
	}
	return infos, nil
}

// readContents reads gpkg_contents joined with gpkg_geometry_columns.
func readContents(ctx context.Context, q queryer) ([]LayerInfo, error) {
	var n int
	if err := q.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master WHERE name = 'gpkg_geometry_columns'").Scan(&n); err != nil {
		return nil, err
	}
	geomCols := "gpkg_geometry_columns"
	if n == 0 {
		// Allowed for a GeoPackage without feature tables.
		geomCols = "(SELECT NULL AS table_name, NULL AS column_name, NULL AS geometry_type_name, NULL AS srs_id, NULL AS z, NULL AS m)"
	}
	rows, err := q.QueryContext(ctx, `SELECT c.table_name, c.data_type, coalesce(c.identifier, ''), coalesce(c.description, ''),
		c.min_x, c.min_y, c.max_x, c.max_y, coalesce(g.srs_id, c.srs_id, 0),
		coalesce(g.column_name, ''), coalesce(g.geometry_type_name, ''), coalesce(g.z, 0), coalesce(g.m, 0)
		FROM gpkg_contents c LEFT JOIN `+geomCols+` g ON lower(g.table_name) = lower(c.table_name)
		WHERE c.data_type IN ('features', 'attributes') ORDER BY c.table_name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []LayerInfo
	for rows.Next() {
		var l LayerInfo
		var ext [4]sql.NullFloat64
		if err := rows.Scan(&l.Table, &l.DataType, &l.Identifier, &l.Description, &ext[0], &ext[1], &ext[2], &ext[3],
			&l.SRSID, &l.GeomColumn, &l.GeomType, &l.Z, &l.M); err != nil {
			return nil, err
		}
		if ext[0].Valid && ext[1].Valid && ext[2].Valid && ext[3].Valid {
			l.HasExtent = true
			l.Extent = orb.Bound{Min: orb.Point{ext[0].Float64, ext[1].Float64}, Max: orb.Point{ext[2].Float64, ext[3].Float64}}
		}
		l.GeomType = strings.ToUpper(l.GeomType)
		out = append(out, l)
	}
	return out, rows.Err()
}

// schemaNames holds the names in sqlite_master, folded as SQLite's lower()
// folds them (ASCII only): the type of each table or view, and every name
// of any type. Layers reads it once instead of asking sqlite_master (a
// scan of it) twice for each of a blueprint's hundreds of tables.
type schemaNames struct {
	kind map[string]string
	any  map[string]bool
}

func readSchemaNames(ctx context.Context, q queryer) (schemaNames, error) {
	n := schemaNames{kind: map[string]string{}, any: map[string]bool{}}
	rows, err := q.QueryContext(ctx, "SELECT lower(name), type FROM sqlite_master")
	if err != nil {
		return n, err
	}
	defer rows.Close()
	for rows.Next() {
		var name, typ string
		if err := rows.Scan(&name, &typ); err != nil {
			return n, err
		}
		n.any[name] = true
		if _, ok := n.kind[name]; !ok && (typ == "table" || typ == "view") {
			n.kind[name] = typ
		}
	}
	return n, rows.Err()
}

// asciiLower folds s as SQLite's lower() does without ICU.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// completeLayer fills the columns, primary key, view and R-tree flags.
func completeLayer(ctx context.Context, q queryer, names schemaNames, l *LayerInfo) error {
	kind, ok := names.kind[asciiLower(l.Table)]
	if !ok {
		return fmt.Errorf("registered in gpkg_contents but missing")
	}
	var err error
	l.IsView = kind == "view"
	if l.Columns, err = tableColumns(ctx, q, l.Table); err != nil {
		return err
	}
	l.PK = primaryKey(l.Columns)
	if l.PK == "" && l.IsView {
		l.PK = firstIntegerColumn(l.Columns)
	}
	if l.GeomColumn != "" {
		if !hasColumn(l.Columns, l.GeomColumn) {
			return fmt.Errorf("geometry column %s missing", l.GeomColumn)
		}
		l.RTree = names.any[asciiLower(RTreeName(l.Table, l.GeomColumn))]
	}
	return nil
}

// tableColumns reads PRAGMA table_info of table.
func tableColumns(ctx context.Context, q queryer, table string) ([]Column, error) {
	rows, err := q.QueryContext(ctx, "PRAGMA table_info("+QuoteIdent(table)+")")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var cols []Column
	for rows.Next() {
		var cid, notNull, pk int
		var name, typ string
		var def sql.NullString
		if err := rows.Scan(&cid, &name, &typ, &notNull, &def, &pk); err != nil {
			return nil, err
		}
		cols = append(cols, Column{Name: name, Type: typ, NotNull: notNull != 0, PK: pk != 0, Default: def.String})
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(cols) == 0 {
		return nil, fmt.Errorf("table %s has no columns", table)
	}
	return cols, markUnique(ctx, q, table, cols)
}

// markUnique sets Unique on columns that alone make up a unique index.
func markUnique(ctx context.Context, q queryer, table string, cols []Column) error {
	names, err := uniqueIndexes(ctx, q, table)
	if err != nil {
		return err
	}
	for _, idx := range names {
		icols, err := indexColumns(ctx, q, idx)
		if err != nil {
			return err
		}
		for i := range cols {
			if len(icols) == 1 && cols[i].Name == icols[0] {
				cols[i].Unique = true
			}
		}
	}
	return nil
}

// uniqueIndexes lists the unique indexes of table (views have none).
func uniqueIndexes(ctx context.Context, q queryer, table string) ([]string, error) {
	rows, err := q.QueryContext(ctx, "SELECT name FROM pragma_index_list(?) WHERE \"unique\" = 1", table)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		names = append(names, n)
	}
	return names, rows.Err()
}

func indexColumns(ctx context.Context, q queryer, index string) ([]string, error) {
	rows, err := q.QueryContext(ctx, "SELECT coalesce(name, '') FROM pragma_index_info(?)", index)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		names = append(names, n)
	}
	return names, rows.Err()
}

// primaryKey returns the single INTEGER primary key column, or "".
func primaryKey(cols []Column) string {
	pk, n := "", 0
	for _, c := range cols {
		if c.PK {
			pk, n = c.Name, n+1
		}
	}
	if n != 1 {
		return ""
	}
	for _, c := range cols {
		if c.Name == pk && !strings.Contains(strings.ToUpper(c.Type), "INT") {
			return ""
		}
	}
	return pk
}

// firstIntegerColumn guesses a view's feature id: the first INTEGER column
// (GDAL names it fid or OGC_FID).
func firstIntegerColumn(cols []Column) string {
	for _, c := range cols {
		if strings.EqualFold(c.Name, "fid") || strings.EqualFold(c.Name, "ogc_fid") {
			return c.Name
		}
	}
	for _, c := range cols {
		if strings.Contains(strings.ToUpper(c.Type), "INT") {
			return c.Name
		}
	}
	return ""
}
