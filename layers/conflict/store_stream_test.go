package conflict

import (
	"context"
	"database/sql"
	"errors"
	"math"
	"testing"
	"time"

	"lantu/layers"
	"lantu/layers/gpkg"
	"lantu/layers/peer/peertest"
)

// TestStreamCancelMidRun cancels a first run (patches staged as they are
// found) after several chunks were stored: the run fails with
// context.Canceled, its staging table is dropped and lantu_conflicts is
// as it was (no row, no run recorded, its index, R-tree and triggers in
// place). A run
// after stores what a check without storing finds, with the IDs the
// stored rows have; a run with Discard stores the same and keeps none, in
// a file GDAL's validator passes.
func TestStreamCancelMidRun(t *testing.T) {
	ctx := context.Background()
	bp := syntheticBlueprint(t, 1)
	set, err := DefaultRules()
	if err != nil {
		t.Fatal(err)
	}
	want, err := RunSource(ctx, BlueprintSource(bp), set, Options{})
	if err != nil || len(want.Patches) < 100 {
		t.Fatalf("%d patches (%v): too few to cancel between chunks", len(want.Patches), err)
	}
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	calls := 0
	_, err = Run(cctx, bp, set, Options{Workers: 1, Stream: true, Progress: func(done, total int) {
		if calls++; calls == 40 {
			cancel()
		}
	}})
	if !errors.Is(err, context.Canceled) || calls < 40 {
		t.Fatalf("cancelled after %d progress calls: %v, want context.Canceled", calls, err)
	}
	assertStoreUntouched(t, bp)
	if n := stagingTables(t, bp); n != 0 {
		t.Errorf("%d staging tables left by the cancelled run", n)
	}

	res, err := Run(ctx, bp, set, Options{Stream: true})
	if err != nil {
		t.Fatal(err)
	}
	stored, err := LoadPatches(ctx, bp, Filter{NoGeom: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Patches) != len(want.Patches) || len(stored) != len(want.Patches) {
		t.Fatalf("%d patches kept, %d stored, want %d", len(res.Patches), len(stored), len(want.Patches))
	}
	byID := map[int64]Patch{}
	for _, p := range stored {
		byID[p.ID] = p
	}
	for i, p := range res.Patches {
		w, s := want.Patches[i], byID[p.ID]
		if p.RuleID != w.RuleID || p.A.FID != w.A.FID || p.B.FID != w.B.FID || p.Area != w.Area {
			t.Fatalf("patch %d: %s %d/%d %g, want %s %d/%d %g (the order of RunSource)", i, p.RuleID, p.A.FID, p.B.FID, p.Area,
				w.RuleID, w.A.FID, w.B.FID, w.Area)
		}
		if s.RuleID != p.RuleID || s.A.UID != p.A.UID || s.B.UID != p.B.UID || math.Abs(s.Area-p.Area) > 1e-6 ||
			s.Status != StatusOpen || p.Status != StatusOpen || s.Fingerprint != p.Fingerprint || s.FirstSeen != p.FirstSeen {
			t.Fatalf("patch %d, ID %d: kept %+v, stored %+v", i, p.ID, p, s)
		}
	}

	other := syntheticBlueprint(t, 1)
	disc, err := Run(ctx, other, set, Options{Discard: true, Stream: true})
	if err != nil {
		t.Fatal(err)
	}
	again, _ := LoadPatches(ctx, other, Filter{NoGeom: true})
	n := 0
	for _, r := range disc.Rules {
		n += r.Patches
	}
	if disc.Patches != nil || n != len(want.Patches) || len(again) != n {
		t.Fatalf("Discard: %d patches kept, %d counted, %d stored, want none, %d, %d", len(disc.Patches), n, len(again), len(want.Patches), n)
	}
	path := other.Path()
	other.Close()
	peertest.ValidateGPKG(t, path) // the streamed rows and their packed R-tree, as GDAL sees them
}

// TestFirstRunWithoutStream: the app's first run (Stream off) does not
// hold the writer while the rules run, so an edit made meanwhile goes in
// at once, and it stores what a streamed run stores.
func TestFirstRunWithoutStream(t *testing.T) {
	ctx := context.Background()
	set, err := DefaultRules()
	if err != nil {
		t.Fatal(err)
	}
	bp := syntheticBlueprint(t, 1)
	calls := 0
	res, err := Run(ctx, bp, set, Options{Workers: 1, Progress: func(done, total int) {
		if calls++; calls != 20 {
			return
		}
		wrote := make(chan error, 1)
		go func() { wrote <- bp.Write(ctx, func(*sql.Tx) error { return nil }) }()
		select {
		case err := <-wrote:
			if err != nil {
				t.Errorf("a write during the run: %v", err)
			}
		case <-time.After(20 * time.Second):
			t.Errorf("a write during the run waited 20 s: the run holds the writer")
		}
	}})
	if err != nil || calls < 20 {
		t.Fatalf("run: %v after %d progress calls", err, calls)
	}
	streamed, err := Run(ctx, syntheticBlueprint(t, 1), set, Options{Stream: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Patches) != len(streamed.Patches) || len(res.Patches) == 0 {
		t.Fatalf("%d patches without streaming, %d streamed", len(res.Patches), len(streamed.Patches))
	}
	for i, p := range res.Patches {
		q := streamed.Patches[i]
		if p.ID != q.ID || p.RuleID != q.RuleID || p.A.FID != q.A.FID || p.B.FID != q.B.FID || p.Area != q.Area {
			t.Fatalf("patch %d: %d %s %d/%d %g, streamed %d %s %d/%d %g", i, p.ID, p.RuleID, p.A.FID, p.B.FID, p.Area, q.ID, q.RuleID, q.A.FID, q.B.FID, q.Area)
		}
	}
}

// assertStoreUntouched checks lantu_conflicts is as a fresh blueprint has
// it: empty, no run recorded, its index, R-tree and triggers there.
func assertStoreUntouched(t *testing.T, bp *layers.Blueprint) {
	t.Helper()
	err := bp.Read(context.Background(), func(tx *sql.Tx) error {
		rt := gpkg.RTreeName(TableConflicts, "geom")
		var rows, runs, index, boxes, triggers int
		var check string
		for _, q := range []struct {
			sql  string
			dest any
		}{
			{`SELECT count(*) FROM lantu_conflicts`, &rows},
			{`SELECT count(*) FROM lantu_conflict_runs`, &runs},
			{`SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = 'lantu_conflicts_rule'`, &index},
			{`SELECT count(*) FROM "` + rt + `"`, &boxes},
			{`SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE '` + rt + `%'`, &triggers},
			{`SELECT rtreecheck('` + rt + `')`, &check},
		} {
			if err := tx.QueryRow(q.sql).Scan(q.dest); err != nil {
				return err
			}
		}
		if rows != 0 || runs != 0 || index != 1 || boxes != 0 || triggers != 6 || check != "ok" {
			t.Errorf("after the cancelled run: %d rows, %d runs, index %d, %d R-tree rows, %d triggers, rtreecheck %q",
				rows, runs, index, boxes, triggers, check)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
