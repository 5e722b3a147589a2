package conflict

import (
	"context"
	"database/sql"
	"encoding/json"
	"runtime"
	"sync"

	"lantu/layers/gpkg"
)

// The store at the speed of a bulk load: every patch's blob, attributes and
// fingerprint are encoded in parallel before the transaction writes them
// through two prepared statements, and a first run into an empty table
// drops the table's R-tree and builds it once after the rows are in (the
// per-row trigger costs more than the row).

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
