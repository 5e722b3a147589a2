package conflict

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/paulmach/orb"

	"lantu/layers"
	"lantu/layers/gpkg"
)

// Statuses a reviewer may set.
var reviewStatuses = []string{StatusOpen, StatusConfirmed, StatusWaived, StatusResolved}

// SetReview records a review decision on patch id: the patch row and a
// lantu_reviews history row, in one transaction through the blueprint's
// writer. Waiving needs a reason. The decision stays with the patch across
// runs, also through runs that do not find it. A read-only blueprint gives
// layers.ErrReadOnly naming the file.
func SetReview(ctx context.Context, bp *layers.Blueprint, id int64, status, reviewer, comment string) error {
	switch {
	case !slices.Contains(reviewStatuses, status):
		return fmt.Errorf("%w: %q (want %s)", ErrStatus, status, strings.Join(reviewStatuses, ", "))
	case status == StatusWaived && strings.TrimSpace(comment) == "":
		return fmt.Errorf("%w: waiving patch %d needs a reason in the comment", ErrStatus, id)
	}
	err := bp.Write(ctx, func(tx *sql.Tx) error {
		if err := createTables(ctx, bp.DB(), tx, bp.SRID()); err != nil {
			return err
		}
		return setReview(ctx, tx, id, status, reviewer, comment)
	})
	switch {
	case errors.Is(err, ErrNoPatch):
		return fmt.Errorf("%w: fid %d in %s", ErrNoPatch, id, bp.Path())
	case errors.Is(err, layers.ErrReadOnly):
		return fmt.Errorf("conflict: %w", err)
	case err != nil:
		return fmt.Errorf("conflict: %s: review of patch %d: %w", bp.Path(), id, err)
	}
	return nil
}

func setReview(ctx context.Context, tx *sql.Tx, id int64, status, reviewer, comment string) error {
	var old, fp, rule, aUID, bUID string
	err := tx.QueryRowContext(ctx, `SELECT status, coalesce(fingerprint,''), rule_id, coalesce(a_uid,''), coalesce(b_uid,'')
		FROM lantu_conflicts WHERE fid=?`, id).Scan(&old, &fp, &rule, &aUID, &bUID)
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNoPatch
	} else if err != nil {
		return err
	}
	ts := now()
	if _, err := tx.ExecContext(ctx, `UPDATE lantu_conflicts SET status=?, reviewer=?, reviewed_at=?, comment=? WHERE fid=?`,
		status, reviewer, ts, comment, id); err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO lantu_reviews (conflict_fid, fingerprint, rule_id, a_uid, b_uid,
		old_status, status, reviewer, reviewed_at, comment) VALUES (?,?,?,?,?,?,?,?,?,?)`,
		id, fp, rule, aUID, bUID, old, status, reviewer, ts, comment)
	return err
}

// Filter selects stored patches; zero fields select everything.
type Filter struct {
	IDs      []int64
	Rules    []string
	Status   []string
	District string
	BBox     orb.Bound
	NoGeom   bool
}

// LoadPatches reads stored patches in rule, A fid, B fid order; none when
// no check has run. It only reads, so it works on a read-only blueprint.
func LoadPatches(ctx context.Context, bp *layers.Blueprint, f Filter) ([]Patch, error) {
	var out []Patch
	err := bp.Read(ctx, func(tx *sql.Tx) error {
		ok, err := layers.TableExists(ctx, tx, TableConflicts)
		if err != nil || !ok {
			return err
		}
		out, err = queryPatches(ctx, tx, bp.Path(), f)
		return err
	})
	return out, err
}

// loadPatches reads the patches of a GeoPackage of this package's own.
func loadPatches(ctx context.Context, db *gpkg.DB, f Filter) ([]Patch, error) {
	return queryPatches(ctx, db.R, db.Path, f)
}

type rowsQueryer interface {
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
}

func queryPatches(ctx context.Context, q rowsQueryer, path string, f Filter) ([]Patch, error) {
	where, args := f.sql()
	rows, err := q.QueryContext(ctx, `SELECT fid, geom, rule_id, coalesce(severity,''), coalesce(kind,''),
		coalesce(a_layer,''), coalesce(a_uid,''), coalesce(a_fid,0), coalesce(a_attrs,'{}'),
		coalesce(b_layer,''), coalesce(b_uid,''), coalesce(b_fid,0), coalesce(b_attrs,'{}'),
		coalesce(class_pair,''), coalesce(district,''), coalesce(area_m2,0), coalesce(perimeter_m,0), status,
		coalesce(reviewer,''), coalesce(reviewed_at,''), coalesce(comment,''), coalesce(first_seen,''),
		coalesce(last_seen,''), coalesce(fingerprint,'')
		FROM lantu_conflicts WHERE `+where+` ORDER BY rule_id, a_fid, b_fid, fid`, args...)
	if err != nil {
		return nil, fmt.Errorf("conflict: %s: %w", path, err)
	}
	defer rows.Close()
	var out []Patch
	for rows.Next() {
		p, err := scanPatch(rows, f.NoGeom)
		if err != nil {
			return nil, fmt.Errorf("conflict: %s: %w", path, err)
		}
		if f.BBox == (orb.Bound{}) || f.BBox.Intersects(p.Geom.Bound()) {
			out = append(out, p)
		}
	}
	return out, rows.Err()
}

func (f Filter) sql() (string, []any) {
	conds := []string{"1"}
	var args []any
	in := func(col string, vals []any) {
		if len(vals) > 0 {
			conds = append(conds, col+" IN ("+placeholders(len(vals))+")")
			args = append(args, vals...)
		}
	}
	in("fid", anys(f.IDs))
	in("rule_id", anys(f.Rules))
	in("status", anys(f.Status))
	if f.District != "" {
		conds = append(conds, "district = ?")
		args = append(args, f.District)
	}
	return strings.Join(conds, " AND "), args
}

func anys[T any](xs []T) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		out[i] = x
	}
	return out
}

func scanPatch(rows *sql.Rows, noGeom bool) (Patch, error) {
	var p Patch
	var blob []byte
	var aAttrs, bAttrs string
	err := rows.Scan(&p.ID, &blob, &p.RuleID, &p.Severity, &p.Kind, &p.A.Layer, &p.A.UID, &p.A.FID, &aAttrs,
		&p.B.Layer, &p.B.UID, &p.B.FID, &bAttrs, &p.ClassPair, &p.District, &p.Area, &p.Perimeter, &p.Status,
		&p.Reviewer, &p.ReviewedAt, &p.Comment, &p.FirstSeen, &p.LastSeen, &p.Fingerprint)
	if err != nil {
		return p, err
	}
	json.Unmarshal([]byte(aAttrs), &p.A.Attrs)
	json.Unmarshal([]byte(bAttrs), &p.B.Attrs)
	if noGeom || len(blob) == 0 {
		return p, nil
	}
	g, err := gpkg.DecodeGeometry(blob)
	if err != nil {
		return p, fmt.Errorf("lantu_conflicts fid %d: %w", p.ID, err)
	}
	p.SRID = int(g.SRSID)
	switch t := g.Geom.(type) {
	case orb.MultiPolygon:
		p.Geom = t
	case orb.Polygon:
		p.Geom = orb.MultiPolygon{t}
	}
	return p, nil
}
