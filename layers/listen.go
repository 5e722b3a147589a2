package layers

import (
	"slices"
	"sync"
)

// ChangeSet is what one committed write changed. One value is handed to
// every listener: read it from any goroutine, never modify it.
type ChangeSet struct {
	Remote string        // the remote the change came from (ApplyRemote); "" for a local edit or load
	Layers []LayerChange // one per layer touched, in the order first touched
}

// LayerChange is what one write changed in one layer.
type LayerChange struct {
	Layer    string   // the layer's table
	Upserted []string // uids inserted or updated, in write order, each once
	Deleted  []string // uids deleted
	Reloaded bool     // a bulk load: the whole layer was reloaded, Upserted is empty
}

// OnChange registers fn to hear every committed change of features (Apply,
// Bulk, ApplyRemote) from now on, until the returned function is called or
// the blueprint closes. Listeners run on one goroutine of the Blueprint, in
// commit order, after the in-memory index is up to date and never under the
// writer lock: a listener may read and write the blueprint, and a slow one
// delays later notifications but no writer. A listener must not call Close.
// Writes through Write (Lantu's own tables) are not features and are not
// announced.
func (b *Blueprint) OnChange(fn func(ChangeSet)) (remove func()) {
	return b.changes.add(fn)
}

// changeFeed queues ChangeSets and delivers them on its own goroutine,
// started with the first listener. The zero value is ready to use.
type changeFeed struct {
	mu        sync.Mutex
	listeners map[int]func(ChangeSet)
	next      int
	queue     []ChangeSet
	wake      chan struct{} // buffered 1: the queue has work
	quit      chan struct{} // closed by close
	stopped   chan struct{} // closed when the goroutine returns
	closed    bool
}

func (f *changeFeed) add(fn func(ChangeSet)) func() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return func() {}
	}
	if f.listeners == nil {
		f.listeners = map[int]func(ChangeSet){}
		f.wake, f.quit, f.stopped = make(chan struct{}, 1), make(chan struct{}), make(chan struct{})
		go f.run()
	}
	id := f.next
	f.next++
	f.listeners[id] = fn
	return func() {
		f.mu.Lock()
		delete(f.listeners, id)
		f.mu.Unlock()
	}
}

// publish queues cs for the listeners; called under the writer lock, so the
// queue is in commit order. It never blocks on a listener.
func (f *changeFeed) publish(cs ChangeSet) {
	if len(cs.Layers) == 0 {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.listeners) == 0 || f.closed {
		return
	}
	f.queue = append(f.queue, cs)
	select {
	case f.wake <- struct{}{}:
	default:
	}
}

func (f *changeFeed) run() {
	defer close(f.stopped)
	for {
		select {
		case <-f.quit:
			return
		case <-f.wake:
		}
		for {
			cs, fns, ok := f.take()
			if !ok {
				break
			}
			for _, fn := range fns {
				fn(cs)
			}
		}
	}
}

// take pops the oldest queued ChangeSet with the listeners to tell.
func (f *changeFeed) take() (ChangeSet, []func(ChangeSet), bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.queue) == 0 || f.closed {
		return ChangeSet{}, nil, false
	}
	cs := f.queue[0]
	f.queue = f.queue[1:]
	ids := make([]int, 0, len(f.listeners))
	for id := range f.listeners {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	fns := make([]func(ChangeSet), len(ids))
	for i, id := range ids {
		fns[i] = f.listeners[id]
	}
	return cs, fns, true
}

// close stops delivery: queued ChangeSets not yet delivered are dropped,
// and a listener already running is waited for.
func (f *changeFeed) close() {
	f.mu.Lock()
	running := f.listeners != nil && !f.closed
	f.closed = true
	f.queue = nil
	f.mu.Unlock()
	if running {
		close(f.quit)
		<-f.stopped
	}
}

// changes collects a ChangeSet while a write commits. Used by one goroutine.
type changes struct {
	order []*Layer
	by    map[*Layer]*LayerChange
	seen  map[*Layer]map[string]bool
}

// add records uid as upserted or deleted in l; a uid upserted and later
// deleted in one write counts as deleted only.
func (c *changes) add(l *Layer, uid string, deleted bool) {
	lc := c.layer(l)
	if deleted {
		lc.Deleted = append(lc.Deleted, uid)
		if c.seen[l][uid] {
			lc.Upserted = slices.DeleteFunc(lc.Upserted, func(u string) bool { return u == uid })
			delete(c.seen[l], uid)
		}
		return
	}
	if !c.seen[l][uid] {
		c.seen[l][uid] = true
		lc.Upserted = append(lc.Upserted, uid)
	}
}

// reloaded records a bulk load of l.
func (c *changes) reloaded(l *Layer) { c.layer(l).Reloaded = true }

func (c *changes) layer(l *Layer) *LayerChange {
	if c.by == nil {
		c.by, c.seen = map[*Layer]*LayerChange{}, map[*Layer]map[string]bool{}
	}
	lc := c.by[l]
	if lc == nil {
		lc = &LayerChange{Layer: l.Table}
		c.by[l], c.seen[l] = lc, map[string]bool{}
		c.order = append(c.order, l)
	}
	return lc
}

// set is the ChangeSet collected, from remote ("" for local).
func (c *changes) set(remote string) ChangeSet {
	cs := ChangeSet{Remote: remote, Layers: make([]LayerChange, 0, len(c.order))}
	for _, l := range c.order {
		cs.Layers = append(cs.Layers, *c.by[l])
	}
	return cs
}
