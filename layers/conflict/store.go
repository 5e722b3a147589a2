package conflict

import (
	"context"
	"crypto/sha1"
	"database/sql"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"lantu/layers"
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

// ensureStore creates the conflict tables in bp when missing, through the
// blueprint's writer. On a read-only blueprint it fails with
// layers.ErrReadOnly, naming the file, before anything else.
func ensureStore(ctx context.Context, bp *layers.Blueprint) error {
	return bp.Write(ctx, func(tx *sql.Tx) error { return createTables(ctx, bp.DB(), tx, bp.SRID()) })
}

// ensureTables creates the conflict tables in a GeoPackage of this
// package's own (an export), not a blueprint.
func ensureTables(ctx context.Context, db *gpkg.DB, srid int) error {
	tx, err := db.W.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := createTables(ctx, db, tx, srid); err != nil {
		return err
	}
	return tx.Commit()
}

// ruleIndexDDL creates the index an incremental re-check finds its stored
// patches by.
const ruleIndexDDL = `CREATE INDEX lantu_conflicts_rule ON lantu_conflicts(rule_id, a_uid)`

// createTables creates in tx the conflict tables it does not see, and
// drops the staging tables of staged runs (store_stage.go) it sees.
func createTables(ctx context.Context, db *gpkg.DB, tx *sql.Tx, srid int) error {
	if err := dropStaging(ctx, tx); err != nil {
		return err
	}
	ok, err := layers.TableExists(ctx, tx, TableConflicts)
	if err != nil {
		return err
	}
	if !ok {
		spec := gpkg.TableSpec{Table: TableConflicts, Identifier: "冲突图斑 Conflict patches",
			Description: "Conflict patches with review state", GeomColumn: "geom", GeomType: "MULTIPOLYGON",
			SRSID: srid, Columns: conflictColumns}
		if err := db.CreateTable(ctx, tx, spec); err != nil {
			return err
		}
		if err := db.CreateSpatialIndex(ctx, tx, TableConflicts, "geom"); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, ruleIndexDDL); err != nil {
			return err
		}
	}
	for _, t := range []struct{ name, ddl, desc string }{
		{TableReviews, reviewsDDL, "Review decisions on conflict patches"},
		{TableRuns, runsDDL, "Conflict check runs"},
	} {
		if ok, err := layers.TableExists(ctx, tx, t.name); err != nil || ok {
			if err != nil {
				return err
			}
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
	return nil
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

// save merges a run's patches into lantu_conflicts in tx: a patch still
// present keeps its review state; one that vanished becomes
// resolved_by_change, and one that comes back gets its decision back.
func save(ctx context.Context, tx *sql.Tx, db *gpkg.DB, srid int, patches []Patch, sc scope) error {
	old, err := loadStored(ctx, tx, sc)
	if err != nil {
		return err
	}
	bulk, err := bulkLoadable(ctx, tx, old, len(patches))
	if err != nil {
		return err
	}
	if bulk {
		err = bulkSave(ctx, tx, srid, patches)
	} else {
		err = upsertAll(ctx, tx, srid, patches, old)
	}
	if err != nil {
		return err
	}
	for _, rows := range old.byFP {
		for _, o := range rows {
			if o.used || o.status == StatusResolvedByChange {
				continue
			}
			if _, err := tx.ExecContext(ctx, `UPDATE lantu_conflicts SET status=? WHERE fid=?`, StatusResolvedByChange, o.fid); err != nil {
				return err
			}
		}
	}
	if bulk {
		return nil // bulkSave wrote the extent
	}
	if sc.aUIDs == nil {
		return db.UpdateExtent(ctx, tx, TableConflicts)
	}
	return growExtent(ctx, tx, patches)
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

// loadStored reads the stored rows a run's scope covers, by fingerprint.
func loadStored(ctx context.Context, tx *sql.Tx, sc scope) (*storedSet, error) {
	q := `SELECT fid, rule_id, coalesce(district,''), coalesce(a_uid,''), coalesce(fingerprint,''), coalesce(area_m2,0), status,
		ST_MinX(geom), ST_MaxX(geom), ST_MinY(geom), ST_MaxY(geom)
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
	out := &storedSet{tx: tx, byFP: map[string][]*stored{}}
	for rows.Next() {
		var s stored
		var rule, district, aUID string
		var box [4]sql.NullFloat64
		if err := rows.Scan(&s.fid, &rule, &district, &aUID, &s.fingerprint, &s.area, &s.status,
			&box[0], &box[1], &box[2], &box[3]); err != nil {
			return nil, err
		}
		if box[0].Valid && box[1].Valid && box[2].Valid && box[3].Valid {
			s.box = &orb.Bound{Min: orb.Point{box[0].Float64, box[2].Float64}, Max: orb.Point{box[1].Float64, box[3].Float64}}
		}
		if sc.covers(rule, district, aUID) {
			out.byFP[s.fingerprint] = append(out.byFP[s.fingerprint], &s)
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

// upsertAll writes patches one by one (upsert).
func upsertAll(ctx context.Context, tx *sql.Tx, srid int, patches []Patch, old *storedSet) error {
	pw, err := newPatchWriter(ctx, tx, srid, patches)
	if err != nil {
		return err
	}
	defer pw.close()
	ts := now()
	for i := range patches {
		if err := pw.upsert(ctx, i, old, ts); err != nil {
			return err
		}
	}
	return nil
}

// upsert updates the stored row of patch i, or inserts a new open one. A
// row that had vanished (resolved_by_change) comes back with the
// reviewer's last decision on it. old is nil when there is nothing stored.
func (w *patchWriter) upsert(ctx context.Context, i int, old *storedSet, ts string) error {
	p, enc := &w.patches[i], w.encoded(i)
	if enc.err != nil {
		return fmt.Errorf("%w: rule %s, %s fid %d: %v", ErrGeometry, p.RuleID, p.A.Layer, p.A.FID, enc.err)
	}
	if o := old.match(p); o != nil {
		o.used = true
		status, err := old.statusOf(ctx, o)
		if err != nil {
			return err
		}
		p.ID, p.Status = o.fid, status
		_, err = w.upd.ExecContext(ctx, enc.blob, p.A.FID, p.B.FID, enc.aAttrs, enc.bAttrs,
			p.District, p.Area, p.Perimeter, status, ts, p.Severity, o.fid)
		return err
	}
	res, err := w.ins.ExecContext(ctx, enc.blob, p.RuleID, p.Severity, p.Kind, p.A.Layer, p.A.UID, p.A.FID, p.B.Layer, p.B.UID, p.B.FID,
		enc.aAttrs, enc.bAttrs, p.ClassPair, p.District, p.Area, p.Perimeter, StatusOpen, ts, ts, p.Fingerprint)
	if err != nil {
		return err
	}
	p.ID, _ = res.LastInsertId()
	p.Status, p.FirstSeen, p.LastSeen = StatusOpen, ts, ts
	return nil
}
