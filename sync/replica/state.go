package replica

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"lantu/layers"
)

// Tables the replica keeps in a blueprint, written through Blueprint.Write.
const (
	TableRemotes   = "lantu_remotes"      // server, token, replica id, district, last sync
	TableResults   = "lantu_sync_results" // what became of each pushed journal entry
	TableConflicts = "lantu_sync_conflicts"
	TableShadow    = "lantu_sync_shadow" // the server's state of a feature at a version
	TableOutbox    = "lantu_sync_outbox" // the push under way: keys and the journal ranges they carry
)

// syncTable is one of the replica's tables: registered in gpkg_contents as
// an attributes table, so it has one INTEGER PRIMARY KEY (fid) as the
// GeoPackage asks (requirement 119), its own key a UNIQUE constraint.
type syncTable struct {
	name, desc, ddl string
	cols            string // the columns a table made before fid is copied by
}

var syncTables = []syncTable{
	{TableRemotes, "Exchange the replica syncs with", `CREATE TABLE lantu_remotes (fid INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE,
		url TEXT NOT NULL, token TEXT NOT NULL DEFAULT '', replica_id TEXT NOT NULL, district TEXT, layers TEXT, last_sync TEXT, last_error TEXT)`,
		"name, url, token, replica_id, district, layers, last_sync, last_error"},
	{TableResults, "What became of each pushed journal entry", `CREATE TABLE lantu_sync_results (fid INTEGER PRIMARY KEY, journal_id INTEGER NOT NULL,
		remote TEXT NOT NULL, layer TEXT NOT NULL, uid TEXT NOT NULL, key TEXT, status TEXT NOT NULL, version INTEGER,
		reason TEXT, at TEXT NOT NULL, UNIQUE (remote, journal_id))`,
		"journal_id, remote, layer, uid, key, status, version, reason, at"},
	{TableConflicts, "Sync conflicts: base, mine, theirs", `CREATE TABLE lantu_sync_conflicts (id INTEGER PRIMARY KEY AUTOINCREMENT, remote TEXT NOT NULL,
		layer TEXT NOT NULL, uid TEXT NOT NULL, fields TEXT NOT NULL, base TEXT, mine TEXT, theirs TEXT,
		base_version INTEGER NOT NULL, theirs_version INTEGER NOT NULL, mine_journal INTEGER NOT NULL DEFAULT 0, status TEXT NOT NULL DEFAULT 'open',
		resolution TEXT, created_at TEXT NOT NULL, resolved_at TEXT)`, ""},
	{TableOutbox, "The push under way: idempotency keys and their journal ranges", `CREATE TABLE lantu_sync_outbox (fid INTEGER PRIMARY KEY,
		remote TEXT NOT NULL, key TEXT NOT NULL, layer TEXT NOT NULL, uid TEXT NOT NULL, first_id INTEGER NOT NULL, last_id INTEGER NOT NULL,
		base_version INTEGER NOT NULL, UNIQUE (remote, key))`,
		"remote, key, layer, uid, first_id, last_id, base_version"},
	{TableShadow, "Base versions of features with unpushed edits, for the 3-way merge", `CREATE TABLE lantu_sync_shadow (fid INTEGER PRIMARY KEY,
		remote TEXT NOT NULL, layer TEXT NOT NULL, uid TEXT NOT NULL, valid_from INTEGER NOT NULL, version INTEGER NOT NULL, state TEXT,
		UNIQUE (remote, layer, uid, valid_from))`,
		"remote, layer, uid, valid_from, version, state"},
}

const conflictsIndex = `CREATE INDEX IF NOT EXISTS lantu_sync_conflicts_feature ON lantu_sync_conflicts (remote, layer, uid, status)`

func ensureTables(ctx context.Context, bp *layers.Blueprint) error {
	if ok, err := tablesCurrent(ctx, bp); err != nil || ok {
		return err
	}
	return bp.Write(ctx, func(tx *sql.Tx) error {
		for _, t := range syncTables {
			if err := ensureTable(ctx, tx, t); err != nil {
				return fmt.Errorf("replica: %s: %s: %w", bp.Path(), t.name, err)
			}
		}
		_, err := tx.ExecContext(ctx, conflictsIndex)
		return err
	})
}

// tablesCurrent tells whether every table is there, current and
// registered (then nothing is written).
func tablesCurrent(ctx context.Context, bp *layers.Blueprint) (bool, error) {
	n := 0
	err := bp.Read(ctx, func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, `SELECT count(*) FROM gpkg_contents c WHERE c.table_name IN (?,?,?,?,?) AND c.data_type = 'attributes'
			AND (c.table_name = ? OR EXISTS (SELECT 1 FROM pragma_table_info(c.table_name) WHERE name = 'fid'))`,
			TableRemotes, TableResults, TableConflicts, TableOutbox, TableShadow, TableConflicts).Scan(&n)
	})
	return n == len(syncTables), err
}

// ensureTable creates t, or rebuilds a table made before fid with its
// rows, and registers it in gpkg_contents.
func ensureTable(ctx context.Context, tx *sql.Tx, t syncTable) error {
	exists, err := layers.TableExists(ctx, tx, t.name)
	if err != nil {
		return err
	}
	fid := 0
	if exists && t.cols != "" {
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM pragma_table_info(?) WHERE name = 'fid'`, t.name).Scan(&fid); err != nil {
			return err
		}
	}
	var qs []string
	switch {
	case !exists:
		qs = []string{t.ddl}
	case t.cols != "" && fid == 0:
		qs = []string{`ALTER TABLE ` + t.name + ` RENAME TO ` + t.name + `_old`, t.ddl,
			`INSERT INTO ` + t.name + ` (` + t.cols + `) SELECT ` + t.cols + ` FROM ` + t.name + `_old`, `DROP TABLE ` + t.name + `_old`}
	}
	qs = append(qs, `INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier, description, last_change)
		VALUES ('`+t.name+`', 'attributes', '`+t.name+`', '`+t.desc+`', strftime('%Y-%m-%dT%H:%M:%fZ','now'))`)
	for _, q := range qs {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	return nil
}

func nowText() string { return time.Now().UTC().Format("2006-01-02T15:04:05.000Z") }

// Remote is the server a replica syncs with, as remembered in the
// blueprint. It is a value.
type Remote struct {
	Name string
	URL  string
	// Token is the bearer token: kept in the user's token file (see
	// TokenFile), not in the blueprint; never printed or in JSON.
	Token     string   `json:"-"`
	ReplicaID string   // prefix of the idempotency keys: unique per replica
	District  string   // district code the replica holds only, "" for all
	Layers    []string // collections the replica holds, empty for all
	LastSync  string
	LastError string
	legacy    bool // the token was read from lantu_remotes (a blueprint made before the token file)
}

// SaveRemote stores (or replaces) a remote in the blueprint, and its token
// in the user's token file (the blueprint's column is emptied).
func SaveRemote(ctx context.Context, bp *layers.Blueprint, r Remote) error {
	if err := ensureTables(ctx, bp); err != nil {
		return err
	}
	if r.Token != "" {
		if err := saveToken(r.ReplicaID, bp.Path(), r.URL, r.Token); err != nil {
			return err
		}
	}
	return bp.Write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO lantu_remotes (name, url, token, replica_id, district, layers, last_sync, last_error)
			VALUES (?,?,?,?,?,?,?,?) ON CONFLICT (name) DO UPDATE SET url=excluded.url, token=excluded.token,
			district=excluded.district, layers=excluded.layers`,
			r.Name, r.URL, "", r.ReplicaID, r.District, strings.Join(r.Layers, ","), r.LastSync, r.LastError)
		return err
	})
}

// LoadRemote reads the named remote; ErrNoRemote when there is none.
func LoadRemote(ctx context.Context, bp *layers.Blueprint, name string) (Remote, error) {
	r := Remote{Name: name}
	var district, ls, last, lastErr sql.NullString
	err := bp.Read(ctx, func(tx *sql.Tx) error {
		if ok, err := layers.TableExists(ctx, tx, TableRemotes); err != nil || !ok {
			if err == nil {
				err = sql.ErrNoRows
			}
			return err
		}
		return tx.QueryRowContext(ctx, `SELECT url, token, replica_id, district, layers, last_sync, last_error
			FROM lantu_remotes WHERE name = ?`, name).Scan(&r.URL, &r.Token, &r.ReplicaID, &district, &ls, &last, &lastErr)
	})
	if errors.Is(err, sql.ErrNoRows) {
		return r, fmt.Errorf("%w (%s has no remote %q)", ErrNoRemote, bp.Path(), name)
	}
	if err != nil {
		return r, fmt.Errorf("replica: %s: %s: %w", bp.Path(), TableRemotes, err)
	}
	r.District, r.LastSync, r.LastError = district.String, last.String, lastErr.String
	if ls.String != "" {
		r.Layers = strings.Split(ls.String, ",")
	}
	if r.Token != "" {
		r.legacy = true
		return r, nil
	}
	if r.Token, err = loadToken(r.ReplicaID); err != nil {
		return r, err
	}
	return r, nil
}

func markSynced(ctx context.Context, bp *layers.Blueprint, name string, syncErr error) error {
	msg := ""
	if syncErr != nil {
		msg = syncErr.Error()
	}
	return bp.Write(ctx, func(tx *sql.Tx) error {
		q := `UPDATE lantu_remotes SET last_error = ? WHERE name = ?`
		args := []any{msg, name}
		if syncErr == nil {
			q, args = `UPDATE lantu_remotes SET last_error = '', last_sync = ? WHERE name = ?`, []any{nowText(), name}
		}
		_, err := tx.ExecContext(ctx, q, args...)
		return err
	})
}

// Outcome statuses of a journal entry in lantu_sync_results.
const (
	ResultApplied  = "applied"  // on the server at Version
	ResultMerged   = "merged"   // merged with the server's newer feature; the merge is a later entry (or nothing to push)
	ResultConflict = "conflict" // part of an open or resolved conflict record
	ResultRejected = "rejected" // refused by the server: Reason
)

// EntryResult is what became of one journal entry. It is a value.
type EntryResult struct {
	JournalID int64  `json:"journal_id"`
	Layer     string `json:"layer"`
	UID       string `json:"uid"`
	Key       string `json:"key,omitempty"`
	Status    string `json:"status"`
	Version   int64  `json:"version,omitempty"`
	Reason    string `json:"reason,omitempty"`
}

func saveResults(ctx context.Context, tx *sql.Tx, remote string, rs []EntryResult) error {
	st, err := tx.PrepareContext(ctx, `INSERT INTO lantu_sync_results (journal_id, remote, layer, uid, key, status, version, reason, at)
		VALUES (?,?,?,?,?,?,?,?,?) ON CONFLICT (remote, journal_id) DO UPDATE SET status=excluded.status,
		version=excluded.version, reason=excluded.reason, at=excluded.at`)
	if err != nil {
		return err
	}
	defer st.Close()
	now := nowText()
	for _, r := range rs {
		if _, err := st.ExecContext(ctx, r.JournalID, remote, r.Layer, r.UID, r.Key, r.Status, r.Version, r.Reason, now); err != nil {
			return err
		}
	}
	return nil
}

// finished reads the results of entries with id > after.
func finished(ctx context.Context, bp *layers.Blueprint, remote string, after int64) (map[int64]EntryResult, error) {
	out := map[int64]EntryResult{}
	err := bp.Read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT journal_id, layer, uid, coalesce(key,''), status, coalesce(version,0), coalesce(reason,'')
			FROM lantu_sync_results WHERE remote = ? AND journal_id > ?`, remote, after)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var r EntryResult
			if err := rows.Scan(&r.JournalID, &r.Layer, &r.UID, &r.Key, &r.Status, &r.Version, &r.Reason); err != nil {
				return err
			}
			out[r.JournalID] = r
		}
		return rows.Err()
	})
	return out, err
}

// Results lists the recorded outcomes of journal entries, newest first, at
// most limit (<= 0: all), those with status in statuses when given.
func Results(ctx context.Context, bp *layers.Blueprint, limit int, statuses ...string) ([]EntryResult, error) {
	if limit <= 0 {
		limit = -1
	}
	var out []EntryResult
	err := bp.Read(ctx, func(tx *sql.Tx) error {
		if ok, err := layers.TableExists(ctx, tx, TableResults); err != nil || !ok {
			return err
		}
		q := `SELECT journal_id, layer, uid, coalesce(key,''), status, coalesce(version,0), coalesce(reason,'') FROM lantu_sync_results`
		var args []any
		if len(statuses) > 0 {
			q += ` WHERE status IN (?` + strings.Repeat(",?", len(statuses)-1) + `)`
			for _, s := range statuses {
				args = append(args, s)
			}
		}
		rows, err := tx.QueryContext(ctx, q+` ORDER BY journal_id DESC LIMIT ?`, append(args, limit)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var r EntryResult
			if err := rows.Scan(&r.JournalID, &r.Layer, &r.UID, &r.Key, &r.Status, &r.Version, &r.Reason); err != nil {
				return err
			}
			out = append(out, r)
		}
		return rows.Err()
	})
	return out, err
}

// shadow is the server's state of a feature at a version, valid as the
// base of the journal entries with id >= validFrom.
type shadow struct {
	validFrom int64
	version   int64
	state     *State
}

// shadows reads the shadows of the features named, by layer and uid.
func shadows(ctx context.Context, bp *layers.Blueprint, remote string, of map[featKey][]int64) (map[[2]string][]shadow, error) {
	out := map[[2]string][]shadow{}
	err := bp.Read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT layer, uid, valid_from, version, coalesce(state,'null') FROM lantu_sync_shadow
			WHERE remote = ? ORDER BY layer, uid, valid_from`, remote)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var l, u, st string
			var s shadow
			if err := rows.Scan(&l, &u, &s.validFrom, &s.version, &st); err != nil {
				return err
			}
			if _, ok := of[featKey{l, u}]; !ok {
				continue
			}
			if s.state, err = decodeState([]byte(st)); err != nil {
				return fmt.Errorf("%s %s %s: %w", TableShadow, l, u, err)
			}
			out[[2]string{l, u}] = append(out[[2]string{l, u}], s)
		}
		return rows.Err()
	})
	return out, err
}

func saveShadow(ctx context.Context, tx execer, remote, layer, uid string, s shadow) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO lantu_sync_shadow (remote, layer, uid, valid_from, version, state) VALUES (?,?,?,?,?,?)
		ON CONFLICT (remote, layer, uid, valid_from) DO UPDATE SET version = excluded.version, state = excluded.state`,
		remote, layer, uid, s.validFrom, s.version, nullJSON(encodeState(uid, s.state)))
	return err
}

func nullJSON(b []byte) any {
	if b == nil {
		return nil
	}
	return string(b)
}

// ConflictRecord is a change made on both sides that the merge could not
// settle: base, mine and theirs, the fields in conflict. It is a value.
type ConflictRecord struct {
	ID            int64           `json:"id"`
	Layer         string          `json:"layer"`
	UID           string          `json:"uid"`
	Fields        []string        `json:"fields"`
	Base          *State          `json:"-"`
	Mine          *State          `json:"-"`
	Theirs        *State          `json:"-"`
	BaseJSON      json.RawMessage `json:"base"`
	MineJSON      json.RawMessage `json:"mine"`
	TheirsJSON    json.RawMessage `json:"theirs"`
	BaseVersion   int64           `json:"base_version"`
	TheirsVersion int64           `json:"theirs_version"`
	MineJournal   int64           `json:"mine_journal"` // the journal entry mine is the after of
	Status        string          `json:"status"`       // open, resolved
	Resolution    string          `json:"resolution,omitempty"`
	CreatedAt     string          `json:"created_at"`
}

// Conflicts lists the conflict records, open ones only unless all.
func Conflicts(ctx context.Context, bp *layers.Blueprint, all bool) ([]ConflictRecord, error) {
	var out []ConflictRecord
	err := bp.Read(ctx, func(tx *sql.Tx) error {
		if ok, err := layers.TableExists(ctx, tx, TableConflicts); err != nil || !ok {
			return err
		}
		q := `SELECT id, layer, uid, fields, coalesce(base,'null'), coalesce(mine,'null'), coalesce(theirs,'null'),
			base_version, theirs_version, mine_journal, status, coalesce(resolution,''), created_at FROM lantu_sync_conflicts`
		if !all {
			q += ` WHERE status = 'open'`
		}
		rows, err := tx.QueryContext(ctx, q+` ORDER BY id`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			c, err := scanConflict(rows)
			if err != nil {
				return err
			}
			out = append(out, c)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("replica: %s: %s: %w", bp.Path(), TableConflicts, err)
	}
	return out, nil
}

func scanConflict(rows *sql.Rows) (ConflictRecord, error) {
	var c ConflictRecord
	var fields, base, mine, theirs string
	if err := rows.Scan(&c.ID, &c.Layer, &c.UID, &fields, &base, &mine, &theirs, &c.BaseVersion, &c.TheirsVersion, &c.MineJournal,
		&c.Status, &c.Resolution, &c.CreatedAt); err != nil {
		return c, err
	}
	if err := json.Unmarshal([]byte(fields), &c.Fields); err != nil {
		return c, fmt.Errorf("conflict %d: fields: %w", c.ID, err)
	}
	c.BaseJSON, c.MineJSON, c.TheirsJSON = json.RawMessage(base), json.RawMessage(mine), json.RawMessage(theirs)
	var err error
	for _, p := range []struct {
		dst **State
		raw string
	}{{&c.Base, base}, {&c.Mine, mine}, {&c.Theirs, theirs}} {
		if *p.dst, err = decodeState([]byte(p.raw)); err != nil {
			return c, fmt.Errorf("conflict %d: %w", c.ID, err)
		}
	}
	return c, nil
}

// saveConflict inserts c, or replaces the open record of its feature.
func saveConflict(ctx context.Context, tx *sql.Tx, remote string, c ConflictRecord) error {
	fields, _ := json.Marshal(c.Fields)
	b, m, t := encodeState(c.UID, c.Base), encodeState(c.UID, c.Mine), encodeState(c.UID, c.Theirs)
	res, err := tx.ExecContext(ctx, `UPDATE lantu_sync_conflicts SET fields=?, base=?, mine=?, theirs=?, base_version=?, theirs_version=?, mine_journal=?
		WHERE remote=? AND layer=? AND uid=? AND status='open'`,
		string(fields), nullJSON(b), nullJSON(m), nullJSON(t), c.BaseVersion, c.TheirsVersion, c.MineJournal, remote, c.Layer, c.UID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n > 0 {
		return nil
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO lantu_sync_conflicts (remote, layer, uid, fields, base, mine, theirs, base_version,
		theirs_version, mine_journal, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)`,
		remote, c.Layer, c.UID, string(fields), nullJSON(b), nullJSON(m), nullJSON(t), c.BaseVersion, c.TheirsVersion, c.MineJournal, nowText())
	return err
}

func closeConflict(ctx context.Context, tx *sql.Tx, remote, layer, uid, resolution string) error {
	_, err := tx.ExecContext(ctx, `UPDATE lantu_sync_conflicts SET status='resolved', resolution=?, resolved_at=?
		WHERE remote=? AND layer=? AND uid=? AND status='open'`, resolution, nowText(), remote, layer, uid)
	return err
}

// openConflicts maps layer, uid to the open conflict of the remote.
func openConflicts(ctx context.Context, bp *layers.Blueprint) (map[[2]string]ConflictRecord, error) {
	cs, err := Conflicts(ctx, bp, false)
	out := map[[2]string]ConflictRecord{}
	for _, c := range cs {
		out[[2]string{c.Layer, c.UID}] = c
	}
	return out, err
}

func unfinish(ctx context.Context, tx *sql.Tx, remote string, id int64) error {
	_, err := tx.ExecContext(ctx, `DELETE FROM lantu_sync_results WHERE remote = ? AND journal_id = ?`, remote, id)
	return err
}

// cleanShadows deletes the shadows no unsettled journal entry and no open
// conflict needs: all of a feature with neither, and of a feature with
// unsettled entries those older than the base of its first one. A
// feature's next edit derives its base from the journal again.
func (s *Syncer) cleanShadows(ctx context.Context) error {
	p, err := s.loadPending(ctx, true)
	if err != nil {
		return err
	}
	open, err := openConflicts(ctx, s.bp)
	if err != nil {
		return err
	}
	keep := map[[2]string]int64{} // the oldest valid_from kept
	for f, ids := range p.byFeat {
		sh, _ := p.shadowFor(f, slices.Min(ids))
		keep[[2]string{f.layer, f.uid}] = sh.validFrom
	}
	for k := range open {
		keep[k] = 0
	}
	var drop [][3]any
	err = s.bp.Read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT layer, uid, valid_from FROM lantu_sync_shadow WHERE remote = ?`, RemoteName)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var l, u string
			var from int64
			if err := rows.Scan(&l, &u, &from); err != nil {
				return err
			}
			if oldest, ok := keep[[2]string{l, u}]; !ok || from < oldest {
				drop = append(drop, [3]any{l, u, from})
			}
		}
		return rows.Err()
	})
	if err != nil || len(drop) == 0 {
		return err
	}
	return s.bp.Write(ctx, func(tx *sql.Tx) error {
		st, err := tx.PrepareContext(ctx, `DELETE FROM lantu_sync_shadow WHERE remote = ? AND layer = ? AND uid = ? AND valid_from = ?`)
		if err != nil {
			return err
		}
		defer st.Close()
		for _, d := range drop {
			if _, err := st.ExecContext(ctx, RemoteName, d[0], d[1], d[2]); err != nil {
				return err
			}
		}
		return nil
	})
}

// execer runs a statement: a *sql.Tx, or a txStmts.
type execer interface {
	ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error)
}

// txStmts prepares each statement once in a transaction, for the loops
// that write a row per feature. It is not safe for concurrent use.
type txStmts struct {
	tx *sql.Tx
	m  map[string]*sql.Stmt
}

func newTxStmts(tx *sql.Tx) *txStmts { return &txStmts{tx: tx, m: map[string]*sql.Stmt{}} }

// ExecContext runs q, prepared the first time.
func (t *txStmts) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	st := t.m[q]
	if st == nil {
		var err error
		if st, err = t.tx.PrepareContext(ctx, q); err != nil {
			return nil, err
		}
		t.m[q] = st
	}
	return st.ExecContext(ctx, args...)
}

func (t *txStmts) close() {
	for _, st := range t.m {
		st.Close()
	}
}
