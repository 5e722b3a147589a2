package conflict

import (
	"context"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/paulmach/orb"

	"lantu/layers/gpkg"
)

// A bulkWriter writes patches into an empty table of lantu_conflicts'
// schema in the order given: bulkRows rows to a multi-row INSERT whose
// columns that are the same for a whole rule (rule, severity, kind,
// layers) or run (status, times) are SQL literals, so thirteen values are
// bound a row. The writer numbers the rows itself, from lantu_conflicts'
// AUTOINCREMENT sequence, so a statement runs as a query: mattn's driver
// binds a query's values and steps it in one cgo crossing, against one
// crossing a value for Exec. The statements are INSERT OR FAIL: a failing
// row fails the load, which is rolled back whole, so SQLite keeps no
// statement journal (which it would fill with a copy of every page the
// cache spills). It keeps the rows' boxes for the R-tree and their extent.
// Into lantu_conflicts itself in one transaction (bulkSave: newBulkWriter,
// finish), the R-tree's triggers are suspended and the (rule_id, a_uid)
// index dropped until finish; a staged run (store_stage.go) writes a
// staging table in steps. Used by one goroutine.
type bulkWriter struct {
	ctx   context.Context // without cancel: mattn's driver runs each statement under a cancellable one in a goroutine of its own
	tx    *sql.Tx
	table string // written to
	ts    string
	keep  bool // set the written patches' IDs, status and times

	stmts map[rowConsts]*sql.Stmt // bulkRows rows, by constants, prepared in tx
	cur   rowConsts               // the constants of the pending rows
	args  []any                   // pending rows
	boxes []orb.Bound             // their boxes
	ptrs  []*Patch                // their patches (keep)

	index []gpkg.RTreeEntry // of the rows written

	extent orb.Bound // of the rows written, when any
	rows   int
	next   int64 // the fid of the next row
	resume func() error
}

// rowConsts are the columns bound as literals: one rule's patches share them.
type rowConsts struct{ rule, severity, kind, aLayer, bLayer string }

// boundCols are the columns bound per row, then the literal ones.
const (
	boundCols  = "fid, geom, a_uid, a_fid, b_uid, b_fid, a_attrs, b_attrs, class_pair, district, area_m2, perimeter_m, fingerprint"
	literalCol = "rule_id, severity, kind, a_layer, b_layer, status, first_seen, last_seen"
	nBound     = 13
)

// newBulkWriter readies tx for a bulk load into the empty
// lantu_conflicts. The writer's page cache is left as it is: the table is
// appended to, and the R-tree and index are built at the end, so a larger
// one saved no time on a city's run and cost its size in memory. Close it
// before tx ends.
func newBulkWriter(ctx context.Context, tx *sql.Tx, keep bool) (*bulkWriter, error) {
	w := newRowWriter(ctx, TableConflicts, keep)
	w.tx = tx
	var err error
	if w.next, err = nextFID(w.ctx, tx); err != nil {
		return nil, err
	}
	if w.resume, err = gpkg.SuspendRTreeTriggers(w.ctx, tx, TableConflicts, "geom"); err != nil {
		return nil, err
	}
	rt := gpkg.QuoteIdent(gpkg.RTreeName(TableConflicts, "geom"))
	for _, q := range []string{"DELETE FROM " + rt, "DROP INDEX IF EXISTS lantu_conflicts_rule"} {
		if _, err := tx.ExecContext(w.ctx, q); err != nil {
			return nil, err
		}
	}
	return w, nil
}

func newRowWriter(ctx context.Context, table string, keep bool) *bulkWriter {
	return &bulkWriter{ctx: context.WithoutCancel(ctx), table: table, ts: now(), keep: keep, stmts: map[rowConsts]*sql.Stmt{}}
}

// close releases the statements; finish first to keep the rows.
func (w *bulkWriter) close() {
	for k, s := range w.stmts {
		s.Close()
		delete(w.stmts, k)
	}
}

// write adds patches (enc their encoding), in order.
func (w *bulkWriter) write(ps []Patch, enc []encodedPatch) error {
	for i := range ps {
		p, e := &ps[i], &enc[i]
		if e.err != nil {
			return fmt.Errorf("%w: rule %s, %s fid %d: %v", ErrGeometry, p.RuleID, p.A.Layer, p.A.FID, e.err)
		}
		if k := (rowConsts{p.RuleID, p.Severity, p.Kind, p.A.Layer, p.B.Layer}); k != w.cur {
			if err := w.flush(); err != nil {
				return err
			}
			w.cur = k
		}
		w.args = append(append(w.args, w.next+int64(len(w.boxes))), e.row[:]...)
		w.boxes = append(w.boxes, e.box)
		if w.keep {
			p.Status, p.FirstSeen, p.LastSeen = StatusOpen, w.ts, w.ts
			w.ptrs = append(w.ptrs, p)
		}
		if len(w.boxes) == bulkRows {
			if err := w.flush(); err != nil {
				return err
			}
		}
	}
	return nil
}

// flush inserts the pending rows, fids w.next on, in one statement.
func (w *bulkWriter) flush() error {
	n := len(w.boxes)
	if n == 0 {
		return nil
	}
	var rows *sql.Rows
	var err error
	if n == bulkRows {
		var st *sql.Stmt
		if st, err = w.stmt(w.cur); err == nil {
			rows, err = st.QueryContext(w.ctx, w.args...)
		}
	} else {
		rows, err = w.tx.QueryContext(w.ctx, insertConstsSQL(w.table, w.cur, w.ts, n), w.args...)
	}
	if err == nil {
		err = rows.Close()
	}
	if err != nil {
		return err
	}
	for j, bd := range w.boxes {
		id := w.next + int64(j)
		if w.keep {
			w.ptrs[j].ID = id
		}
		w.extentAdd(bd)
		w.index = append(w.index, gpkg.RTreeEntry{ID: id, Bound: bd})
	}
	w.next += int64(n)
	w.rows += n
	clear(w.args)
	clear(w.ptrs)
	w.args, w.boxes, w.ptrs = w.args[:0], w.boxes[:0], w.ptrs[:0]
	return nil
}

func (w *bulkWriter) extentAdd(bd orb.Bound) {
	if w.rows == 0 && w.extent == (orb.Bound{}) {
		w.extent = bd
		return
	}
	w.extent = w.extent.Union(bd)
}

// nextFID is the fid SQLite would give the next row of lantu_conflicts,
// an AUTOINCREMENT table: one past the largest it ever gave, or one past
// the largest present should that be larger.
func nextFID(ctx context.Context, tx *sql.Tx) (int64, error) {
	var n int64
	err := tx.QueryRowContext(ctx, `SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = ?), 0),
		coalesce((SELECT max(fid) FROM lantu_conflicts), 0)) + 1`, TableConflicts).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("next fid: %w", err)
	}
	return n, nil
}

// stmt returns the prepared bulkRows-row statement of k.
func (w *bulkWriter) stmt(k rowConsts) (*sql.Stmt, error) {
	if s := w.stmts[k]; s != nil {
		return s, nil
	}
	s, err := w.tx.PrepareContext(w.ctx, insertConstsSQL(w.table, k, w.ts, bulkRows))
	if err != nil {
		return nil, err
	}
	w.stmts[k] = s
	return s, nil
}

// finish writes what is pending and indexes the rows (indexRows). The
// writer is closed after.
func (w *bulkWriter) finish() error {
	defer w.close()
	if err := w.flush(); err != nil {
		return err
	}
	return w.indexRows(w.tx, func() (*gpkg.RTreePack, error) {
		size, err := gpkg.RTreeNodeSize(w.ctx, w.tx, TableConflicts, "geom")
		if err != nil {
			return nil, err
		}
		return gpkg.PackRTree(TableConflicts, "geom", size, w.index)
	})
}

// indexRows, in tx, builds lantu_conflicts' (rule_id, a_uid) index, fills
// its R-tree with the rows' boxes packed by pack (called after the index
// is built: it may be packing meanwhile), brings the R-tree's triggers
// back (w.resume) and records the extent.
func (w *bulkWriter) indexRows(tx *sql.Tx, pack func() (*gpkg.RTreePack, error)) error {
	if _, err := tx.ExecContext(w.ctx, ruleIndexDDL); err != nil {
		return fmt.Errorf("index: %w", err)
	}
	p, err := pack()
	if err != nil {
		return err
	}
	w.index = nil
	if err := p.Write(w.ctx, tx); err != nil {
		return err
	}
	if err := w.resume(); err != nil {
		return err
	}
	ext := []any{nil, nil, nil, nil}
	if w.rows > 0 {
		ext = []any{w.extent.Min[0], w.extent.Min[1], w.extent.Max[0], w.extent.Max[1]}
	}
	_, err = tx.ExecContext(w.ctx, `UPDATE gpkg_contents SET min_x = ?, min_y = ?, max_x = ?, max_y = ?,
		last_change = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE table_name = ?`, append(ext, TableConflicts)...)
	return err
}

// insertConstsSQL is the INSERT into table of n rows with k's constants, status open
// and times ts as literals.
func insertConstsSQL(table string, k rowConsts, ts string, n int) string {
	lits := strings.Join([]string{sqlText(k.rule), sqlText(k.severity), sqlText(k.kind), sqlText(k.aLayer), sqlText(k.bLayer),
		sqlText(StatusOpen), sqlText(ts), sqlText(ts)}, ",")
	row := "(" + strings.Repeat("?,", nBound) + lits + ")"
	var b strings.Builder
	b.WriteString("INSERT OR FAIL INTO " + gpkg.QuoteIdent(table) + " (" + boundCols + ", " + literalCol + ") VALUES ")
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(row)
	}
	return b.String()
}

// sqlText is s as an SQL text literal: quoted, or as hex cast to text when
// it holds a NUL or is not UTF-8 (the SQL text itself could not carry it).
func sqlText(s string) string {
	if strings.IndexByte(s, 0) >= 0 || !utf8.ValidString(s) {
		return "CAST(X'" + hex.EncodeToString([]byte(s)) + "' AS TEXT)"
	}
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

// encodeChunk encodes a chunk's patches in order into buf's array (setting
// their fingerprints): a feature's attributes are encoded once for its
// run of patches (A) or once in bJSON (B, by fid), which the caller keeps
// for the chunks of one rule, the maps of one feature being the same in
// every patch of a rule.
func encodeChunk(buf []encodedPatch, ps []Patch, srid int, bJSON map[int64]string) []encodedPatch {
	out := slices.Grow(buf[:0], len(ps))[:len(ps)]
	for i := range ps {
		p := &ps[i]
		e := encodeGeom(p, srid)
		if i > 0 && p.A.FID == ps[i-1].A.FID {
			e.aAttrs = out[i-1].aAttrs
		} else {
			e.aAttrs = attrsJSON(p.A.Attrs)
		}
		b, ok := bJSON[p.B.FID]
		if !ok {
			b = attrsJSON(p.B.Attrs)
			bJSON[p.B.FID] = b
		}
		e.bAttrs = b
		e.setRow(p)
		out[i] = e
	}
	return out
}

// encodeGeom sets p's fingerprint and encodes its geometry and box.
func encodeGeom(p *Patch, srid int) encodedPatch {
	p.Fingerprint = fingerprint(p)
	blob, err := gpkg.EncodeGeometry(p.Geom, int32(srid))
	if err != nil {
		return encodedPatch{err: err}
	}
	bd, ok := gpkg.BlobBound(blob)
	if !ok {
		bd = p.Geom.Bound()
	}
	return encodedPatch{blob: blob, box: bd}
}

func attrsJSON(m map[string]any) string {
	b, _ := json.Marshal(m)
	return string(b)
}
