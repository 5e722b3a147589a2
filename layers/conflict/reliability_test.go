package conflict

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"lantu/internal/testchild"
	"lantu/layers"
)

// noPanic runs fn and turns a panic into a test error, so that one defect
// does not hide the others.
func noPanic(t *testing.T, what string, fn func() error) (err error) {
	t.Helper()
	defer func() {
		if v := recover(); v != nil {
			t.Errorf("%s panicked: %v", what, v)
			err = fmt.Errorf("panic: %v", v)
		}
	}()
	return fn()
}

// redFarm is a blueprint where the red line overlaps farmland once (5000 m²).
func redFarm(t *testing.T) (*layers.Blueprint, *RuleSet, Options) {
	bp := newBlueprint(t, map[string][][2]any{
		"GH_STBHHX": {{square(0, 0, 100, 100), nil}},
		"GH_YJJBNT": {{square(50, 0, 150, 100), nil}},
	})
	set, err := DefaultRules()
	if err != nil {
		t.Fatal(err)
	}
	return bp, set, Options{Rules: []string{"CL-RED-FARM"}}
}

// TestReadOnlyBlueprint: checking or reviewing a blueprint opened
// read-only is a clear error naming the file, given before any work; the
// stored patches can still be read.
func TestReadOnlyBlueprint(t *testing.T) {
	ctx := context.Background()
	bp, set, opt := redFarm(t)
	path := bp.Path()
	if _, err := Run(ctx, bp, set, opt); err != nil {
		t.Fatal(err)
	}
	bp.Close()
	for _, tables := range []string{"with conflict tables", "without"} {
		t.Run(tables, func(t *testing.T) {
			p := path
			if tables == "without" {
				fresh, _, _ := redFarm(t)
				p = fresh.Path()
				fresh.Close()
			}
			ro, err := layers.Open(p, layers.OpenOptions{ReadOnly: true})
			if err != nil {
				t.Fatal(err)
			}
			defer ro.Close()
			worked := false
			o := opt
			o.Progress = func(int, int) { worked = true }
			err = noPanic(t, "Run", func() error { _, err := Run(ctx, ro, set, o); return err })
			if !errors.Is(err, layers.ErrReadOnly) || !strings.Contains(err.Error(), "opened read-only: "+p) || worked {
				t.Errorf("Run on a read-only blueprint: %v (progress reported: %v)", err, worked)
			}
			err = noPanic(t, "Recheck", func() error { _, err := Recheck(ctx, ro, set, o); return err })
			if !errors.Is(err, layers.ErrReadOnly) || worked {
				t.Errorf("Recheck on a read-only blueprint: %v (progress reported: %v)", err, worked)
			}
			err = noPanic(t, "SetReview", func() error { return SetReview(ctx, ro, 1, StatusConfirmed, "li", "") })
			if !errors.Is(err, layers.ErrReadOnly) || !strings.Contains(err.Error(), p) {
				t.Errorf("SetReview on a read-only blueprint: %v", err)
			}
			var ps []Patch
			err = noPanic(t, "LoadPatches", func() (err error) { ps, err = LoadPatches(ctx, ro, Filter{}); return err })
			want := map[string]int{"with conflict tables": 1, "without": 0}[tables]
			if err != nil || len(ps) != want {
				t.Errorf("LoadPatches on a read-only blueprint: %d patches, %v; want %d", len(ps), err, want)
			}
		})
	}
}

// TestDecisionSurvivesAbsence: a waived or confirmed patch that is not
// found for one run (its rule replaced with --rules, or its feature
// skipped) comes back with its decision, reviewer and comment.
func TestDecisionSurvivesAbsence(t *testing.T) {
	ctx := context.Background()
	for _, status := range []string{StatusWaived, StatusConfirmed} {
		t.Run(status, func(t *testing.T) {
			bp, set, opt := redFarm(t)
			if _, err := Run(ctx, bp, set, opt); err != nil {
				t.Fatal(err)
			}
			ps, _ := LoadPatches(ctx, bp, Filter{})
			if len(ps) != 1 {
				t.Fatalf("%d patches, want 1", len(ps))
			}
			id := ps[0].ID
			if err := SetReview(ctx, bp, id, status, "li", "council decision 7"); err != nil {
				t.Fatal(err)
			}
			back := func(step string) {
				t.Helper()
				if _, err := Run(ctx, bp, set, opt); err != nil {
					t.Fatal(err)
				}
				got, _ := LoadPatches(ctx, bp, Filter{})
				if len(got) != 1 || got[0].ID != id || got[0].Status != status || got[0].Reviewer != "li" ||
					got[0].Comment != "council decision 7" {
					t.Errorf("after %s: %+v, want patch %d %s by li", step, got, id, status)
				}
			}
			// The rule is replaced for one run by one that finds nothing.
			file := filepath.Join(t.TempDir(), "strict.toml")
			strict := "[[rule]]\nid = \"CL-RED-FARM\"\nname_zh = \"严\"\nname_en = \"strict\"\nkind = \"exclusive\"\n" +
				"severity = \"high\"\na = { layer = \"GH_STBHHX\" }\nb = { layer = \"GH_YJJBNT\" }\nmin_area = 1e9\n"
			if err := os.WriteFile(file, []byte(strict), 0o644); err != nil {
				t.Fatal(err)
			}
			other, _ := DefaultRules()
			if err := other.LoadRuleFiles(file); err != nil {
				t.Fatal(err)
			}
			if _, err := Run(ctx, bp, other, opt); err != nil {
				t.Fatal(err)
			}
			if got, _ := LoadPatches(ctx, bp, Filter{IDs: []int64{id}}); len(got) != 1 || got[0].Status != StatusResolvedByChange {
				t.Fatalf("while the rule finds nothing: %+v", got)
			}
			back("a run with the rule replaced")
			// The farmland's geometry is unusable for one run (skipped), then restored.
			farm := bp.Layer("GH_YJJBNT")
			f, err := bp.Feature(ctx, farm.Table, 1)
			if err != nil {
				t.Fatal(err)
			}
			good := f.Geom
			if _, err := bp.Apply(ctx, layers.Edit{Op: layers.OpUpdate, Layer: farm.Code, UID: f.UID,
				Geom: mustGeom(t, "POLYGON((50 0,150 0,150 0,50 0))")}); err != nil {
				t.Fatal(err)
			}
			if _, err := Run(ctx, bp, set, opt); err != nil {
				t.Fatal(err)
			}
			if _, err := bp.Apply(ctx, layers.Edit{Op: layers.OpUpdate, Layer: farm.Code, UID: f.UID, Geom: good}); err != nil {
				t.Fatal(err)
			}
			back("a run with the farmland skipped")
		})
	}
}

// TestConcurrentWritersInProcess: Apply, conflict runs and reviews at
// once in one process all succeed.
func TestConcurrentWritersInProcess(t *testing.T) {
	ctx := context.Background()
	bp, set, opt := redFarm(t)
	if _, err := Run(ctx, bp, set, opt); err != nil {
		t.Fatal(err)
	}
	ps, _ := LoadPatches(ctx, bp, Filter{})
	red := bp.Layer("GH_STBHHX")
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	wg.Add(3)
	go func() {
		defer wg.Done()
		for i := range 20 {
			g := mustGeom(t, square(float64(i*200), 500, float64(i*200+100), 600))
			if _, err := bp.Apply(ctx, layers.Edit{Op: layers.OpInsert, Layer: red.Code, Geom: g}); err != nil {
				errs <- fmt.Errorf("apply: %w", err)
			}
		}
	}()
	go func() {
		defer wg.Done()
		for range 5 {
			if _, err := Run(ctx, bp, set, opt); err != nil {
				errs <- fmt.Errorf("run: %w", err)
			}
			if _, err := Recheck(ctx, bp, set, opt); err != nil {
				errs <- fmt.Errorf("recheck: %w", err)
			}
		}
	}()
	go func() {
		defer wg.Done()
		for i := range 20 {
			status := []string{StatusConfirmed, StatusOpen}[i%2]
			if err := SetReview(ctx, bp, ps[0].ID, status, "li", ""); err != nil {
				errs <- fmt.Errorf("review: %w", err)
			}
		}
	}()
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

const checkChildEnv = "LANTU_TEST_CHECK_CHILD"

// TestCheckAndReviewInTwoProcesses runs conflict checks in a child process
// while this one records reviews (and now and then checks) on the same
// file: none may fail with "database is locked", and no finished check is
// thrown away.
func TestCheckAndReviewInTwoProcesses(t *testing.T) {
	if path := os.Getenv(checkChildEnv); path != "" {
		checkChild(path)
		return
	}
	ctx := context.Background()
	feats := map[string][][2]any{}
	for i := range 300 {
		x := float64(i%20) * 200
		y := float64(i/20) * 200
		feats["GH_STBHHX"] = append(feats["GH_STBHHX"], [2]any{square(x, y, x+100, y+100), nil})
		feats["GH_YJJBNT"] = append(feats["GH_YJJBNT"], [2]any{square(x+50, y, x+150, y+100), nil})
	}
	bp := newBlueprint(t, feats)
	set, _ := DefaultRules()
	opt := Options{Rules: []string{"CL-RED-FARM"}}
	if _, err := Run(ctx, bp, set, opt); err != nil {
		t.Fatal(err)
	}
	ps, _ := LoadPatches(ctx, bp, Filter{})
	if len(ps) != 300 {
		t.Fatalf("%d patches, want 300", len(ps))
	}
	cmd, lines := testchild.Start(t, "TestCheckAndReviewInTwoProcesses", checkChildEnv+"="+bp.Path())
	if !lines.Scan() || lines.Text() != "started" {
		t.Fatalf("child: %q", lines.Text())
	}
	childDone := make(chan []string)
	go func() {
		var child []string
		for lines.Scan() {
			child = append(child, lines.Text())
		}
		childDone <- child
	}()
	reviews, failed := 0, 0
	var child []string
	for child == nil {
		select {
		case child = <-childDone:
		default:
			status := []string{StatusConfirmed, StatusOpen}[reviews%2]
			if err := SetReview(ctx, bp, ps[reviews%len(ps)].ID, status, "li", ""); err != nil {
				failed++
				t.Errorf("review %d while the child checks: %v", reviews, err)
			}
			reviews++
			if reviews%16 == 0 { // and a check of this process's own
				if _, err := Run(ctx, bp, set, opt); err != nil {
					t.Errorf("check beside the child's: %v", err)
				}
			}
			time.Sleep(2 * time.Millisecond)
		}
	}
	if err := cmd.Wait(); err != nil {
		t.Errorf("child check failed: %v: %s", err, strings.Join(child, "\n"))
	}
	if !slices.Contains(child, "done") {
		t.Errorf("child did not finish its checks: %q", child)
	}
	if reviews < 20 {
		t.Errorf("only %d reviews while the child checked", reviews)
	}
	t.Logf("%d of %d reviews failed", failed, reviews)
}

// checkChild runs the rule check several times on path, then prints done.
func checkChild(path string) {
	ctx := context.Background()
	bp, err := layers.Open(path, layers.OpenOptions{User: "child"})
	if err != nil {
		fmt.Println(err)
		os.Exit(3)
	}
	defer bp.Close()
	set, _ := DefaultRules()
	fmt.Println("started")
	for i := range 12 {
		if _, err := Run(ctx, bp, set, Options{Rules: []string{"CL-RED-FARM"}}); err != nil {
			fmt.Printf("check %d: %v\n", i, err)
			os.Exit(4)
		}
	}
	fmt.Println("done")
}

// TestDecisionFollowsIdentity: the same rule and features with the same
// area elsewhere is another patch (open), and a nudge within the tolerance
// is the same one (decision kept).
func TestDecisionFollowsIdentity(t *testing.T) {
	ctx := context.Background()
	bp, set, opt := redFarm(t)
	if _, err := Run(ctx, bp, set, opt); err != nil {
		t.Fatal(err)
	}
	ps, _ := LoadPatches(ctx, bp, Filter{})
	if err := SetReview(ctx, bp, ps[0].ID, StatusConfirmed, "li", "seen"); err != nil {
		t.Fatal(err)
	}
	move := func(dx float64) {
		t.Helper()
		for code, sq := range map[string]string{"GH_STBHHX": square(dx, 0, dx+100, 100), "GH_YJJBNT": square(dx+50, 0, dx+150, 100)} {
			l := bp.Layer(code)
			f, err := bp.Feature(ctx, l.Table, 1)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := bp.Apply(ctx, layers.Edit{Op: layers.OpUpdate, Layer: code, UID: f.UID, Geom: mustGeom(t, sq)}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := Run(ctx, bp, set, opt); err != nil {
			t.Fatal(err)
		}
	}
	move(1) // 1 m: within 5% of the 112 m diagonal
	got, _ := LoadPatches(ctx, bp, Filter{})
	if len(got) != 1 || got[0].ID != ps[0].ID || got[0].Status != StatusConfirmed {
		t.Fatalf("after a 1 m nudge: %+v", got)
	}
	move(1000)
	got, _ = LoadPatches(ctx, bp, Filter{})
	if len(got) != 2 || got[0].ID != ps[0].ID || got[0].Status != StatusResolvedByChange ||
		got[1].Status != StatusOpen || got[1].Fingerprint != got[0].Fingerprint {
		t.Fatalf("after moving both features 1 km: %+v", got)
	}
	move(0)
	got, _ = LoadPatches(ctx, bp, Filter{})
	if len(got) != 2 || got[0].Status != StatusConfirmed || got[1].Status != StatusResolvedByChange {
		t.Fatalf("after moving back: %+v", got)
	}
}

// TestRecheckRemoteChanges: a listener re-checks what a remote batch
// changed (remote changes have no journal rows for Recheck to find).
func TestRecheckRemoteChanges(t *testing.T) {
	ctx := context.Background()
	bp, set, opt := redFarm(t)
	if _, err := Run(ctx, bp, set, opt); err != nil {
		t.Fatal(err)
	}
	ps, _ := LoadPatches(ctx, bp, Filter{})
	if err := SetReview(ctx, bp, ps[0].ID, StatusWaived, "li", "approved"); err != nil {
		t.Fatal(err)
	}
	type outcome struct {
		st  *RecheckStats
		err error
	}
	done := make(chan outcome, 4)
	bp.OnChange(func(cs layers.ChangeSet) {
		st, err := RecheckChanges(ctx, bp, set, cs, opt)
		done <- outcome{st, err}
	})
	farm := bp.Layer("GH_YJJBNT")
	f, _ := bp.Feature(ctx, farm.Table, 1)
	pull := func(version int64, wkt, want string) {
		t.Helper()
		_, err := bp.ApplyRemote(ctx, layers.RemoteBatch{Remote: "hub", Collection: farm.Table, Cursor: fmt.Sprint(version),
			Changes: []layers.RemoteChange{{Layer: farm.Code, UID: f.UID, Geom: mustGeom(t, wkt), Version: version, User: "hub"}}})
		if err != nil {
			t.Fatal(err)
		}
		select {
		case o := <-done:
			if o.err != nil || o.st.Full || o.st.Features != 1 {
				t.Fatalf("re-check of version %d: %+v %v", version, o.st, o.err)
			}
		case <-time.After(20 * time.Second):
			t.Fatal("the listener did not re-check")
		}
		if got, _ := LoadPatches(ctx, bp, Filter{}); len(got) != 1 || got[0].Status != want {
			t.Errorf("after remote version %d: %+v, want %s", version, got, want)
		}
	}
	pull(1, square(500, 500, 600, 600), StatusResolvedByChange)
	pull(2, square(50, 0, 150, 100), StatusWaived)
	if j, _ := bp.Journal(ctx, 0, 0); len(j) != 0 {
		t.Errorf("remote changes in the journal: %+v", j)
	}
}
