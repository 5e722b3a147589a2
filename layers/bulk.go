package layers

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"lantu/layers/gpkg"
)

// BulkWriter loads many features in one transaction with prepared
// statements, without journal rows (a bulk load is base data, not a local
// edit). Spatial indexes and extents are built at Commit, and the layers'
// in-memory indexes are rebuilt. A BulkWriter is not safe for concurrent use,
// and the blueprint accepts no other edit until it commits or rolls back.
type BulkWriter struct {
	b     *Blueprint
	ctx   context.Context
	tx    *sql.Tx
	now   string
	stmts map[*Layer]*bulkStmt
	done  bool
}

type bulkStmt struct {
	stmt *sql.Stmt
	cols []string // attribute columns, in placeholder order
}

// Bulk starts a bulk load. It holds the writer lock until Commit or
// Rollback; OnChange listeners hear of the loaded layers as Reloaded.
func (b *Blueprint) Bulk(ctx context.Context) (*BulkWriter, error) {
	if err := b.writable(); err != nil {
		return nil, err
	}
	if err := b.WaitLoaded(ctx); err != nil {
		return nil, err
	}
	tx, err := b.lockWrite(ctx)
	if err != nil {
		return nil, err
	}
	return &BulkWriter{b: b, ctx: ctx, tx: tx, now: time.Now().UTC().Format(timeFormat), stmts: map[*Layer]*bulkStmt{}}, nil
}

// Insert adds one feature. attrs["uid"], when a string, sets the uid (a
// deterministic load); otherwise a random UUID is used.
func (w *BulkWriter) Insert(layer string, g orb.Geometry, attrs map[string]any) error {
	l, err := w.b.editableLayer(layer)
	if err != nil {
		return err
	}
	st, err := w.stmt(l)
	if err != nil {
		return err
	}
	g, err = l.conform(g)
	if err != nil {
		return fmt.Errorf("layers: %s: %w", w.b.path, err)
	}
	blob, err := gpkg.EncodeGeometry(g, int32(l.SRID))
	if err != nil {
		return fmt.Errorf("layers: %s: insert into %q: %w", w.b.path, l.Table, err)
	}
	uid, _ := attrs["uid"].(string)
	if uid == "" {
		uid = newUID()
	}
	args := make([]any, 0, 4+len(st.cols))
	args = append(args, blob, uid, w.now, w.b.user)
	for _, c := range st.cols {
		args = append(args, sqlValue(attrs[c]))
	}
	for k := range attrs {
		if k != "uid" && !l.hasColumn(k) {
			return fmt.Errorf("%w: layer %q has no field %q", ErrInvalidInput, l.Table, k)
		}
	}
	if _, err := st.stmt.ExecContext(w.ctx, args...); err != nil {
		return fmt.Errorf("layers: %s: insert into %q: %w", w.b.path, l.Table, err)
	}
	return nil
}

// stmt prepares the insert statement of a layer once.
func (w *BulkWriter) stmt(l *Layer) (*bulkStmt, error) {
	if st := w.stmts[l]; st != nil {
		return st, nil
	}
	var cols []string
	for _, c := range l.attrColumns() {
		switch c.Name {
		case "uid", "version", "updated_at", "updated_by":
		default:
			cols = append(cols, c.Name)
		}
	}
	all := append([]string{l.GeomColumn, "uid", "updated_at", "updated_by"}, cols...)
	q := "INSERT INTO " + gpkg.QuoteIdent(l.Table) + " (" + quoteAll(all) + ") VALUES (?" + strings.Repeat(",?", len(all)-1) + ")"
	s, err := w.tx.PrepareContext(w.ctx, q)
	if err != nil {
		return nil, fmt.Errorf("layers: %s: prepare %q: %w", w.b.path, l.Table, err)
	}
	st := &bulkStmt{stmt: s, cols: cols}
	w.stmts[l] = st
	return st, nil
}

// Commit builds the spatial indexes and extents of the loaded layers,
// commits, and rebuilds their in-memory indexes.
func (w *BulkWriter) Commit() error {
	if w.done {
		return nil
	}
	defer w.finish()
	var touched []*Layer
	for l, st := range w.stmts {
		st.stmt.Close()
		touched = append(touched, l)
	}
	sort.Slice(touched, func(i, j int) bool { return touched[i].Table < touched[j].Table })
	for _, l := range touched {
		if !l.HasRTree {
			if err := w.b.db.CreateSpatialIndex(w.ctx, w.tx, l.Table, l.GeomColumn); err != nil {
				return fmt.Errorf("layers: %s: index %q: %w", w.b.path, l.Table, err)
			}
		}
		if err := w.b.db.UpdateExtent(w.ctx, w.tx, l.Table); err != nil {
			return fmt.Errorf("layers: %s: extent %q: %w", w.b.path, l.Table, err)
		}
	}
	if err := w.tx.Commit(); err != nil {
		return fmt.Errorf("layers: %s: commit: %w", w.b.path, err)
	}
	var cs changes
	for _, l := range touched {
		l.HasRTree = true
		cs.reloaded(l)
		if err := l.load(w.ctx, w.b.db.R); err != nil {
			w.b.changes.publish(cs.set("")) // committed all the same
			return fmt.Errorf("layers: %s: table %q: %w", w.b.path, l.Table, err)
		}
	}
	w.b.recomputeExtent()
	w.b.changes.publish(cs.set(""))
	return nil
}

// Rollback abandons the load.
func (w *BulkWriter) Rollback() error {
	if w.done {
		return nil
	}
	defer w.finish()
	for _, st := range w.stmts {
		st.stmt.Close()
	}
	return w.tx.Rollback()
}

func (w *BulkWriter) finish() {
	w.done = true
	w.tx.Rollback() // no-op after a commit
	w.b.writeMu.Unlock()
}

// recomputeExtent sets the blueprint extent from its layers.
func (b *Blueprint) recomputeExtent() {
	b.extentMu.Lock()
	defer b.extentMu.Unlock()
	b.extent = orb.Bound{}
	first := true
	for _, l := range b.layers {
		if l.indexed() == 0 && !l.pending() || l.pending() && l.Extent() == (orb.Bound{}) {
			continue // no features, or none declared (an empty table's zero extent is no place)
		}
		if e := l.Extent(); first {
			b.extent, first = e, false
		} else {
			b.extent = b.extent.Union(e)
		}
	}
}
