package exchange

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"lantu/sync/wire"
)

// blob is a 50-vertex polygon around (cx, cy), as city data has.
func blob(cx, cy, r float64) orb.Polygon {
	ring := make(orb.Ring, 0, 51)
	for i := range 50 {
		a := 2 * math.Pi * float64(i) / 50
		d := r * (0.8 + 0.2*math.Sin(5*a))
		ring = append(ring, orb.Point{cx + d*math.Cos(a), cy + d*math.Sin(a)})
	}
	return orb.Polygon{append(ring, ring[0])}
}

func eachStoreB(b *testing.B, fn func(b *testing.B, s Store)) {
	for _, sc := range storeCases {
		b.Run(sc.name, func(b *testing.B) { fn(b, sc.open(b)) })
	}
}

// BenchmarkPush10k pushes 10,000 new 50-vertex proposals as a district
// (each checked inside the district) in four pushes of 2,500 over
// loopback HTTP, each push one durable transaction. Target: <= 5 s.
func BenchmarkPush10k(b *testing.B) {
	eachStoreB(b, func(b *testing.B, s Store) {
		e := newEnv(b, s, Options{Rate: -1})
		var bodies [][]byte
		for range b.N * 4 {
			req := wire.PushRequest{CRS: wire.EPSGURI(4550)}
			for k := range 2500 {
				uid := newUID()
				x, y := 500200+float64(k%90)*100, 4630200+float64(k/90)*100
				req.Changes = append(req.Changes, upsert("gl_xzfa", uid, 0, orb.MultiPolygon{blob(x, y, 40)}, map[string]any{"xmmc": "方案"}))
			}
			bodies = append(bodies, mustJSON(req))
		}
		b.ResetTimer()
		for i := range b.N {
			for _, body := range bodies[4*i : 4*i+4] {
				benchPush(b, e, body)
			}
		}
		b.ReportMetric(float64(10000*b.N)/b.Elapsed().Seconds(), "changes/s")
	})
}

func benchPush(b *testing.B, e *env, body []byte) {
	req, _ := http.NewRequest("POST", e.srv.URL+"/sync/push", strings.NewReader(string(body)))
	req.Header.Set("Authorization", "Bearer "+e.tokens["district"])
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	var pr wire.PushResponse
	err = jsonDecode(res.Body, &pr)
	res.Body.Close()
	if err != nil || res.StatusCode != 200 {
		b.Fatalf("push: %s %v", res.Status, err)
	}
	for _, r := range pr.Results {
		if r.Status != wire.StatusApplied {
			b.Fatalf("not applied: %+v", r)
		}
	}
}

// BenchmarkChanges100k reads a change feed of 100,000 changes (50-vertex
// polygons) from cursor 0 over loopback HTTP in pages of 10,000, decoding
// every page as a replica does. Target: <= 10 s.
func BenchmarkChanges100k(b *testing.B) {
	eachStoreB(b, func(b *testing.B, s Store) {
		e := newEnv(b, s, Options{Rate: -1})
		fillFeed(b, s, 100000)
		b.ResetTimer()
		for range b.N {
			if n := readFeed(b, e, "gl_xzfa"); n != 100000 {
				b.Fatalf("read %d changes, want 100000", n)
			}
		}
		b.ReportMetric(float64(100000*b.N)/b.Elapsed().Seconds(), "changes/s")
	})
}

// fillFeed writes n proposals straight into the store.
func fillFeed(b *testing.B, s Store, n int) {
	ctx := context.Background()
	start := time.Now()
	for done := 0; done < n; {
		err := s.Update(ctx, func(tx Tx) error {
			for k := 0; k < 10000 && done < n; k, done = k+1, done+1 {
				g := orb.MultiPolygon{blob(500100+float64(done%190)*100, 4630100+float64(done/190%95)*100, 40)}
				r := &Record{Collection: "gl_xzfa", UID: fmt.Sprintf("bench-%07d", done), Version: 1, Geom: g,
					Props: map[string]any{"xmmc": "方案"}, UpdatedAt: time.Now(), UpdatedBy: "bench"}
				r.Bound = g.Bound()
				if err := tx.Put(ctx, r, false); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.Logf("filled %d changes in %v", n, time.Since(start))
}

func readFeed(b *testing.B, e *env, coll string) int {
	since, n := "0", 0
	for {
		req, _ := http.NewRequest("GET", e.srv.URL+"/collections/"+coll+"/changes?limit=10000&crs="+wire.EPSGURI(4550)+"&since="+since, nil)
		req.Header.Set("Authorization", "Bearer "+e.tokens["reader"])
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		var p wire.ChangePage
		err = jsonDecode(res.Body, &p)
		res.Body.Close()
		if err != nil {
			b.Fatal(err)
		}
		n += len(p.Changes)
		since = p.Next
		if !p.More {
			return n
		}
	}
}
