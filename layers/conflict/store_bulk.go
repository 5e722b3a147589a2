package conflict

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"runtime"
	"strings"
	"sync"

	"lantu/layers/gpkg"
)

// The store at the speed of a bulk load: every patch's blob, attributes and
// fingerprint are encoded in parallel before the transaction writes them
// through two prepared statements, and a first run into an empty table
// drops the table's R-tree and builds it once after the rows are in (the
// per-row trigger costs more than the row).

// bulkRows is the rows per multi-row INSERT of a bulk load (20 parameters
// each, far below SQLite's limit).
const bulkRows = 64

// bulkMin is the patch count from which an empty table is bulk loaded.
const bulkMin = 1000

// encodedPatch is what a patch's row holds besides its plain fields.
type encodedPatch struct {
	blob           []byte
	aAttrs, bAttrs string
	err            error
}

// patchWriter writes patches through prepared statements in one
// transaction. Used by one goroutine.
type patchWriter struct {
	patches  []Patch
	enc      []encodedPatch
	ins, upd *sql.Stmt
}

const insertPatchSQL = `INSERT INTO lantu_conflicts (geom, rule_id, severity, kind, a_layer, a_uid, a_fid,
	b_layer, b_uid, b_fid, a_attrs, b_attrs, class_pair, district, area_m2, perimeter_m, status, first_seen, last_seen, fingerprint)
	VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`

const updatePatchSQL = `UPDATE lantu_conflicts SET geom=?, a_fid=?, b_fid=?, a_attrs=?, b_attrs=?,
	district=?, area_m2=?, perimeter_m=?, status=?, last_seen=?, severity=? WHERE fid=?`

// newPatchWriter encodes patches (setting their fingerprints) and prepares
// the statements in tx. Close it before the transaction ends.
func newPatchWriter(ctx context.Context, tx *sql.Tx, srid int, patches []Patch) (*patchWriter, error) {
	w := &patchWriter{patches: patches, enc: encodeAll(patches, srid)}
	var err error
	if w.ins, err = tx.PrepareContext(ctx, insertPatchSQL); err != nil {
		return nil, err
	}
	if w.upd, err = tx.PrepareContext(ctx, updatePatchSQL); err != nil {
		w.ins.Close()
		return nil, err
	}
	return w, nil
}

func (w *patchWriter) close() {
	w.ins.Close()
	w.upd.Close()
}

// encodeAll encodes every patch across the CPUs, setting its fingerprint.
func encodeAll(patches []Patch, srid int) []encodedPatch {
	out := make([]encodedPatch, len(patches))
	n := min(runtime.NumCPU(), max(1, len(patches)/256))
	var wg sync.WaitGroup
	for w := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(patches); i += n {
				out[i] = encodePatch(&patches[i], srid)
			}
		}()
	}
	wg.Wait()
	return out
}

func encodePatch(p *Patch, srid int) encodedPatch {
	p.Fingerprint = fingerprint(p)
	blob, err := gpkg.EncodeGeometry(p.Geom, int32(srid))
	if err != nil {
		return encodedPatch{err: err}
	}
	a, _ := json.Marshal(p.A.Attrs)
	b, _ := json.Marshal(p.B.Attrs)
	return encodedPatch{blob: blob, aAttrs: string(a), bAttrs: string(b)}
}

// bulkLoadable tells whether a run of n patches goes into an empty
// lantu_conflicts with nothing of its scope stored: then its R-tree is
// dropped and built after the load.
func bulkLoadable(ctx context.Context, tx *sql.Tx, old *storedSet, n int) (bool, error) {
	if n < bulkMin || len(old.byFP) > 0 {
		return false, nil
	}
	var any int
	if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM lantu_conflicts)`).Scan(&any); err != nil {
		return false, err
	}
	return any == 0, nil
}

// dropRTree removes the R-tree of lantu_conflicts and its triggers, to be
// built again by gpkg's CreateSpatialIndex in the same transaction.
func dropRTree(ctx context.Context, tx *sql.Tx) error {
	rt := gpkg.RTreeName(TableConflicts, "geom")
	for _, s := range []string{"_insert", "_update1", "_update2", "_update3", "_update4", "_delete"} {
		if _, err := tx.ExecContext(ctx, "DROP TRIGGER IF EXISTS "+gpkg.QuoteIdent(rt+s)); err != nil {
			return err
		}
	}
	_, err := tx.ExecContext(ctx, "DROP TABLE IF EXISTS "+gpkg.QuoteIdent(rt))
	return err
}

// insertAll inserts every patch as a new open row, bulkRows to a statement
// (one prepared for full batches, one for the rest), for a bulk load into
// an empty table: a statement's rows take consecutive fids, so each patch
// learns its fid from the statement's last one.
func (w *patchWriter) insertAll(ctx context.Context, tx *sql.Tx, ts string) error {
	full, err := tx.PrepareContext(ctx, insertRowsSQL(bulkRows))
	if err != nil {
		return err
	}
	defer full.Close()
	args := make([]any, 0, bulkRows*20)
	for lo := 0; lo < len(w.patches); lo += bulkRows {
		hi := min(lo+bulkRows, len(w.patches))
		args = args[:0]
		for i := lo; i < hi; i++ {
			p, enc := &w.patches[i], &w.enc[i]
			if enc.err != nil {
				return fmt.Errorf("%w: rule %s, %s fid %d: %v", ErrGeometry, p.RuleID, p.A.Layer, p.A.FID, enc.err)
			}
			args = append(args, enc.blob, p.RuleID, p.Severity, p.Kind, p.A.Layer, p.A.UID, p.A.FID, p.B.Layer, p.B.UID, p.B.FID,
				enc.aAttrs, enc.bAttrs, p.ClassPair, p.District, p.Area, p.Perimeter, StatusOpen, ts, ts, p.Fingerprint)
		}
		var res sql.Result
		if hi-lo == bulkRows {
			res, err = full.ExecContext(ctx, args...)
		} else {
			res, err = tx.ExecContext(ctx, insertRowsSQL(hi-lo), args...)
		}
		if err != nil {
			return err
		}
		last, err := res.LastInsertId()
		if err != nil {
			return err
		}
		for i := lo; i < hi; i++ {
			p := &w.patches[i]
			p.ID = last - int64(hi-1-i)
			p.Status, p.FirstSeen, p.LastSeen = StatusOpen, ts, ts
		}
	}
	return nil
}

// insertRowsSQL is insertPatchSQL for n rows.
func insertRowsSQL(n int) string {
	row := "(" + strings.TrimSuffix(strings.Repeat("?,", 20), ",") + ")"
	head := insertPatchSQL[:strings.Index(insertPatchSQL, "VALUES")+len("VALUES")]
	return head + " " + strings.TrimSuffix(strings.Repeat(row+",", n), ",")
}
