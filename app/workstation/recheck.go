package workstation

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"sync"
	"time"

	"fyne.io/fyne/v2"

	"lantu/app/i18n"
	"lantu/layers"
	"lantu/layers/conflict"
)

// recheckDelay is how long changes are gathered before one re-check: the
// edits of a burst (a multi-feature edit, a remote batch, quick undo/redo)
// are re-checked together.
const recheckDelay = 200 * time.Millisecond

// PatchShower is a panel that lists stored conflict patches and is handed
// them again after each live re-check (the conflicts panel). Called on the
// UI goroutine.
type PatchShower interface {
	ShowPatches(bp *layers.Blueprint, ps []conflict.Patch) (added, cleared int)
}

// liveRecheck re-checks conflicts for the features each committed change
// of the blueprint names (local Apply and remote ApplyRemote alike), as
// heard through Blueprint.OnChange. Changes arriving within recheckDelay
// of the first are merged into one conflict.RecheckChanges, run off the UI
// goroutine, one at a time; changes heard while one runs make the next.
// Nothing is re-checked on a read-only blueprint or before the conflicts
// were checked once (a first run is a full check, started from the
// conflicts panel). Its methods are safe for concurrent use.
type liveRecheck struct {
	post  func(func()) // runs on the UI goroutine: fyne.Do
	delay time.Duration
	// done gets the patches stored after a re-check, on the UI goroutine.
	done func(bp *layers.Blueprint, ps []conflict.Patch, st *conflict.RecheckStats, err error)

	mu      sync.Mutex
	bp      *layers.Blueprint
	rules   *conflict.RuleSet
	ctx     context.Context
	cancel  context.CancelFunc
	remove  func()
	pending []layers.ChangeSet
	armed   bool // a timer will start a re-check
	running bool
	idle    *sync.Cond // signalled when running turns false
}

func newLiveRecheck(post func(func()), done func(*layers.Blueprint, []conflict.Patch, *conflict.RecheckStats, error)) *liveRecheck {
	r := &liveRecheck{post: post, delay: recheckDelay, done: done}
	r.idle = sync.NewCond(&r.mu)
	r.rules, _ = conflict.DefaultRules()
	return r
}

// watch listens to bp's changes (nil or read-only: to none), after
// stopping the listener of the blueprint before.
func (r *liveRecheck) watch(bp *layers.Blueprint) {
	r.stop()
	if bp == nil || bp.ReadOnly() || r.rules == nil {
		return
	}
	r.mu.Lock()
	r.bp = bp
	r.ctx, r.cancel = context.WithCancel(context.Background())
	r.mu.Unlock()
	remove := bp.OnChange(func(cs layers.ChangeSet) { r.changed(bp, cs) })
	r.mu.Lock()
	r.remove = remove
	r.mu.Unlock()
}

// stop unsubscribes, drops pending changes, cancels a running re-check
// and waits for it to end, so the blueprint may be closed.
func (r *liveRecheck) stop() {
	r.mu.Lock()
	remove, cancel := r.remove, r.cancel
	r.bp, r.remove, r.cancel, r.pending = nil, nil, nil, nil
	r.mu.Unlock()
	if remove != nil {
		remove()
	}
	if cancel != nil {
		cancel()
	}
	r.mu.Lock()
	for r.running {
		r.idle.Wait()
	}
	r.mu.Unlock()
}

// changed queues cs and arms the timer; called on the blueprint's change
// goroutine.
func (r *liveRecheck) changed(bp *layers.Blueprint, cs layers.ChangeSet) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.bp != bp {
		return
	}
	r.pending = append(r.pending, cs)
	r.arm()
}

// arm starts the timer unless it is armed or a re-check runs (which
// re-arms when it ends). Called with mu held.
func (r *liveRecheck) arm() {
	if r.armed || r.running || len(r.pending) == 0 {
		return
	}
	r.armed = true
	time.AfterFunc(r.delay, r.fire)
}

// fire takes the pending changes and re-checks them on this goroutine.
func (r *liveRecheck) fire() {
	r.mu.Lock()
	r.armed = false
	bp, ctx, sets := r.bp, r.ctx, r.pending
	if bp == nil || len(sets) == 0 {
		r.mu.Unlock()
		return
	}
	r.pending, r.running = nil, true
	r.mu.Unlock()

	ps, st, err := r.recheck(ctx, bp, mergeChanges(sets))

	r.mu.Lock()
	r.running = false
	r.idle.Broadcast()
	current := r.bp == bp
	r.arm()
	r.mu.Unlock()
	if current && (st != nil || err != nil) && ctx.Err() == nil {
		r.post(func() { r.done(bp, ps, st, err) })
	}
}

// recheck runs conflict.RecheckChanges for cs and loads the stored
// patches; nil stats without error when the conflicts were never checked.
func (r *liveRecheck) recheck(ctx context.Context, bp *layers.Blueprint, cs layers.ChangeSet) ([]conflict.Patch, *conflict.RecheckStats, error) {
	if ok, err := checkedBefore(ctx, bp); err != nil || !ok {
		return nil, nil, err
	}
	slope, err := conflict.TerrainSlope(ctx, bp)
	if err != nil {
		return nil, nil, err
	}
	st, err := conflict.RecheckChanges(ctx, bp, r.rules, cs, conflict.Options{Slope: slope})
	if err != nil {
		return nil, nil, err
	}
	ps, err := conflict.LoadPatches(ctx, bp, conflict.Filter{})
	return ps, st, err
}

// checkedBefore reports whether bp has a stored conflict run.
func checkedBefore(ctx context.Context, bp *layers.Blueprint) (bool, error) {
	if ok, err := bp.HasTable(ctx, conflict.TableRuns); err != nil || !ok {
		return false, err
	}
	var n int
	err := bp.Read(ctx, func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, `SELECT count(*) FROM `+conflict.TableRuns).Scan(&n)
	})
	return n > 0, err
}

// mergeChanges makes one ChangeSet naming every feature of sets, per layer
// in first-touched order; a reload of a layer in any set marks it reloaded.
func mergeChanges(sets []layers.ChangeSet) layers.ChangeSet {
	var out layers.ChangeSet
	at := map[string]int{}
	for _, cs := range sets {
		for _, lc := range cs.Layers {
			i, ok := at[lc.Layer]
			if !ok {
				i = len(out.Layers)
				at[lc.Layer] = i
				out.Layers = append(out.Layers, layers.LayerChange{Layer: lc.Layer})
			}
			m := &out.Layers[i]
			m.Reloaded = m.Reloaded || lc.Reloaded
			m.Upserted = appendNew(m.Upserted, lc.Upserted)
			m.Deleted = appendNew(m.Deleted, lc.Deleted)
		}
	}
	return out
}

func appendNew(dst, src []string) []string {
	for _, s := range src {
		if !slices.Contains(dst, s) {
			dst = append(dst, s)
		}
	}
	return dst
}

// watchChanges makes the live re-check follow bp (the blueprint being
// shown); on the UI goroutine.
func (w *Workstation) watchChanges(bp *layers.Blueprint) {
	if w.live == nil {
		w.live = newLiveRecheck(fyne.Do, w.rechecked)
	}
	w.live.watch(bp)
}

// rechecked hands the re-checked patches to the panels and says what
// changed in the status bar.
func (w *Workstation) rechecked(bp *layers.Blueprint, ps []conflict.Patch, st *conflict.RecheckStats, err error) {
	if bp != w.bp {
		return
	}
	if err != nil {
		w.setMessage(fmt.Sprintf(i18n.T("recheck.failed"), err))
		return
	}
	added, cleared := 0, 0
	for _, p := range w.panels {
		if s, ok := p.(PatchShower); ok {
			a, c := s.ShowPatches(bp, ps)
			added, cleared = added+a, cleared+c
		}
	}
	w.setMessage(fmt.Sprintf(i18n.T("recheck.done"), st.Features, added, cleared, st.Duration.Milliseconds()))
}
