package layerstyle

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"lantu/layers/catalog"
)

// Record is one row of layer_styles. A plain value: safe for concurrent use.
type Record struct {
	Table, Name string
	QML, SLD    string
	Default     bool   // useAsDefault
	Updated     string // update_time as stored
	ID          int64  // the row id
}

// ReadDefaults returns the default style of every table that has one in
// db's layer_styles, keyed by the table name in lower case (SQLite's
// names are case-insensitive): the row with useAsDefault true, else the
// newest by update_time, then by row id. A GeoPackage without layer_styles
// gives an empty map. Columns other writers leave out (styleSLD, update_time,
// useAsDefault) read as empty. db is only read.
func ReadDefaults(ctx context.Context, db *sql.DB) (map[string]Record, error) {
	cols, err := styleColumns(ctx, db)
	if err != nil || cols == nil {
		return map[string]Record{}, err
	}
	if !cols["f_table_name"] {
		return nil, fmt.Errorf("layerstyle: layer_styles has no f_table_name column")
	}
	col := func(name string) string {
		if cols[strings.ToLower(name)] {
			return `"` + name + `"`
		}
		return "NULL"
	}
	q := fmt.Sprintf(`SELECT rowid, f_table_name, %s, %s, %s, %s, %s FROM layer_styles`,
		col("styleName"), col("styleQML"), col("styleSLD"), col("useAsDefault"), col("update_time"))
	rows, err := db.QueryContext(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("layerstyle: layer_styles: %w", err)
	}
	defer rows.Close()
	out := map[string]Record{}
	for rows.Next() {
		r, err := scanRecord(rows)
		if err != nil {
			return nil, fmt.Errorf("layerstyle: layer_styles: %w", err)
		}
		key := strings.ToLower(r.Table)
		if cur, ok := out[key]; !ok || r.preferred(cur) {
			out[key] = r
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("layerstyle: layer_styles: %w", err)
	}
	return out, nil
}

// styleColumns are layer_styles' column names in lower case, nil when there
// is no such table.
func styleColumns(ctx context.Context, db *sql.DB) (map[string]bool, error) {
	rows, err := db.QueryContext(ctx, `SELECT name FROM pragma_table_info('layer_styles')`)
	if err != nil {
		return nil, fmt.Errorf("layerstyle: layer_styles: %w", err)
	}
	defer rows.Close()
	var cols map[string]bool
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, fmt.Errorf("layerstyle: layer_styles: %w", err)
		}
		if cols == nil {
			cols = map[string]bool{}
		}
		cols[strings.ToLower(n)] = true
	}
	return cols, rows.Err()
}

func scanRecord(rows *sql.Rows) (Record, error) {
	var r Record
	var table, name, qml, sld, def, upd sql.NullString
	if err := rows.Scan(&r.ID, &table, &name, &qml, &sld, &def, &upd); err != nil {
		return r, err
	}
	r.Table, r.Name, r.QML, r.SLD, r.Updated = table.String, name.String, qml.String, sld.String, upd.String
	switch strings.ToLower(strings.TrimSpace(def.String)) {
	case "1", "true", "t", "yes":
		r.Default = true
	}
	return r, nil
}

// preferred reports whether r is a better default than cur.
func (r Record) preferred(cur Record) bool {
	if r.Default != cur.Default {
		return r.Default
	}
	if r.Updated != cur.Updated {
		return r.Updated > cur.Updated // ISO 8601 text sorts by time
	}
	return r.ID > cur.ID
}

// Parse reads the record's QML, or its SLD when it has no QML.
func (r Record) Parse() (*Style, error) {
	switch {
	case strings.TrimSpace(r.QML) != "":
		return ParseQML([]byte(r.QML))
	case strings.TrimSpace(r.SLD) != "":
		return ParseSLD([]byte(r.SLD))
	}
	return nil, fmt.Errorf("%w: neither QML nor SLD", ErrMalformed)
}

// Apply returns a copy of def (a catalog.DefaultLayer) drawn with the
// record's style, for a table with columns. The class field must be one of
// the columns (matched case-insensitively, as SQLite does); a label field
// that is not is dropped. On error def is to be kept; the error names the
// table and the style, and wraps ErrMalformed or ErrUnsupported.
func Apply(def *catalog.Layer, r Record, columns []string) (*catalog.Layer, error) {
	s, err := r.Parse()
	if err != nil {
		return nil, fmt.Errorf("table %q style %q: %w", r.Table, r.Name, err)
	}
	l := *def
	l.Style, l.MinScale, l.MaxScale = s.Draw, s.MinScale, s.MaxScale
	l.LabelField, _ = column(columns, s.LabelField)
	if s.ClassField != "" {
		c, ok := column(columns, s.ClassField)
		if !ok {
			return nil, fmt.Errorf("table %q style %q: %w: classifies by %q, which is not a column", r.Table, r.Name, ErrUnsupported, s.ClassField)
		}
		l.ClassField = c
	}
	return &l, nil
}

// column finds name among columns, ignoring case.
func column(columns []string, name string) (string, bool) {
	for _, c := range columns {
		if strings.EqualFold(c, name) && name != "" {
			return c, true
		}
	}
	return "", false
}
