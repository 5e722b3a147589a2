package exchange

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// sqliteTx is one Update's part of a group transaction on the writer
// connection. Its statements run with ctx, the Update's context without
// its cancellation.
type sqliteTx struct {
	s    *SQLite
	g    *sqliteGroup
	ctx  context.Context
	seq  int64
	cids map[string]int64
	acc  extentAcc

	puts    []sqlitePut // queued writes (see sqliteChunk)
	audits  []AuditEntry
	results []sqliteResult
}

// sqliteStmts are the writer's prepared statements, reused by every
// transaction.
type sqliteStmts struct {
	seqGet, seqSet, count, extent, pushResults, load, rtreeDel *sql.Stmt
	upsertN, rtreeN, auditN, resultN                           *sql.Stmt // for sqliteChunk rows
}

func (st *sqliteStmts) queries() map[**sql.Stmt]string {
	return map[**sql.Stmt]string{
		&st.seqGet: `SELECT v FROM meta WHERE k = 'seq'`,
		&st.seqSet: `UPDATE meta SET v = ? WHERE k = 'seq'`,
		&st.count:  `UPDATE collections SET count = count + ? WHERE cid = ?`,
		&st.extent: `UPDATE collections SET count = count + ?, minx = min(coalesce(minx, ?), ?), miny = min(coalesce(miny, ?), ?),
			maxx = max(coalesce(maxx, ?), ?), maxy = max(coalesce(maxy, ?), ?) WHERE cid = ?`,
		&st.upsertN:     sqliteUpsertHead + values(sqliteChunk, 13) + sqliteUpsertTail,
		&st.rtreeN:      sqliteRtreeHead + values(sqliteChunk, 7),
		&st.rtreeDel:    `DELETE FROM features_rtree WHERE id IN (SELECT value FROM json_each(?))`,
		&st.auditN:      sqliteAuditHead + values(sqliteChunk, 9),
		&st.resultN:     sqliteResultHead + values(sqliteChunk, 4),
		&st.pushResults: `SELECT key, who, result FROM push_results WHERE key IN (SELECT value FROM json_each(?))`,
		&st.load:        `SELECT ` + sqliteFeatureCols + ` FROM features f WHERE f.cid = ? AND f.uid IN (SELECT value FROM json_each(?))`,
	}
}

// prepare prepares the writer's statements on w.
func (st *sqliteStmts) prepare(ctx context.Context, w *sql.DB) error {
	for p, q := range st.queries() {
		var err error
		if *p, err = w.PrepareContext(ctx, q); err != nil {
			st.close()
			return fmt.Errorf("prepare %q: %w", q, err)
		}
	}
	return nil
}

func (st *sqliteStmts) close() {
	for p := range st.queries() {
		if *p != nil {
			(*p).Close()
		}
	}
}

// flush writes the sequence and the collections' extents and counts.
func (t *sqliteTx) flush() error {
	if err := t.send(); err != nil {
		return err
	}
	if _, err := t.g.stmt(t.s.st.seqSet).ExecContext(t.ctx, t.seq); err != nil {
		return t.s.wrap("seq", err)
	}
	for coll, d := range t.acc {
		st, args := t.s.st.count, []any{d.count, t.cids[coll]}
		if d.has {
			b := d.bound
			st, args = t.s.st.extent, []any{d.count, b.Min[0], b.Min[0], b.Min[1], b.Min[1], b.Max[0], b.Max[0], b.Max[1], b.Max[1], t.cids[coll]}
		}
		if _, err := t.g.stmt(st).ExecContext(t.ctx, args...); err != nil {
			return t.s.wrap("extent "+coll, err)
		}
	}
	return nil
}

func (t *sqliteTx) cid(coll string) (int64, error) {
	if cid, ok := t.cids[coll]; ok {
		return cid, nil
	}
	_, cid, err := sqliteCollection(t.ctx, t.g.tx, coll)
	if err != nil {
		return 0, err
	}
	t.cids[coll] = cid
	return cid, nil
}

// PutCollection creates or describes a collection.
func (t *sqliteTx) PutCollection(_ context.Context, c Collection) error {
	if err := t.send(); err != nil {
		return err
	}
	fields, _ := json.Marshal(c.Fields)
	_, err := t.g.tx.ExecContext(t.ctx, `INSERT INTO collections (id, code, title, description, geometry, srid, source, role, fields)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET code = excluded.code, title = excluded.title, description = excluded.description,
			geometry = excluded.geometry, source = excluded.source, role = excluded.role, fields = excluded.fields,
			srid = CASE WHEN NOT EXISTS (SELECT 1 FROM features WHERE cid = collections.cid) THEN excluded.srid ELSE srid END`,
		c.ID, c.Code, c.Title, c.Description, c.Geometry, c.SRID, c.Source, c.Role, string(fields))
	return t.s.wrap("collection "+c.ID, err)
}

// Collection reads a collection inside the transaction.
func (t *sqliteTx) Collection(_ context.Context, id string) (Collection, error) {
	if err := t.send(); err != nil {
		return Collection{}, err
	}
	c, cid, err := sqliteCollection(t.ctx, t.g.tx, id)
	if err == nil {
		t.cids[id] = cid
	}
	return c, err
}

// jsonStrings is a JSON array of strings, for json_each.
func jsonStrings(v []string) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// jsonInts is a JSON array of integers, for json_each.
func jsonInts(v []int64) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// Load reads features by uid, tombstones included.
func (t *sqliteTx) Load(_ context.Context, coll string, uids []string) (map[string]Record, error) {
	if err := t.send(); err != nil {
		return nil, err
	}
	cid, err := t.cid(coll)
	if err != nil {
		return nil, err
	}
	rows, err := t.g.stmt(t.s.st.load).QueryContext(t.ctx, cid, jsonStrings(uids))
	if err != nil {
		return nil, t.s.wrap("load "+coll, err)
	}
	recs, err := scanRecords(rows, coll)
	if err != nil {
		return nil, t.s.wrap("load "+coll, err)
	}
	out := make(map[string]Record, len(recs))
	for _, r := range recs {
		out[r.UID] = r
	}
	return out, nil
}

// Put queues a feature write with the next sequence number (see
// sqliteChunk); its RowID is set when the queue is written.
func (t *sqliteTx) Put(_ context.Context, r *Record, wasLive bool) error {
	cid, err := t.cid(r.Collection)
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
	t.seq++
	r.Seq = t.seq
	hasBox := r.Bound != (orbBoundZero) || r.Geom != nil
	args := append([]any{cid, r.UID, r.Version, r.Deleted, r.Seq}, boxArgs(r.Bound, hasBox)...)
	args = append(args, geom, nullText(props), formatTime(r.UpdatedAt), r.UpdatedBy)
	t.puts = append(t.puts, sqlitePut{r: r, cid: cid, uid: r.UID, coll: r.Collection, live: !r.Deleted && r.Geom != nil, bound: r.Bound, args: args})
	t.acc.add(r.Collection, r, wasLive)
	if len(t.puts) == sqliteChunk {
		return t.sendPuts()
	}
	return nil
}

func nullText(b []byte) any {
	if b == nil {
		return nil
	}
	return string(b)
}

// PushResults reads stored results by key.
func (t *sqliteTx) PushResults(_ context.Context, keys []string) (map[string]StoredResult, error) {
	if err := t.send(); err != nil {
		return nil, err
	}
	out := map[string]StoredResult{}
	rows, err := t.g.stmt(t.s.st.pushResults).QueryContext(t.ctx, jsonStrings(keys))
	if err != nil {
		return nil, t.s.wrap("push results", err)
	}
	defer rows.Close()
	for rows.Next() {
		var k string
		var r StoredResult
		if err := rows.Scan(&k, &r.Who, &r.Result); err != nil {
			return nil, t.s.wrap("push results", err)
		}
		out[k] = r
	}
	return out, t.s.wrap("push results", rows.Err())
}

// SavePushResult queues a key's result.
func (t *sqliteTx) SavePushResult(_ context.Context, key string, r StoredResult) error {
	t.results = append(t.results, sqliteResult{key: key, r: r, at: time.Now()})
	if len(t.results) == sqliteChunk {
		return t.sendResults()
	}
	return nil
}

// Audit queues an entry.
func (t *sqliteTx) Audit(_ context.Context, e AuditEntry) error {
	t.audits = append(t.audits, e)
	if len(t.audits) == sqliteChunk {
		return t.sendAudits()
	}
	return nil
}

// RecomputeExtent sets a collection's extent and count from its live features.
func (t *sqliteTx) RecomputeExtent(_ context.Context, coll string) error {
	if err := t.send(); err != nil {
		return err
	}
	cid, err := t.cid(coll)
	if err != nil {
		return err
	}
	delete(t.acc, coll)
	_, err = t.g.tx.ExecContext(t.ctx, `UPDATE collections SET
		(count, minx, miny, maxx, maxy) = (SELECT count(*), min(minx), min(miny), max(maxx), max(maxy)
			FROM features WHERE cid = ? AND deleted = 0) WHERE cid = ?`, cid, cid)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return t.s.wrap("extent "+coll, err)
	}
	return nil
}
