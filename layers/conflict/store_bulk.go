package conflict

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"

	"lantu/layers/gpkg"
)

// The store at the speed of a bulk load: every patch's blob, attributes and
// fingerprint are encoded in parallel before the transaction writes them
// through prepared statements, and a first run into an empty table inserts
// bulkRows rows a statement with the R-tree's triggers suspended, writing
// the R-tree's rows from the boxes it has (bulkLoad).

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
	srid     int
	enc      []encodedPatch // patches[encLo:encLo+len(enc)] encoded
	encLo    int
	ins, upd *sql.Stmt
}

// encChunk is how many patches are encoded at a time: the blobs of a whole
// city's run held at once would double the store's memory.
const encChunk = 8192

// encoded returns patch i's encoding (setting its fingerprint), encoding
// its chunk across the CPUs when i is past the one held. Patches are
// taken in order.
func (w *patchWriter) encoded(i int) *encodedPatch {
	if i < w.encLo || i >= w.encLo+len(w.enc) {
		w.encLo = i - i%encChunk
		w.enc = encodeAll(w.enc[:0], w.patches[w.encLo:min(w.encLo+encChunk, len(w.patches))], w.srid)
	}
	return &w.enc[i-w.encLo]
}

const insertPatchSQL = `INSERT INTO lantu_conflicts (geom, rule_id, severity, kind, a_layer, a_uid, a_fid,
	b_layer, b_uid, b_fid, a_attrs, b_attrs, class_pair, district, area_m2, perimeter_m, status, first_seen, last_seen, fingerprint)
	VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`

const updatePatchSQL = `UPDATE lantu_conflicts SET geom=?, a_fid=?, b_fid=?, a_attrs=?, b_attrs=?,
	district=?, area_m2=?, perimeter_m=?, status=?, last_seen=?, severity=? WHERE fid=?`

// newPatchWriter encodes patches (setting their fingerprints) and prepares
// the statements in tx. Close it before the transaction ends.
func newPatchWriter(ctx context.Context, tx *sql.Tx, srid int, patches []Patch) (*patchWriter, error) {
	w := &patchWriter{patches: patches, srid: srid}
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

// encodeAll encodes patches across the CPUs into buf (its length set to
// theirs), setting their fingerprints.
func encodeAll(buf []encodedPatch, patches []Patch, srid int) []encodedPatch {
	out := slices.Grow(buf[:0], len(patches))[:len(patches)]
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
// lantu_conflicts with nothing of its scope stored: then it is bulk
// loaded (bulkLoad).
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

// bulkLoad inserts every patch (insertAll) with the R-tree's triggers
// suspended, and writes the R-tree's rows itself from the boxes it knows,
// bulkRows to a statement: the triggers' four SQL function calls per row,
// or reading every blob back to fill the index after, cost more than the
// rows. The triggers are back before it returns without error.
func (w *patchWriter) bulkLoad(ctx context.Context, tx *sql.Tx, ts string) error {
	if n := len(w.patches) / 1000; n > 64 { // the R-tree and index of a city's run outgrow the writer's 64 MB cache
		if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA cache_size = -%d", min(n, 512)<<10)); err != nil {
			return err
		}
		defer func() { _, _ = tx.ExecContext(ctx, "PRAGMA cache_size = -65536") }() // gpkg's writer default
	}
	resume, err := gpkg.SuspendRTreeTriggers(ctx, tx, TableConflicts, "geom")
	if err != nil {
		return err
	}
	if err := w.insertAll(ctx, tx, ts); err != nil {
		return err
	}
	if err := w.indexAll(ctx, tx); err != nil {
		return fmt.Errorf("%s: %w", gpkg.RTreeName(TableConflicts, "geom"), err)
	}
	return resume()
}

// indexAll writes the R-tree rows of the inserted patches (IDs set), after
// clearing it: the table was empty.
func (w *patchWriter) indexAll(ctx context.Context, tx *sql.Tx) error {
	rt := gpkg.QuoteIdent(gpkg.RTreeName(TableConflicts, "geom"))
	if _, err := tx.ExecContext(ctx, "DELETE FROM "+rt); err != nil {
		return err
	}
	head := "INSERT INTO " + rt + " VALUES "
	full, err := tx.PrepareContext(ctx, head+rowsSQL(5, bulkRows))
	if err != nil {
		return err
	}
	defer full.Close()
	args := make([]any, 0, 5*bulkRows)
	for lo := 0; lo < len(w.patches); lo += bulkRows {
		hi := min(lo+bulkRows, len(w.patches))
		args = args[:0]
		for i := lo; i < hi; i++ {
			p := &w.patches[i]
			bd := p.Geom.Bound()
			args = append(args, p.ID, bd.Min[0], bd.Max[0], bd.Min[1], bd.Max[1])
		}
		if hi-lo == bulkRows {
			_, err = full.ExecContext(ctx, args...)
		} else {
			_, err = tx.ExecContext(ctx, head+rowsSQL(5, hi-lo), args...)
		}
		if err != nil {
			return err
		}
	}
	return nil
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
			p, enc := &w.patches[i], w.encoded(i)
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
	head := insertPatchSQL[:strings.Index(insertPatchSQL, "VALUES")+len("VALUES")]
	return head + " " + rowsSQL(20, n)
}

// rowsSQL is the VALUES list of n rows of cols placeholders.
func rowsSQL(cols, n int) string {
	row := "(" + strings.TrimSuffix(strings.Repeat("?,", cols), ",") + ")"
	return strings.TrimSuffix(strings.Repeat(row+",", n), ",")
}
