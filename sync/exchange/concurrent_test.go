package exchange

import (
	"context"
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
// the same time over loopback HTTP, every change with its own key, and
// returns the latency of every push. It fails unless every change is
// applied and the collection holds them all.
func concurrentPushes(tb testing.TB, e *env, clients, batches, n int) []time.Duration {
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
			for _, body := range bodies[c] {
				start := time.Now()
				if err := pushAll(e, body); err != nil {
					tb.Error(err)
					return
				}
				mu.Lock()
				took = append(took, time.Since(start))
				mu.Unlock()
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
		took := concurrentPushes(t, newEnv(t, s, Options{}), 16, 2, 50)
		t.Logf("%d pushes: p50 %v, p99 %v", len(took), quantile(took, 0.5), quantile(took, 0.99))
	})
}

// BenchmarkConcurrentPushes is the server's side of the replica package's
// BenchmarkConcurrentClients: 50 clients push 4 batches of 250 proposals
// each at once; p50/p99 push latency are reported.
func BenchmarkConcurrentPushes(b *testing.B) {
	eachStoreB(b, func(b *testing.B, s Store) {
		e := newEnv(b, s, Options{})
		for range b.N {
			took := concurrentPushes(b, e, 50, 4, 250)
			b.ReportMetric(quantile(took, 0.5).Seconds(), "p50-s")
			b.ReportMetric(quantile(took, 0.99).Seconds(), "p99-s")
		}
		b.ReportMetric(float64(50000*b.N)/b.Elapsed().Seconds(), "changes/s")
	})
}
