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

// timing records the duration of every push request.
type timing struct {
	mu   sync.Mutex
	push []time.Duration
	next http.RoundTripper
}

func (tm *timing) RoundTrip(r *http.Request) (*http.Response, error) {
	start := time.Now()
	res, err := tm.next.RoundTrip(r)
	if r.URL.Path == "/sync/push" {
		tm.mu.Lock()
		tm.push = append(tm.push, time.Since(start))
		tm.mu.Unlock()
	}
	return res, err
}

func (tm *timing) quantile(q float64) time.Duration {
	tm.mu.Lock()
	defer tm.mu.Unlock()
	d := slices.Clone(tm.push)
	slices.Sort(d)
	if len(d) == 0 {
		return 0
	}
	return d[min(len(d)-1, int(q*float64(len(d))))]
}

// peakRSS is the process's peak resident set (VmHWM), "?" where /proc
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

// testPostgresStore opens an exchange store in a fresh schema of the test
// database.
func testPostgresStore(t testing.TB) exchange.Store {
	s, err := exchange.OpenPostgres(context.Background(), testPostgresURL(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// TestConcurrentClients: many replicas push proposals at once; nothing is
// lost; p50/p99 push latency is logged. The suite runs 8 clients x 200
// changes; BenchmarkConcurrentClients runs the full 50 x 1000.
func TestConcurrentClients(t *testing.T) {
	runConcurrentClients(t, 8, 200)
}

// BenchmarkConcurrentClients is the full-size run: 50 clients x 1000
// changes each, on SQLite and PostgreSQL (`go test ./sync/replica -run '^$'
// -bench ConcurrentClients -benchtime 1x -v`).
func BenchmarkConcurrentClients(b *testing.B) {
	runConcurrentClients(b, 50, 1000)
}

func runConcurrentClients(tb testing.TB, clients, changes int) {
	for _, sc := range []struct {
		name string
		open func(testing.TB) exchange.Store
	}{
		{"sqlite", func(t testing.TB) exchange.Store {
			s, err := exchange.OpenSQLite(context.Background(), filepath.Join(t.TempDir(), "ex.db"))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			return s
		}},
		{"postgres", testPostgresStore},
	} {
		switch t := tb.(type) {
		case *testing.T:
			t.Run(sc.name, func(t *testing.T) { concurrentClients(t, newEnv(t, sc.open(t)), clients, changes) })
		case *testing.B:
			t.Run(sc.name, func(b *testing.B) { concurrentClients(b, newEnv(b, sc.open(b)), clients, changes) })
		}
	}
}

func concurrentClients(t testing.TB, e *env, clients, changes int) {
	ctx := context.Background()
	tm := &timing{next: http.DefaultTransport}
	bps := make([]*layers.Blueprint, clients)
	for i := range bps {
		bps[i] = e.clone("admin", CloneOptions{Layers: []string{"GL_XZFA"}, User: fmt.Sprint("c", i)})
		edits := make([]layers.Edit, changes)
		for j := range edits {
			x := 500000 + float64(i)*150 + float64(j%10)*12
			y := 4640000 + float64(j/10)*12
			edits[j] = layers.Edit{Op: layers.OpInsert, Layer: "GL_XZFA", Geom: orb.MultiPolygon{square(x, y, 10)},
				Attrs: map[string]any{"xmmc": fmt.Sprintf("c%d-%d", i, j)}}
		}
		if _, err := bps[i].Apply(ctx, edits...); err != nil {
			t.Fatal(err)
		}
	}
	start := time.Now()
	errs := make([]error, clients)
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
	took := time.Since(start)
	for i, err := range errs {
		if err != nil {
			t.Fatalf("client %d: %v", i, err)
		}
		if n, _ := PendingCount(ctx, bps[i]); n != 0 {
			t.Fatalf("client %d: %d pending", i, n)
		}
	}
	c, err := e.store.Collection(ctx, "gl_xzfa")
	if err != nil {
		t.Fatal(err)
	}
	if c.Count != int64(clients*changes) {
		t.Fatalf("server holds %d proposals, %d clients pushed %d each", c.Count, clients, changes)
	}
	t.Logf("%d clients x %d changes in %v (%.0f changes/s): %d pushes, p50 %v, p99 %v; peak RSS of the process (server and clients) %s",
		clients, changes, took.Round(time.Millisecond), float64(clients*changes)/took.Seconds(), len(tm.push), tm.quantile(0.5), tm.quantile(0.99), peakRSS())
}
