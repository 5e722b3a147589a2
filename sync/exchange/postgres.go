package exchange

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// pgSchema is the PostgreSQL store's tables: as SQLite's, with PostGIS
// geometry (in each collection's SRID) under a GiST index instead of an
// R-tree table.
const pgSchema = `
CREATE EXTENSION IF NOT EXISTS postgis;
CREATE TABLE IF NOT EXISTS meta (k text PRIMARY KEY, v bigint NOT NULL);
INSERT INTO meta VALUES ('seq', 0), ('schema', 1) ON CONFLICT DO NOTHING;
CREATE TABLE IF NOT EXISTS collections (
	cid bigserial PRIMARY KEY, id text NOT NULL UNIQUE, code text, title text, description text,
	geometry text, srid integer NOT NULL, source text, role text, fields text,
	minx float8, miny float8, maxx float8, maxy float8, count bigint NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS features (
	id bigserial PRIMARY KEY, cid bigint NOT NULL, uid text NOT NULL, version bigint NOT NULL,
	deleted boolean NOT NULL, seq bigint NOT NULL,
	minx float8, miny float8, maxx float8, maxy float8, pminx float8, pminy float8, pmaxx float8, pmaxy float8,
	geom geometry, props text, updated_at text NOT NULL, updated_by text NOT NULL,
	UNIQUE (cid, uid));
CREATE INDEX IF NOT EXISTS features_seq ON features (cid, seq);
CREATE INDEX IF NOT EXISTS features_live ON features (cid, id) WHERE NOT deleted;
CREATE INDEX IF NOT EXISTS features_geom ON features USING gist (geom);
CREATE TABLE IF NOT EXISTS tokens (
	id bigserial PRIMARY KEY, name text NOT NULL, role text NOT NULL, district text,
	hash text NOT NULL UNIQUE, created_at text NOT NULL);
CREATE TABLE IF NOT EXISTS audit (
	id bigserial PRIMARY KEY, ts text NOT NULL, who text NOT NULL, role text NOT NULL, action text NOT NULL,
	collection text NOT NULL, uid text, before_version bigint, after_version bigint, detail text);
CREATE TABLE IF NOT EXISTS push_results (
	key text PRIMARY KEY, who text NOT NULL, result text NOT NULL, created_at text NOT NULL);
`

// pgWriteLock is the advisory lock that serialises write transactions, so
// sequence numbers are committed in order and a feed reader never skips a
// change committed late.
const pgWriteLock = 84700001

// Postgres is the PostgreSQL + PostGIS store. The URL's search_path picks
// the schema. It is safe for concurrent use.
type Postgres struct {
	pool *pgxpool.Pool
}

// OpenPostgres connects to a database and creates the tables if needed.
func OpenPostgres(ctx context.Context, url string) (*Postgres, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadDB, err)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("exchange: postgres: %w", err)
	}
	if _, err := pool.Exec(ctx, pgSchema); err != nil {
		pool.Close()
		return nil, fmt.Errorf("exchange: postgres: schema: %w", err)
	}
	return &Postgres{pool: pool}, nil
}

// Close closes the pool.
func (s *Postgres) Close() error {
	s.pool.Close()
	return nil
}

func pgWrap(op string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("exchange: postgres: %s: %w", op, err)
}

type pgQuerier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// Collections lists every collection by id.
func (s *Postgres) Collections(ctx context.Context) ([]Collection, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+sqliteCollCols+` FROM collections ORDER BY id`)
	if err != nil {
		return nil, pgWrap("collections", err)
	}
	defer rows.Close()
	var out []Collection
	for rows.Next() {
		c, _, err := scanCollection(rows)
		if err != nil {
			return nil, pgWrap("collections", err)
		}
		out = append(out, c)
	}
	return out, pgWrap("collections", rows.Err())
}

// Collection returns one collection.
func (s *Postgres) Collection(ctx context.Context, id string) (Collection, error) {
	c, _, err := pgCollection(ctx, s.pool, id)
	return c, err
}

func pgCollection(ctx context.Context, q pgQuerier, id string) (Collection, int64, error) {
	c, cid, err := scanCollection(q.QueryRow(ctx, `SELECT `+sqliteCollCols+` FROM collections WHERE id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return c, 0, fmt.Errorf("%w: %q", ErrCollection, id)
	}
	if err != nil {
		return c, 0, fmt.Errorf("exchange: postgres: collection %q: %w", id, err)
	}
	return c, cid, nil
}

const pgFeatureCols = `f.id, f.uid, f.version, f.deleted, f.seq, f.minx, f.miny, f.maxx, f.maxy, ST_AsBinary(f.geom), f.props, f.updated_at, f.updated_by`

func pgRecords(rows pgx.Rows, coll string) ([]Record, error) {
	defer rows.Close()
	var out []Record
	for rows.Next() {
		r, err := scanRecord(rows, coll)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

func (s *Postgres) readTx(ctx context.Context) (pgx.Tx, error) {
	return s.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
}

// Items reads a page of live features in id order.
func (s *Postgres) Items(ctx context.Context, q ItemQuery) (ItemPage, error) {
	tx, err := s.readTx(ctx)
	if err != nil {
		return ItemPage{}, pgWrap("items", err)
	}
	defer tx.Rollback(ctx)
	c, cid, err := pgCollection(ctx, tx, q.Collection)
	if err != nil {
		return ItemPage{}, err
	}
	from, args := ` FROM features f WHERE f.cid = $1 AND NOT f.deleted`, []any{cid}
	if q.HasBBox {
		b := q.BBox
		from += ` AND f.geom && ST_MakeEnvelope($2, $3, $4, $5, $6)`
		args = append(args, b.Min[0], b.Min[1], b.Max[0], b.Max[1], c.SRID)
	}
	page := ItemPage{Matched: c.Count}
	if q.HasBBox {
		if err := tx.QueryRow(ctx, `SELECT count(*)`+from, args...).Scan(&page.Matched); err != nil {
			return page, pgWrap("items", err)
		}
	}
	n := len(args)
	rows, err := tx.Query(ctx, fmt.Sprintf(`SELECT `+pgFeatureCols+from+` AND f.id > $%d ORDER BY f.id LIMIT $%d OFFSET $%d`, n+1, n+2, n+3),
		append(args, q.After, q.Limit+1, q.Offset)...)
	if err != nil {
		return page, pgWrap("items", err)
	}
	recs, err := pgRecords(rows, q.Collection)
	if err != nil {
		return page, pgWrap("items "+q.Collection, err)
	}
	page.Records, page.More = trimPage(recs, q.Limit)
	return page, nil
}

// Item reads one feature, tombstones included.
func (s *Postgres) Item(ctx context.Context, coll, uid string) (Record, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+pgFeatureCols+` FROM features f JOIN collections c ON c.cid = f.cid
		WHERE c.id = $1 AND f.uid = $2`, coll, uid)
	if err != nil {
		return Record{}, pgWrap("item", err)
	}
	recs, err := pgRecords(rows, coll)
	if err != nil {
		return Record{}, pgWrap("item", err)
	}
	if len(recs) == 0 {
		if _, err := s.Collection(ctx, coll); err != nil {
			return Record{}, err
		}
		return Record{}, fmt.Errorf("%w: feature %q in %q", ErrNotFound, uid, coll)
	}
	return recs[0], nil
}

// Changes reads the feed after q.Since in sequence order.
func (s *Postgres) Changes(ctx context.Context, q ChangeQuery) (ChangePage, error) {
	tx, err := s.readTx(ctx)
	if err != nil {
		return ChangePage{}, pgWrap("changes", err)
	}
	defer tx.Rollback(ctx)
	_, cid, err := pgCollection(ctx, tx, q.Collection)
	if err != nil {
		return ChangePage{}, err
	}
	var high int64
	if err := tx.QueryRow(ctx, `SELECT v FROM meta WHERE k = 'seq'`).Scan(&high); err != nil {
		return ChangePage{}, pgWrap("changes", err)
	}
	where, args := ``, []any{cid, q.Since}
	if q.HasBBox {
		b := q.BBox
		where = ` AND ((f.maxx >= $3 AND f.minx <= $4 AND f.maxy >= $5 AND f.miny <= $6)
			OR (f.pmaxx >= $3 AND f.pminx <= $4 AND f.pmaxy >= $5 AND f.pminy <= $6))`
		args = append(args, b.Min[0], b.Max[0], b.Min[1], b.Max[1])
	}
	rows, err := tx.Query(ctx, fmt.Sprintf(`SELECT `+pgFeatureCols+` FROM features f WHERE f.cid = $1 AND f.seq > $2`+where+
		` ORDER BY f.seq LIMIT $%d`, len(args)+1), append(args, q.Limit+1)...)
	if err != nil {
		return ChangePage{}, pgWrap("changes", err)
	}
	recs, err := pgRecords(rows, q.Collection)
	if err != nil {
		return ChangePage{}, pgWrap("changes "+q.Collection, err)
	}
	return feedPage(recs, q, high), nil
}

// HighWater is the highest sequence number of a collection's changes.
func (s *Postgres) HighWater(ctx context.Context, coll string) (int64, error) {
	var n *int64
	err := s.pool.QueryRow(ctx, `SELECT max(f.seq) FROM features f JOIN collections c ON c.cid = f.cid WHERE c.id = $1`, coll).Scan(&n)
	if n == nil {
		return 0, pgWrap("high water", err)
	}
	return *n, pgWrap("high water", err)
}

// Principal finds a token's holder by hash.
func (s *Postgres) Principal(ctx context.Context, hash string) (Principal, error) {
	var p Principal
	var d *string
	err := s.pool.QueryRow(ctx, `SELECT id, name, role, district FROM tokens WHERE hash = $1`, hash).Scan(&p.ID, &p.Name, &p.Role, &d)
	if errors.Is(err, pgx.ErrNoRows) {
		return p, fmt.Errorf("%w: token", ErrNotFound)
	}
	if d != nil {
		p.District = *d
	}
	return p, pgWrap("token", err)
}

// AddToken stores a token hash.
func (s *Postgres) AddToken(ctx context.Context, p Principal, hash string) (int64, error) {
	var id int64
	err := s.pool.QueryRow(ctx, `INSERT INTO tokens (name, role, district, hash, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
		p.Name, p.Role, p.District, hash, formatTime(time.Now())).Scan(&id)
	return id, pgWrap("add token", err)
}

// Audit lists audit entries oldest first.
func (s *Postgres) Audit(ctx context.Context, q AuditQuery) ([]AuditEntry, error) {
	var limit any
	if q.Limit > 0 {
		limit = q.Limit
	}
	rows, err := s.pool.Query(ctx, `SELECT id, ts, who, role, action, collection, coalesce(uid, ''), coalesce(before_version, 0),
		coalesce(after_version, 0), coalesce(detail, '') FROM audit WHERE id > $1 ORDER BY id LIMIT $2`, q.After, limit)
	if err != nil {
		return nil, pgWrap("audit", err)
	}
	defer rows.Close()
	var out []AuditEntry
	for rows.Next() {
		var e AuditEntry
		var ts string
		if err := rows.Scan(&e.ID, &ts, &e.Who, &e.Role, &e.Action, &e.Collection, &e.UID, &e.BeforeVersion, &e.AfterVersion, &e.Detail); err != nil {
			return nil, pgWrap("audit", err)
		}
		e.Time = parseTime(ts)
		out = append(out, e)
	}
	return out, pgWrap("audit", rows.Err())
}

// Snapshot reads every live feature of a collection in one repeatable-read
// transaction and the sequence it is consistent with.
func (s *Postgres) Snapshot(ctx context.Context, coll string, fn func(*Record) error) (int64, error) {
	tx, err := s.readTx(ctx)
	if err != nil {
		return 0, pgWrap("snapshot", err)
	}
	defer tx.Rollback(ctx)
	var high int64
	if err := tx.QueryRow(ctx, `SELECT v FROM meta WHERE k = 'seq'`).Scan(&high); err != nil {
		return 0, pgWrap("snapshot", err)
	}
	_, cid, err := pgCollection(ctx, tx, coll)
	if err != nil {
		return 0, err
	}
	rows, err := tx.Query(ctx, `SELECT `+pgFeatureCols+` FROM features f WHERE f.cid = $1 AND NOT f.deleted ORDER BY f.id`, cid)
	if err != nil {
		return 0, pgWrap("snapshot", err)
	}
	defer rows.Close()
	for rows.Next() {
		r, err := scanRecord(rows, coll)
		if err != nil {
			return 0, pgWrap("snapshot "+coll, err)
		}
		if err := fn(&r); err != nil {
			return 0, err
		}
	}
	return high, pgWrap("snapshot "+coll, rows.Err())
}
