package replica

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
	"time"

	"lantu/internal/testchild"
	"lantu/layers"
	"lantu/sync/exchange"
)

const killChildEnv = "LANTU_TEST_REPLICA_KILL_CHILD"

// killChild syncs the blueprint at path once with small pages (many
// transactions to be killed between).
func killChild(path string) {
	bp, err := layers.Open(path, layers.OpenOptions{})
	if err != nil {
		fmt.Println("error", err)
		os.Exit(1)
	}
	s, err := NewSyncer(context.Background(), bp, Options{PageSize: 3})
	if err != nil {
		fmt.Println("error", err)
		os.Exit(1)
	}
	fmt.Println("syncing")
	if _, err := s.Sync(context.Background(), nil); err != nil {
		fmt.Println("error", err)
	}
	bp.Close()
	fmt.Println("done")
	os.Exit(0)
}

// TestKillDuringSync kills a syncing client with -9 at random moments,
// then checks that a normal sync converges: every edit is on the server
// exactly once, the other replica's edits are here, nothing is pending.
func TestKillDuringSync(t *testing.T) {
	if path := os.Getenv(killChildEnv); path != "" {
		killChild(path)
		return
	}
	trials := 50
	if testing.Short() {
		trials = 12
	}
	seed := rand.Uint64()
	if s := os.Getenv("LANTU_TEST_SEED"); s != "" {
		fmt.Sscan(s, &seed)
	}
	t.Logf("seed %d (LANTU_TEST_SEED)", seed)
	rng := rand.New(rand.NewPCG(seed, 1))
	e := newSQLiteEnv(t)
	opt := CloneOptions{Layers: []string{"GL_NZY", "XZ_DLTB"}}
	mine := e.clone("admin", opt)
	path := mine.Path()
	mine.Close()
	other := e.clone("admin2", opt)
	writes := map[string]int{}
	killed := 0
	window := 150 * time.Millisecond
	for trial := range trials {
		bp, err := layers.Open(path, layers.OpenOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for i := range nPatches {
			if rng.IntN(2) == 0 {
				edit(t, bp, "xz_dltb", patchUID(i), map[string]any{"tbbh": fmt.Sprintf("t%d", trial)})
				writes[patchUID(i)]++
			}
		}
		bp.Close()
		edit(t, other, "gl_nzy", approvalUID(trial%nApprovals), map[string]any{"pzwh": fmt.Sprintf("o%d", trial)})
		syncOnce(t, other)
		// The kill falls in a window that shrinks whenever a child finished
		// first, so a fast machine (or no -race) still kills most syncs.
		if runKilled(t, path, time.Duration(rng.Int64N(int64(window)))) {
			killed++
		} else if window > 10*time.Millisecond {
			window = window * 7 / 10
		}
		bp, err = layers.Open(path, layers.OpenOptions{})
		if err != nil {
			t.Fatalf("trial %d: reopen after kill: %v", trial, err)
		}
		syncOnce(t, bp)
		checkConverged(t, e, bp, trial, writes)
		bp.Close()
	}
	if killed < trials/3 {
		t.Fatalf("only %d of %d children were killed before they finished", killed, trials)
	}
	t.Logf("%d of %d syncs killed", killed, trials)
}

// runKilled runs a child sync and kills it after d; it tells whether the
// child was still running.
func runKilled(t *testing.T, path string, d time.Duration) bool {
	cmd, sc := testchild.Start(t, "TestKillDuringSync", killChildEnv+"="+path)
	lines := make(chan string, 8)
	go func() {
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	for l := range lines {
		if strings.HasPrefix(l, "error") {
			t.Fatalf("child: %s", l)
		}
		if l == "syncing" {
			break
		}
	}
	time.Sleep(d)
	cmd.Process.Kill()
	cmd.Wait()
	for l := range lines {
		if l == "done" {
			return false
		}
	}
	return true
}

func checkConverged(t *testing.T, e *env, bp *layers.Blueprint, trial int, writes map[string]int) {
	t.Helper()
	ctx := context.Background()
	if n, err := PendingCount(ctx, bp); err != nil || n != 0 {
		t.Fatalf("trial %d: %d pending (%v)", trial, n, err)
	}
	audit, err := e.store.Audit(ctx, exchange.AuditQuery{})
	if err != nil {
		t.Fatal(err)
	}
	pushes := map[string]int{}
	for _, a := range audit {
		if a.Action == "push" && a.Collection == "xz_dltb" {
			pushes[a.UID]++
		}
	}
	for i := range nPatches {
		uid := patchUID(i)
		r := e.serverFeature("xz_dltb", uid)
		f := feature(t, bp, "xz_dltb", uid)
		if pushes[uid] != writes[uid] || r.Version != int64(writes[uid]+1) {
			t.Fatalf("trial %d: patch %d edited %d times, written %d times, version %d", trial, i, writes[uid], pushes[uid], r.Version)
		}
		if !ValueEqual(r.Props["tbbh"], f.Attrs["tbbh"]) || f.Version != r.Version {
			t.Fatalf("trial %d: patch %d here %v v%d, server %v v%d", trial, i, f.Attrs["tbbh"], f.Version, r.Props["tbbh"], r.Version)
		}
	}
	for i := range nApprovals {
		r := e.serverFeature("gl_nzy", approvalUID(i))
		if f := feature(t, bp, "gl_nzy", approvalUID(i)); !ValueEqual(r.Props["pzwh"], f.Attrs["pzwh"]) {
			t.Fatalf("trial %d: approval %d here %v, server %v", trial, i, f.Attrs["pzwh"], r.Props["pzwh"])
		}
	}
}
