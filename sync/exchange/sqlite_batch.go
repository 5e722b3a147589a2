package exchange

import (
	"database/sql"
	"strings"
	"time"

	"github.com/paulmach/orb"
)

// A Tx's feature, audit and push-result writes are queued and written
// sqliteChunk rows per statement (as the PostgreSQL store pipelines them):
// a push of 250 changes costs a few dozen calls into SQLite, not a
// thousand. Each call out of cgo may have to wait for the Go scheduler,
// which under load made a push's many small statements take seconds.
// Every read and every other statement of the Tx first writes what is
// queued, so a Tx reads its own writes.
const sqliteChunk = 100

// The multi-row statements; values(n, cols) fills in their VALUES lists.
const (
	sqliteUpsertHead = `INSERT INTO features (cid, uid, version, deleted, seq, minx, miny, maxx, maxy, geom, props, updated_at, updated_by) VALUES `
	sqliteUpsertTail = ` ON CONFLICT (cid, uid) DO UPDATE SET version = excluded.version, deleted = excluded.deleted, seq = excluded.seq,
		pminx = features.minx, pminy = features.miny, pmaxx = features.maxx, pmaxy = features.maxy,
		minx = excluded.minx, miny = excluded.miny, maxx = excluded.maxx, maxy = excluded.maxy,
		geom = excluded.geom, props = excluded.props, updated_at = excluded.updated_at, updated_by = excluded.updated_by
	RETURNING id, cid, uid`
	sqliteAuditHead  = `INSERT INTO audit (ts, who, role, action, collection, uid, before_version, after_version, detail) VALUES `
	sqliteResultHead = `INSERT INTO push_results (key, who, result, created_at) VALUES `
	sqliteRtreeHead  = `INSERT OR REPLACE INTO features_rtree VALUES `
)

// values is n parenthesised lists of cols placeholders.
func values(n, cols int) string {
	row := "(" + strings.TrimSuffix(strings.Repeat("?,", cols), ",") + ")"
	return strings.TrimSuffix(strings.Repeat(row+",", n), ",")
}

// sqlitePut is a queued feature write, its values taken at Put.
type sqlitePut struct {
	r         *Record // gets the RowID
	cid       int64
	uid, coll string
	live      bool // a live feature with a geometry (in features_rtree)
	bound     orb.Bound
	args      []any
}

type cidUID struct {
	cid int64
	uid string
}

// chunkStmt is the store's prepared statement full when n rows fill a
// chunk, else nil: the caller runs the statement's text for n rows, which
// is prepared for that one use.
func (t *sqliteTx) chunkStmt(n int, full *sql.Stmt) *sql.Stmt {
	if n == sqliteChunk {
		return t.g.stmt(full)
	}
	return nil
}

// exec runs the statement for n rows (full, or text) with args.
func (t *sqliteTx) exec(n int, full *sql.Stmt, text string, args []any) error {
	var err error
	if st := t.chunkStmt(n, full); st != nil {
		_, err = st.ExecContext(t.ctx, args...)
	} else {
		_, err = t.g.tx.ExecContext(t.ctx, text, args...)
	}
	return err
}

// send writes everything queued.
func (t *sqliteTx) send() error {
	if err := t.sendPuts(); err != nil {
		return err
	}
	if err := t.sendAudits(); err != nil {
		return err
	}
	return t.sendResults()
}

// sendPuts upserts the queued features, sets their RowIDs and keeps
// features_rtree to the live geometries.
func (t *sqliteTx) sendPuts() error {
	n := len(t.puts)
	if n == 0 {
		return nil
	}
	puts := t.puts
	t.puts = t.puts[:0:0]
	args := make([]any, 0, n*13)
	for _, p := range puts {
		args = append(args, p.args...)
	}
	var rows *sql.Rows
	var err error
	if st := t.chunkStmt(n, t.s.st.upsertN); st != nil {
		rows, err = st.QueryContext(t.ctx, args...)
	} else {
		rows, err = t.g.tx.QueryContext(t.ctx, sqliteUpsertHead+values(n, 13)+sqliteUpsertTail, args...)
	}
	if err != nil {
		return t.s.wrap("put "+puts[0].coll, err)
	}
	ids, err := scanIDs(rows)
	if err != nil {
		return t.s.wrap("put "+puts[0].coll, err)
	}
	last := make(map[int64]*sqlitePut, n) // the final state of each row
	var order []int64
	for i := range puts {
		p := &puts[i]
		id := ids[cidUID{p.cid, p.uid}]
		p.r.RowID = id
		if _, seen := last[id]; !seen {
			order = append(order, id)
		}
		last[id] = p
	}
	return t.index(order, last, puts[0].coll)
}

func scanIDs(rows *sql.Rows) (map[cidUID]int64, error) {
	defer rows.Close()
	ids := map[cidUID]int64{}
	for rows.Next() {
		var id int64
		var k cidUID
		if err := rows.Scan(&id, &k.cid, &k.uid); err != nil {
			return nil, err
		}
		ids[k] = id
	}
	return ids, rows.Err()
}

// index writes the boxes of the rows' live geometries and removes those
// of the others.
func (t *sqliteTx) index(order []int64, last map[int64]*sqlitePut, coll string) error {
	var live []any
	var gone []int64
	for _, id := range order {
		p := last[id]
		if !p.live {
			gone = append(gone, id)
			continue
		}
		b := p.bound
		live = append(live, id, b.Min[0], b.Max[0], b.Min[1], b.Max[1], p.cid, p.cid)
	}
	if n := len(live) / 7; n > 0 {
		if err := t.exec(n, t.s.st.rtreeN, sqliteRtreeHead+values(n, 7), live); err != nil {
			return t.s.wrap("rtree "+coll, err)
		}
	}
	if len(gone) > 0 {
		if _, err := t.g.stmt(t.s.st.rtreeDel).ExecContext(t.ctx, jsonInts(gone)); err != nil {
			return t.s.wrap("rtree "+coll, err)
		}
	}
	return nil
}

func (t *sqliteTx) sendAudits() error {
	n := len(t.audits)
	if n == 0 {
		return nil
	}
	args := make([]any, 0, n*9)
	for _, e := range t.audits {
		args = append(args, formatTime(e.Time), e.Who, e.Role, e.Action, e.Collection, e.UID, e.BeforeVersion, e.AfterVersion, e.Detail)
	}
	t.audits = t.audits[:0]
	return t.s.wrap("audit", t.exec(n, t.s.st.auditN, sqliteAuditHead+values(n, 9), args))
}

// sqliteResult is a queued push result.
type sqliteResult struct {
	key string
	r   StoredResult
	at  time.Time
}

func (t *sqliteTx) sendResults() error {
	n := len(t.results)
	if n == 0 {
		return nil
	}
	args := make([]any, 0, n*4)
	for _, q := range t.results {
		args = append(args, q.key, q.r.Who, string(q.r.Result), formatTime(q.at))
	}
	t.results = t.results[:0]
	return t.s.wrap("push result", t.exec(n, t.s.st.resultN, sqliteResultHead+values(n, 4), args))
}
