package layers

import (
	"context"
	"database/sql"

	"github.com/paulmach/orb"

	"lantu/layers/gpkg"
)

// batch is the state of one Apply transaction: its prepared statements,
// reused across the edits, and the extent each touched layer grew by, written
// to gpkg_contents once at the end. Used by one goroutine.
type batch struct {
	tx      *sql.Tx
	stmts   map[string]*sql.Stmt
	touched map[*Layer]*orb.Bound // nil bound: changed, nothing added
	order   []*Layer
	manual  map[*Layer]bool // layers whose R-tree the batch maintains itself
	resume  []func() error
}

func newBatch(tx *sql.Tx) *batch {
	return &batch{tx: tx, stmts: map[string]*sql.Stmt{}, touched: map[*Layer]*orb.Bound{}, manual: map[*Layer]bool{}}
}

// manualRTreeEdits is how many edits of one layer in a batch make it worth
// suspending the layer's R-tree triggers and writing the index directly.
const manualRTreeEdits = 64

// suspendTriggers takes over the R-tree of every layer with many edits.
func (bt *batch) suspendTriggers(ctx context.Context, b *Blueprint, edits []Edit) error {
	count := map[*Layer]int{}
	for _, e := range edits {
		if l := b.byKey[e.Layer]; l != nil {
			count[l]++
		}
	}
	for l, n := range count {
		if n < manualRTreeEdits || !l.HasRTree || !l.Editable() || bt.manual[l] {
			continue
		}
		resume, err := gpkg.SuspendRTreeTriggers(ctx, bt.tx, l.Table, l.GeomColumn)
		if err != nil {
			return err
		}
		bt.manual[l] = true
		bt.resume = append(bt.resume, resume)
	}
	return nil
}

// index writes fid's box into the layer's R-tree when the batch maintains
// it (g nil or empty: the row leaves the index).
func (bt *batch) index(ctx context.Context, l *Layer, fid int64, g orb.Geometry) error {
	if !bt.manual[l] {
		return nil
	}
	rt := gpkg.QuoteIdent(gpkg.RTreeName(l.Table, l.GeomColumn))
	if g == nil || gpkg.IsEmpty(g) {
		_, err := bt.exec(ctx, "DELETE FROM "+rt+" WHERE id = ?", fid)
		return err
	}
	b := g.Bound()
	_, err := bt.exec(ctx, "INSERT OR REPLACE INTO "+rt+" VALUES (?, ?, ?, ?, ?)", fid, b.Min[0], b.Max[0], b.Min[1], b.Max[1])
	return err
}

// resumeTriggers recreates the suspended triggers; call it before commit.
func (bt *batch) resumeTriggers() error {
	for _, r := range bt.resume {
		if err := r(); err != nil {
			return err
		}
	}
	bt.resume = nil
	return nil
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
