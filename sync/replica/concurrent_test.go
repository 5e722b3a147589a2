package replica

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"

	"lantu/layers"
	"lantu/layers/peer/peertest"
	"lantu/sync/exchange"
)

// timing records the duration of every push and every change-feed
// request. Safe for concurrent use.
type timing struct {
	mu         sync.Mutex
	push, pull []time.Duration
	next       http.RoundTripper
}

func (tm *timing) RoundTrip(r *http.Request) (*http.Response, error) {
	start := time.Now()
	res, err := tm.next.RoundTrip(r)
	d := time.Since(start)
	tm.mu.Lock()
	defer tm.mu.Unlock()
	switch {
	case r.URL.Path == "/sync/push":
		tm.push = append(tm.push, d)
	case strings.HasSuffix(r.URL.Path, "/changes"):
		tm.pull = append(tm.pull, d)
	}
	return res, err
}

// quantiles are the p50 and p99 of ds, rounded to the millisecond.
func quantiles(ds []time.Duration) (p50, p99 time.Duration) {
	d := slices.Clone(ds)
	slices.Sort(d)
	if len(d) == 0 {
		return 0, 0
	}
	q := func(q float64) time.Duration { return d[min(len(d)-1, int(q*float64(len(d))))].Round(time.Millisecond) }
	return q(0.5), q(0.99)
}

// peakRSS is this process's peak resident set (VmHWM), "?" where /proc
// does not tell.
func peakRSS() string {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "?"
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			return strings.TrimSpace(v)
		}
	}
	return "?"
}

// testPostgresURL makes a fresh schema in the test database (dropped at
// the test's end) and returns the URL of it.
func testPostgresURL(t testing.TB) string {
	base := peertest.PostGIS(t)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		peertest.Missing(t, "PostgreSQL at LANTU_PG_URL not reachable: %v", err)
	}
	var b [6]byte
	rand.Read(b[:])
	schema := "lantu_rep_" + hex.EncodeToString(b[:])
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		conn.Close(ctx)
		t.Fatal(err)
	}
	t.Cleanup(func() {
		conn.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE")
		conn.Close(ctx)
	})
	sep := "?"
	if strings.Contains(base, "?") {
		sep = "&"
	}
	return base + sep + "search_path=" + schema + ",public"
}

// TestConcurrentClients: many replicas push proposals at once to an
// `exchanged serve` child process; nothing is lost and every replica
// converges; push and pull latencies and the server's peak RSS and CPU are
// logged. The suite runs 8 clients x 200 changes; BenchmarkConcurrentClients
// runs the full 50 x 1000.
func TestConcurrentClients(t *testing.T) {
	runConcurrentClients(t, 8, 200)
}

// BenchmarkConcurrentClients is the full-size run: 50 clients x 1000
// changes each, on SQLite and PostgreSQL (`go test ./sync/replica -run '^$'
// -bench ConcurrentClients -benchtime 1x -v`). LANTU_SERVER_CPUPROFILE=DIR
// writes the server's CPU profile of each storage run into DIR.
func BenchmarkConcurrentClients(b *testing.B) {
	runConcurrentClients(b, 50, 1000)
}

func runConcurrentClients(tb testing.TB, clients, changes int) {
	bin := exchangedBin(tb)
	for _, sc := range []struct {
		name string
		db   func(testing.TB) string
	}{
		{"sqlite", func(t testing.TB) string { return "sqlite:" + filepath.Join(t.TempDir(), "ex.db") }},
		{"postgres", testPostgresURL},
	} {
		switch t := tb.(type) {
		case *testing.T:
			t.Run(sc.name, func(t *testing.T) { concurrentClients(t, bin, sc.name, sc.db(t), clients, changes) })
		case *testing.B:
			t.Run(sc.name, func(b *testing.B) { concurrentClients(b, bin, sc.name, sc.db(b), clients, changes) })
		}
	}
}

// concurrentClients publishes the fixture to db, serves it from an
// exchanged child and lets clients replicas push changes proposals each at
// once, then pull until they hold every client's proposals.
func concurrentClients(t testing.TB, bin, name, db string, clients, changes int) {
	ctx := context.Background()
	token := publishedExchange(t, bin, db)
	var env []string
	if dir := os.Getenv("LANTU_SERVER_CPUPROFILE"); dir != "" {
		env = append(env, "LANTU_CPUPROFILE="+filepath.Join(dir, "exchanged-"+name+".pprof"))
	}
	srv := serveExchanged(t, bin, db, env...)
	tm := &timing{next: http.DefaultTransport}
	bps := proposingReplicas(t, srv.URL, token, clients, changes)
	cpu0, start := selfCPU(), time.Now()
	syncAll(t, bps, tm)
	took := time.Since(start)
	syncAll(t, bps, tm) // the replicas that finished first fetch the later ones' proposals
	caught, clientCPU := time.Since(start)-took, selfCPU()-cpu0
	use := srv.stop(t)
	for i, bp := range bps {
		if n, _ := PendingCount(ctx, bp); n != 0 {
			t.Fatalf("client %d: %d pending", i, n)
		}
		if n := bp.Layer("GL_XZFA").Count(); n != clients*changes {
			t.Fatalf("client %d holds %d proposals after its pull, want %d", i, n, clients*changes)
		}
	}
	checkServerCount(t, db, clients*changes)
	push50, push99 := quantiles(tm.push)
	pull50, pull99 := quantiles(tm.pull)
	t.Logf("%d clients x %d changes in %v (%.0f changes/s), catch-up pulls %v: %d pushes p50 %v p99 %v; %d feed requests p50 %v p99 %v; "+
		"server max RSS %.0f MiB, CPU %v; test process peak RSS (runs so far) %s, its CPU in the syncs %v",
		clients, changes, took.Round(time.Millisecond), float64(clients*changes)/took.Seconds(), caught.Round(time.Millisecond),
		len(tm.push), push50, push99, len(tm.pull), pull50, pull99,
		use.MaxRSSMiB, use.CPU.Round(time.Millisecond), peakRSS(), clientCPU.Round(time.Millisecond))
}

// proposingReplicas clones the server at url clients times (as users
// c0, c1, ...), each holding changes new GL_XZFA proposals of its own.
func proposingReplicas(t testing.TB, url, token string, clients, changes int) []*layers.Blueprint {
	ctx := context.Background()
	bps := make([]*layers.Blueprint, clients)
	for i := range bps {
		bp, _, err := Clone(ctx, url, filepath.Join(t.TempDir(), fmt.Sprint("c", i, ".gpkg")),
			CloneOptions{Token: token, Layers: []string{"GL_XZFA"}, User: fmt.Sprint("c", i)})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { bp.Close() })
		edits := make([]layers.Edit, changes)
		for j := range edits {
			x := 500000 + float64(i)*150 + float64(j%10)*12
			y := 4640000 + float64(j/10)*12
			edits[j] = layers.Edit{Op: layers.OpInsert, Layer: "GL_XZFA", Geom: orb.MultiPolygon{square(x, y, 10)},
				Attrs: map[string]any{"xmmc": fmt.Sprintf("c%d-%d", i, j)}}
		}
		if _, err := bp.Apply(ctx, edits...); err != nil {
			t.Fatal(err)
		}
		bps[i] = bp
	}
	return bps
}

// syncAll syncs every replica at once through tm.
func syncAll(t testing.TB, bps []*layers.Blueprint, tm *timing) {
	ctx := context.Background()
	errs := make([]error, len(bps))
	var wg sync.WaitGroup
	for i, bp := range bps {
		wg.Go(func() {
			r, _ := LoadRemote(ctx, bp, RemoteName)
			c, _ := NewClient(r.URL, r.Token, &http.Client{Transport: tm, Timeout: 5 * time.Minute})
			s, err := NewSyncer(ctx, bp, Options{Client: c, PageSize: 250})
			if err == nil {
				_, err = s.Sync(ctx, nil)
			}
			errs[i] = err
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("client %d: %v", i, err)
		}
	}
}

// checkServerCount opens the (stopped) server's store and checks that it
// holds want proposals.
func checkServerCount(t testing.TB, db string, want int) {
	s, err := exchange.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	c, err := s.Collection(context.Background(), "gl_xzfa")
	if err != nil {
		t.Fatal(err)
	}
	if c.Count != int64(want) {
		t.Fatalf("server holds %d proposals, want %d", c.Count, want)
	}
}
