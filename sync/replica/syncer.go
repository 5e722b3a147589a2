package replica

import (
	"context"
	"fmt"
	"sync"
	"time"

	"lantu/layers"
	"lantu/layers/conflict"
)

// RemoteName is the name the replica gives its exchange in lantu_remotes
// and lantu_sync_state.
const RemoteName = "exchange"

// Options configure a Syncer. The zero value syncs every collection and
// re-checks no planning rules.
type Options struct {
	Rules *conflict.RuleSet // planning rules re-checked after each pull; nil: none
	// Client overrides the client made from the remote in the blueprint.
	Client *Client
	// PageSize is the change-feed page (and push batch) size; 0: 1000.
	PageSize int
	// SnapshotMin is the number of features from which a collection never
	// pulled before is read from its snapshot (one resumable, checksummed
	// download) instead of its change feed: 0 means 20000, < 0 never.
	SnapshotMin int64
}

// Progress hears a sync's steps: phase is push, pull or check, done and
// total count changes or collections. It is called on the syncing
// goroutine.
type Progress func(phase string, done, total int)

// Result is what one Sync did. It is a value.
type Result struct {
	Pushed    int              `json:"pushed"`    // journal entries sent
	Applied   int              `json:"applied"`   // ... applied on the server (identical ones included)
	Merged    int              `json:"merged"`    // ... merged with the server's newer feature
	Conflicts int              `json:"conflicts"` // ... now part of a conflict record
	Rejected  int              `json:"rejected"`  // ... refused by the server
	Pulled    int              `json:"pulled"`    // feed changes written into the blueprint
	Stale     int              `json:"stale"`     // feed changes already there
	Held      int              `json:"held"`      // feed changes not written: the feature has local edits or a conflict
	Entries   []EntryResult    `json:"entries"`   // per journal entry settled in this sync
	Open      []ConflictRecord `json:"open_conflicts"`
	Patches   []Patch          `json:"new_patches"`
	Checked   int              `json:"rechecked_features"`
	Duration  time.Duration    `json:"duration_ns"`
}

// Patch names a planning-rule patch the merged data produced.
type Patch struct {
	ID     int64  `json:"id"`
	Rule   string `json:"rule"`
	ALayer string `json:"a_layer"`
	AUID   string `json:"a_uid"`
	BLayer string `json:"b_layer"`
	BUID   string `json:"b_uid"`
}

// Status is what the replica knows without asking the server.
type Status struct {
	Online        bool   // the last sync reached the server
	Pending       int    // journal entries not settled yet
	OpenConflicts int    //
	LastSync      string // RFC 3339 time of the last complete sync, "" if none
	LastError     string // why the last sync failed, "" if it did not
	Syncing       bool
}

// Syncer syncs one blueprint with its remote. It is safe for concurrent
// use: Sync calls are serialised (a second waits for the first), Status
// and Conflicts may be called at any time, also while a Sync runs, and
// local edits (Blueprint.Apply) may go on during a sync: an edit made
// meanwhile is pushed by the next sync, and a pull never overwrites it.
type Syncer struct {
	bp     *layers.Blueprint
	opt    Options
	mu     sync.Mutex // held by Sync
	state  sync.Mutex // guards online, syncing
	online bool
	busy   bool
	remote Remote
	client *Client
	// touched collects the features a sync wrote from the server or from a
	// merge, for the planning rules (only the syncing goroutine uses it).
	touched map[string]*layers.LayerChange
	order   []string
	counts  map[string]int64 // live features per collection, as the server said
}

// NewSyncer makes a syncer of bp with the remote remembered in it (see
// Clone, SaveRemote).
func NewSyncer(ctx context.Context, bp *layers.Blueprint, opt Options) (*Syncer, error) {
	if err := ensureTables(ctx, bp); err != nil {
		return nil, err
	}
	r, err := LoadRemote(ctx, bp, RemoteName)
	if err != nil {
		return nil, err
	}
	if r.legacy && !bp.ReadOnly() { // move the token out of the blueprint
		if err := SaveRemote(ctx, bp, r); err != nil {
			return nil, err
		}
	}
	c := opt.Client
	if c == nil {
		if c, err = NewClient(r.URL, r.Token, nil); err != nil {
			return nil, err
		}
	}
	if opt.PageSize <= 0 {
		opt.PageSize = 1000
	}
	if opt.SnapshotMin == 0 {
		opt.SnapshotMin = 20000
	}
	return &Syncer{bp: bp, opt: opt, remote: r, client: c}, nil
}

// Sync pushes the unsettled journal, pulls every collection and re-checks
// the planning rules on what changed, then pushes again what the pull
// merged. On error the Result still counts what was done; nothing done is
// undone and the next Sync continues.
func (s *Syncer) Sync(ctx context.Context, progress Progress) (Result, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.setBusy(true)
	defer s.setBusy(false)
	start := time.Now()
	if progress == nil {
		progress = func(string, int, int) {}
	}
	var res Result
	err := s.run(ctx, &res, progress)
	res.Duration = time.Since(start)
	s.setOnline(err == nil || KindOf(err) != Transient)
	if open, cerr := Conflicts(ctx, s.bp, false); cerr == nil {
		res.Open = open
	}
	if merr := markSynced(context.WithoutCancel(ctx), s.bp, RemoteName, err); merr != nil && err == nil {
		err = merr
	}
	return res, err
}

func (s *Syncer) run(ctx context.Context, res *Result, progress Progress) error {
	if s.remote.Token == "" && s.opt.Client == nil {
		file, _ := TokenFile()
		return &Error{Op: "sync", Kind: Permission, Err: fmt.Errorf("%w: %s (replica %s) has none in %s: give --server URL --token T once (lantuctl sync)", ErrNoToken, s.bp.Path(), s.remote.ReplicaID, file)}
	}
	if err := s.push(ctx, res, progress); err != nil {
		return err
	}
	s.touched, s.order = map[string]*layers.LayerChange{}, nil
	if err := s.pull(ctx, res, progress); err != nil {
		return err
	}
	if err := s.recheck(ctx, s.changeSet(), res, progress); err != nil {
		return err
	}
	if err := s.push(ctx, res, progress); err != nil {
		return err
	}
	return s.cleanShadows(ctx)
}

func (s *Syncer) setBusy(b bool) {
	s.state.Lock()
	s.busy = b
	s.state.Unlock()
}

func (s *Syncer) setOnline(b bool) {
	s.state.Lock()
	s.online = b
	s.state.Unlock()
}

// Status reports pending changes, open conflicts and the last sync.
func (s *Syncer) Status(ctx context.Context) (Status, error) {
	s.state.Lock()
	st := Status{Online: s.online, Syncing: s.busy}
	s.state.Unlock()
	r, err := LoadRemote(ctx, s.bp, RemoteName)
	if err != nil {
		return st, err
	}
	st.LastSync, st.LastError = r.LastSync, r.LastError
	if st.Pending, err = PendingCount(ctx, s.bp); err != nil {
		return st, err
	}
	open, err := Conflicts(ctx, s.bp, false)
	st.OpenConflicts = len(open)
	return st, err
}

// PendingCount is the number of journal entries not yet settled with the
// remote.
func PendingCount(ctx context.Context, bp *layers.Blueprint) (int, error) {
	p, err := (&Syncer{bp: bp}).loadPending(ctx, false)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, ids := range p.byFeat {
		n += len(ids)
	}
	return n, nil
}

// touch notes a feature written by the sync.
func (s *Syncer) touch(layer, uid string, deleted bool) {
	if s.touched == nil {
		return
	}
	lc := s.touched[layer]
	if lc == nil {
		lc = &layers.LayerChange{Layer: layer}
		s.touched[layer] = lc
		s.order = append(s.order, layer)
	}
	if deleted {
		lc.Deleted = append(lc.Deleted, uid)
	} else {
		lc.Upserted = append(lc.Upserted, uid)
	}
}

func (s *Syncer) changeSet() layers.ChangeSet {
	cs := layers.ChangeSet{Remote: RemoteName}
	for _, l := range s.order {
		cs.Layers = append(cs.Layers, *s.touched[l])
	}
	return cs
}
