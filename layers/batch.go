package layers

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"slices"
	"strings"

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
	journal [][]any                        // journal rows not yet written, in edit order
	boxes   map[*Layer]map[int64]orb.Bound // R-tree rows not yet written
	indexed []*Layer                       // layers given a spatial index by the batch
}

// Rows are written in multi-row INSERTs of these many rows: one statement
// per chunk instead of one per edit.
const (
	journalChunk = 64 // 9 parameters each
	rtreeChunk   = 128
)

// addJournal queues a journal row, writing a chunk when it is full.
func (bt *batch) addJournal(ctx context.Context, row []any) error {
	bt.journal = append(bt.journal, row)
	if len(bt.journal) < journalChunk {
		return nil
	}
	return bt.flushJournal(ctx)
}

func (bt *batch) flushJournal(ctx context.Context) error {
	if len(bt.journal) == 0 {
		return nil
	}
	q := `INSERT INTO lantu_journal (ts, user, op, layer, uid, fid, base_version, before, after) VALUES (?,?,?,?,?,?,?,?,?)` +
		strings.Repeat(",(?,?,?,?,?,?,?,?,?)", len(bt.journal)-1)
	args := make([]any, 0, 9*len(bt.journal))
	for _, r := range bt.journal {
		args = append(args, r...)
	}
	bt.journal = bt.journal[:0]
	_, err := bt.exec(ctx, q, args...)
	return err
}

// flushBoxes writes the queued R-tree rows of every manual layer.
func (bt *batch) flushBoxes(ctx context.Context) error {
	for l, boxes := range bt.boxes {
		rt := gpkg.QuoteIdent(gpkg.RTreeName(l.Table, l.GeomColumn))
		fids := slices.Sorted(maps.Keys(boxes))
		for i := 0; i < len(fids); i += rtreeChunk {
			chunk := fids[i:min(len(fids), i+rtreeChunk)]
			q := "INSERT OR REPLACE INTO " + rt + " VALUES (?,?,?,?,?)" + strings.Repeat(",(?,?,?,?,?)", len(chunk)-1)
			args := make([]any, 0, 5*len(chunk))
			for _, fid := range chunk {
				b := boxes[fid]
				args = append(args, fid, b.Min[0], b.Max[0], b.Min[1], b.Max[1])
			}
			if _, err := bt.exec(ctx, q, args...); err != nil {
				return err
			}
		}
	}
	bt.boxes = nil
	return nil
}

// flush writes everything queued; call it before commit.
func (bt *batch) flush(ctx context.Context) error {
	if err := bt.flushJournal(ctx); err != nil {
		return err
	}
	return bt.flushBoxes(ctx)
}

func newBatch(tx *sql.Tx) *batch {
	return &batch{tx: tx, stmts: map[string]*sql.Stmt{}, touched: map[*Layer]*orb.Bound{}, manual: map[*Layer]bool{}}
}

// manualRTreeEdits is how many edits of one layer in a batch make it worth
// suspending the layer's R-tree triggers and writing the index directly.
const manualRTreeEdits = 64

// suspendTriggers takes over the R-tree of every layer with many edits
// (count: edits per layer).
func (bt *batch) suspendTriggers(ctx context.Context, count map[*Layer]int) error {
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

// ensureRTree creates the spatial index of a layer that has none; the
// layer is marked as having one once the batch commits.
func (bt *batch) ensureRTree(ctx context.Context, b *Blueprint, l *Layer) error {
	if l.HasRTree || slices.Contains(bt.indexed, l) {
		return nil
	}
	if err := b.db.CreateSpatialIndex(ctx, bt.tx, l.Table, l.GeomColumn); err != nil {
		return fmt.Errorf("layers: %s: index %q: %w", b.path, l.Table, err)
	}
	bt.indexed = append(bt.indexed, l)
	return nil
}

// finish writes everything queued, the layers' gpkg_contents rows, and
// restores suspended triggers; call it last before commit.
func (bt *batch) finish(ctx context.Context, now string) error {
	if err := bt.flush(ctx); err != nil {
		return err
	}
	if err := bt.touchContents(ctx, now); err != nil {
		return fmt.Errorf("gpkg_contents: %w", err)
	}
	return bt.resumeTriggers()
}

// committed records what the commit made true of the layers.
func (bt *batch) committed() {
	for _, l := range bt.indexed {
		l.HasRTree = true
	}
}

// index writes fid's box into the layer's R-tree when the batch maintains
// it (g nil or empty: the row leaves the index).
func (bt *batch) index(ctx context.Context, l *Layer, fid int64, g orb.Geometry) error {
	if !bt.manual[l] {
		return nil
	}
	if bt.boxes == nil {
		bt.boxes = map[*Layer]map[int64]orb.Bound{}
	}
	if bt.boxes[l] == nil {
		bt.boxes[l] = map[int64]orb.Bound{}
	}
	if g == nil || gpkg.IsEmpty(g) {
		delete(bt.boxes[l], fid) // a queued row of this batch goes too
		rt := gpkg.QuoteIdent(gpkg.RTreeName(l.Table, l.GeomColumn))
		_, err := bt.exec(ctx, "DELETE FROM "+rt+" WHERE id = ?", fid)
		return err
	}
	bt.boxes[l][fid] = g.Bound()
	return nil
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

// query runs a query of the batch, prepared once per batch.
func (bt *batch) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	st := bt.stmts[q]
	if st == nil {
		var err error
		if st, err = bt.tx.PrepareContext(ctx, q); err != nil {
			return nil, err
		}
		bt.stmts[q] = st
	}
	return st.QueryContext(ctx, args...)
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
