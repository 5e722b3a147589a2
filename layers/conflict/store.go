package conflict

import (
	"context"
	"crypto/sha1"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"lantu/layers/gpkg"
)

// Tables this package keeps in a blueprint.
const (
	TableConflicts = "lantu_conflicts"
	TableReviews   = "lantu_reviews"
	TableRuns      = "lantu_conflict_runs"
)

var conflictColumns = []gpkg.Column{
	{Name: "rule_id", Type: "TEXT", NotNull: true}, {Name: "severity", Type: "TEXT"}, {Name: "kind", Type: "TEXT"},
	{Name: "a_layer", Type: "TEXT"}, {Name: "a_uid", Type: "TEXT"}, {Name: "a_fid", Type: "INTEGER"},
	{Name: "b_layer", Type: "TEXT"}, {Name: "b_uid", Type: "TEXT"}, {Name: "b_fid", Type: "INTEGER"},
	{Name: "a_attrs", Type: "TEXT"}, {Name: "b_attrs", Type: "TEXT"},
	{Name: "class_pair", Type: "TEXT"}, {Name: "district", Type: "TEXT"},
	{Name: "area_m2", Type: "REAL"}, {Name: "perimeter_m", Type: "REAL"},
	{Name: "status", Type: "TEXT", NotNull: true, Default: "'open'"}, {Name: "reviewer", Type: "TEXT"},
	{Name: "reviewed_at", Type: "TEXT"}, {Name: "comment", Type: "TEXT"},
	{Name: "first_seen", Type: "TEXT"}, {Name: "last_seen", Type: "TEXT"}, {Name: "fingerprint", Type: "TEXT"},
}

const reviewsDDL = `CREATE TABLE lantu_reviews (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	conflict_fid INTEGER NOT NULL,
	fingerprint TEXT, rule_id TEXT, a_uid TEXT, b_uid TEXT,
	old_status TEXT, status TEXT NOT NULL, reviewer TEXT, reviewed_at TEXT NOT NULL, comment TEXT,
	synced INTEGER NOT NULL DEFAULT 0)`

const runsDDL = `CREATE TABLE lantu_conflict_runs (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	started_at TEXT NOT NULL, finished_at TEXT, mode TEXT NOT NULL,
	journal_id INTEGER NOT NULL DEFAULT 0, rules TEXT, patches INTEGER)`

// timeFormat is how times are written into the tables (UTC).
const timeFormat = "2006-01-02T15:04:05.000Z"

func now() string { return time.Now().UTC().Format(timeFormat) }

// ensureTables creates the conflict tables in db when missing.
func ensureTables(ctx context.Context, db *gpkg.DB, srid int) error {
	tx, err := db.W.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if !tableExists(ctx, tx, TableConflicts) {
		spec := gpkg.TableSpec{Table: TableConflicts, Identifier: "冲突图斑 Conflict patches",
			Description: "Conflict patches with review state", GeomColumn: "geom", GeomType: "MULTIPOLYGON",
			SRSID: srid, Columns: conflictColumns}
		if err := db.CreateTable(ctx, tx, spec); err != nil {
			return err
		}
		if err := db.CreateSpatialIndex(ctx, tx, TableConflicts, "geom"); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `CREATE INDEX lantu_conflicts_rule ON lantu_conflicts(rule_id, a_uid)`); err != nil {
			return err
		}
	}
	for _, t := range []struct{ name, ddl, desc string }{
		{TableReviews, reviewsDDL, "Review decisions on conflict patches"},
		{TableRuns, runsDDL, "Conflict check runs"},
	} {
		if tableExists(ctx, tx, t.name) {
			continue
		}
		if _, err := tx.ExecContext(ctx, t.ddl); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO gpkg_contents (table_name, data_type, identifier, description, last_change)
			VALUES (?, 'attributes', ?, ?, ?)`, t.name, t.name, t.desc, now()); err != nil {
			return err
		}
	}
	return tx.Commit()
}

func tableExists(ctx context.Context, tx *sql.Tx, name string) bool {
	var n int
	err := tx.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE type='table' AND name=?`, name).Scan(&n)
	return err == nil && n > 0
}

// fingerprint identifies a patch by rule and features; area is matched
// separately, within 1%.
func fingerprint(p *Patch) string {
	h := sha1.Sum([]byte(p.key()))
	return hex.EncodeToString(h[:8])
}

// scope selects the stored patches a run replaces.
type scope struct {
	rules    []string
	district string
	aUIDs    map[string]bool // incremental: only these A features
}

func (s scope) covers(rule, district, aUID string) bool {
	if !contains(s.rules, rule) || (s.district != "" && district != s.district) {
		return false
	}
	return s.aUIDs == nil || s.aUIDs[aUID]
}

// stored is an existing row as needed for matching.
type stored struct {
	fid         int64
	fingerprint string
	area        float64
	status      string
	used        bool
}

// save merges a run's patches into lantu_conflicts: a patch still present
// keeps its review state; one that vanished becomes resolved_by_change.
func save(ctx context.Context, db *gpkg.DB, srid int, patches []Patch, sc scope) error {
	tx, err := db.W.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	old, err := loadStored(ctx, tx, sc)
	if err != nil {
		return err
	}
	ts := now()
	for i := range patches {
		if err := upsert(ctx, tx, srid, &patches[i], old, ts); err != nil {
			return err
		}
	}
	for _, rows := range old {
		for _, o := range rows {
			if o.used || o.status == StatusResolvedByChange {
				continue
			}
			if _, err := tx.ExecContext(ctx, `UPDATE lantu_conflicts SET status=? WHERE fid=?`, StatusResolvedByChange, o.fid); err != nil {
				return err
			}
		}
	}
	if sc.aUIDs == nil {
		if err := db.UpdateExtent(ctx, tx, TableConflicts); err != nil {
			return err
		}
	} else if err := growExtent(ctx, tx, patches); err != nil {
		return err
	}
	return tx.Commit()
}

// growExtent widens the declared extent of lantu_conflicts by patches: an
// incremental re-check adds a few and need not scan the table.
func growExtent(ctx context.Context, tx *sql.Tx, patches []Patch) error {
	if len(patches) == 0 {
		return nil
	}
	b := patches[0].Geom.Bound()
	for _, p := range patches[1:] {
		b = b.Union(p.Geom.Bound())
	}
	_, err := tx.ExecContext(ctx, `UPDATE gpkg_contents SET last_change = strftime('%Y-%m-%dT%H:%M:%fZ','now'),
		min_x = min(coalesce(min_x, ?), ?), min_y = min(coalesce(min_y, ?), ?),
		max_x = max(coalesce(max_x, ?), ?), max_y = max(coalesce(max_y, ?), ?) WHERE table_name = ?`,
		b.Min[0], b.Min[0], b.Min[1], b.Min[1], b.Max[0], b.Max[0], b.Max[1], b.Max[1], TableConflicts)
	return err
}

func loadStored(ctx context.Context, tx *sql.Tx, sc scope) (map[string][]*stored, error) {
	q := `SELECT fid, rule_id, coalesce(district,''), coalesce(a_uid,''), coalesce(fingerprint,''), coalesce(area_m2,0), status
		FROM lantu_conflicts WHERE rule_id IN (` + placeholders(len(sc.rules)) + `)`
	args := make([]any, len(sc.rules))
	for i, r := range sc.rules {
		args[i] = r
	}
	if sc.aUIDs != nil && len(sc.aUIDs) <= maxUIDArgs { // incremental: the (rule_id, a_uid) index finds them
		q += ` AND a_uid IN (` + placeholders(len(sc.aUIDs)) + `)`
		for u := range sc.aUIDs {
			args = append(args, u)
		}
	}
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string][]*stored{}
	for rows.Next() {
		var s stored
		var rule, district, aUID string
		if err := rows.Scan(&s.fid, &rule, &district, &aUID, &s.fingerprint, &s.area, &s.status); err != nil {
			return nil, err
		}
		if sc.covers(rule, district, aUID) {
			out[s.fingerprint] = append(out[s.fingerprint], &s)
		}
	}
	return out, rows.Err()
}

// maxUIDArgs bounds the uids bound into one query (SQLite allows 32766
// parameters); bigger re-checks filter the rule's rows in Go instead.
const maxUIDArgs = 10000

func placeholders(n int) string {
	if n == 0 {
		return "NULL"
	}
	return "?" + strings.Repeat(",?", n-1)
}

// upsert updates the matching stored row or inserts a new open one.
func upsert(ctx context.Context, tx *sql.Tx, srid int, p *Patch, old map[string][]*stored, ts string) error {
	p.Fingerprint = fingerprint(p)
	blob, err := gpkg.EncodeGeometry(p.Geom, int32(srid))
	if err != nil {
		return fmt.Errorf("%w: rule %s, %s fid %d: %v", ErrGeometry, p.RuleID, p.A.Layer, p.A.FID, err)
	}
	aAttrs, _ := json.Marshal(p.A.Attrs)
	bAttrs, _ := json.Marshal(p.B.Attrs)
	for _, o := range old[p.Fingerprint] {
		if o.used || !sameShape(o.area, p.Area) {
			continue
		}
		o.used = true
		status := o.status
		if status == StatusResolvedByChange {
			status = StatusOpen
		}
		p.ID, p.Status = o.fid, status
		_, err := tx.ExecContext(ctx, `UPDATE lantu_conflicts SET geom=?, a_fid=?, b_fid=?, a_attrs=?, b_attrs=?,
			district=?, area_m2=?, perimeter_m=?, status=?, last_seen=?, severity=? WHERE fid=?`,
			blob, p.A.FID, p.B.FID, string(aAttrs), string(bAttrs), p.District, p.Area, p.Perimeter, status, ts, p.Severity, o.fid)
		return err
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO lantu_conflicts (geom, rule_id, severity, kind, a_layer, a_uid, a_fid,
		b_layer, b_uid, b_fid, a_attrs, b_attrs, class_pair, district, area_m2, perimeter_m, status, first_seen, last_seen, fingerprint)
		VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
		blob, p.RuleID, p.Severity, p.Kind, p.A.Layer, p.A.UID, p.A.FID, p.B.Layer, p.B.UID, p.B.FID,
		string(aAttrs), string(bAttrs), p.ClassPair, p.District, p.Area, p.Perimeter, StatusOpen, ts, ts, p.Fingerprint)
	if err != nil {
		return err
	}
	p.ID, _ = res.LastInsertId()
	p.Status, p.FirstSeen, p.LastSeen = StatusOpen, ts, ts
	return nil
}
