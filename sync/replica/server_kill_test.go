package replica

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"lantu/layers"
	"lantu/sync/exchange"
)

const serverKillEnv = "LANTU_TEST_SERVER_KILL_CHILD" // db address, then a space and the listen address

// serverChild serves the store named in the environment until killed.
func serverChild(spec string) {
	db, listen, _ := strings.Cut(spec, " ")
	s, err := exchange.Open(context.Background(), db)
	if err != nil {
		fmt.Println("error", err)
		os.Exit(3)
	}
	srv := exchange.NewServer(s, exchange.Options{Rate: -1, ReadRate: -1})
	err = exchange.Run(context.Background(), srv, exchange.Config{Listen: listen, Ready: func(net.Addr) { fmt.Println("listening") }})
	fmt.Println("error", err)
	os.Exit(3)
}

// killServer is a server child process on a fixed loopback address.
type killServer struct {
	t      *testing.T
	db     string
	listen string
	cmd    *exec.Cmd
}

func (k *killServer) start() {
	k.t.Helper()
	for try := 0; ; try++ {
		cmd := exec.Command(os.Args[0], "-test.run=^TestServerKillDuringSync$")
		cmd.Env = append(os.Environ(), serverKillEnv+"="+k.db+" "+k.listen)
		out, _ := cmd.StdoutPipe()
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			k.t.Fatal(err)
		}
		sc := bufio.NewScanner(out)
		if sc.Scan() && sc.Text() == "listening" {
			k.cmd = cmd
			go func() {
				for sc.Scan() {
				}
			}()
			return
		}
		cmd.Process.Kill()
		cmd.Wait()
		if try == 20 { // the port may linger a moment after a kill
			k.t.Fatalf("the server child did not start on %s: %s", k.listen, sc.Text())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (k *killServer) kill() {
	k.cmd.Process.Kill()
	k.cmd.Wait()
}

func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// TestServerKillDuringSync kills the server with -9 at random moments
// while two replicas sync (one pushes patches, the other approvals, both
// pull), restarts it on the same store, and syncs again: every edit is on
// the server exactly once (one audited push each, the version counting
// them), both replicas hold the server's state, nothing is pending. 50
// trials per storage (12 with -short).
func TestServerKillDuringSync(t *testing.T) {
	if spec := os.Getenv(serverKillEnv); spec != "" {
		serverChild(spec)
		return
	}
	t.Run("sqlite", func(t *testing.T) {
		serverKillTrials(t, "sqlite:"+filepath.Join(t.TempDir(), "exchange.db"))
	})
	t.Run("postgres", func(t *testing.T) { serverKillTrials(t, testPostgresURL(t)) })
}

func serverKillTrials(t *testing.T, db string) {
	trials := 50
	if testing.Short() {
		trials = 12
	}
	seed := rand.Uint64()
	if s := os.Getenv("LANTU_TEST_SEED"); s != "" {
		fmt.Sscan(s, &seed)
	}
	t.Logf("seed %d (LANTU_TEST_SEED)", seed)
	rng := rand.New(rand.NewPCG(seed, 2))
	ctx := context.Background()
	s, err := exchange.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, store: s, tokens: map[string]string{}}
	if _, err := exchange.Publish(ctx, s, fixture(t), nil, "publisher"); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"admin", "admin2"} {
		if e.tokens[n], err = exchange.AddToken(ctx, s, exchange.Principal{Name: n, Role: exchange.RoleAdmin}); err != nil {
			t.Fatal(err)
		}
	}
	defer s.Close() // read while the child writes: both storages allow it
	k := &killServer{t: t, db: db, listen: freeAddr(t)}
	k.start()
	defer func() { k.kill() }()
	url := "http://" + k.listen
	opt := CloneOptions{Layers: []string{"GL_NZY", "XZ_DLTB"}}
	mine, other := e.cloneAt(url, "admin", opt), e.cloneAt(url, "admin2", opt)
	writes, approvals := map[string]int{}, map[string]int{}
	killed, window := 0, 200*time.Millisecond
	for trial := range trials {
		for i := range nPatches {
			if rng.IntN(2) == 0 {
				edit(t, mine, "xz_dltb", patchUID(i), map[string]any{"tbbh": fmt.Sprintf("t%d", trial)})
				writes[patchUID(i)]++
			}
		}
		a := approvalUID(rng.IntN(nApprovals))
		edit(t, other, "gl_nzy", a, map[string]any{"pzwh": fmt.Sprintf("o%d", trial)})
		approvals[a]++
		if syncsKilled(t, k, url, time.Duration(rng.Int64N(int64(window))), mine, other) {
			killed++
		} else if window > 10*time.Millisecond {
			window = window * 7 / 10
		}
		k.start()
		for _, bp := range []*layers.Blueprint{mine, other, mine} {
			syncOnce(t, bp)
		}
		checkConverged(t, e, mine, trial, writes)
		checkConverged(t, e, other, trial, writes)
		checkApprovals(t, e, other, trial, approvals)
	}
	if killed < trials/3 {
		t.Fatalf("only %d of %d kills fell inside a sync", killed, trials)
	}
	t.Logf("%d of %d kills fell inside a sync", killed, trials)
}

// cloneAt clones the server at url as role.
func (e *env) cloneAt(url, role string, opt CloneOptions) *layers.Blueprint {
	e.t.Helper()
	opt.Token, opt.User = e.tokens[role], role
	bp, _, err := Clone(context.Background(), url, filepath.Join(e.t.TempDir(), role+".gpkg"), opt)
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { bp.Close() })
	return bp
}

// syncsKilled syncs the replicas at once (small pages, few retries) and
// kills the server after d; it tells whether a sync failed (the kill
// fell inside it).
func syncsKilled(t *testing.T, k *killServer, url string, d time.Duration, bps ...*layers.Blueprint) bool {
	var wg sync.WaitGroup
	errs := make([]error, len(bps))
	for i, bp := range bps {
		r, err := LoadRemote(context.Background(), bp, RemoteName)
		if err != nil {
			t.Fatal(err)
		}
		c, _ := NewClient(url, r.Token, nil)
		c.SetRetry(1, 5*time.Millisecond)
		s, err := NewSyncer(context.Background(), bp, Options{Client: c, PageSize: 3})
		if err != nil {
			t.Fatal(err)
		}
		wg.Add(1)
		go func() { defer wg.Done(); _, errs[i] = s.Sync(context.Background(), nil) }()
	}
	time.Sleep(d)
	k.kill()
	wg.Wait()
	failed := false
	for _, err := range errs {
		if err != nil && KindOf(err) != Transient {
			t.Fatalf("a sync cut by the server's death: %v is not transient", err)
		}
		failed = failed || err != nil
	}
	return failed
}

// checkApprovals: each approval edit is on the server once, and the
// replica holds the server's state.
func checkApprovals(t *testing.T, e *env, bp *layers.Blueprint, trial int, writes map[string]int) {
	t.Helper()
	if n, err := PendingCount(context.Background(), bp); err != nil || n != 0 {
		t.Fatalf("trial %d: %d pending (%v)", trial, n, err)
	}
	audit, err := e.store.Audit(context.Background(), exchange.AuditQuery{})
	if err != nil {
		t.Fatal(err)
	}
	pushes := map[string]int{}
	for _, a := range audit {
		if a.Action == "push" && a.Collection == "gl_nzy" {
			pushes[a.UID]++
		}
	}
	for i := range nApprovals {
		uid := approvalUID(i)
		r, f := e.serverFeature("gl_nzy", uid), feature(t, bp, "gl_nzy", uid)
		if pushes[uid] != writes[uid] || r.Version != int64(writes[uid]+1) || f.Version != r.Version || !ValueEqual(r.Props["pzwh"], f.Attrs["pzwh"]) {
			t.Fatalf("trial %d: approval %d edited %d times, written %d times, server v%d %v, here v%d %v",
				trial, i, writes[uid], pushes[uid], r.Version, r.Props["pzwh"], f.Version, f.Attrs["pzwh"])
		}
	}
}
