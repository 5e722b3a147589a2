package conflict

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"lantu/layers"
)

// Run checks rules against a blueprint and merges the patches into its
// lantu_conflicts table (review state of surviving patches kept, vanished
// ones marked resolved_by_change, returning ones given their decision
// back), recording the run and the journal position it saw, in one
// transaction through the blueprint's writer. A read-only blueprint is
// refused before any rule runs; a blueprint another process is writing is
// waited for (layers.WriteLockWait), so a finished run is not thrown away.
func Run(ctx context.Context, bp *layers.Blueprint, rules *RuleSet, opt Options) (*Result, error) {
	if err := ensureStore(ctx, bp); err != nil {
		return nil, fmt.Errorf("conflict: %w", err)
	}
	started := now()
	journal, err := bp.JournalHead(ctx)
	if err != nil {
		return nil, err
	}
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
	mode := "full"
	if opt.District != "" {
		mode = "district " + opt.District
	}
	t0 := time.Now()
	err = bp.Write(ctx, func(tx *sql.Tx) error {
		if err := save(ctx, tx, bp.DB(), bp.SRID(), res.Patches, sc); err != nil {
			return fmt.Errorf("save: %w", err)
		}
		return recordRun(ctx, tx, started, mode, journal, sc.rules, len(res.Patches))
	})
	if err != nil {
		return nil, fmt.Errorf("conflict: %s: %w", bp.Path(), err)
	}
	res.Store = time.Since(t0)
	return res, nil
}

// recordRun adds a row to lantu_conflict_runs in tx.
func recordRun(ctx context.Context, tx *sql.Tx, started, mode string, journal int64, rules []string, n int) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO lantu_conflict_runs (started_at, finished_at, mode, journal_id, rules, patches)
		VALUES (?,?,?,?,?,?)`, started, now(), mode, journal, strings.Join(rules, ","), n)
	if err != nil {
		return fmt.Errorf("%s: %w", TableRuns, err)
	}
	return nil
}

// lastRun returns the journal id the newest run saw, and whether any run exists.
func lastRun(ctx context.Context, bp *layers.Blueprint) (int64, bool, error) {
	var id int64
	found := false
	err := bp.Read(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `SELECT journal_id FROM lantu_conflict_runs ORDER BY id DESC LIMIT 1`).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		found = err == nil
		return err
	})
	if err != nil {
		return 0, false, fmt.Errorf("conflict: %s: %s: %w", bp.Path(), TableRuns, err)
	}
	return id, found, nil
}

// RecheckStats sums up an incremental re-check.
type RecheckStats struct {
	Journal  int           // journal entries read
	Features int           // A features re-checked over all rules
	Patches  int           // patches found among them
	Duration time.Duration // wall time
	Full     bool          // no earlier run: a full run was made instead
}
