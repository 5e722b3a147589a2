package layers

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"github.com/paulmach/orb"

	"lantu/layers/gpkg"
)

// Feature is one row of a layer. A Feature is a value the caller owns; it is
// not shared with the blueprint.
type Feature struct {
	Layer   *Layer
	FID     int64
	UID     string
	Version int64
	Geom    orb.Geometry   // nil for a NULL, empty or unreadable geometry
	Attrs   map[string]any // the layer's attribute columns (not fid, geom or the system columns)
	// GeomErr says why Geom is nil for a geometry blob that cannot be
	// decoded (it wraps gpkg.ErrInvalidBlob and names the table and fid); the
	// feature's other fields are read all the same.
	GeomErr error
}

// Query selects features.
type Query struct {
	Layers []string  // catalog codes or table names; empty: every layer
	BBox   orb.Bound // features whose box intersects it; zero: everything
	Where  string    // SQL boolean expression over the layer's columns, validated by the caller
	NoGeom bool      // skip decoding geometry
}

// Query streams the features q selects, layer by layer in draw order, then by
// fid. fn's error stops the stream and is returned. Without a BBox, features
// with no geometry (NULL, empty or unreadable: see Feature.GeomErr) are
// listed too; a BBox selects through the spatial index, which has only
// features with coordinates.
func (b *Blueprint) Query(ctx context.Context, q Query, fn func(*Feature) error) error {
	if err := b.WaitLoaded(ctx); err != nil {
		return err
	}
	ls := b.layers
	if len(q.Layers) > 0 {
		ls = nil
		for _, name := range q.Layers {
			l, err := b.layer(name)
			if err != nil {
				return err
			}
			ls = append(ls, l)
		}
	}
	for _, l := range ls {
		if err := b.queryLayer(ctx, l, q, fn); err != nil {
			return err
		}
	}
	return nil
}

func (b *Blueprint) queryLayer(ctx context.Context, l *Layer, q Query, fn func(*Feature) error) error {
	base := l.selectSQL(q.NoGeom)
	where := ""
	if strings.TrimSpace(q.Where) != "" {
		where = " AND (" + q.Where + ")"
	}
	if q.BBox == (orb.Bound{}) {
		return b.scan(ctx, l, q.NoGeom, base+" WHERE 1"+where+" ORDER BY "+gpkg.QuoteIdent(l.PK), nil, fn)
	}
	fids := l.Search(q.BBox)
	const chunk = 500
	for len(fids) > 0 {
		n := min(chunk, len(fids))
		args := make([]any, n)
		for i, f := range fids[:n] {
			args[i] = f
		}
		sqlText := base + " WHERE " + gpkg.QuoteIdent(l.PK) + " IN (?" + strings.Repeat(",?", n-1) + ")" + where +
			" ORDER BY " + gpkg.QuoteIdent(l.PK)
		if err := b.scan(ctx, l, q.NoGeom, sqlText, args, fn); err != nil {
			return err
		}
		fids = fids[n:]
	}
	return nil
}

// Search returns the sorted fids of live features whose box intersects box.
func (l *Layer) Search(box orb.Bound) []int64 {
	var fids []int64
	l.Read(func(s *Snapshot) {
		s.Search(box, func(i int) bool {
			fids = append(fids, s.FID(i))
			return true
		})
	})
	slices.Sort(fids)
	return fids
}

// selectSQL lists pk, geom, then every other column.
func (l *Layer) selectSQL(noGeom bool) string {
	cols := []string{gpkg.QuoteIdent(l.PK)}
	if noGeom || l.GeomColumn == "" {
		cols = append(cols, "NULL")
	} else {
		cols = append(cols, gpkg.QuoteIdent(l.GeomColumn))
	}
	for _, c := range l.attrColumns() {
		cols = append(cols, gpkg.QuoteIdent(c.Name))
	}
	return "SELECT " + strings.Join(cols, ", ") + " FROM " + gpkg.QuoteIdent(l.Table)
}

// attrColumns are all columns but the primary key and geometry.
func (l *Layer) attrColumns() []gpkg.Column {
	var out []gpkg.Column
	for _, c := range l.Columns {
		if c.Name != l.PK && c.Name != l.GeomColumn {
			out = append(out, c)
		}
	}
	return out
}

func (b *Blueprint) scan(ctx context.Context, l *Layer, noGeom bool, q string, args []any, fn func(*Feature) error) error {
	rows, err := b.db.R.QueryContext(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("layers: %s: query %q: %w", b.path, l.Table, err)
	}
	defer rows.Close()
	rr := l.newRowReader()
	for rows.Next() {
		f, err := rr.read(rows, noGeom)
		if err != nil {
			return fmt.Errorf("layers: %s: table %q: %w", b.path, l.Table, err)
		}
		if err := fn(f); err != nil {
			return err
		}
	}
	return rows.Err()
}

// scanRow reads one row of selectSQL's shape.
func (l *Layer) scanRow(rows *sql.Rows, noGeom bool) (*Feature, error) {
	return l.newRowReader().read(rows, noGeom)
}

// rowReader reads rows of selectSQL's shape, its scan targets made once
// per query (and the geometry blob decoded in the driver's memory, not
// copied first). Used by one goroutine.
type rowReader struct {
	l    *Layer
	cols []gpkg.Column
	vals []any
	raw  []any
	fid  int64
	blob sql.RawBytes
}

func (l *Layer) newRowReader() *rowReader { return l.newRowReaderCols(l.attrColumns()) }

// newRowReaderCols reads rows of pk, geometry, then cols.
func (l *Layer) newRowReaderCols(cols []gpkg.Column) *rowReader {
	rr := &rowReader{l: l, cols: cols}
	rr.vals = make([]any, 2+len(rr.cols))
	rr.raw = make([]any, len(rr.cols))
	rr.vals[0], rr.vals[1] = &rr.fid, &rr.blob
	for i := range rr.cols {
		rr.vals[2+i] = &rr.raw[i]
	}
	return rr
}

func (rr *rowReader) read(rows *sql.Rows, noGeom bool) (*Feature, error) {
	l, cols, raw := rr.l, rr.cols, rr.raw
	if err := rows.Scan(rr.vals...); err != nil {
		return nil, err
	}
	fid, blob := rr.fid, []byte(rr.blob)
	f := &Feature{Layer: l, FID: fid, Attrs: make(map[string]any, len(cols))}
	if !noGeom && len(blob) > 0 {
		g, err := gpkg.DecodeGeometry(blob)
		switch {
		case err != nil:
			f.GeomErr = fmt.Errorf("layers: table %q fid %d: %w", l.Table, fid, err)
		case !g.Empty:
			f.Geom = g.Geom
		}
	}
	for i, c := range cols {
		v := raw[i]
		if bs, ok := v.([]byte); ok {
			v = string(bs)
		}
		switch {
		case l.lantu && c.Name == "uid":
			f.UID, _ = v.(string)
		case l.lantu && c.Name == "version":
			f.Version, _ = v.(int64)
		default:
			f.Attrs[c.Name] = v
		}
	}
	return f, nil
}

// Feature reads one feature by fid.
func (b *Blueprint) Feature(ctx context.Context, layer string, fid int64) (*Feature, error) {
	l, err := b.layer(layer)
	if err != nil {
		return nil, err
	}
	return b.one(ctx, l, l.selectSQL(false)+" WHERE "+gpkg.QuoteIdent(l.PK)+" = ?", fid)
}

// FeatureByUID reads one feature by its uid.
func (b *Blueprint) FeatureByUID(ctx context.Context, layer, uid string) (*Feature, error) {
	l, err := b.layer(layer)
	if err != nil {
		return nil, err
	}
	if !l.lantu {
		return nil, fmt.Errorf("%w: %q has no uid column", ErrNoFeature, l.Table)
	}
	return b.one(ctx, l, l.selectSQL(false)+" WHERE uid = ?", uid)
}

func (b *Blueprint) one(ctx context.Context, l *Layer, q string, key any) (*Feature, error) {
	var out *Feature
	err := b.scan(ctx, l, false, q, []any{key}, func(f *Feature) error { out = f; return nil })
	if err != nil {
		return nil, err
	}
	if out == nil {
		return nil, fmt.Errorf("%w: %v in %q", ErrNoFeature, key, l.Table)
	}
	return out, nil
}
