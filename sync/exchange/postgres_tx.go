package exchange

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// pgTx is one write transaction, holding the write lock. Feature writes
// are queued and sent in pipelined batches.
type pgTx struct {
	tx    pgx.Tx
	seq   int64
	colls map[string]pgColl
	acc   extentAcc
	batch *pgx.Batch
}

type pgColl struct {
	cid  int64
	srid int
}

// pgBatchSize is how many queued writes are sent at once.
const pgBatchSize = 2000

// Update runs fn in one transaction under the write lock and commits it.
func (s *Postgres) Update(ctx context.Context, fn func(Tx) error) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return pgWrap("begin", err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, pgWriteLock); err != nil {
		return pgWrap("lock", err)
	}
	t := &pgTx{tx: tx, colls: map[string]pgColl{}, acc: extentAcc{}, batch: &pgx.Batch{}}
	if err := tx.QueryRow(ctx, `SELECT v FROM meta WHERE k = 'seq'`).Scan(&t.seq); err != nil {
		return pgWrap("seq", err)
	}
	if err := fn(t); err != nil {
		return err
	}
	if err := t.finish(ctx); err != nil {
		return err
	}
	return pgWrap("commit", tx.Commit(ctx))
}

// send executes the queued writes.
func (t *pgTx) send(ctx context.Context) error {
	if t.batch.Len() == 0 {
		return nil
	}
	b := t.batch
	t.batch = &pgx.Batch{}
	return pgWrap("write", t.tx.SendBatch(ctx, b).Close())
}

func (t *pgTx) finish(ctx context.Context) error {
	t.batch.Queue(`UPDATE meta SET v = $1 WHERE k = 'seq'`, t.seq)
	for coll, d := range t.acc {
		cid := t.colls[coll].cid
		if d.has {
			b := d.bound
			t.batch.Queue(`UPDATE collections SET count = count + $1, minx = least(minx, $2), miny = least(miny, $3),
				maxx = greatest(maxx, $4), maxy = greatest(maxy, $5) WHERE cid = $6`, d.count, b.Min[0], b.Min[1], b.Max[0], b.Max[1], cid)
		} else {
			t.batch.Queue(`UPDATE collections SET count = count + $1 WHERE cid = $2`, d.count, cid)
		}
	}
	return t.send(ctx)
}

func (t *pgTx) coll(ctx context.Context, id string) (pgColl, error) {
	if c, ok := t.colls[id]; ok {
		return c, nil
	}
	c, cid, err := pgCollection(ctx, t.tx, id)
	if err != nil {
		return pgColl{}, err
	}
	pc := pgColl{cid: cid, srid: c.SRID}
	t.colls[id] = pc
	return pc, nil
}

// PutCollection creates or describes a collection.
func (t *pgTx) PutCollection(ctx context.Context, c Collection) error {
	if err := t.send(ctx); err != nil {
		return err
	}
	fields, _ := json.Marshal(c.Fields)
	_, err := t.tx.Exec(ctx, `INSERT INTO collections (id, code, title, description, geometry, srid, source, role, fields)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
		ON CONFLICT (id) DO UPDATE SET code = excluded.code, title = excluded.title, description = excluded.description,
			geometry = excluded.geometry, source = excluded.source, role = excluded.role, fields = excluded.fields,
			srid = CASE WHEN NOT EXISTS (SELECT 1 FROM features WHERE cid = collections.cid) THEN excluded.srid ELSE collections.srid END`,
		c.ID, c.Code, c.Title, c.Description, c.Geometry, c.SRID, c.Source, c.Role, string(fields))
	delete(t.colls, c.ID)
	return pgWrap("collection "+c.ID, err)
}

// Collection reads a collection inside the transaction.
func (t *pgTx) Collection(ctx context.Context, id string) (Collection, error) {
	if err := t.send(ctx); err != nil {
		return Collection{}, err
	}
	c, _, err := pgCollection(ctx, t.tx, id)
	return c, err
}

// Load reads features by uid, tombstones included.
func (t *pgTx) Load(ctx context.Context, coll string, uids []string) (map[string]Record, error) {
	if err := t.send(ctx); err != nil {
		return nil, err
	}
	c, err := t.coll(ctx, coll)
	if err != nil {
		return nil, err
	}
	rows, err := t.tx.Query(ctx, `SELECT `+pgFeatureCols+` FROM features f WHERE f.cid = $1 AND f.uid = ANY($2)`, c.cid, uids)
	if err != nil {
		return nil, pgWrap("load "+coll, err)
	}
	recs, err := pgRecords(rows, coll)
	if err != nil {
		return nil, pgWrap("load "+coll, err)
	}
	out := make(map[string]Record, len(recs))
	for _, r := range recs {
		out[r.UID] = r
	}
	return out, nil
}

const pgUpsert = `INSERT INTO features (cid, uid, version, deleted, seq, minx, miny, maxx, maxy, geom, props, updated_at, updated_by)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, ST_GeomFromWKB($10, $11), $12, $13, $14)
	ON CONFLICT (cid, uid) DO UPDATE SET version = excluded.version, deleted = excluded.deleted, seq = excluded.seq,
		pminx = features.minx, pminy = features.miny, pmaxx = features.maxx, pmaxy = features.maxy,
		minx = excluded.minx, miny = excluded.miny, maxx = excluded.maxx, maxy = excluded.maxy,
		geom = excluded.geom, props = excluded.props, updated_at = excluded.updated_at, updated_by = excluded.updated_by`

// Put queues a feature write with the next sequence number.
func (t *pgTx) Put(ctx context.Context, r *Record, wasLive bool) error {
	c, err := t.coll(ctx, r.Collection)
	if err != nil {
		return err
	}
	geom, err := encodeGeom(r.Geom)
	if err != nil {
		return fmt.Errorf("exchange: feature %s in %s: %w", r.UID, r.Collection, err)
	}
	var props any
	if !r.Deleted {
		b, err := encodeProps(r.Props)
		if err != nil {
			return fmt.Errorf("exchange: feature %s in %s: %w", r.UID, r.Collection, err)
		}
		props = string(b)
	}
	t.seq++
	r.Seq = t.seq
	hasBox := r.Bound != orbBoundZero || r.Geom != nil
	args := append([]any{c.cid, r.UID, r.Version, r.Deleted, r.Seq}, boxArgs(r.Bound, hasBox)...)
	args = append(args, geom, c.srid, props, formatTime(r.UpdatedAt), r.UpdatedBy)
	t.batch.Queue(pgUpsert, args...)
	t.acc.add(r.Collection, r, wasLive)
	if t.batch.Len() >= pgBatchSize {
		return t.send(ctx)
	}
	return nil
}

// PushResults reads stored results by key.
func (t *pgTx) PushResults(ctx context.Context, keys []string) (map[string]StoredResult, error) {
	if err := t.send(ctx); err != nil {
		return nil, err
	}
	rows, err := t.tx.Query(ctx, `SELECT key, who, result FROM push_results WHERE key = ANY($1)`, keys)
	if err != nil {
		return nil, pgWrap("push results", err)
	}
	defer rows.Close()
	out := map[string]StoredResult{}
	for rows.Next() {
		var k, res string
		var r StoredResult
		if err := rows.Scan(&k, &r.Who, &res); err != nil {
			return nil, pgWrap("push results", err)
		}
		r.Result = []byte(res)
		out[k] = r
	}
	return out, pgWrap("push results", rows.Err())
}

// SavePushResult queues storing a key's result.
func (t *pgTx) SavePushResult(ctx context.Context, key string, r StoredResult) error {
	t.batch.Queue(`INSERT INTO push_results (key, who, result, created_at) VALUES ($1, $2, $3, $4)`,
		key, r.Who, string(r.Result), formatTime(time.Now()))
	return nil
}

// Audit queues an audit entry.
func (t *pgTx) Audit(ctx context.Context, e AuditEntry) error {
	t.batch.Queue(`INSERT INTO audit (ts, who, role, action, collection, uid, before_version, after_version, detail)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, formatTime(e.Time), e.Who, e.Role, e.Action, e.Collection, e.UID,
		e.BeforeVersion, e.AfterVersion, e.Detail)
	return nil
}

// RecomputeExtent sets a collection's extent and count from its live features.
func (t *pgTx) RecomputeExtent(ctx context.Context, coll string) error {
	if err := t.send(ctx); err != nil {
		return err
	}
	c, err := t.coll(ctx, coll)
	if err != nil {
		return err
	}
	delete(t.acc, coll)
	_, err = t.tx.Exec(ctx, `UPDATE collections SET (count, minx, miny, maxx, maxy) =
		(SELECT count(*), min(minx), min(miny), max(maxx), max(maxy) FROM features WHERE cid = $1 AND NOT deleted) WHERE cid = $1`, c.cid)
	return pgWrap("extent "+coll, err)
}
