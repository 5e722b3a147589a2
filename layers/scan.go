package layers

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"strings"

	"github.com/paulmach/orb"

	"lantu/layers/gpkg"
)

// ScanQuery selects the features of one layer for Blueprint.Scan.
type ScanQuery struct {
	BBox  orb.Bound // features whose box intersects it; zero: everything
	Where string    // SQL boolean expression over the layer's columns, validated by the caller
	// Columns are the attribute columns to read into Feature.Attrs (names
	// the layer lacks are ignored); nil reads every one, as Query does.
	// UID and Version are read on a Lantu layer all the same.
	Columns []string
	// MinFID and MaxFID bound the fids read, both included (zero: no
	// bound on that side).
	MinFID, MaxFID int64
}

// Scan streams the features of one layer that q selects, in fid order,
// straight from the file: a BBox selects through the GeoPackage's R-tree
// when the layer has one (its float32 boxes are rounded outwards), else the
// table is scanned and the features whose geometry's box misses BBox are
// dropped. Unlike Query it needs no in-memory index: it neither waits for
// the indexing nor starts it on a blueprint opened Lazy, so it sees the
// last committed rows. Without a BBox, features with no geometry are listed
// too (see Feature.GeomErr). fn's error stops the stream and is returned.
// Safe for concurrent use; each call reads on the reader pool.
func (b *Blueprint) Scan(ctx context.Context, layer string, q ScanQuery, fn func(*Feature) error) error {
	l, err := b.layer(layer)
	if err != nil {
		return err
	}
	rr := l.newRowReaderCols(l.scanColumns(q.Columns))
	sqlText, args := l.scanSQL(rr.cols, q)
	rows, err := b.db.R.QueryContext(ctx, sqlText, args...)
	if err != nil {
		return fmt.Errorf("layers: %s: query %q: %w", b.path, l.Table, err)
	}
	defer rows.Close()
	box := q.BBox != (orb.Bound{})
	for rows.Next() {
		f, err := rr.read(rows, false)
		if err != nil {
			return fmt.Errorf("layers: %s: table %q: %w", b.path, l.Table, err)
		}
		if box && (f.Geom == nil || !f.Geom.Bound().Intersects(q.BBox)) {
			continue
		}
		if err := fn(f); err != nil {
			return err
		}
	}
	return rows.Err()
}

// scanColumns are the attribute columns of the layer named in want (every
// one for nil), with uid and version on a Lantu layer.
func (l *Layer) scanColumns(want []string) []gpkg.Column {
	all := l.attrColumns()
	if want == nil {
		return all
	}
	keep := map[string]bool{}
	for _, c := range want {
		keep[c] = true
	}
	var out []gpkg.Column
	for _, c := range all {
		if keep[c.Name] || l.lantu && (c.Name == "uid" || c.Name == "version") {
			out = append(out, c)
		}
	}
	return out
}

// scanSQL is Scan's statement: pk, geometry, then cols.
func (l *Layer) scanSQL(cols []gpkg.Column, q ScanQuery) (string, []any) {
	pk := gpkg.QuoteIdent(l.PK)
	sel := []string{pk, "NULL"}
	if l.GeomColumn != "" {
		sel[1] = gpkg.QuoteIdent(l.GeomColumn)
	}
	for _, c := range cols {
		sel = append(sel, gpkg.QuoteIdent(c.Name))
	}
	text := "SELECT " + strings.Join(sel, ", ") + " FROM " + gpkg.QuoteIdent(l.Table) + " WHERE 1"
	var args []any
	if q.MinFID != 0 || q.MaxFID != 0 {
		lo, hi := q.MinFID, q.MaxFID
		if lo == 0 {
			lo = math.MinInt64
		}
		if hi == 0 {
			hi = math.MaxInt64
		}
		text += " AND " + pk + " BETWEEN ? AND ?"
		args = append(args, lo, hi)
	}
	if q.BBox != (orb.Bound{}) && l.HasRTree && l.GeomColumn != "" {
		// The R-tree names the rows; SQLite looks each up by its key, in
		// key order.
		rt := gpkg.QuoteIdent(gpkg.RTreeName(l.Table, l.GeomColumn))
		text += " AND " + pk + " IN (SELECT id FROM " + rt + " WHERE minx <= ? AND maxx >= ? AND miny <= ? AND maxy >= ?)"
		args = append(args, q.BBox.Max[0], q.BBox.Min[0], q.BBox.Max[1], q.BBox.Min[1])
	}
	if strings.TrimSpace(q.Where) != "" {
		text += " AND (" + q.Where + ")"
	}
	return text + " ORDER BY " + pk, args
}

// FIDSpan is the smallest and largest fid of a layer's rows, read from the
// file (ok false for an empty table or one keyed by rowid). Safe for
// concurrent use.
func (b *Blueprint) FIDSpan(ctx context.Context, layer string) (lo, hi int64, ok bool, err error) {
	l, err := b.layer(layer)
	if err != nil || l.PK == "rowid" || l.PK == "" {
		return 0, 0, false, err
	}
	var min, max sql.NullInt64
	pk := gpkg.QuoteIdent(l.PK)
	err = b.db.R.QueryRowContext(ctx, "SELECT min("+pk+"), max("+pk+") FROM "+gpkg.QuoteIdent(l.Table)).Scan(&min, &max)
	if err != nil {
		return 0, 0, false, fmt.Errorf("layers: %s: table %q: %w", b.path, l.Table, err)
	}
	return min.Int64, max.Int64, min.Valid, nil
}

// CheckExtents records, for each named layer (code or table) whose index
// is not built, the CRS problem or warning that building it would record
// (Layer.Problems, Layer.CRSProblem), from the layer's extent in the file:
// its R-tree's, else the declared one. Layer.Extent stays as it was. For
// a blueprint opened Lazy, before reading layers with Scan. Safe for
// concurrent use.
func (b *Blueprint) CheckExtents(ctx context.Context, names []string) error {
	for _, name := range names {
		l := b.byKey[name]
		if l == nil || l.Indexed() || l.SRID <= 0 {
			continue
		}
		ext, err := b.fileExtent(ctx, l)
		if err != nil {
			return err
		}
		if ext != (orb.Bound{}) {
			l.recordCRS(ext)
		}
	}
	return nil
}

// fileExtent is the box of the layer's R-tree, or the declared extent of a
// layer without one (empty: none known).
func (b *Blueprint) fileExtent(ctx context.Context, l *Layer) (orb.Bound, error) {
	if !l.HasRTree || l.GeomColumn == "" {
		return l.Extent(), nil
	}
	rt := gpkg.QuoteIdent(gpkg.RTreeName(l.Table, l.GeomColumn))
	var x0, y0, x1, y1 sql.NullFloat64
	err := b.db.R.QueryRowContext(ctx, "SELECT min(minx), min(miny), max(maxx), max(maxy) FROM "+rt).Scan(&x0, &y0, &x1, &y1)
	if err != nil {
		return orb.Bound{}, fmt.Errorf("layers: %s: table %q: %w", b.path, l.Table, err)
	}
	if !x0.Valid {
		return orb.Bound{}, nil
	}
	return orb.Bound{Min: orb.Point{x0.Float64, y0.Float64}, Max: orb.Point{x1.Float64, y1.Float64}}, nil
}
