package conflict

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"lantu/layers"
	"lantu/layers/crs"
)

// Recheck re-checks only the features touched since the last run, read
// from the blueprint's journal: for each rule, the edited A features and
// the A features near edited B features. The patches of every rule and the
// run record are stored in one transaction. Without an earlier run it
// makes a full Run. A read-only blueprint is refused before any work.
func Recheck(ctx context.Context, bp *layers.Blueprint, rules *RuleSet, opt Options) (*RecheckStats, error) {
	start := time.Now()
	since, ok, err := startRecheck(ctx, bp)
	if err != nil || !ok {
		return fullRun(ctx, bp, rules, opt, start, err)
	}
	entries, err := bp.Journal(ctx, since, 0)
	if err != nil {
		return nil, err
	}
	st := &RecheckStats{Journal: len(entries)}
	if len(entries) == 0 {
		st.Duration = time.Since(start)
		return st, nil
	}
	return recheckTouched(ctx, bp, rules, touchedUIDs(bp, entries), opt, st, entries[len(entries)-1].ID, start)
}

// RecheckChanges re-checks the features a ChangeSet names, as Recheck does
// for journal entries: meant for a Blueprint.OnChange listener, and the
// way remote changes (which have no journal rows) are re-checked. The run
// it records keeps the journal position of the run before, so a later
// Recheck still sees every local edit. A bulk reload, or no earlier run,
// makes a full Run.
func RecheckChanges(ctx context.Context, bp *layers.Blueprint, rules *RuleSet, cs layers.ChangeSet, opt Options) (*RecheckStats, error) {
	start := time.Now()
	since, ok, err := startRecheck(ctx, bp)
	touched := map[string]map[string]bool{}
	for _, lc := range cs.Layers {
		if lc.Reloaded {
			ok = false
		}
		m := map[string]bool{}
		for _, uids := range [][]string{lc.Upserted, lc.Deleted} {
			for _, u := range uids {
				m[u] = true
			}
		}
		touched[lc.Layer] = m
	}
	if err != nil || !ok {
		return fullRun(ctx, bp, rules, opt, start, err)
	}
	return recheckTouched(ctx, bp, rules, touched, opt, &RecheckStats{}, since, start)
}

// startRecheck makes sure the tables exist and returns the journal id the
// last run saw, and whether there was one.
func startRecheck(ctx context.Context, bp *layers.Blueprint) (int64, bool, error) {
	if err := ensureStore(ctx, bp); err != nil {
		return 0, false, fmt.Errorf("conflict: %w", err)
	}
	return lastRun(ctx, bp)
}

// fullRun is a re-check's fallback to Run; err from the caller is returned
// as is.
func fullRun(ctx context.Context, bp *layers.Blueprint, rules *RuleSet, opt Options, start time.Time, err error) (*RecheckStats, error) {
	if err != nil {
		return nil, err
	}
	res, err := Run(ctx, bp, rules, opt)
	if err != nil {
		return nil, err
	}
	return &RecheckStats{Patches: len(res.Patches), Duration: time.Since(start), Full: true}, nil
}

// recheckTouched re-runs every rule over the touched features and stores
// the patches and a run record at journal position journal, in one
// transaction.
func recheckTouched(ctx context.Context, bp *layers.Blueprint, rules *RuleSet, touched map[string]map[string]bool,
	opt Options, st *RecheckStats, journal int64, start time.Time) (*RecheckStats, error) {
	rules, err := rules.Select(opt.Rules)
	if err != nil {
		return nil, err
	}
	if err := rules.ValidatePresent(BlueprintSource(bp)); err != nil {
		return nil, err
	}
	var ran []string
	var found []rulePatches
	for _, r := range rules.Rules {
		rp, err := recheckRule(ctx, bp, r, touched, opt)
		if err != nil {
			return nil, fmt.Errorf("rule %s: %w", r.ID, err)
		}
		if rp != nil {
			st.Features += rp.features
			st.Patches += len(rp.patches)
			found = append(found, *rp)
		}
		ran = append(ran, r.ID)
	}
	err = bp.Write(ctx, func(tx *sql.Tx) error {
		for _, rp := range found {
			if err := save(ctx, tx, bp.DB(), bp.SRID(), rp.patches, rp.scope); err != nil {
				return fmt.Errorf("save rule %s: %w", rp.scope.rules[0], err)
			}
		}
		return recordRun(ctx, tx, now(), "incremental", journal, ran, st.Patches)
	})
	if err != nil {
		return nil, fmt.Errorf("conflict: %s: %w", bp.Path(), err)
	}
	st.Duration = time.Since(start)
	return st, nil
}

// rulePatches is one rule's re-check, to be saved.
type rulePatches struct {
	scope    scope
	patches  []Patch
	features int // A features re-checked
}

// touchedUIDs maps a layer's table name to the uids edited in it.
func touchedUIDs(bp *layers.Blueprint, entries []layers.JournalEntry) map[string]map[string]bool {
	out := map[string]map[string]bool{}
	for _, e := range entries {
		l := bp.Layer(e.Layer)
		if l == nil {
			continue
		}
		if out[l.Table] == nil {
			out[l.Table] = map[string]bool{}
		}
		out[l.Table][e.UID] = true
	}
	return out
}

func tableOf(bp *layers.Blueprint, name string) string {
	if l := bp.Layer(name); l != nil {
		return l.Table
	}
	return name
}

// recheckRule re-runs one rule over the A features the edits may affect;
// nil when there are none or the rule was skipped.
func recheckRule(ctx context.Context, bp *layers.Blueprint, r *Rule, touched map[string]map[string]bool, opt Options) (*rulePatches, error) {
	aUIDs := map[string]bool{}
	for uid := range touched[tableOf(bp, r.A.Layer)] {
		aUIDs[uid] = true
	}
	if r.B.Layer != "" {
		if err := affectedByB(ctx, bp, r, touched[tableOf(bp, r.B.Layer)], aUIDs); err != nil {
			return nil, err
		}
	}
	if len(aUIDs) == 0 {
		return nil, nil
	}
	feats, err := featuresByUID(ctx, bp, r, aUIDs)
	if err != nil {
		return nil, err
	}
	o := opt
	o.Rules, o.preA, o.Progress = []string{r.ID}, feats, nil
	if o.preA == nil {
		o.preA = []Feature{}
	}
	res, err := RunSource(ctx, BlueprintSource(bp), &RuleSet{Rules: []*Rule{r}}, o)
	if err != nil {
		return nil, err
	}
	if len(res.Rules) == 1 && res.Rules[0].Skipped != "" {
		return nil, nil
	}
	sc := scope{rules: []string{r.ID}, district: opt.District, aUIDs: aUIDs}
	return &rulePatches{scope: sc, patches: res.Patches, features: len(feats)}, nil
}

// affectedByB adds to aUIDs the A features of stored patches with an edited
// B feature, and the A features near the edited B features' new shapes.
func affectedByB(ctx context.Context, bp *layers.Blueprint, r *Rule, bUIDs map[string]bool, aUIDs map[string]bool) error {
	if len(bUIDs) == 0 {
		return nil
	}
	uids := make([]any, 0, len(bUIDs))
	for u := range bUIDs {
		uids = append(uids, u)
	}
	err := bp.Read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT DISTINCT a_uid FROM lantu_conflicts WHERE rule_id = ? AND b_uid IN (`+
			placeholders(len(uids))+`)`, append([]any{r.ID}, uids...)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var u string
			if err := rows.Scan(&u); err != nil {
				return err
			}
			aUIDs[u] = true
		}
		return rows.Err()
	})
	if err != nil {
		return fmt.Errorf("conflict: %s: %s: %w", bp.Path(), TableConflicts, err)
	}
	for u := range bUIDs {
		f, err := bp.FeatureByUID(ctx, r.B.Layer, u)
		if err != nil || f.Geom == nil {
			continue // deleted: its patches were found above
		}
		box := f.Geom.Bound().Pad(r.Distance)
		err = bp.Scan(ctx, r.A.Layer, layers.ScanQuery{BBox: box, Where: r.A.expr.SQL(), Columns: []string{}},
			func(a *layers.Feature) error { aUIDs[a.UID] = true; return nil })
		if err != nil {
			return err
		}
	}
	return nil
}

// featuresByUID loads the A features still present and passing the rule's
// A filter (evaluated in Go), reprojected to the blueprint's CRS.
func featuresByUID(ctx context.Context, bp *layers.Blueprint, r *Rule, uids map[string]bool) ([]Feature, error) {
	var tr *crs.Transformer
	if l := bp.Layer(r.A.Layer); l != nil && l.SRID != bp.SRID() && l.SRID > 0 {
		var err error
		if tr, err = crs.NewTransformer(l.SRID, bp.SRID()); err != nil {
			return nil, fmt.Errorf("%w: layer %q: %v", ErrCRS, r.A.Layer, err)
		}
	}
	var out []Feature
	for u := range uids {
		f, err := bp.FeatureByUID(ctx, r.A.Layer, u)
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			continue // deleted since
		}
		if !r.A.expr.Match(f.Attrs) {
			continue
		}
		g := f.Geom
		if tr != nil && g != nil {
			if g, err = tr.Geometry(g); err != nil {
				return nil, errors.Join(ErrCRS, err)
			}
		}
		out = append(out, Feature{FID: f.FID, UID: f.UID, Geom: g, Attrs: f.Attrs})
	}
	sortFeatures(out)
	return out, nil
}

func sortFeatures(fs []Feature) {
	slices.SortFunc(fs, func(a, b Feature) int { return cmpInt(a.FID, b.FID) })
}
