package terrain

import (
	"context"
	"sync"
)

// Progress receives how far a stage of terrain work has come: done of
// total units (blocks read, rows computed, tiles stored). Calls for one
// context are serialised, so the function need not lock.
type Progress func(stage string, done, total int)

type progressKey struct{}

// WithProgress returns a copy of ctx under which the terrain functions
// that take a context report their progress to p, the way
// net/http/httptrace carries its hooks in a context.
func WithProgress(ctx context.Context, p Progress) context.Context {
	return context.WithValue(ctx, progressKey{}, &reporter{p: p})
}

// reporter serialises the calls to one Progress.
type reporter struct {
	mu sync.Mutex
	p  Progress
}

// meter counts the units of one stage; it is safe for concurrent use, and
// a nil meter (no Progress in the context) does nothing.
type meter struct {
	r            *reporter
	stage        string
	done, total  int
	every, since int
}

// startMeter begins a stage of total units under ctx's Progress (nil when
// there is none), reporting 0 at once and then about every 1/256 of total.
func startMeter(ctx context.Context, stage string, total int) *meter {
	r, _ := ctx.Value(progressKey{}).(*reporter)
	if r == nil || r.p == nil {
		return nil
	}
	m := &meter{r: r, stage: stage, total: total, every: max(1, total/256)}
	r.mu.Lock()
	r.p(stage, 0, total)
	r.mu.Unlock()
	return m
}

// add counts n more units done.
func (m *meter) add(n int) {
	if m == nil {
		return
	}
	m.r.mu.Lock()
	defer m.r.mu.Unlock()
	m.done, m.since = m.done+n, m.since+n
	if m.since >= m.every || m.done >= m.total {
		m.since = 0
		m.r.p(m.stage, min(m.done, m.total), m.total)
	}
}
