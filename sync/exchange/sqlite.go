package exchange

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"sync"
	"time"

	"github.com/mattn/go-sqlite3"
	"github.com/paulmach/orb"
)

// sqliteWriterDriver is sqlite3 with the writer connection's settings:
// savepoint journals (one per Update of a group) kept in memory, not in a
// temporary file.
const sqliteWriterDriver = "sqlite3_exchange_writer"

func init() {
	sql.Register(sqliteWriterDriver, &sqlite3.SQLiteDriver{ConnectHook: func(c *sqlite3.SQLiteConn) error {
		_, err := c.Exec(`PRAGMA temp_store = MEMORY`, nil)
		return err
	}})
}

// sqliteSchema is the SQLite store's tables. features holds the latest
// state of every feature (tombstones included) with the sequence number of
// its last change; features_rtree indexes live geometries by box, the
// collection number as a third dimension.
const sqliteSchema = `
CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v INTEGER NOT NULL);
INSERT OR IGNORE INTO meta VALUES ('seq', 0), ('schema', 1);
CREATE TABLE IF NOT EXISTS collections (
	cid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, code TEXT, title TEXT, description TEXT,
	geometry TEXT, srid INTEGER NOT NULL, source TEXT, role TEXT, fields TEXT,
	minx REAL, miny REAL, maxx REAL, maxy REAL, count INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS features (
	id INTEGER PRIMARY KEY, cid INTEGER NOT NULL, uid TEXT NOT NULL, version INTEGER NOT NULL,
	deleted INTEGER NOT NULL, seq INTEGER NOT NULL,
	minx REAL, miny REAL, maxx REAL, maxy REAL, pminx REAL, pminy REAL, pmaxx REAL, pmaxy REAL,
	geom BLOB, props TEXT, updated_at TEXT NOT NULL, updated_by TEXT NOT NULL,
	UNIQUE (cid, uid));
CREATE INDEX IF NOT EXISTS features_seq ON features (cid, seq);
CREATE INDEX IF NOT EXISTS features_live ON features (cid, deleted);
CREATE VIRTUAL TABLE IF NOT EXISTS features_rtree USING rtree (id, minx, maxx, miny, maxy, minc, maxc);
CREATE TABLE IF NOT EXISTS tokens (
	id INTEGER PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL, district TEXT,
	hash TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS audit (
	id INTEGER PRIMARY KEY, ts TEXT NOT NULL, who TEXT NOT NULL, role TEXT NOT NULL, action TEXT NOT NULL,
	collection TEXT NOT NULL, uid TEXT, before_version INTEGER, after_version INTEGER, detail TEXT);
CREATE TABLE IF NOT EXISTS push_results (
	key TEXT PRIMARY KEY, who TEXT NOT NULL, result TEXT NOT NULL, created_at TEXT NOT NULL);
`

// SQLite is the embedded store: one file, WAL, synchronous=FULL (a
// committed write survives a crash or power loss), a pool of readers for
// pages and feeds, a small pool for look-ups of one row (token,
// collections, a feature), so that a push's look-ups never queue behind
// other clients' page reads, and one writer goroutine that owns the write
// connection and group-commits the Updates waiting for it (see Update).
// It is safe for concurrent use.
type SQLite struct {
	path    string
	w, r, q *sql.DB // writer, page readers, row look-ups
	st      sqliteStmts

	writes  chan *sqliteWrite
	closing chan struct{} // closed by Close
	stopped chan struct{} // closed when the writer has returned
	once    sync.Once
}

// OpenSQLite opens or creates a store file.
func OpenSQLite(ctx context.Context, path string) (*SQLite, error) {
	if path == "" {
		return nil, fmt.Errorf("%w: sqlite: no file", ErrBadDB)
	}
	dsn := "file:" + url.PathEscape(path) + "?_journal_mode=WAL&_synchronous=FULL&_busy_timeout=10000"
	w, err := sql.Open(sqliteWriterDriver, dsn+"&_txlock=immediate&_cache_size=-32768")
	if err != nil {
		return nil, fmt.Errorf("exchange: sqlite %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	s := &SQLite{path: path, w: w, writes: make(chan *sqliteWrite), closing: make(chan struct{}), stopped: make(chan struct{})}
	if _, err := w.ExecContext(ctx, sqliteSchema); err != nil {
		w.Close()
		return nil, fmt.Errorf("exchange: sqlite %s: schema: %w", path, err)
	}
	if err := s.st.prepare(ctx, w); err != nil {
		w.Close()
		return nil, fmt.Errorf("exchange: sqlite %s: %w", path, err)
	}
	if s.r, err = sql.Open("sqlite3", dsn+"&_query_only=1"); err != nil {
		s.st.close()
		w.Close()
		return nil, fmt.Errorf("exchange: sqlite %s: %w", path, err)
	}
	s.r.SetMaxOpenConns(8)
	if s.q, err = sql.Open("sqlite3", dsn+"&_query_only=1"); err != nil {
		s.st.close()
		return nil, errors.Join(fmt.Errorf("exchange: sqlite %s: %w", path, err), s.r.Close(), w.Close())
	}
	s.q.SetMaxOpenConns(2)
	go s.writer()
	return s, nil
}

// Close stops the writer (after the group it is committing) and closes
// the file. Updates after Close fail with ErrClosed.
func (s *SQLite) Close() error {
	s.once.Do(func() { close(s.closing) })
	<-s.stopped
	s.st.close()
	return errors.Join(s.q.Close(), s.r.Close(), s.w.Close())
}

func (s *SQLite) wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("exchange: sqlite %s: %s: %w", s.path, op, err)
}

const sqliteCollCols = `cid, id, code, title, description, geometry, srid, source, role, fields, minx, miny, maxx, maxy, count`

type rowScanner interface{ Scan(...any) error }

func scanCollection(r rowScanner) (Collection, int64, error) {
	var c Collection
	var cid int64
	var code, title, desc, geom, source, role, fields sql.NullString
	var box [4]*float64
	err := r.Scan(&cid, &c.ID, &code, &title, &desc, &geom, &c.SRID, &source, &role, &fields, &box[0], &box[1], &box[2], &box[3], &c.Count)
	if err != nil {
		return c, 0, err
	}
	c.Code, c.Title, c.Description, c.Geometry = code.String, title.String, desc.String, geom.String
	c.Source, c.Role = source.String, role.String
	c.Extent, _ = nullBound(box)
	if fields.String != "" {
		if err := json.Unmarshal([]byte(fields.String), &c.Fields); err != nil {
			return c, 0, fmt.Errorf("collection %s: fields: %w", c.ID, err)
		}
	}
	return c, cid, nil
}

// Collections lists every collection by id.
func (s *SQLite) Collections(ctx context.Context) ([]Collection, error) {
	rows, err := s.q.QueryContext(ctx, `SELECT `+sqliteCollCols+` FROM collections ORDER BY id`)
	if err != nil {
		return nil, s.wrap("collections", err)
	}
	defer rows.Close()
	var out []Collection
	for rows.Next() {
		c, _, err := scanCollection(rows)
		if err != nil {
			return nil, s.wrap("collections", err)
		}
		out = append(out, c)
	}
	return out, s.wrap("collections", rows.Err())
}

// Collection returns one collection.
func (s *SQLite) Collection(ctx context.Context, id string) (Collection, error) {
	c, _, err := sqliteCollection(ctx, s.q, id)
	return c, err
}

type sqlQuerier interface {
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
	ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error)
}

func sqliteCollection(ctx context.Context, q sqlQuerier, id string) (Collection, int64, error) {
	c, cid, err := scanCollection(q.QueryRowContext(ctx, `SELECT `+sqliteCollCols+` FROM collections WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return c, 0, fmt.Errorf("%w: %q", ErrCollection, id)
	}
	if err != nil {
		return c, 0, fmt.Errorf("exchange: collection %q: %w", id, err)
	}
	return c, cid, nil
}

const sqliteFeatureCols = `f.id, f.uid, f.version, f.deleted, f.seq, f.minx, f.miny, f.maxx, f.maxy, f.geom, f.props, f.updated_at, f.updated_by`

func scanRecord(r rowScanner, coll string) (Record, error) {
	rec := Record{Collection: coll}
	var box [4]*float64
	var geom, props []byte
	var at string
	err := r.Scan(&rec.RowID, &rec.UID, &rec.Version, &rec.Deleted, &rec.Seq, &box[0], &box[1], &box[2], &box[3], &geom, &props, &at, &rec.UpdatedBy)
	if err != nil {
		return rec, err
	}
	rec.Bound, _ = nullBound(box)
	rec.UpdatedAt = parseTime(at)
	if rec.Geom, err = decodeGeom(geom); err != nil {
		return rec, fmt.Errorf("feature %s: %w", rec.UID, err)
	}
	if rec.Props, err = decodeProps(props); err != nil {
		return rec, fmt.Errorf("feature %s: %w", rec.UID, err)
	}
	return rec, nil
}

func scanRecords(rows *sql.Rows, coll string) ([]Record, error) {
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

// Items reads a page of live features in RowID order.
func (s *SQLite) Items(ctx context.Context, q ItemQuery) (ItemPage, error) {
	tx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return ItemPage{}, s.wrap("items", err)
	}
	defer tx.Rollback()
	c, cid, err := sqliteCollection(ctx, tx, q.Collection)
	if err != nil {
		return ItemPage{}, err
	}
	from, args := ` FROM features f WHERE f.cid = ? AND f.deleted = 0`, []any{cid}
	if q.HasBBox {
		from = ` FROM features_rtree r JOIN features f ON f.id = r.id WHERE r.minc <= ? AND r.maxc >= ?
			AND r.minx <= ? AND r.maxx >= ? AND r.miny <= ? AND r.maxy >= ?
			AND f.maxx >= ? AND f.minx <= ? AND f.maxy >= ? AND f.miny <= ?`
		b := q.BBox
		args = []any{cid, cid, b.Max[0], b.Min[0], b.Max[1], b.Min[1], b.Min[0], b.Max[0], b.Min[1], b.Max[1]}
	}
	page := ItemPage{Matched: c.Count}
	if q.HasBBox {
		if err := tx.QueryRowContext(ctx, `SELECT count(*)`+from, args...).Scan(&page.Matched); err != nil {
			return page, s.wrap("items", err)
		}
	}
	rows, err := tx.QueryContext(ctx, `SELECT `+sqliteFeatureCols+from+` AND f.id > ? ORDER BY f.id LIMIT ? OFFSET ?`,
		append(args, q.After, q.Limit+1, q.Offset)...)
	if err != nil {
		return page, s.wrap("items", err)
	}
	recs, err := scanRecords(rows, q.Collection)
	if err != nil {
		return page, s.wrap("items "+q.Collection, err)
	}
	page.Records, page.More = trimPage(recs, q.Limit)
	return page, nil
}

// trimPage cuts a limit+1 result to limit and says whether it was longer.
func trimPage(recs []Record, limit int) ([]Record, bool) {
	if len(recs) > limit {
		return recs[:limit], true
	}
	return recs, false
}

// Item reads one feature, tombstones included.
func (s *SQLite) Item(ctx context.Context, coll, uid string) (Record, error) {
	row := s.q.QueryRowContext(ctx, `SELECT `+sqliteFeatureCols+` FROM features f JOIN collections c ON c.cid = f.cid
		WHERE c.id = ? AND f.uid = ?`, coll, uid)
	r, err := scanRecord(row, coll)
	if errors.Is(err, sql.ErrNoRows) {
		if _, err := s.Collection(ctx, coll); err != nil {
			return r, err
		}
		return r, fmt.Errorf("%w: feature %q in %q", ErrNotFound, uid, coll)
	}
	return r, s.wrap("item", err)
}

// Changes reads the feed after q.Since in sequence order.
func (s *SQLite) Changes(ctx context.Context, q ChangeQuery) (ChangePage, error) {
	tx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return ChangePage{}, s.wrap("changes", err)
	}
	defer tx.Rollback()
	_, cid, err := sqliteCollection(ctx, tx, q.Collection)
	if err != nil {
		return ChangePage{}, err
	}
	var high int64
	if err := tx.QueryRowContext(ctx, `SELECT v FROM meta WHERE k = 'seq'`).Scan(&high); err != nil {
		return ChangePage{}, s.wrap("changes", err)
	}
	where, args := ``, []any{cid, q.Since}
	if q.HasBBox {
		b := q.BBox
		where = ` AND ((f.maxx >= ? AND f.minx <= ? AND f.maxy >= ? AND f.miny <= ?)
			OR (f.pmaxx >= ? AND f.pminx <= ? AND f.pmaxy >= ? AND f.pminy <= ?))`
		args = append(args, b.Min[0], b.Max[0], b.Min[1], b.Max[1], b.Min[0], b.Max[0], b.Min[1], b.Max[1])
	}
	rows, err := tx.QueryContext(ctx, `SELECT `+sqliteFeatureCols+` FROM features f WHERE f.cid = ? AND f.seq > ?`+where+
		` ORDER BY f.seq LIMIT ?`, append(args, q.Limit+1)...)
	if err != nil {
		return ChangePage{}, s.wrap("changes", err)
	}
	recs, err := scanRecords(rows, q.Collection)
	if err != nil {
		return ChangePage{}, s.wrap("changes "+q.Collection, err)
	}
	return feedPage(recs, q, high), nil
}

// feedPage cuts a limit+1 feed result and picks the next cursor.
func feedPage(recs []Record, q ChangeQuery, high int64) ChangePage {
	p := ChangePage{Next: max(high, q.Since)}
	p.Records, p.More = trimPage(recs, q.Limit)
	if p.More {
		p.Next = p.Records[len(p.Records)-1].Seq
	}
	return p
}

// HighWater is the highest sequence number of a collection's changes.
func (s *SQLite) HighWater(ctx context.Context, coll string) (int64, error) {
	var n sql.NullInt64
	err := s.q.QueryRowContext(ctx, `SELECT max(f.seq) FROM features f JOIN collections c ON c.cid = f.cid WHERE c.id = ?`, coll).Scan(&n)
	return n.Int64, s.wrap("high water", err)
}

// Principal finds a token's holder by hash.
func (s *SQLite) Principal(ctx context.Context, hash string) (Principal, error) {
	var p Principal
	var d sql.NullString
	err := s.q.QueryRowContext(ctx, `SELECT id, name, role, district FROM tokens WHERE hash = ?`, hash).Scan(&p.ID, &p.Name, &p.Role, &d)
	if errors.Is(err, sql.ErrNoRows) {
		return p, fmt.Errorf("%w: token", ErrNotFound)
	}
	p.District = d.String
	return p, s.wrap("token", err)
}

// AddToken stores a token hash (through the writer, like every write).
func (s *SQLite) AddToken(ctx context.Context, p Principal, hash string) (int64, error) {
	var id int64
	err := s.Update(ctx, func(tx Tx) error {
		t := tx.(*sqliteTx)
		res, err := t.g.tx.ExecContext(t.ctx, `INSERT INTO tokens (name, role, district, hash, created_at) VALUES (?, ?, ?, ?, ?)`,
			p.Name, p.Role, p.District, hash, formatTime(time.Now()))
		if err != nil {
			return s.wrap("add token", err)
		}
		id, err = res.LastInsertId()
		return err
	})
	return id, err
}

// Audit lists audit entries oldest first.
func (s *SQLite) Audit(ctx context.Context, q AuditQuery) ([]AuditEntry, error) {
	limit := q.Limit
	if limit <= 0 {
		limit = -1
	}
	rows, err := s.r.QueryContext(ctx, `SELECT id, ts, who, role, action, collection, coalesce(uid, ''), coalesce(before_version, 0),
		coalesce(after_version, 0), coalesce(detail, '') FROM audit WHERE id > ? ORDER BY id LIMIT ?`, q.After, limit)
	if err != nil {
		return nil, s.wrap("audit", err)
	}
	defer rows.Close()
	var out []AuditEntry
	for rows.Next() {
		var e AuditEntry
		var ts string
		if err := rows.Scan(&e.ID, &ts, &e.Who, &e.Role, &e.Action, &e.Collection, &e.UID, &e.BeforeVersion, &e.AfterVersion, &e.Detail); err != nil {
			return nil, s.wrap("audit", err)
		}
		e.Time = parseTime(ts)
		out = append(out, e)
	}
	return out, s.wrap("audit", rows.Err())
}

var orbBoundZero = orb.Bound{}

// Snapshot reads every live feature of a collection in one read
// transaction (a WAL snapshot) and the sequence it is consistent with.
func (s *SQLite) Snapshot(ctx context.Context, coll string, fn func(*Record) error) (int64, error) {
	tx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return 0, s.wrap("snapshot", err)
	}
	defer tx.Rollback()
	var high int64
	if err := tx.QueryRowContext(ctx, `SELECT v FROM meta WHERE k = 'seq'`).Scan(&high); err != nil {
		return 0, s.wrap("snapshot", err)
	}
	_, cid, err := sqliteCollection(ctx, tx, coll)
	if err != nil {
		return 0, err
	}
	rows, err := tx.QueryContext(ctx, `SELECT `+sqliteFeatureCols+` FROM features f WHERE f.cid = ? AND f.deleted = 0 ORDER BY f.id`, cid)
	if err != nil {
		return 0, s.wrap("snapshot", err)
	}
	defer rows.Close()
	for rows.Next() {
		r, err := scanRecord(rows, coll)
		if err != nil {
			return 0, s.wrap("snapshot "+coll, err)
		}
		if err := fn(&r); err != nil {
			return 0, err
		}
	}
	return high, s.wrap("snapshot "+coll, rows.Err())
}
