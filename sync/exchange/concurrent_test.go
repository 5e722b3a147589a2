package exchange

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"lantu/sync/wire"
)

// concurrentPushes has clients push batches of n new proposals each at
// the same time over loopback HTTP, every change with its own key (with
// pull, each client reading the change feed in pages of n after each push
// as a replica does), and returns the latency of every push. It fails unless
// every change is applied and the collection holds them all.
func concurrentPushes(tb testing.TB, e *env, clients, batches, n int, pull bool) []time.Duration {
	bodies := make([][][]byte, clients)
	for c := range clients {
		for b := range batches {
			req := wire.PushRequest{CRS: wire.EPSGURI(4550)}
			for k := range n {
				x, y := 500100+float64(c)*150+float64(k%10)*12, 4640000+float64(b*n+k)/10*12
				ch := upsert("gl_xzfa", newUID(), 0, orb.MultiPolygon{square(x, y, 10)}, map[string]any{"xmmc": fmt.Sprintf("c%d-%d-%d", c, b, k)})
				req.Changes = append(req.Changes, ch)
			}
			bodies[c] = append(bodies[c], mustJSON(req))
		}
	}
	var mu sync.Mutex
	var took []time.Duration
	var wg sync.WaitGroup
	for c := range clients {
		wg.Go(func() {
			since := "0"
			for _, body := range bodies[c] {
				start := time.Now()
				err := pushAll(e, body)
				if err == nil {
					mu.Lock()
					took = append(took, time.Since(start))
					mu.Unlock()
				}
				if err == nil && pull {
					since, err = pullAll(e, since, n)
				}
				if err != nil {
					tb.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	coll, err := e.store.Collection(context.Background(), "gl_xzfa")
	if err != nil {
		tb.Fatal(err)
	}
	if want := int64(clients * batches * n); coll.Count != want {
		tb.Fatalf("the server holds %d proposals, %d were pushed", coll.Count, want)
	}
	slices.Sort(took)
	return took
}

// pushAll pushes one body as the admin and checks every change applied.
func pushAll(e *env, body []byte) error {
	req, _ := http.NewRequest("POST", e.srv.URL+"/sync/push", strings.NewReader(string(body)))
	req.Header.Set("Authorization", "Bearer "+e.tokens["admin"])
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	var pr wire.PushResponse
	if err := jsonDecode(res.Body, &pr); err != nil || res.StatusCode != 200 {
		return fmt.Errorf("push: %s %v", res.Status, err)
	}
	for _, r := range pr.Results {
		if r.Status != wire.StatusApplied {
			return fmt.Errorf("push: not applied: %+v", r)
		}
	}
	return nil
}

// pullAll reads the feed of proposals after since in pages of n and
// returns the cursor to resume from.
func pullAll(e *env, since string, n int) (string, error) {
	for {
		req, _ := http.NewRequest("GET", fmt.Sprintf("%s/collections/gl_xzfa/changes?limit=%d&crs=%s&since=%s", e.srv.URL, n, wire.EPSGURI(4550), since), nil)
		req.Header.Set("Authorization", "Bearer "+e.tokens["admin"])
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			return since, err
		}
		var p wire.ChangePage
		err = jsonDecode(res.Body, &p)
		res.Body.Close()
		if err != nil || res.StatusCode != 200 {
			return since, fmt.Errorf("changes: %s %v", res.Status, err)
		}
		if since = p.Next; !p.More {
			return since, nil
		}
	}
}

func quantile(d []time.Duration, q float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	return d[min(len(d)-1, int(q*float64(len(d))))]
}

// TestConcurrentPushes: 16 clients push 2 batches of 50 at once; every
// change is applied once, on either storage.
func TestConcurrentPushes(t *testing.T) {
	eachStore(t, func(t *testing.T, s Store) {
		took := concurrentPushes(t, newEnv(t, s, Options{}), 16, 2, 50, true)
		t.Logf("%d pushes: p50 %v, p99 %v", len(took), quantile(took, 0.5), quantile(took, 0.99))
	})
}

// BenchmarkConcurrentPushes is the server's side of the replica package's
// BenchmarkConcurrentClients: 50 clients push 4 batches of 250 proposals
// each at once, only pushing (push) or reading the feed after each push
// (pull); p50/p99 push latency are reported.
func BenchmarkConcurrentPushes(b *testing.B) {
	for _, sc := range storeCases {
		for _, pull := range []bool{false, true} {
			name := sc.name + "/push"
			if pull {
				name = sc.name + "/pull"
			}
			b.Run(name, func(b *testing.B) {
				e := newEnv(b, sc.open(b), Options{})
				for range b.N {
					took := concurrentPushes(b, e, 50, 4, 250, pull)
					b.ReportMetric(quantile(took, 0.5).Seconds(), "p50-s")
					b.ReportMetric(quantile(took, 0.99).Seconds(), "p99-s")
				}
				b.ReportMetric(float64(50000*b.N)/b.Elapsed().Seconds(), "changes/s")
			})
		}
	}
}

// TestSQLiteGroupCommit: Updates running at once commit together, but
// each stands alone: one that fails or panics rolls back its own writes
// only and gets its own error, the others are kept with contiguous
// sequence numbers, and the collection's count is theirs.
func TestSQLiteGroupCommit(t *testing.T) {
	ctx := context.Background()
	s := openTestSQLite(t)
	if err := s.Update(ctx, func(tx Tx) error { return tx.PutCollection(ctx, Collection{ID: "c", SRID: 4550}) }); err != nil {
		t.Fatal(err)
	}
	const n = 60
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			errs[i] = s.Update(ctx, func(tx Tx) error {
				for k := range 3 {
					r := &Record{Collection: "c", UID: fmt.Sprintf("u%d-%d", i, k), Version: 1, Geom: orb.Point{float64(i), float64(k)},
						Bound: orb.Point{float64(i), float64(k)}.Bound(), UpdatedAt: time.Now(), UpdatedBy: "t"}
					if err := tx.Put(ctx, r, false); err != nil {
						return err
					}
				}
				switch i % 4 {
				case 1:
					return fmt.Errorf("update %d refused", i)
				case 2:
					panic(fmt.Sprintf("update %d panics", i))
				}
				return nil
			})
		})
	}
	wg.Wait()
	for i, err := range errs {
		switch {
		case i%4 == 1 && (err == nil || !strings.Contains(err.Error(), fmt.Sprintf("update %d refused", i))):
			t.Errorf("update %d: got %v, want its own error", i, err)
		case i%4 == 2 && (err == nil || !strings.Contains(err.Error(), "panicked")):
			t.Errorf("update %d: got %v, want the panic as an error", i, err)
		case i%4 != 1 && i%4 != 2 && err != nil:
			t.Errorf("update %d: %v", i, err)
		}
	}
	page, err := s.Changes(ctx, ChangeQuery{Collection: "c", Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	want := n / 2 * 3
	if len(page.Records) != want {
		t.Fatalf("the feed holds %d changes, want %d (3 of each update that succeeded)", len(page.Records), want)
	}
	for k, r := range page.Records {
		var i, j int
		fmt.Sscanf(r.UID, "u%d-%d", &i, &j)
		if i%4 == 1 || i%4 == 2 {
			t.Errorf("%s of a failed update was kept", r.UID)
		}
		if r.Seq != int64(k+1) {
			t.Errorf("change %d (%s) has seq %d, want %d", k, r.UID, r.Seq, k+1)
		}
	}
	if c, _ := s.Collection(ctx, "c"); c.Count != int64(want) {
		t.Errorf("collection count %d, want %d", c.Count, want)
	}
	s.Close()
	if err := s.Update(ctx, func(Tx) error { return nil }); !errors.Is(err, ErrClosed) {
		t.Errorf("Update after Close: %v, want ErrClosed", err)
	}
}

// TestQueuedWrites: a transaction of more writes than one statement
// takes (SQLite queues sqliteChunk rows a statement) reads its own
// writes, and a feature written twice and one deleted in it end in their
// last state, in the feed, the count and the spatial index.
func TestQueuedWrites(t *testing.T) {
	eachStore(t, func(t *testing.T, s Store) {
		ctx := context.Background()
		pt := func(uid string, x float64) *Record {
			g := orb.Point{x, x}
			return &Record{Collection: "c", UID: uid, Version: 1, Geom: g, Bound: g.Bound(), UpdatedAt: time.Now(), UpdatedBy: "t"}
		}
		const n = 2*sqliteChunk + 30
		var keys []string
		err := s.Update(ctx, func(tx Tx) error {
			if err := tx.PutCollection(ctx, Collection{ID: "c", SRID: 4550}); err != nil {
				return err
			}
			for i := range n {
				uid := fmt.Sprint("u", i)
				if err := tx.Put(ctx, pt(uid, float64(i)), false); err != nil {
					return err
				}
				if err := tx.Audit(ctx, AuditEntry{Time: time.Now(), Who: "t", Role: "admin", Action: "push", Collection: "c", UID: uid, AfterVersion: 1}); err != nil {
					return err
				}
				if i%2 == 0 {
					keys = append(keys, "k"+uid)
					if err := tx.SavePushResult(ctx, "k"+uid, StoredResult{Who: "t", Result: []byte(`{}`)}); err != nil {
						return err
					}
				}
			}
			moved := pt("u5", 1000)
			moved.Version = 2
			gone := &Record{Collection: "c", UID: "u7", Version: 2, Deleted: true, Bound: orb.Point{7, 7}.Bound(), UpdatedAt: time.Now(), UpdatedBy: "t"}
			if err := tx.Put(ctx, moved, true); err != nil {
				return err
			}
			if err := tx.Put(ctx, gone, true); err != nil {
				return err
			}
			got, err := tx.PushResults(ctx, keys)
			if err != nil || len(got) != len(keys) {
				return fmt.Errorf("the transaction reads %d of its %d push results (%v)", len(got), len(keys), err)
			}
			recs, err := tx.Load(ctx, "c", []string{"u5", "u7", fmt.Sprint("u", n-1)})
			if err != nil || recs["u5"].Version != 2 || !recs["u7"].Deleted || recs[fmt.Sprint("u", n-1)].Version != 1 {
				return fmt.Errorf("the transaction reads its own features wrong: %+v %v", recs, err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		c, err := s.Collection(ctx, "c")
		if err != nil || c.Count != n-1 {
			t.Fatalf("count %d (%v), want %d", c.Count, err, n-1)
		}
		for _, q := range []struct {
			x    float64
			want []string
		}{{1000, []string{"u5"}}, {5, nil}, {7, nil}, {8, []string{"u8"}}} {
			page, err := s.Items(ctx, ItemQuery{Collection: "c", HasBBox: true, BBox: orb.Bound{Min: orb.Point{q.x - 0.5, q.x - 0.5}, Max: orb.Point{q.x + 0.5, q.x + 0.5}}, Limit: 10})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, r := range page.Records {
				got = append(got, r.UID)
			}
			if !slices.Equal(got, q.want) {
				t.Errorf("features in the box around %g: %v, want %v", q.x, got, q.want)
			}
		}
		page, err := s.Changes(ctx, ChangeQuery{Collection: "c", Since: n, Limit: 10})
		if err != nil || len(page.Records) != 2 || page.Records[0].UID != "u5" || page.Records[0].Seq != n+1 || !page.Records[1].Deleted {
			t.Fatalf("the feed after %d: %+v %v, want u5 at seq %d then the tombstone of u7", n, page.Records, err, n+1)
		}
		audit, err := s.Audit(ctx, AuditQuery{})
		if err != nil || len(audit) != n || audit[n-1].UID != fmt.Sprint("u", n-1) {
			t.Fatalf("%d audit entries (%v), want %d in order", len(audit), err, n)
		}
	})
}
