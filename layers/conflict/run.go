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
// transaction through the blueprint's writer. With Options.Stream, into an
// empty table (a first run) the patches are staged as the rules find them
// and swapped in at the end, in one transaction (store_stage.go);
// otherwise the rules run first and the writer is taken to store or
// merge. A failed or cancelled run leaves the table as it was. A read-only blueprint is refused before any rule runs; a
// blueprint another process is writing is waited for
// (layers.WriteLockWait), so a finished run is not thrown away.
func Run(ctx context.Context, bp *layers.Blueprint, rules *RuleSet, opt Options) (*Result, error) {
	if err := ensureStore(ctx, bp); err != nil {
		return nil, fmt.Errorf("conflict: %w", err)
	}
	st := runStart{started: now()}
	var err error
	if st.journal, err = bp.JournalHead(ctx); err != nil {
		return nil, err
	}
	var empty bool
	err = bp.Read(ctx, func(tx *sql.Tx) (err error) {
		empty, err = storeEmpty(ctx, tx)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("conflict: %s: %s: %w", bp.Path(), TableConflicts, err)
	}
	var res *Result
	if empty && opt.Stream {
		res, err = streamRun(ctx, bp, rules, opt, st)
	} else {
		res, err = mergeRun(ctx, bp, rules, opt, st)
	}
	if err != nil {
		return nil, fmt.Errorf("conflict: %s: %w", bp.Path(), err)
	}
	return res, nil
}

// runStart is what Run records of its start.
type runStart struct {
	started string // time
	journal int64  // journal head
}

// mergeRun runs the rules, then merges their patches into the table.
func mergeRun(ctx context.Context, bp *layers.Blueprint, rules *RuleSet, opt Options, st runStart) (*Result, error) {
	res, err := RunSource(ctx, BlueprintSource(bp), rules, opt)
	if err != nil {
		return nil, err
	}
	t0 := time.Now()
	if err := bp.Write(ctx, func(tx *sql.Tx) error { return saveRun(ctx, tx, bp, res, opt, st) }); err != nil {
		return nil, err
	}
	res.Store = time.Since(t0)
	if opt.Discard {
		res.Patches = nil
	}
	return res, nil
}

// saveRun merges res's patches into the table and records the run, in tx.
func saveRun(ctx context.Context, tx *sql.Tx, bp *layers.Blueprint, res *Result, opt Options, st runStart) error {
	sc := runScope(res, opt)
	if err := save(ctx, tx, bp.DB(), bp.SRID(), res.Patches, sc); err != nil {
		return fmt.Errorf("save: %w", err)
	}
	return recordRun(ctx, tx, st.started, runMode(opt), st.journal, sc.rules, len(res.Patches))
}

// streamRun runs the rules into a staging table (store_stage.go) and swaps
// it in for the empty lantu_conflicts; should the table have been written
// since Run saw it empty, or the staging table be dropped, it merges
// instead.
func streamRun(ctx context.Context, bp *layers.Blueprint, rules *RuleSet, opt Options, st runStart) (*Result, error) {
	sg, err := openStage(ctx, bp, !opt.Discard)
	if errors.Is(err, errFallBack) {
		return mergeRun(ctx, bp, rules, opt, st)
	}
	if err != nil {
		return nil, fmt.Errorf("save: %w", err)
	}
	var store time.Duration // in the writer's statements
	res, err := streamRules(ctx, sg, bp, rules, opt, &store)
	tail := time.Now()
	if err == nil {
		err = bp.Write(ctx, func(tx *sql.Tx) error {
			if err := sg.swap(ctx, tx); err != nil {
				return fmt.Errorf("save: %w", err)
			}
			n := 0
			for _, r := range res.Rules {
				n += r.Patches
			}
			return recordRun(ctx, tx, st.started, runMode(opt), st.journal, runScope(res, opt).rules, n)
		})
	}
	if err != nil {
		if aerr := sg.abandon(ctx); aerr != nil {
			err = errors.Join(err, fmt.Errorf("drop the staging table: %w", aerr))
		}
		if errors.Is(err, errFallBack) {
			return mergeRun(ctx, bp, rules, opt, st)
		}
		return nil, err
	}
	res.Store = store + time.Since(tail)
	if opt.Discard {
		res.Patches = nil
	}
	return res, nil
}

// streamRules runs the rules into sg, adding the time spent in its
// statements to store, and commits its last step.
func streamRules(ctx context.Context, sg *stage, bp *layers.Blueprint, rules *RuleSet, opt Options,
	store *time.Duration) (*Result, error) {
	var parts [][]Patch
	sk := &sink{encode: true, srid: bp.SRID(), recycle: opt.Discard, take: func(ps []Patch, enc []encodedPatch) error {
		t := time.Now()
		err := sg.write(ps, enc)
		*store += time.Since(t)
		if !opt.Discard {
			parts = append(parts, ps)
		}
		if err != nil {
			return fmt.Errorf("save: %w", err)
		}
		return nil
	}, ruleDone: sg.commit}
	res, err := runRules(ctx, BlueprintSource(bp), rules, opt, sk)
	if err != nil {
		return nil, err
	}
	t := time.Now()
	if err := sg.commit(); err != nil {
		return nil, fmt.Errorf("save: %w", err)
	}
	sg.pack() // while the swap's transaction begins and builds the index
	*store += time.Since(t)
	res.Patches = concat(parts)
	return res, nil
}

// runScope is the stored patches a run replaces: those of the rules it ran.
func runScope(res *Result, opt Options) scope {
	sc := scope{district: opt.District}
	for _, r := range res.Rules {
		if r.Skipped == "" {
			sc.rules = append(sc.rules, r.ID)
		}
	}
	return sc
}

func runMode(opt Options) string {
	if opt.District != "" {
		return "district " + opt.District
	}
	return "full"
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
