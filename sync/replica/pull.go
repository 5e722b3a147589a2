package replica

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"

	"github.com/paulmach/orb"

	"lantu/layers"
	"lantu/layers/conflict"
	"lantu/sync/wire"
)

// districtTable and districtField name the admin-division layer a
// district replica is cut from.
const (
	districtTable = "xz_qxxzq"
	districtField = "xzqdm"
)

// pull reads every collection's change feed into the blueprint and
// returns the features it changed.
func (s *Syncer) pull(ctx context.Context, res *Result, progress Progress) error {
	colls, err := s.collections(ctx)
	if err != nil {
		return err
	}
	ids := s.pullOrder(colls)
	var area *districtArea
	for i, id := range ids {
		if id != districtTable && s.remote.District != "" && area == nil {
			if area, err = s.district(ctx); err != nil {
				return err
			}
		}
		if err := s.pullCollection(ctx, id, area, res); err != nil {
			return err
		}
		progress("pull", i+1, len(ids))
	}
	return nil
}

// pullOrder is the collections to pull, the district layer first.
func (s *Syncer) pullOrder(colls map[string]bool) []string {
	var ids []string
	for id := range colls {
		if s.wanted(id) {
			ids = append(ids, id)
		}
	}
	slices.SortFunc(ids, func(a, b string) int {
		switch {
		case a == districtTable:
			return -1
		case b == districtTable:
			return 1
		}
		return cmpString(a, b)
	})
	return ids
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// wanted tells whether the replica holds collection id.
func (s *Syncer) wanted(id string) bool {
	if len(s.remote.Layers) == 0 || (id == districtTable && s.remote.District != "") {
		return true
	}
	l := s.bp.Layer(id)
	return slices.ContainsFunc(s.remote.Layers, func(c string) bool { return c == id || (l != nil && c == l.Code) })
}

// holds are the features a pull must not overwrite: unsettled local
// edits and open conflicts.
type holds struct {
	pending map[featKey]bool
	open    map[[2]string]ConflictRecord
	stale   bool // a conflict was settled: read again before the next page
}

// concern tells whether a local edit or an open conflict holds a feature
// of collection id.
func (h *holds) concern(id string) bool {
	for k := range h.pending {
		if k.layer == id {
			return true
		}
	}
	for k := range h.open {
		if k[0] == id {
			return true
		}
	}
	return false
}

func (s *Syncer) holds(ctx context.Context) (*holds, error) {
	p, err := s.loadPending(ctx, false)
	if err != nil {
		return nil, err
	}
	h := &holds{pending: map[featKey]bool{}}
	for i := range p.entries {
		if p.unfinished(&p.entries[i]) {
			h.pending[featKey{p.entries[i].Layer, p.entries[i].UID}] = true
		}
	}
	h.open, err = openConflicts(ctx, s.bp)
	return h, err
}

// pullCollection pages one collection's feed from its cursor, each page
// written with its cursor in one transaction.
func (s *Syncer) pullCollection(ctx context.Context, id string, area *districtArea, res *Result) error {
	h, err := s.holds(ctx)
	if err != nil {
		return err
	}
	if err := s.maybeSnapshot(ctx, id, area, h, res); err != nil {
		return err
	}
	for {
		cur, err := s.bp.Cursor(ctx, RemoteName, id)
		if err != nil {
			return err
		}
		q := ChangesQuery{Collection: id, Since: cur, Limit: s.opt.PageSize, SRID: s.bp.SRID()}
		if area != nil {
			q.BBox = [4]float64{area.bound.Min[0], area.bound.Min[1], area.bound.Max[0], area.bound.Max[1]}
		}
		page, err := s.client.Changes(ctx, q)
		if err != nil {
			return err
		}
		batch, err := s.pageBatch(ctx, id, page, area, h, res)
		if err != nil {
			return err
		}
		if h.stale {
			if h, err = s.holds(ctx); err != nil {
				return err
			}
		}
		if len(batch.Changes) > 0 || page.Next != cur {
			r, err := s.bp.ApplyRemote(ctx, batch)
			if err != nil {
				return &Error{Op: "pull " + id, Kind: Invalid, Err: err}
			}
			res.Pulled += r.Applied
			res.Stale += r.Stale
		}
		for _, c := range batch.Changes {
			s.touch(id, c.UID, c.Delete)
		}
		if !page.More || page.Next == cur {
			return nil
		}
	}
}

// pageBatch turns a feed page into a remote batch, leaving out (and
// settling) the features held here.
func (s *Syncer) pageBatch(ctx context.Context, id string, page *wire.ChangePage, area *districtArea, h *holds, res *Result) (layers.RemoteBatch, error) {
	batch := layers.RemoteBatch{Remote: RemoteName, Collection: id, Cursor: page.Next}
	l := s.bp.Layer(id)
	for _, ch := range page.Changes {
		f := featKey{id, ch.UID}
		if rec, ok := h.open[[2]string{id, ch.UID}]; ok {
			if err := s.pullIntoConflict(ctx, rec, ch, res); err != nil {
				return batch, err
			}
			h.stale = true
			res.Held++
			continue
		}
		if h.pending[f] {
			res.Held++ // the push of the local edit meets this change as a conflict
			continue
		}
		rc := layers.RemoteChange{Layer: id, UID: ch.UID, Version: ch.Version, Delete: ch.Op == wire.OpDelete || ch.Feature == nil}
		if !rc.Delete {
			var err error
			if rc.Attrs, err = attrs(l, ch.Feature.Properties); err != nil {
				return batch, err
			}
			rc.Geom, rc.User = ch.Feature.Geometry, ch.Feature.UpdatedBy
			rc.Time, _ = time.Parse(time.RFC3339Nano, ch.Feature.UpdatedAt)
			if area != nil && id != districtTable && !area.meets(rc.Geom) {
				rc = layers.RemoteChange{Layer: id, UID: ch.UID, Version: ch.Version, Delete: true} // outside: not held here
			}
		}
		batch.Changes = append(batch.Changes, rc)
	}
	return batch, nil
}

// pullIntoConflict re-merges an open conflict with a newer server feature.
func (s *Syncer) pullIntoConflict(ctx context.Context, rec ConflictRecord, ch wire.Change, res *Result) error {
	if ch.Version <= rec.TheirsVersion {
		return nil
	}
	ids, err := s.conflictEntries(ctx, rec)
	if err != nil {
		return err
	}
	var theirs *State
	if ch.Op != wire.OpDelete {
		theirs = stateOf(ch.Feature)
	}
	c := settleCase{f: featKey{rec.Layer, rec.UID}, ids: ids, mine: rec.Mine, mineID: rec.MineJournal, base: rec.Base,
		baseVersion: rec.BaseVersion, theirs: theirs, theirsVersion: ch.Version}
	return s.settle(ctx, c, res)
}

// recheck runs the planning rules on the features the sync wrote and
// names the patches that are new.
func (s *Syncer) recheck(ctx context.Context, cs layers.ChangeSet, res *Result, progress Progress) error {
	if s.opt.Rules == nil || len(cs.Layers) == 0 {
		return nil
	}
	patches, st, err := Recheck(ctx, s.bp, s.opt.Rules, cs)
	if err != nil {
		return err
	}
	res.Checked, res.Patches = st.Features, patches
	progress("check", 1, 1)
	return nil
}

// Recheck runs the planning rules on the features cs names (as after a
// pull or a resolve) and returns the patches that are new.
func Recheck(ctx context.Context, bp *layers.Blueprint, rules *conflict.RuleSet, cs layers.ChangeSet) ([]Patch, *conflict.RecheckStats, error) {
	before, err := maxPatch(ctx, bp)
	if err != nil {
		return nil, nil, err
	}
	st, err := conflict.RecheckChanges(ctx, bp, rules, cs, conflict.Options{})
	if err != nil {
		return nil, nil, fmt.Errorf("replica: planning rules on the merged data: %w", err)
	}
	patches, err := patchesAfter(ctx, bp, before)
	return patches, st, err
}

func maxPatch(ctx context.Context, bp *layers.Blueprint) (int64, error) {
	var n int64
	err := bp.Read(ctx, func(tx *sql.Tx) error {
		if ok, err := layers.TableExists(ctx, tx, conflict.TableConflicts); err != nil || !ok {
			return err
		}
		return tx.QueryRowContext(ctx, `SELECT coalesce(max(fid),0) FROM lantu_conflicts`).Scan(&n)
	})
	return n, err
}

func patchesAfter(ctx context.Context, bp *layers.Blueprint, fid int64) ([]Patch, error) {
	var out []Patch
	err := bp.Read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT fid, rule_id, coalesce(a_layer,''), coalesce(a_uid,''), coalesce(b_layer,''),
			coalesce(b_uid,'') FROM lantu_conflicts WHERE fid > ? ORDER BY fid`, fid)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var p Patch
			if err := rows.Scan(&p.ID, &p.Rule, &p.ALayer, &p.AUID, &p.BLayer, &p.BUID); err != nil {
				return err
			}
			out = append(out, p)
		}
		return rows.Err()
	})
	return out, err
}

// districtArea is the polygon of the district a replica holds.
type districtArea struct {
	poly  orb.MultiPolygon
	bound orb.Bound
}

// district finds the replica's district polygon in the pulled division
// layer.
func (s *Syncer) district(ctx context.Context) (*districtArea, error) {
	var area *districtArea
	err := s.bp.Query(ctx, layers.Query{Layers: []string{districtTable}}, func(f *layers.Feature) error {
		if fmt.Sprint(f.Attrs[districtField]) != s.remote.District || f.Geom == nil {
			return nil
		}
		mp, ok := asMulti(f.Geom)
		if !ok {
			return nil
		}
		if area == nil {
			area = &districtArea{}
		}
		area.poly = append(area.poly, mp...)
		area.bound = area.poly.Bound()
		return nil
	})
	if err != nil {
		return nil, err
	}
	if area == nil {
		return nil, opErr("clone", Invalid, "%s has no district %s in %s", s.remote.URL, s.remote.District, districtTable)
	}
	return area, nil
}

func asMulti(g orb.Geometry) (orb.MultiPolygon, bool) {
	switch g := g.(type) {
	case orb.Polygon:
		return orb.MultiPolygon{g}, true
	case orb.MultiPolygon:
		return g, true
	}
	return nil, false
}
