package replica

import (
	"context"
	"database/sql"
	"fmt"

	"lantu/layers"
)

// settleCase is a feature changed here (mine, the after of journal entry
// mineID) and on the server (theirs at theirsVersion) since base.
type settleCase struct {
	f             featKey
	ids           []int64 // the entries it settles
	mine          *State
	mineID        int64
	base          *State
	baseVersion   int64
	theirs        *State
	theirsVersion int64
	key           string
}

// settle merges a case and records the outcome: a conflict record; the
// server's feature when it already holds the merge; or the merge written
// here as a local edit on the server's version, pushed next.
func (s *Syncer) settle(ctx context.Context, c settleCase, res *Result) error {
	m := Merge(c.base, c.mine, c.theirs)
	if len(m.Conflicts) > 0 {
		return s.recordConflict(ctx, c, m.Conflicts, res)
	}
	switch {
	case Equal(m.Result, c.theirs):
		return s.settleTheirs(ctx, c, res)
	case Equal(m.Result, c.mine):
		// The server's changes are all in mine already: push mine again on
		// the server's version.
		rs := resultsFor(c, ResultMerged, c.theirsVersion, "merged with the server's version; sent again", c.mineID)
		return s.record(ctx, res, c, rs, shadow{validFrom: c.mineID, version: c.theirsVersion, state: c.theirs}, true)
	}
	id, err := s.applyMerge(ctx, c, m.Result)
	if err != nil {
		return err
	}
	rs := resultsFor(c, ResultMerged, c.theirsVersion, fmt.Sprintf("merged with the server's version %d into journal entry %d", c.theirsVersion, id), 0)
	return s.record(ctx, res, c, rs, shadow{validFrom: id, version: c.theirsVersion, state: c.theirs}, false)
}

func resultsFor(c settleCase, status string, version int64, reason string, except int64) []EntryResult {
	var out []EntryResult
	for _, id := range c.ids {
		if id != except {
			out = append(out, EntryResult{JournalID: id, Layer: c.f.layer, UID: c.f.uid, Key: c.key, Status: status, Version: version, Reason: reason})
		}
	}
	return out
}

// record writes the outcome of a settled case in one transaction; again
// makes mineID unsettled so that it is pushed once more.
func (s *Syncer) record(ctx context.Context, res *Result, c settleCase, rs []EntryResult, sh shadow, again bool) error {
	err := s.bp.Write(ctx, func(tx *sql.Tx) error {
		if err := closeConflict(ctx, tx, RemoteName, c.f.layer, c.f.uid, "merged"); err != nil {
			return err
		}
		if err := saveShadow(ctx, tx, RemoteName, c.f.layer, c.f.uid, sh); err != nil {
			return err
		}
		if again {
			if err := unfinish(ctx, tx, RemoteName, c.mineID); err != nil {
				return err
			}
		}
		return saveResults(ctx, tx, RemoteName, rs)
	})
	if err != nil {
		return fmt.Errorf("replica: %s: %s %s: %w", s.bp.Path(), c.f.layer, c.f.uid, err)
	}
	res.noteOnce(rs)
	return nil
}

func (s *Syncer) recordConflict(ctx context.Context, c settleCase, fields []string, res *Result) error {
	rec := ConflictRecord{Layer: c.f.layer, UID: c.f.uid, Fields: fields, Base: c.base, Mine: c.mine, Theirs: c.theirs,
		BaseVersion: c.baseVersion, TheirsVersion: c.theirsVersion, MineJournal: c.mineID}
	rs := resultsFor(c, ResultConflict, c.theirsVersion, fmt.Sprintf("conflict on %v with the server's version %d", fields, c.theirsVersion), 0)
	err := s.bp.Write(ctx, func(tx *sql.Tx) error {
		if err := saveConflict(ctx, tx, RemoteName, rec); err != nil {
			return err
		}
		return saveResults(ctx, tx, RemoteName, rs)
	})
	if err != nil {
		return fmt.Errorf("replica: %s: %s %s: conflict: %w", s.bp.Path(), c.f.layer, c.f.uid, err)
	}
	res.noteOnce(rs)
	return nil
}

// settleTheirs: the server's feature is the merge. The entries count as
// applied at its version, and the local feature becomes the server's when
// it is not already (only when no later local edit of it waits).
func (s *Syncer) settleTheirs(ctx context.Context, c settleCase, res *Result) error {
	rs := resultsFor(c, ResultApplied, c.theirsVersion, "the server already has this change", 0)
	if err := s.record(ctx, res, c, rs, shadow{validFrom: c.mineID + 1, version: c.theirsVersion, state: c.theirs}, false); err != nil {
		return err
	}
	later, err := s.laterEdits(ctx, c.f, c.mineID)
	if err != nil || later {
		return err
	}
	ch := layers.RemoteChange{Layer: c.f.layer, UID: c.f.uid, Version: c.theirsVersion, Delete: c.theirs == nil, User: s.bp.User()}
	if c.theirs != nil && !Equal(c.mine, c.theirs) {
		l := s.bp.Layer(c.f.layer)
		if ch.Attrs, err = attrs(l, c.theirs.Props); err != nil {
			return err
		}
		ch.Geom = c.theirs.Geom
	}
	if c.theirs != nil && c.mine == nil {
		return nil // deleted here, live there with nothing new: cannot happen without a conflict
	}
	if c.theirs == nil && c.mine == nil {
		return nil
	}
	return s.applyOne(ctx, ch)
}

// applyOne writes one remote change with the collection's cursor as it is.
func (s *Syncer) applyOne(ctx context.Context, ch layers.RemoteChange) error {
	cur, err := s.bp.Cursor(ctx, RemoteName, ch.Layer)
	if err != nil {
		return err
	}
	_, err = s.bp.ApplyRemote(ctx, layers.RemoteBatch{Remote: RemoteName, Collection: ch.Layer, Cursor: cur, Changes: []layers.RemoteChange{ch}})
	if err == nil && (ch.Delete || ch.Attrs != nil || ch.Geom != nil) {
		s.touch(ch.Layer, ch.UID, ch.Delete)
	}
	return err
}

// laterEdits tells whether the journal holds an edit of f after id.
func (s *Syncer) laterEdits(ctx context.Context, f featKey, id int64) (bool, error) {
	es, err := s.bp.Journal(ctx, id, 0)
	if err != nil {
		return false, err
	}
	for _, e := range es {
		if e.Layer == f.layer && e.UID == f.uid {
			return true, nil
		}
	}
	return false, nil
}

// applyMerge writes the merge here as a local edit of only the fields (and
// geometry) it changes against mine, so that an edit made meanwhile keeps
// its other fields; it returns the journal id of that edit.
func (s *Syncer) applyMerge(ctx context.Context, c settleCase, merged *State) (int64, error) {
	l := s.bp.Layer(c.f.layer)
	if l == nil || c.mine == nil || merged == nil {
		return 0, fmt.Errorf("%w: merge of %s %s has nothing to write", ErrBadInput, c.f.layer, c.f.uid)
	}
	e := layers.Edit{Op: layers.OpUpdate, Layer: l.Table, UID: c.f.uid}
	if !GeomEqual(merged.Geom, c.mine.Geom) {
		e.Geom = merged.Geom
	}
	diff := map[string]any{}
	for k, v := range merged.Props {
		if !ValueEqual(v, c.mine.Props[k]) {
			diff[k] = v
		}
	}
	var err error
	if e.Attrs, err = attrs(l, diff); err != nil {
		return 0, err
	}
	head, err := s.bp.JournalHead(ctx)
	if err != nil {
		return 0, err
	}
	if _, err := s.bp.Apply(ctx, e); err != nil {
		return 0, fmt.Errorf("replica: writing the merge of %s %s: %w", l.Table, c.f.uid, err)
	}
	s.touch(l.Table, c.f.uid, false)
	es, err := s.bp.Journal(ctx, head, 0)
	if err != nil {
		return 0, err
	}
	for _, j := range es {
		if j.Layer == l.Table && j.UID == c.f.uid {
			return j.ID, nil
		}
	}
	return 0, fmt.Errorf("replica: %s: the merge of %s %s left no journal entry", s.bp.Path(), l.Table, c.f.uid)
}

// noteOnce counts entries settled here (a later result for the same entry
// replaces the earlier one in Entries).
func (r *Result) noteOnce(rs []EntryResult) {
	seen := map[int64]int{}
	for i, e := range r.Entries {
		seen[e.JournalID] = i
	}
	for _, e := range rs {
		if i, ok := seen[e.JournalID]; ok {
			r.uncount(r.Entries[i].Status)
			r.Entries[i] = e
			r.count(e.Status)
			continue
		}
		r.count(e.Status)
		r.Entries = append(r.Entries, e)
	}
}

func (r *Result) count(status string) { r.add(status, 1) }

func (r *Result) uncount(status string) { r.add(status, -1) }

func (r *Result) add(status string, n int) {
	switch status {
	case ResultApplied:
		r.Applied += n
	case ResultMerged:
		r.Merged += n
	case ResultConflict:
		r.Conflicts += n
	case ResultRejected:
		r.Rejected += n
	}
}

// foldIntoConflict adds new local edits of a feature in an open conflict
// to it (mine becomes the newest), and settles the conflict when the new
// mine no longer conflicts.
func (s *Syncer) foldIntoConflict(ctx context.Context, p *pending, rec ConflictRecord, es []*layers.JournalEntry, res *Result) error {
	last := es[len(es)-1]
	mine, err := decodeState(last.After)
	if err != nil {
		return err
	}
	c := settleCase{f: featKey{rec.Layer, rec.UID}, mine: mine, mineID: last.ID, base: rec.Base, baseVersion: rec.BaseVersion,
		theirs: rec.Theirs, theirsVersion: rec.TheirsVersion}
	for _, e := range es {
		c.ids = append(c.ids, e.ID)
	}
	old, err := s.conflictEntries(ctx, rec)
	if err != nil {
		return err
	}
	c.ids = append(old, c.ids...)
	return s.settle(ctx, c, res)
}

// conflictEntries are the journal entries recorded as part of rec.
func (s *Syncer) conflictEntries(ctx context.Context, rec ConflictRecord) ([]int64, error) {
	var ids []int64
	err := s.bp.Read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT journal_id FROM lantu_sync_results WHERE remote = ? AND layer = ? AND uid = ?
			AND status = 'conflict' ORDER BY journal_id`, RemoteName, rec.Layer, rec.UID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				return err
			}
			ids = append(ids, id)
		}
		return rows.Err()
	})
	return ids, err
}
