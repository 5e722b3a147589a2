package layers

import (
	"context"
	"database/sql"

	"github.com/paulmach/orb"
)

// batch is the state of one Apply transaction: its prepared statements,
// reused across the edits, and the extent each touched layer grew by, written
// to gpkg_contents once at the end. Used by one goroutine.
type batch struct {
	tx      *sql.Tx
	stmts   map[string]*sql.Stmt
	touched map[*Layer]*orb.Bound // nil bound: changed, nothing added
	order   []*Layer
}

func newBatch(tx *sql.Tx) *batch {
	return &batch{tx: tx, stmts: map[string]*sql.Stmt{}, touched: map[*Layer]*orb.Bound{}}
}

// exec runs q with args through a statement prepared once per batch.
func (bt *batch) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	st := bt.stmts[q]
	if st == nil {
		var err error
		if st, err = bt.tx.PrepareContext(ctx, q); err != nil {
			return nil, err
		}
		bt.stmts[q] = st
	}
	return st.ExecContext(ctx, args...)
}

// touch records a change to l; f is the feature as written, nil for a delete.
func (bt *batch) touch(l *Layer, f *Feature) {
	b, seen := bt.touched[l]
	if !seen {
		bt.order = append(bt.order, l)
	}
	if f == nil || f.Geom == nil {
		bt.touched[l] = b
		return
	}
	fb := f.Geom.Bound()
	if b != nil {
		fb = fb.Union(*b)
	}
	bt.touched[l] = &fb
}

// touchContents records the change time of every touched layer and grows
// its extent in gpkg_contents.
func (bt *batch) touchContents(ctx context.Context, now string) error {
	for _, l := range bt.order {
		bb := bt.touched[l]
		if bb == nil {
			if _, err := bt.tx.ExecContext(ctx, `UPDATE gpkg_contents SET last_change = ? WHERE table_name = ?`, now, l.Table); err != nil {
				return err
			}
			continue
		}
		if _, err := bt.tx.ExecContext(ctx, `UPDATE gpkg_contents SET last_change = ?,
			min_x = min(coalesce(min_x, ?), ?), min_y = min(coalesce(min_y, ?), ?),
			max_x = max(coalesce(max_x, ?), ?), max_y = max(coalesce(max_y, ?), ?) WHERE table_name = ?`,
			now, bb.Min[0], bb.Min[0], bb.Min[1], bb.Min[1], bb.Max[0], bb.Max[0], bb.Max[1], bb.Max[1], l.Table); err != nil {
			return err
		}
	}
	return nil
}

// close releases the prepared statements.
func (bt *batch) close() {
	for _, st := range bt.stmts {
		st.Close()
	}
}
