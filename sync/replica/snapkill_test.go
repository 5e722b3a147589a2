package replica

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"lantu/internal/testchild"
	"lantu/layers"
	"lantu/layers/gpkg"
	"lantu/sync/exchange"
)

const snapKillChildEnv = "LANTU_TEST_SNAPSHOT_KILL_CHILD"

// snapKillOptions clone XZ_DLTB alone, through its snapshot.
func snapKillOptions(token string) CloneOptions {
	return CloneOptions{Token: token, User: "admin", Layers: []string{"XZ_DLTB"}, Sync: Options{SnapshotMin: 1}}
}

// snapKillChild clones "URL TOKEN FILE" (its argument) through the
// snapshot, saying "cloning" first and "done" at the end.
func snapKillChild(arg string) {
	f := strings.Fields(arg)
	fmt.Println("cloning")
	bp, _, err := Clone(context.Background(), f[0], f[2], snapKillOptions(f[1]))
	if err != nil {
		fmt.Println("error", err)
		os.Exit(1)
	}
	bp.Close()
	fmt.Println("done")
	os.Exit(0)
}

// TestKillDuringSnapshotClone kills with -9, at random moments, clones
// that read a collection of thousands of features from its snapshot (the
// download, its checksum, the bulk load), then clones again into the same
// file: the clone resumes or restarts and ends with every feature of the
// server exactly once, an R-tree of every row, a sound file, the feed's
// cursor, and no snapshot file left beside it.
func TestKillDuringSnapshotClone(t *testing.T) {
	if arg := os.Getenv(snapKillChildEnv); arg != "" {
		snapKillChild(arg)
		return
	}
	n, trials := 10000, 8
	if testing.Short() {
		n, trials = 3000, 4
	}
	seed := rand.Uint64()
	if s := os.Getenv("LANTU_TEST_SEED"); s != "" {
		fmt.Sscan(s, &seed)
	}
	t.Logf("seed %d (LANTU_TEST_SEED)", seed)
	rng := rand.New(rand.NewPCG(seed, 2))
	e := bigEnv(t, n)
	token, dir := e.tokens["admin"], t.TempDir()
	// The server builds the snapshot once; then a clone not killed tells
	// how long one takes.
	c, err := NewClient(e.srv.URL, token, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.DownloadSnapshot(context.Background(), "xz_dltb", 4550, filepath.Join(dir, "warm.geojsons")); err != nil {
		t.Fatal(err)
	}
	full := time.Now()
	if killed := runSnapKilled(t, e.srv.URL, token, filepath.Join(dir, "warm.gpkg"), time.Hour); killed {
		t.Fatal("the unkilled clone did not finish")
	}
	d := time.Since(full)
	killed := map[string]int{}
	for trial := range trials {
		path := filepath.Join(dir, fmt.Sprintf("r%d.gpkg", trial))
		if !runSnapKilled(t, e.srv.URL, token, path, time.Duration(rng.Int64N(int64(d)))) {
			killed["not killed"]++
		} else {
			killed[snapState(path)]++
		}
		bp, _, err := Clone(context.Background(), e.srv.URL, path, snapKillOptions(token))
		if err != nil {
			t.Fatalf("trial %d: clone after the kill: %v", trial, err)
		}
		checkSnapClone(t, e, bp, n+nPatches)
		bp.Close()
	}
	t.Logf("one clone: %v; %d trials: %v", d.Round(time.Millisecond), trials, killed)
	if killed["not killed"] > trials/2 {
		t.Fatalf("only %d of %d clones were killed before they finished", trials-killed["not killed"], trials)
	}
}

// bigEnv is an env whose XZ_DLTB has n more features, its server keeping
// snapshots in a folder.
func bigEnv(t *testing.T, n int) *env {
	ctx := context.Background()
	src := filepath.Join(t.TempDir(), "big.gpkg")
	if err := writeBig(src, n); err != nil {
		t.Fatal(err)
	}
	s, err := exchange.OpenSQLite(ctx, filepath.Join(t.TempDir(), "ex.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := exchange.Publish(ctx, s, src, []string{"XZ_DLTB"}, "bench"); err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, s)
	e.srv.Config.Handler = exchange.NewServer(s, exchange.Options{Rate: -1, ReadRate: -1, SnapshotDir: t.TempDir()})
	return e
}

// snapState names what a killed clone left beside the file.
func snapState(path string) string {
	snap := SnapshotPath(path, "xz_dltb")
	switch {
	case fileSize(snap) >= 0:
		return "snapshot downloaded"
	case fileSize(snap+".part") >= 0:
		return "download cut"
	case fileSize(path) >= 0:
		return "before the download"
	}
	return "no file yet"
}

// runSnapKilled runs a child clone and kills it d after it starts; it
// tells whether the child was still running.
func runSnapKilled(t *testing.T, url, token, path string, d time.Duration) bool {
	cmd, sc := testchild.Start(t, "TestKillDuringSnapshotClone", snapKillChildEnv+"="+url+" "+token+" "+path)
	lines := make(chan string, 8)
	go func() {
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	for l := range lines {
		if l == "cloning" {
			break
		}
	}
	timer := time.AfterFunc(d, func() { cmd.Process.Kill() })
	done := false
	for l := range lines {
		if strings.HasPrefix(l, "error") {
			t.Errorf("child: %s", l)
		}
		done = done || l == "done"
	}
	timer.Stop()
	cmd.Wait()
	return !done
}

// checkSnapClone checks a finished clone of XZ_DLTB: want features, each
// uid once, every row in the R-tree, the file sound, the cursor set, the
// patches at the server's version, no snapshot file left.
func checkSnapClone(t *testing.T, e *env, bp *layers.Blueprint, want int) {
	t.Helper()
	ctx := context.Background()
	rt := gpkg.QuoteIdent(gpkg.RTreeName("xz_dltb", "geom"))
	var rows, uids, boxes int
	var check string
	err := bp.Read(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT count(*), count(DISTINCT uid) FROM xz_dltb`).Scan(&rows, &uids); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM `+rt+` r JOIN xz_dltb t ON t.fid = r.id`).Scan(&boxes); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&check)
	})
	if err != nil {
		t.Fatal(err)
	}
	if rows != want || uids != want || boxes != want || check != "ok" {
		t.Fatalf("%s: %d rows, %d uids, %d in the R-tree, want %d; integrity: %s", bp.Path(), rows, uids, boxes, want, check)
	}
	if c, err := bp.Cursor(ctx, RemoteName, "xz_dltb"); err != nil || c == "" {
		t.Fatalf("%s: cursor %q (%v)", bp.Path(), c, err)
	}
	for i := range nPatches {
		r, f := e.serverFeature("xz_dltb", patchUID(i)), feature(t, bp, "xz_dltb", patchUID(i))
		if f.Version != r.Version || f.Attrs["tbbh"] != r.Props["tbbh"] {
			t.Fatalf("patch %d: replica version %d %v, server %d %v", i, f.Version, f.Attrs["tbbh"], r.Version, r.Props["tbbh"])
		}
	}
	if l := bp.Layer("xz_dltb"); l.Count() != want {
		t.Fatalf("%s: %d features indexed, want %d", bp.Path(), l.Count(), want)
	}
	snap := SnapshotPath(bp.Path(), "xz_dltb")
	for _, p := range []string{snap, snap + ".part", snap + ".json"} {
		if fileSize(p) >= 0 {
			t.Fatalf("%s is left after the clone", p)
		}
	}
}
