package conflict

import (
	"context"
	"database/sql"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/paulmach/orb"
)

// The store at the speed of a bulk load: every patch's blob, attributes and
// fingerprint are encoded in parallel before the transaction writes them
// through prepared statements, and a first run into an empty table is
// streamed into it by a bulkWriter (store_stream.go) as the overlay finds
// the patches.

// bulkRows is the rows per multi-row INSERT of a bulk load (13 parameters
// each, far below SQLite's limit).
const bulkRows = 64

// bulkMin is the patch count from which an empty table is bulk loaded.
const bulkMin = 1000

// encodedPatch is what a patch's row holds besides its plain fields.
type encodedPatch struct {
	blob           []byte
	aAttrs, bAttrs string
	box            orb.Bound // the blob's
	err            error
	// row is the bulkWriter's values of the row after the fid (boundCols),
	// made into interfaces by the goroutine that encoded the patch rather
	// than by the one writer.
	row [nBound - 1]any
}

// setRow fills e.row from p and e.
func (e *encodedPatch) setRow(p *Patch) {
	e.row = [nBound - 1]any{e.blob, p.A.UID, p.A.FID, p.B.UID, p.B.FID, e.aAttrs, e.bAttrs,
		p.ClassPair, p.District, p.Area, p.Perimeter, p.Fingerprint}
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
	e := encodeGeom(p, srid)
	e.aAttrs, e.bAttrs = attrsJSON(p.A.Attrs), attrsJSON(p.B.Attrs)
	e.setRow(p)
	return e
}

// bulkLoadable tells whether a run of n patches goes into an empty
// lantu_conflicts with nothing of its scope stored: then it is bulk
// loaded (bulkSave).
func bulkLoadable(ctx context.Context, tx *sql.Tx, old *storedSet, n int) (bool, error) {
	if n < bulkMin || len(old.byFP) > 0 {
		return false, nil
	}
	return storeEmpty(ctx, tx)
}

// storeEmpty tells whether lantu_conflicts has no row.
func storeEmpty(ctx context.Context, tx *sql.Tx) (bool, error) {
	var any int
	if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM lantu_conflicts)`).Scan(&any); err != nil {
		return false, err
	}
	return any == 0, nil
}

// bulkSave stores patches into the empty lantu_conflicts through a
// bulkWriter, encoding them encChunk at a time across the CPUs; each
// patch gets its ID, status and times.
func bulkSave(ctx context.Context, tx *sql.Tx, srid int, patches []Patch) error {
	bw, err := newBulkWriter(ctx, tx, true)
	if err != nil {
		return err
	}
	defer bw.close()
	var enc []encodedPatch
	for lo := 0; lo < len(patches); lo += encChunk {
		ps := patches[lo:min(lo+encChunk, len(patches))]
		enc = encodeAll(enc, ps, srid)
		if err := bw.write(ps, enc); err != nil {
			return err
		}
	}
	return bw.finish()
}

// rowsSQL is the VALUES list of n rows of cols placeholders.
func rowsSQL(cols, n int) string {
	row := "(" + strings.TrimSuffix(strings.Repeat("?,", cols), ",") + ")"
	return strings.TrimSuffix(strings.Repeat(row+",", n), ",")
}
