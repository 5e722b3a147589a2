package exchange

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// sqliteTx is one write transaction on the writer connection.
type sqliteTx struct {
	s      *SQLite
	tx     *sql.Tx
	seq    int64
	cids   map[string]int64
	acc    extentAcc
	upsert *sql.Stmt
}

// Update runs fn in one IMMEDIATE transaction and commits it.
func (s *SQLite) Update(ctx context.Context, fn func(Tx) error) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return s.wrap("begin", err)
	}
	defer tx.Rollback()
	t := &sqliteTx{s: s, tx: tx, cids: map[string]int64{}, acc: extentAcc{}}
	defer func() {
		if t.upsert != nil {
			t.upsert.Close()
		}
	}()
	if err := tx.QueryRowContext(ctx, `SELECT v FROM meta WHERE k = 'seq'`).Scan(&t.seq); err != nil {
		return s.wrap("seq", err)
	}
	if err := fn(t); err != nil {
		return err
	}
	if err := t.flush(ctx); err != nil {
		return err
	}
	return s.wrap("commit", tx.Commit())
}

// flush writes the sequence and the collections' extents and counts.
func (t *sqliteTx) flush(ctx context.Context) error {
	if _, err := t.tx.ExecContext(ctx, `UPDATE meta SET v = ? WHERE k = 'seq'`, t.seq); err != nil {
		return t.s.wrap("seq", err)
	}
	for coll, d := range t.acc {
		q := `UPDATE collections SET count = count + ? WHERE cid = ?`
		args := []any{d.count, t.cids[coll]}
		if d.has {
			q = `UPDATE collections SET count = count + ?, minx = min(coalesce(minx, ?), ?), miny = min(coalesce(miny, ?), ?),
				maxx = max(coalesce(maxx, ?), ?), maxy = max(coalesce(maxy, ?), ?) WHERE cid = ?`
			b := d.bound
			args = []any{d.count, b.Min[0], b.Min[0], b.Min[1], b.Min[1], b.Max[0], b.Max[0], b.Max[1], b.Max[1], t.cids[coll]}
		}
		if _, err := t.tx.ExecContext(ctx, q, args...); err != nil {
			return t.s.wrap("extent "+coll, err)
		}
	}
	return nil
}

func (t *sqliteTx) cid(ctx context.Context, coll string) (int64, error) {
	if cid, ok := t.cids[coll]; ok {
		return cid, nil
	}
	_, cid, err := sqliteCollection(ctx, t.tx, coll)
	if err != nil {
		return 0, err
	}
	t.cids[coll] = cid
	return cid, nil
}

// PutCollection creates or describes a collection.
func (t *sqliteTx) PutCollection(ctx context.Context, c Collection) error {
	fields, _ := json.Marshal(c.Fields)
	_, err := t.tx.ExecContext(ctx, `INSERT INTO collections (id, code, title, description, geometry, srid, source, role, fields)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET code = excluded.code, title = excluded.title, description = excluded.description,
			geometry = excluded.geometry, source = excluded.source, role = excluded.role, fields = excluded.fields,
			srid = CASE WHEN NOT EXISTS (SELECT 1 FROM features WHERE cid = collections.cid) THEN excluded.srid ELSE srid END`,
		c.ID, c.Code, c.Title, c.Description, c.Geometry, c.SRID, c.Source, c.Role, string(fields))
	return t.s.wrap("collection "+c.ID, err)
}

// Collection reads a collection inside the transaction.
func (t *sqliteTx) Collection(ctx context.Context, id string) (Collection, error) {
	c, cid, err := sqliteCollection(ctx, t.tx, id)
	if err == nil {
		t.cids[id] = cid
	}
	return c, err
}

// Load reads features by uid, tombstones included.
func (t *sqliteTx) Load(ctx context.Context, coll string, uids []string) (map[string]Record, error) {
	cid, err := t.cid(ctx, coll)
	if err != nil {
		return nil, err
	}
	out := make(map[string]Record, len(uids))
	const chunk = 500
	for len(uids) > 0 {
		n := min(chunk, len(uids))
		args := []any{cid}
		for _, u := range uids[:n] {
			args = append(args, u)
		}
		rows, err := t.tx.QueryContext(ctx, `SELECT `+sqliteFeatureCols+` FROM features f WHERE f.cid = ? AND f.uid IN (`+placeholders(n)+`)`, args...)
		if err != nil {
			return nil, t.s.wrap("load "+coll, err)
		}
		recs, err := scanRecords(rows, coll)
		if err != nil {
			return nil, t.s.wrap("load "+coll, err)
		}
		for _, r := range recs {
			out[r.UID] = r
		}
		uids = uids[n:]
	}
	return out, nil
}

const sqliteUpsert = `INSERT INTO features (cid, uid, version, deleted, seq, minx, miny, maxx, maxy, geom, props, updated_at, updated_by)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
	ON CONFLICT (cid, uid) DO UPDATE SET version = excluded.version, deleted = excluded.deleted, seq = excluded.seq,
		pminx = features.minx, pminy = features.miny, pmaxx = features.maxx, pmaxy = features.maxy,
		minx = excluded.minx, miny = excluded.miny, maxx = excluded.maxx, maxy = excluded.maxy,
		geom = excluded.geom, props = excluded.props, updated_at = excluded.updated_at, updated_by = excluded.updated_by
	RETURNING id`

// Put writes a feature with the next sequence number.
func (t *sqliteTx) Put(ctx context.Context, r *Record, wasLive bool) error {
	cid, err := t.cid(ctx, r.Collection)
	if err != nil {
		return err
	}
	geom, err := encodeGeom(r.Geom)
	if err != nil {
		return fmt.Errorf("exchange: feature %s in %s: %w", r.UID, r.Collection, err)
	}
	var props []byte
	if !r.Deleted {
		if props, err = encodeProps(r.Props); err != nil {
			return fmt.Errorf("exchange: feature %s in %s: %w", r.UID, r.Collection, err)
		}
	}
	if t.upsert == nil {
		if t.upsert, err = t.tx.PrepareContext(ctx, sqliteUpsert); err != nil {
			return t.s.wrap("prepare", err)
		}
	}
	t.seq++
	r.Seq = t.seq
	hasBox := r.Bound != (orbBoundZero) || r.Geom != nil
	args := append([]any{cid, r.UID, r.Version, r.Deleted, r.Seq}, boxArgs(r.Bound, hasBox)...)
	args = append(args, geom, nullText(props), formatTime(r.UpdatedAt), r.UpdatedBy)
	if err := t.upsert.QueryRowContext(ctx, args...).Scan(&r.RowID); err != nil {
		return t.s.wrap("put "+r.Collection+" "+r.UID, err)
	}
	if err := t.index(ctx, r, cid); err != nil {
		return err
	}
	t.acc.add(r.Collection, r, wasLive)
	return nil
}

// index keeps features_rtree to the live geometries.
func (t *sqliteTx) index(ctx context.Context, r *Record, cid int64) error {
	var err error
	if r.Deleted || r.Geom == nil {
		_, err = t.tx.ExecContext(ctx, `DELETE FROM features_rtree WHERE id = ?`, r.RowID)
	} else {
		b := r.Bound
		_, err = t.tx.ExecContext(ctx, `INSERT OR REPLACE INTO features_rtree VALUES (?, ?, ?, ?, ?, ?, ?)`,
			r.RowID, b.Min[0], b.Max[0], b.Min[1], b.Max[1], cid, cid)
	}
	return t.s.wrap("rtree "+r.Collection, err)
}

func nullText(b []byte) any {
	if b == nil {
		return nil
	}
	return string(b)
}

// PushResults reads stored results by key.
func (t *sqliteTx) PushResults(ctx context.Context, keys []string) (map[string]StoredResult, error) {
	out := map[string]StoredResult{}
	for len(keys) > 0 {
		n := min(500, len(keys))
		args := make([]any, n)
		for i, k := range keys[:n] {
			args[i] = k
		}
		rows, err := t.tx.QueryContext(ctx, `SELECT key, who, result FROM push_results WHERE key IN (`+placeholders(n)+`)`, args...)
		if err != nil {
			return nil, t.s.wrap("push results", err)
		}
		for rows.Next() {
			var k string
			var r StoredResult
			if err := rows.Scan(&k, &r.Who, &r.Result); err != nil {
				rows.Close()
				return nil, t.s.wrap("push results", err)
			}
			out[k] = r
		}
		rows.Close()
		keys = keys[n:]
	}
	return out, nil
}

// SavePushResult stores a key's result.
func (t *sqliteTx) SavePushResult(ctx context.Context, key string, r StoredResult) error {
	_, err := t.tx.ExecContext(ctx, `INSERT INTO push_results (key, who, result, created_at) VALUES (?, ?, ?, ?)`,
		key, r.Who, string(r.Result), formatTime(time.Now()))
	return t.s.wrap("push result", err)
}

// Audit appends an entry.
func (t *sqliteTx) Audit(ctx context.Context, e AuditEntry) error {
	_, err := t.tx.ExecContext(ctx, `INSERT INTO audit (ts, who, role, action, collection, uid, before_version, after_version, detail)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, formatTime(e.Time), e.Who, e.Role, e.Action, e.Collection, e.UID,
		e.BeforeVersion, e.AfterVersion, e.Detail)
	return t.s.wrap("audit", err)
}

// RecomputeExtent sets a collection's extent and count from its live features.
func (t *sqliteTx) RecomputeExtent(ctx context.Context, coll string) error {
	cid, err := t.cid(ctx, coll)
	if err != nil {
		return err
	}
	delete(t.acc, coll)
	_, err = t.tx.ExecContext(ctx, `UPDATE collections SET
		(count, minx, miny, maxx, maxy) = (SELECT count(*), min(minx), min(miny), max(maxx), max(maxy)
			FROM features WHERE cid = ? AND deleted = 0) WHERE cid = ?`, cid, cid)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return t.s.wrap("extent "+coll, err)
	}
	return nil
}
