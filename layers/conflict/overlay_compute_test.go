package conflict

import (
	"context"
	"os"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"lantu/layers"
	"lantu/layers/demo"
)

// BenchmarkOverlayCompute times the five overlays of the overlay workload
// without reading or storing: the layers are read from the cached workload
// once, before the timer, and each loop runs five.toml over them in memory
// (RunSource). It logs each rule's patches and time and reports the
// process CPU per loop, so a change to the overlay itself is measured
// apart from the store and the load:
//
//	LANTU_BENCH_SCALE=city go test ./layers/conflict/ -run '^$' -bench OverlayCompute -benchtime 3x -v
func BenchmarkOverlayCompute(b *testing.B) {
	ctx := context.Background()
	path, err := demo.CachedOverlay(ctx, benchScale(), 1)
	if err != nil {
		b.Fatal(err)
	}
	bp, err := layers.Open(path, layers.OpenOptions{ReadOnly: true})
	if err != nil {
		b.Fatal(err)
	}
	defer bp.Close()
	set, err := ParseRulesFS(os.DirFS("testdata/overlay"))
	if err != nil {
		b.Fatal(err)
	}
	src := &cachedSource{Source: BlueprintSource(bp), scans: map[string][]Feature{}}
	if _, err := RunSource(ctx, src, set, Options{}); err != nil { // fills the cache
		b.Fatal(err)
	}
	var res *Result
	cpu0 := processCPU()
	for b.Loop() {
		if res, err = RunSource(ctx, src, set, Options{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric((processCPU()-cpu0).Seconds()/float64(b.N), "cpu-s/op")
	for _, r := range res.Rules {
		b.Logf("%-14s %8d patches %18.3f m² %9.1f ms", r.ID, r.Patches, r.Area, r.Millis)
	}
	b.ReportMetric(float64(len(res.Patches)), "patches")
}

// processCPU is the process's user+system time so far.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// cachedSource keeps each layer's features as first scanned (the whole
// layer under its filter) and answers later scans from memory, applying
// the box itself.
type cachedSource struct {
	Source
	mu    sync.Mutex
	scans map[string][]Feature
}

func (c *cachedSource) Scan(ctx context.Context, layer string, where *Expr, bbox orb.Bound, fn func(Feature) error) error {
	key := layer + "\x00" + where.SQL()
	c.mu.Lock()
	fs, ok := c.scans[key]
	c.mu.Unlock()
	if !ok {
		err := c.Source.Scan(ctx, layer, where, orb.Bound{}, func(f Feature) error {
			fs = append(fs, f)
			return nil
		})
		if err != nil {
			return err
		}
		c.mu.Lock()
		c.scans[key] = fs
		c.mu.Unlock()
	}
	for _, f := range fs {
		if bbox != (orb.Bound{}) && (f.Geom == nil || !bbox.Intersects(f.Geom.Bound())) {
			continue
		}
		if err := fn(f); err != nil {
			return err
		}
	}
	return ctx.Err()
}
