package conflict

import (
	"context"
	"fmt"
	"strings"
	"time"

	"lantu/layers"
)

// Run checks rules against a blueprint and merges the patches into its
// lantu_conflicts table (review state of surviving patches kept, vanished
// ones marked resolved_by_change), recording the run and the journal
// position it saw.
func Run(ctx context.Context, bp *layers.Blueprint, rules *RuleSet, opt Options) (*Result, error) {
	db := bp.DB()
	if err := ensureTables(ctx, db, bp.SRID()); err != nil {
		return nil, fmt.Errorf("conflict: %s: %w", bp.Path(), err)
	}
	started, journal := now(), lastJournalID(ctx, bp)
	res, err := RunSource(ctx, BlueprintSource(bp), rules, opt)
	if err != nil {
		return nil, err
	}
	sc := scope{district: opt.District}
	for _, r := range res.Rules {
		if r.Skipped == "" {
			sc.rules = append(sc.rules, r.ID)
		}
	}
	if err := save(ctx, db, bp.SRID(), res.Patches, sc); err != nil {
		return nil, fmt.Errorf("conflict: %s: save: %w", bp.Path(), err)
	}
	mode := "full"
	if opt.District != "" {
		mode = "district " + opt.District
	}
	return res, recordRun(ctx, bp, started, mode, journal, sc.rules, len(res.Patches))
}

func lastJournalID(ctx context.Context, bp *layers.Blueprint) int64 {
	var id int64
	bp.DB().R.QueryRowContext(ctx, `SELECT coalesce(max(id),0) FROM lantu_journal`).Scan(&id)
	return id
}

func recordRun(ctx context.Context, bp *layers.Blueprint, started, mode string, journal int64, rules []string, n int) error {
	_, err := bp.DB().W.ExecContext(ctx, `INSERT INTO lantu_conflict_runs (started_at, finished_at, mode, journal_id, rules, patches)
		VALUES (?,?,?,?,?,?)`, started, now(), mode, journal, strings.Join(rules, ","), n)
	if err != nil {
		return fmt.Errorf("conflict: %s: %s: %w", bp.Path(), TableRuns, err)
	}
	return nil
}

// lastRun returns the journal id the newest run saw, and whether any run exists.
func lastRun(ctx context.Context, bp *layers.Blueprint) (int64, bool) {
	var id int64
	err := bp.DB().R.QueryRowContext(ctx, `SELECT journal_id FROM lantu_conflict_runs ORDER BY id DESC LIMIT 1`).Scan(&id)
	return id, err == nil
}

// RecheckStats sums up an incremental re-check.
type RecheckStats struct {
	Journal  int           // journal entries read
	Features int           // A features re-checked over all rules
	Patches  int           // patches found among them
	Duration time.Duration // wall time
	Full     bool          // no earlier run: a full run was made instead
}
