package replica

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"lantu/layers"
	"lantu/sync/wire"
)

// maxRounds bounds the push rounds of one sync; a feature merged more
// often than that waits for the next sync.
const maxRounds = 20

type featKey struct{ layer, uid string }

// outItem is one change of the push under way: the journal entries
// first..last of one feature, sent as the after of last on base.
type outItem struct {
	key         string
	f           featKey
	first, last int64
	base        int64
}

// pending is the unsettled journal as a push sees it.
type pending struct {
	acked   int64
	entries []layers.JournalEntry
	byID    map[int64]*layers.JournalEntry
	done    map[int64]EntryResult
	byFeat  map[featKey][]int64 // unsettled entry ids per feature
	shadows map[[2]string][]shadow
}

// loadPending reads the unsettled journal; the shadows only withShadows
// (a push plans with them; ack and the pull's holds do not need them).
func (s *Syncer) loadPending(ctx context.Context, withShadows bool) (*pending, error) {
	p := &pending{byID: map[int64]*layers.JournalEntry{}, byFeat: map[featKey][]int64{}}
	var err error
	if p.acked, err = s.bp.JournalAcked(ctx, RemoteName); err != nil {
		return nil, err
	}
	if p.entries, err = s.bp.Journal(ctx, p.acked, 0); err != nil {
		return nil, err
	}
	for i := range p.entries {
		p.byID[p.entries[i].ID] = &p.entries[i]
	}
	if p.done, err = finished(ctx, s.bp, RemoteName, p.acked); err != nil {
		return nil, err
	}
	for _, e := range p.entries {
		if p.unfinished(&e) {
			f := featKey{e.Layer, e.UID}
			p.byFeat[f] = append(p.byFeat[f], e.ID)
		}
	}
	if !withShadows {
		return p, nil
	}
	p.shadows, err = shadows(ctx, s.bp, RemoteName, p.byFeat)
	return p, err
}

// shadowFor is the shadow that is the base of entry id of f (ok false:
// none).
func (p *pending) shadowFor(f featKey, id int64) (shadow, bool) {
	var out shadow
	ok := false
	for _, sh := range p.shadows[[2]string{f.layer, f.uid}] {
		if sh.validFrom <= id {
			out, ok = sh, true
		}
	}
	return out, ok
}

// addShadow adds sh to f's shadows, kept in validFrom order.
func (p *pending) addShadow(f featKey, sh shadow) {
	k := [2]string{f.layer, f.uid}
	l := slices.DeleteFunc(p.shadows[k], func(x shadow) bool { return x.validFrom == sh.validFrom })
	l = append(l, sh)
	slices.SortFunc(l, func(a, b shadow) int { return int(a.validFrom - b.validFrom) })
	p.shadows[k] = l
}

func (p *pending) unfinished(e *layers.JournalEntry) bool {
	_, ok := p.done[e.ID]
	return !ok
}

// push sends the unsettled journal until every entry is settled (or
// maxRounds), acknowledging the journal as far as it is settled.
func (s *Syncer) push(ctx context.Context, res *Result, progress Progress) error {
	colls, err := s.collections(ctx)
	if err != nil {
		return err
	}
	for range maxRounds {
		p, err := s.loadPending(ctx, true)
		if err != nil {
			return err
		}
		items, err := s.loadOutbox(ctx)
		if err != nil {
			return err
		}
		again := false
		if len(items) == 0 {
			if items, again, err = s.plan(ctx, p, colls, res); err != nil {
				return err
			}
		}
		if len(items) == 0 && !again {
			return s.ack(ctx)
		}
		if err := s.send(ctx, p, items, res, progress); err != nil {
			return err
		}
		if err := s.ack(ctx); err != nil {
			return err
		}
	}
	return nil
}

// plan picks the next change of every feature with unsettled entries and
// stores them as the outbox. again says that entries were settled
// locally (folded into conflicts) and another round may find more.
func (s *Syncer) plan(ctx context.Context, p *pending, colls map[string]bool, res *Result) ([]outItem, bool, error) {
	var order []featKey
	first := map[featKey][]*layers.JournalEntry{}
	var newShadows []struct {
		f  featKey
		sh shadow
	}
	for i := range p.entries {
		e := &p.entries[i]
		f := featKey{e.Layer, e.UID}
		if _, seen := first[f]; !seen {
			order = append(order, f)
			first[f] = nil
		}
		if !p.unfinished(e) {
			continue
		}
		if len(first[f]) == 0 {
			// The first unsettled entry of f: without a shadow, or with one
			// older than the version it was made on (a pull came between),
			// its before is the server's state at its base.
			if sh, ok := p.shadowFor(f, e.ID); !ok || sh.version < e.BaseVersion {
				st, err := decodeState(e.Before)
				if err != nil {
					return nil, false, fmt.Errorf("replica: %s: journal %d (%s %s): before: %w", s.bp.Path(), e.ID, e.Layer, e.UID, err)
				}
				sh := shadow{validFrom: e.ID, version: e.BaseVersion, state: st}
				p.addShadow(f, sh)
				newShadows = append(newShadows, struct {
					f  featKey
					sh shadow
				}{f, sh})
			}
		}
		first[f] = append(first[f], e)
	}
	open, err := openConflicts(ctx, s.bp)
	if err != nil {
		return nil, false, err
	}
	var items []outItem
	var local []EntryResult
	var folds []featKey
	for _, f := range order {
		es := first[f]
		switch {
		case len(es) == 0:
		case hasConflict(open, f):
			folds = append(folds, f)
		case !colls[f.layer]:
			for _, e := range es {
				local = append(local, EntryResult{JournalID: e.ID, Layer: f.layer, UID: f.uid, Status: ResultRejected,
					Reason: "layer " + f.layer + " is not a collection of the exchange"})
			}
		default:
			items = append(items, p.chain(f, es, s.remote.ReplicaID))
		}
	}
	err = s.bp.Write(ctx, func(tx *sql.Tx) error {
		st := newTxStmts(tx)
		defer st.close()
		for _, n := range newShadows {
			if err := saveShadow(ctx, st, RemoteName, n.f.layer, n.f.uid, n.sh); err != nil {
				return err
			}
		}
		if err := saveResults(ctx, tx, RemoteName, local); err != nil {
			return err
		}
		return saveOutbox(ctx, st, items)
	})
	if err != nil {
		return nil, false, fmt.Errorf("replica: %s: %w", s.bp.Path(), err)
	}
	res.note(local)
	for _, f := range folds {
		if err := s.foldIntoConflict(ctx, p, open[[2]string{f.layer, f.uid}], first[f], res); err != nil {
			return nil, false, err
		}
	}
	return items, len(folds) > 0 || len(local) > 0, nil
}

func hasConflict(open map[[2]string]ConflictRecord, f featKey) bool {
	_, ok := open[[2]string{f.layer, f.uid}]
	return ok
}

// chain is the change that carries the unsettled entries es of f that
// share the first one's base.
func (p *pending) chain(f featKey, es []*layers.JournalEntry, replica string) outItem {
	sh, _ := p.shadowFor(f, es[0].ID)
	it := outItem{f: f, first: es[0].ID, last: es[0].ID, base: sh.version}
	for _, e := range es[1:] {
		if s2, _ := p.shadowFor(f, e.ID); s2.validFrom != sh.validFrom {
			break
		}
		it.last = e.ID
	}
	// The base is part of the key: an entry sent again on a newer base
	// (after a merge) is a new change, not a retry.
	it.key = replica + ":" + strconv.FormatInt(it.last, 10) + "@" + strconv.FormatInt(it.base, 10)
	return it
}

// ids are the unsettled entries of it's feature in first..last.
func (p *pending) ids(it outItem) []int64 {
	var out []int64
	for _, id := range p.byFeat[it.f] {
		if id >= it.first && id <= it.last {
			out = append(out, id)
		}
	}
	return out
}

func saveOutbox(ctx context.Context, tx execer, items []outItem) error {
	for _, it := range items {
		if _, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO lantu_sync_outbox (remote, key, layer, uid, first_id, last_id, base_version)
			VALUES (?,?,?,?,?,?,?)`, RemoteName, it.key, it.f.layer, it.f.uid, it.first, it.last, it.base); err != nil {
			return err
		}
	}
	return nil
}

func (s *Syncer) loadOutbox(ctx context.Context) ([]outItem, error) {
	var out []outItem
	err := s.bp.Read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT key, layer, uid, first_id, last_id, base_version FROM lantu_sync_outbox
			WHERE remote = ? ORDER BY last_id`, RemoteName)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var it outItem
			if err := rows.Scan(&it.key, &it.f.layer, &it.f.uid, &it.first, &it.last, &it.base); err != nil {
				return err
			}
			out = append(out, it)
		}
		return rows.Err()
	})
	return out, err
}

// send pushes the outbox in chunks and settles each result.
func (s *Syncer) send(ctx context.Context, p *pending, items []outItem, res *Result, progress Progress) error {
	for i := 0; i < len(items); i += s.opt.PageSize {
		chunk := items[i:min(i+s.opt.PageSize, len(items))]
		req, err := s.request(p, chunk)
		if err != nil {
			return err
		}
		resp, err := s.client.Push(ctx, req)
		if err != nil {
			return err
		}
		res.Pushed += len(chunk)
		if err := s.settleChunk(ctx, p, chunk, resp.Results, res); err != nil {
			return err
		}
		progress("push", i+len(chunk), len(items))
	}
	return nil
}

func (s *Syncer) request(p *pending, chunk []outItem) (*wire.PushRequest, error) {
	req := &wire.PushRequest{CRS: wire.CRSURI(s.bp.SRID()), Changes: make([]wire.PushChange, len(chunk))}
	for i, it := range chunk {
		e := p.byID[it.last]
		if e == nil {
			return nil, fmt.Errorf("replica: %s: journal entry %d of the push under way is gone", s.bp.Path(), it.last)
		}
		pc := wire.PushChange{Key: it.key, Collection: it.f.layer, UID: it.f.uid, BaseVersion: it.base, Op: wire.OpDelete}
		if string(e.After) != "null" && len(e.After) > 0 {
			var f wire.Feature
			if err := json.Unmarshal(e.After, &f); err != nil {
				return nil, fmt.Errorf("replica: %s: journal %d (%s %s): after: %w", s.bp.Path(), e.ID, e.Layer, e.UID, err)
			}
			f.UID = it.f.uid
			pc.Op, pc.Feature = wire.OpUpsert, &f
		}
		req.Changes[i] = pc
	}
	return req, nil
}

// settleChunk records the results of one push: applied and rejected ones
// with their outbox rows removed in one transaction, then the conflicts
// merged, then the local versions moved.
func (s *Syncer) settleChunk(ctx context.Context, p *pending, chunk []outItem, results []wire.PushResult, res *Result) error {
	var rs []EntryResult
	var bumps []layers.RemoteChange
	type applied struct {
		f  featKey
		sh shadow
	}
	var shs []applied
	var cases []settleCase
	for i, r := range results {
		it := chunk[i]
		ids := p.ids(it)
		switch r.Status {
		case wire.StatusApplied:
			st, _ := decodeState(p.byID[it.last].After)
			shs = append(shs, applied{it.f, shadow{validFrom: it.last + 1, version: r.Version, state: st}})
			rs = append(rs, entryResults(it, ids, ResultApplied, r.Version, "")...)
			if st != nil {
				bumps = append(bumps, layers.RemoteChange{Layer: it.f.layer, UID: it.f.uid, Version: r.Version, User: s.bp.User()})
			}
		case wire.StatusConflict:
			c, err := s.pushConflict(p, it, ids, r)
			if err != nil {
				return err
			}
			cases = append(cases, c)
		default:
			reason := r.Reason
			if r.Status != wire.StatusRejected {
				reason = fmt.Sprintf("unknown status %q from the server: %s", r.Status, r.Reason)
			}
			rs = append(rs, entryResults(it, ids, ResultRejected, 0, reason)...)
		}
	}
	err := s.bp.Write(ctx, func(tx *sql.Tx) error {
		st := newTxStmts(tx)
		defer st.close()
		for _, a := range shs {
			if err := saveShadow(ctx, st, RemoteName, a.f.layer, a.f.uid, a.sh); err != nil {
				return err
			}
		}
		if err := saveResults(ctx, tx, RemoteName, rs); err != nil {
			return err
		}
		for _, it := range chunk {
			if _, err := st.ExecContext(ctx, `DELETE FROM lantu_sync_outbox WHERE remote = ? AND key = ?`, RemoteName, it.key); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("replica: %s: recording push results: %w", s.bp.Path(), err)
	}
	res.note(rs)
	for _, c := range cases {
		if err := s.settle(ctx, c, res); err != nil {
			return err
		}
	}
	return s.bump(ctx, bumps)
}

func entryResults(it outItem, ids []int64, status string, version int64, reason string) []EntryResult {
	out := make([]EntryResult, len(ids))
	for i, id := range ids {
		out[i] = EntryResult{JournalID: id, Layer: it.f.layer, UID: it.f.uid, Key: it.key, Status: status, Version: version, Reason: reason}
	}
	return out
}

// pushConflict is the merge a push conflict asks for.
func (s *Syncer) pushConflict(p *pending, it outItem, ids []int64, r wire.PushResult) (settleCase, error) {
	sh, _ := p.shadowFor(it.f, it.first)
	mine, err := decodeState(p.byID[it.last].After)
	if err != nil {
		return settleCase{}, err
	}
	return settleCase{f: it.f, ids: ids, mine: mine, mineID: it.last, base: sh.state, baseVersion: sh.version,
		theirs: stateOf(r.Current), theirsVersion: r.Version, key: it.key}, nil
}

// bump sets the local exchange version of features whose push was applied
// (no field is written, so a local edit made meanwhile stays).
func (s *Syncer) bump(ctx context.Context, bumps []layers.RemoteChange) error {
	byLayer := map[string][]layers.RemoteChange{}
	for _, b := range bumps {
		byLayer[b.Layer] = append(byLayer[b.Layer], b)
	}
	for layer, bs := range byLayer {
		live, err := s.liveUIDs(ctx, layer, bs)
		if err != nil {
			return err
		}
		// One deleted here meanwhile is left out: that delete is pushed next.
		byLayer[layer] = slices.DeleteFunc(bs, func(c layers.RemoteChange) bool { return !live[c.UID] })
	}
	for _, layer := range slices.Sorted(mapsKeys(byLayer)) {
		cur, err := s.bp.Cursor(ctx, RemoteName, layer)
		if err != nil {
			return err
		}
		if _, err := s.bp.ApplyRemote(ctx, layers.RemoteBatch{Remote: RemoteName, Collection: layer, Cursor: cur, Changes: byLayer[layer]}); err != nil {
			for _, c := range byLayer[layer] { // one deleted meanwhile fails the batch: the others one by one
				s.bp.ApplyRemote(ctx, layers.RemoteBatch{Remote: RemoteName, Collection: layer, Cursor: cur, Changes: []layers.RemoteChange{c}})
			}
		}
	}
	return nil
}

func mapsKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// ack moves the journal acknowledgement past every settled entry; an
// entry in an open conflict holds it.
func (s *Syncer) ack(ctx context.Context) error {
	p, err := s.loadPending(ctx, false)
	if err != nil {
		return err
	}
	mark := p.acked
	for _, e := range p.entries {
		r, ok := p.done[e.ID]
		if !ok || r.Status == ResultConflict {
			break
		}
		mark = e.ID
	}
	if mark > p.acked {
		return s.bp.AckJournal(ctx, RemoteName, mark)
	}
	return nil
}

// note counts settled entries into the result.
func (r *Result) note(rs []EntryResult) { r.noteOnce(rs) }

// collections is the set of the server's collections the blueprint has as
// editable layers.
func (s *Syncer) collections(ctx context.Context) (map[string]bool, error) {
	infos, err := s.client.CollectionInfos(ctx)
	if err != nil {
		return nil, err
	}
	out := map[string]bool{}
	s.counts = map[string]int64{}
	for _, in := range infos {
		if l := s.bp.Layer(in.ID); l != nil && l.Editable() && l.Table == in.ID {
			out[in.ID] = true
			s.counts[in.ID] = in.Count
		}
	}
	return out, nil
}

// liveUIDs tells which of the changes' features are in the layer's table.
func (s *Syncer) liveUIDs(ctx context.Context, layer string, cs []layers.RemoteChange) (map[string]bool, error) {
	l := s.bp.Layer(layer)
	live := map[string]bool{}
	if l == nil {
		return live, nil
	}
	err := s.bp.Read(ctx, func(tx *sql.Tx) error {
		for i := 0; i < len(cs); i += 500 {
			part := cs[i:min(i+500, len(cs))]
			args := make([]any, len(part))
			for j, c := range part {
				args[j] = c.UID
			}
			rows, err := tx.QueryContext(ctx, `SELECT uid FROM "`+strings.ReplaceAll(l.Table, `"`, `""`)+`" WHERE uid IN (?`+strings.Repeat(",?", len(part)-1)+`)`, args...)
			if err != nil {
				return err
			}
			for rows.Next() {
				var u string
				if err := rows.Scan(&u); err != nil {
					rows.Close()
					return err
				}
				live[u] = true
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
		}
		return nil
	})
	return live, err
}
