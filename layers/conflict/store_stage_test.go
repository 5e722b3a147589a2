package conflict

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"lantu/internal/testchild"
	"lantu/layers"
	"lantu/layers/peer/peertest"
)

// stagingTables counts the staging tables in bp.
func stagingTables(t *testing.T, bp *layers.Blueprint) int {
	t.Helper()
	var n int
	err := bp.Read(context.Background(), func(tx *sql.Tx) error {
		return tx.QueryRow(`SELECT count(*) FROM sqlite_master WHERE name LIKE 'lantu_conflicts_stage_%'`).Scan(&n)
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// assertStored checks that bp's lantu_conflicts holds want's patches, each
// once, and is indexed as a fresh blueprint's is, with no staging table
// left.
func assertStored(t *testing.T, bp *layers.Blueprint, want *Result) {
	t.Helper()
	ctx := context.Background()
	stored, err := LoadPatches(ctx, bp, Filter{NoGeom: true})
	if err != nil {
		t.Fatal(err)
	}
	prints := map[string]int{}
	for _, p := range stored {
		prints[p.Fingerprint]++
	}
	for _, p := range want.Patches {
		if prints[fingerprint(&p)] != 1 {
			t.Fatalf("patch %s %d/%d stored %d times", p.RuleID, p.A.FID, p.B.FID, prints[fingerprint(&p)])
		}
	}
	if len(stored) != len(want.Patches) {
		t.Fatalf("%d patches stored, want %d", len(stored), len(want.Patches))
	}
	if n := stagingTables(t, bp); n != 0 {
		t.Errorf("%d staging tables left", n)
	}
	err = bp.Read(ctx, func(tx *sql.Tx) error {
		var index, triggers, boxes int
		var check, integrity string
		for _, q := range []struct {
			sql  string
			dest any
		}{
			{`SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = 'lantu_conflicts_rule' AND tbl_name = 'lantu_conflicts'`, &index},
			{`SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'lantu_conflicts'`, &triggers},
			{`SELECT count(*) FROM rtree_lantu_conflicts_geom`, &boxes},
			{`SELECT rtreecheck('rtree_lantu_conflicts_geom')`, &check},
			{`PRAGMA integrity_check`, &integrity},
		} {
			if err := tx.QueryRow(q.sql).Scan(q.dest); err != nil {
				return err
			}
		}
		if index != 1 || triggers != 6 || boxes != len(stored) || check != "ok" || integrity != "ok" {
			t.Errorf("index %d, %d triggers, %d R-tree rows for %d patches, rtreecheck %q, integrity %q",
				index, triggers, boxes, len(stored), check, integrity)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// stageFixture is a synthetic blueprint (scaled by k) with its conflict
// tables, the default rules and what they find in it.
func stageFixture(t *testing.T, k int) (*layers.Blueprint, *RuleSet, *Result) {
	t.Helper()
	ctx := context.Background()
	bp := syntheticBlueprint(t, k)
	set, _ := DefaultRules()
	want, err := RunSource(ctx, BlueprintSource(bp), set, Options{})
	if err != nil || len(want.Patches) < 10 {
		t.Fatalf("%d patches: %v", len(want.Patches), err)
	}
	if err := ensureStore(ctx, bp); err != nil {
		t.Fatal(err)
	}
	return bp, set, want
}

// stagedHalf opens a stage on bp and writes the first half of ps into it,
// committing the step: a run killed half-way leaves this behind.
func stagedHalf(t *testing.T, bp *layers.Blueprint, ps []Patch) *stage {
	t.Helper()
	sg, err := openStage(context.Background(), bp, false)
	if err != nil {
		t.Fatal(err)
	}
	half := ps[:len(ps)/2]
	if err := sg.write(half, encodeAll(nil, half, bp.SRID())); err != nil {
		t.Fatal(err)
	}
	if err := sg.commit(); err != nil {
		t.Fatal(err)
	}
	return sg
}

// TestStageFallsBack: a stage whose staging table was dropped (by another
// run's start) refuses the next step, and one whose lantu_conflicts was
// written meanwhile refuses the swap, both with errFallBack and
// lantu_conflicts left as it was.
func TestStageFallsBack(t *testing.T) {
	ctx := context.Background()
	bp, _, want := stageFixture(t, 1)
	sg := stagedHalf(t, bp, want.Patches)
	if n := stagingTables(t, bp); n != 1 {
		t.Fatalf("%d staging tables, want 1", n)
	}
	if err := ensureStore(ctx, bp); err != nil { // as another Run starting
		t.Fatal(err)
	}
	rest := want.Patches[len(want.Patches)/2:]
	if err := sg.write(rest, encodeAll(nil, rest, bp.SRID())); !errors.Is(err, errFallBack) {
		t.Fatalf("a step after the staging table was dropped: %v, want errFallBack", err)
	}
	if err := sg.abandon(ctx); err != nil {
		t.Fatal(err)
	}
	assertStoreUntouched(t, bp)

	sg = stagedHalf(t, bp, want.Patches)
	err := bp.Write(ctx, func(tx *sql.Tx) error {
		_, err := tx.Exec(`INSERT INTO lantu_conflicts (rule_id, status) VALUES ('X', 'open')`)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	err = bp.Write(ctx, func(tx *sql.Tx) error { return sg.swap(ctx, tx) })
	if !errors.Is(err, errFallBack) {
		t.Fatalf("a swap into a written lantu_conflicts: %v, want errFallBack", err)
	}
	if err := sg.abandon(ctx); err != nil {
		t.Fatal(err)
	}
	stored, _ := LoadPatches(ctx, bp, Filter{NoGeom: true})
	if len(stored) != 1 || stored[0].RuleID != "X" || stagingTables(t, bp) != 0 {
		t.Fatalf("after the refused swap: %d patches, %d staging tables", len(stored), stagingTables(t, bp))
	}
}

// TestKilledStageDropped: the staging table a killed run left (half its
// patches) is dropped by the next run, which stores every patch once, in
// a file GDAL's validator passes. A later first run (the table emptied)
// numbers its patches after the largest fid lantu_conflicts ever had, so
// no review's fid names another patch.
func TestKilledStageDropped(t *testing.T) {
	ctx := context.Background()
	bp, set, want := stageFixture(t, 2)
	stagedHalf(t, bp, want.Patches) // and never swapped nor dropped
	res, err := Run(ctx, bp, set, Options{Stream: true})
	if err != nil {
		t.Fatal(err)
	}
	assertStored(t, bp, res)
	assertStored(t, bp, want)
	last := int64(0)
	for _, p := range res.Patches {
		last = max(last, p.ID)
	}
	err = bp.Write(ctx, func(tx *sql.Tx) error { _, err := tx.Exec(`DELETE FROM lantu_conflicts`); return err })
	if err != nil {
		t.Fatal(err)
	}
	again, err := Run(ctx, bp, set, Options{Stream: true})
	if err != nil {
		t.Fatal(err)
	}
	assertStored(t, bp, want)
	for _, p := range again.Patches {
		if p.ID <= last {
			t.Fatalf("fid %d given again (the first run's went to %d)", p.ID, last)
		}
	}
	path := bp.Path()
	bp.Close()
	peertest.ValidateGPKG(t, path)
}

// TestStreamedRunBesideAnother: a second run on the same blueprint while a
// streamed first run goes (it drops the staging table, or stores its
// patches before the swap) makes the streamed run merge instead: both
// succeed and every patch is stored once.
func TestStreamedRunBesideAnother(t *testing.T) {
	ctx := context.Background()
	bp := syntheticBlueprint(t, 1)
	set, _ := DefaultRules()
	want, err := RunSource(ctx, BlueprintSource(bp), set, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var other error
	calls := 0
	res, err := Run(ctx, bp, set, Options{Workers: 1, Stream: true, Progress: func(done, total int) {
		if calls++; calls == 5 {
			wg.Add(1)
			go func() { // waits for the writer: the step in hand is open
				defer wg.Done()
				_, other = Run(ctx, bp, set, Options{})
			}()
		}
	}})
	wg.Wait()
	if err != nil || other != nil || calls < 5 {
		t.Fatalf("streamed run: %v; the other: %v (%d progress calls)", err, other, calls)
	}
	if len(res.Patches) != len(want.Patches) {
		t.Fatalf("streamed run kept %d patches, want %d", len(res.Patches), len(want.Patches))
	}
	assertStored(t, bp, want)
	var runs int
	bp.Read(ctx, func(tx *sql.Tx) error { return tx.QueryRow(`SELECT count(*) FROM lantu_conflict_runs`).Scan(&runs) })
	if runs != 2 {
		t.Errorf("%d runs recorded, want 2", runs)
	}
}

const stageChildEnv = "LANTU_TEST_STAGE_CHILD"

// TestKillDuringStagedRun kills (SIGKILL) a process in the middle of a
// streamed first run, after some of its steps were committed: the file
// passes GDAL's validator with the staging table left in it, the
// blueprint's lantu_conflicts is as it was, and the next run drops the
// staging table and stores every patch once, in a file the validator
// passes.
func TestKillDuringStagedRun(t *testing.T) {
	if path := os.Getenv(stageChildEnv); path != "" {
		stageChild(path)
		return
	}
	ctx := context.Background()
	bp, set, want := stageFixture(t, 3)
	path := bp.Path()
	bp.Close()
	cmd, lines := testchild.Start(t, "TestKillDuringStagedRun", stageChildEnv+"="+path)
	for lines.Scan() && lines.Text() != "staged" {
	}
	cmd.Process.Kill()
	cmd.Wait()
	peertest.ValidateGPKG(t, path)
	bp, err := layers.Open(path, layers.OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer bp.Close()
	if n := stagingTables(t, bp); n != 1 {
		t.Fatalf("%d staging tables after the kill, want the killed run's", n)
	}
	assertStoreUntouched(t, bp)
	if _, err := Run(ctx, bp, set, Options{Stream: true}); err != nil {
		t.Fatal(err)
	}
	assertStored(t, bp, want)
	bp.Close()
	peertest.ValidateGPKG(t, path)
}

// stageChild runs a streamed first run on path, printing "staged" once a
// rule's patches are committed to the staging table, then waits to be
// killed before the run ends.
func stageChild(path string) {
	bp, err := layers.Open(path, layers.OpenOptions{User: "child"})
	if err != nil {
		fmt.Println(err)
		os.Exit(3)
	}
	set, _ := DefaultRules()
	calls := 0
	_, err = Run(context.Background(), bp, set, Options{Workers: 1, Stream: true, Progress: func(done, total int) {
		if calls++; calls == 60 { // past the first rules, each committed at its end
			fmt.Println("staged")
			time.Sleep(time.Minute)
		}
	}})
	fmt.Println("run ended before the kill:", err)
	os.Exit(4)
}

// TestSwapKeepsViews: a view on lantu_conflicts made before a streamed
// first run reads the swapped-in table after it.
func TestSwapKeepsViews(t *testing.T) {
	ctx := context.Background()
	bp := syntheticBlueprint(t, 1)
	set, _ := DefaultRules()
	if err := ensureStore(ctx, bp); err != nil {
		t.Fatal(err)
	}
	err := bp.Write(ctx, func(tx *sql.Tx) error {
		_, err := tx.Exec(`CREATE VIEW lantu_open_patches AS SELECT fid, rule_id FROM lantu_conflicts WHERE status = 'open'`)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	res, err := Run(ctx, bp, set, Options{Stream: true})
	if err != nil {
		t.Fatal(err)
	}
	var n int
	err = bp.Read(ctx, func(tx *sql.Tx) error { return tx.QueryRow(`SELECT count(*) FROM lantu_open_patches`).Scan(&n) })
	if err != nil || n != len(res.Patches) || n == 0 {
		t.Fatalf("the view reads %d rows (%v), want the run's %d", n, err, len(res.Patches))
	}
}
