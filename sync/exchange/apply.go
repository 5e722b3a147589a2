package exchange

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/paulmach/orb"

	"lantu/sync/wire"
)

// anyBase is the base version of a write with If-Match: *.
const anyBase = -1

// change is one write to apply, its geometry in the collection's storage
// CRS. A change with a rejection set is only recorded (for its key).
type change struct {
	key    string // idempotency key; "" for a Part 4 write
	coll   Collection
	op     wire.Op
	uid    string
	base   int64 // the version the writer changed, or anyBase
	create bool  // POST: the uid must not be live
	geom   orb.Geometry
	props  map[string]any
	action string // audit action: create, replace, update, delete, push
	rej    *rejection
}

// outcome is what became of a change.
type outcome struct {
	result wire.PushResult
	rej    *rejection // for rejected changes: the HTTP status of a Part 4 write
	rec    *Record    // the written record, when applied
	cur    *Record    // the server's record on conflict
	stored bool       // the result was stored for its key before
}

// applyBatch applies changes in order in one transaction: stored results
// are returned for keys seen before, other changes are checked against the
// current versions and written, each applied one audited, and every keyed
// result stored. out is the CRS of features sent back on conflict.
func (s *Server) applyBatch(ctx context.Context, p Principal, chs []change, out int) ([]outcome, error) {
	var res []outcome
	err := s.store.Update(ctx, func(tx Tx) error {
		res = make([]outcome, len(chs))
		a := &applier{s: s, tx: tx, p: p, out: out, now: time.Now().UTC(), state: map[[2]string]*Record{}}
		return a.run(ctx, chs, res)
	})
	return res, err
}

// applier is the state of one applyBatch. Not safe for concurrent use.
type applier struct {
	s     *Server
	tx    Tx
	p     Principal
	out   int
	now   time.Time
	state map[[2]string]*Record // collection, uid -> current record (nil: never there)
}

func (a *applier) run(ctx context.Context, chs []change, res []outcome) error {
	stored, err := a.storedResults(ctx, chs)
	if err != nil {
		return err
	}
	if err := a.load(ctx, chs, stored); err != nil {
		return err
	}
	for i := range chs {
		ch := &chs[i]
		if sr, ok := stored[ch.key]; ok && ch.key != "" {
			res[i] = a.replay(ch, sr)
			continue
		}
		if res[i], err = a.apply(ctx, ch); err != nil {
			return err
		}
		if ch.key != "" {
			b, _ := json.Marshal(res[i].result)
			if err := a.tx.SavePushResult(ctx, ch.key, StoredResult{Who: a.p.Name, Result: b}); err != nil {
				return err
			}
		}
	}
	return nil
}

func (a *applier) storedResults(ctx context.Context, chs []change) (map[string]StoredResult, error) {
	var keys []string
	for _, ch := range chs {
		if ch.key != "" {
			keys = append(keys, ch.key)
		}
	}
	if len(keys) == 0 {
		return nil, nil
	}
	return a.tx.PushResults(ctx, keys)
}

// replay answers a key seen before with its stored result.
func (a *applier) replay(ch *change, sr StoredResult) outcome {
	if sr.Who != a.p.Name {
		return outcome{result: wire.PushResult{Key: ch.key, UID: ch.uid, Status: wire.StatusRejected,
			Reason: "idempotency key " + ch.key + " was used by another client"}}
	}
	var r wire.PushResult
	if err := json.Unmarshal(sr.Result, &r); err != nil {
		r = wire.PushResult{Key: ch.key, UID: ch.uid, Status: wire.StatusRejected, Reason: "stored result unreadable: " + err.Error()}
	}
	return outcome{result: r, stored: true}
}

// load reads the current records of every change still to decide.
func (a *applier) load(ctx context.Context, chs []change, stored map[string]StoredResult) error {
	byColl := map[string][]string{}
	for _, ch := range chs {
		if _, ok := stored[ch.key]; (ok && ch.key != "") || ch.rej != nil {
			continue
		}
		k := [2]string{ch.coll.ID, ch.uid}
		if _, seen := a.state[k]; !seen {
			a.state[k] = nil
			byColl[ch.coll.ID] = append(byColl[ch.coll.ID], ch.uid)
		}
	}
	for coll, uids := range byColl {
		recs, err := a.tx.Load(ctx, coll, uids)
		if err != nil {
			return err
		}
		for uid, r := range recs {
			a.state[[2]string{coll, uid}] = &r
		}
	}
	return nil
}

func (a *applier) rejected(ch *change, rej *rejection) outcome {
	return outcome{rej: rej, result: wire.PushResult{Key: ch.key, UID: ch.uid, Status: wire.StatusRejected, Reason: rej.reason}}
}

// apply decides one change against the current record and writes it.
func (a *applier) apply(ctx context.Context, ch *change) (outcome, error) {
	if ch.rej != nil {
		return a.rejected(ch, ch.rej), nil
	}
	cur := a.state[[2]string{ch.coll.ID, ch.uid}]
	live := cur != nil && !cur.Deleted
	var curVersion int64
	if cur != nil {
		curVersion = cur.Version
	}
	if o, done := a.precondition(ch, cur, live, curVersion); done {
		return o, nil
	}
	if live && a.p.Role == RoleDistrict {
		if rej := a.s.districtRejection(ctx, a.p, ch.coll, ch.uid, cur.Geom, "current"); rej != nil {
			return a.rejected(ch, rej), nil
		}
	}
	rec := &Record{Collection: ch.coll.ID, UID: ch.uid, Version: curVersion + 1, UpdatedAt: a.now, UpdatedBy: a.p.Name}
	if ch.op == wire.OpDelete {
		rec.Deleted, rec.Bound = true, cur.Bound
	} else {
		rec.Geom, rec.Props = ch.geom, ch.props
		rec.Bound, _ = boundOf(ch.geom)
	}
	if err := a.tx.Put(ctx, rec, live); err != nil {
		return outcome{}, err
	}
	a.state[[2]string{ch.coll.ID, ch.uid}] = rec
	err := a.tx.Audit(ctx, AuditEntry{Time: a.now, Who: a.p.Name, Role: roleName(a.p), Action: ch.action,
		Collection: ch.coll.ID, UID: ch.uid, BeforeVersion: curVersion, AfterVersion: rec.Version, Detail: ch.key})
	return outcome{rec: rec, result: wire.PushResult{Key: ch.key, UID: ch.uid, Status: wire.StatusApplied, Version: rec.Version}}, err
}

// precondition checks existence and the base version; done means the
// outcome is decided without a write.
func (a *applier) precondition(ch *change, cur *Record, live bool, curVersion int64) (outcome, bool) {
	switch {
	case ch.create && live:
		return a.rejected(ch, reject(http.StatusConflict, wire.ProblemInvalid, "feature %s already exists in %s (version %d)", ch.uid, ch.coll.ID, curVersion)), true
	case ch.create:
		return outcome{}, false
	case ch.key == "" && !live: // Part 4 replace, update or delete of a missing feature
		return a.rejected(ch, reject(http.StatusNotFound, wire.ProblemFeature, "no feature %s in %s", ch.uid, ch.coll.ID)), true
	case ch.base != anyBase && ch.base != curVersion:
		return a.conflict(ch, cur, live), true
	case ch.op == wire.OpDelete && cur == nil:
		return a.rejected(ch, reject(http.StatusNotFound, wire.ProblemFeature, "no feature %s in %s to delete", ch.uid, ch.coll.ID)), true
	case ch.op == wire.OpDelete && !live: // already deleted at the base version: nothing to do
		return outcome{result: wire.PushResult{Key: ch.key, UID: ch.uid, Status: wire.StatusApplied, Version: curVersion}}, true
	}
	return outcome{}, false
}

func (a *applier) conflict(ch *change, cur *Record, live bool) outcome {
	o := outcome{cur: cur, result: wire.PushResult{Key: ch.key, UID: ch.uid, Status: wire.StatusConflict,
		Reason: "base version is not the current version"}}
	if cur != nil {
		o.result.Version = cur.Version
	}
	if live {
		f, err := a.s.wireFeature(*cur, ch.coll.SRID, a.out, true)
		if err == nil {
			o.result.Current = f
		}
	} else {
		o.result.Deleted = cur != nil
	}
	return o
}

func roleName(p Principal) string {
	if p.Role == RoleDistrict {
		return "district:" + p.District
	}
	return p.Role
}
