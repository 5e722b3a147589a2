package replica

import (
	"context"
	"database/sql"
	"fmt"

	"lantu/layers"
)

// Take says which side a resolution keeps for the conflicting fields.
type Take string

// The two sides.
const (
	TakeMine   Take = "mine"
	TakeTheirs Take = "theirs"
)

// Resolve settles the open conflict of a feature: the feature becomes the
// server's version, then (unless theirs is taken whole) a local edit on it
// writes the resolution: the merge of both sides with the conflicting
// fields from the side taken. That edit is journaled on the server's
// version and pushed by the next sync. It fails with ErrNoConflict when
// the feature has no open conflict.
func Resolve(ctx context.Context, bp *layers.Blueprint, layer, uid string, take Take) (*State, error) {
	if take != TakeMine && take != TakeTheirs {
		return nil, fmt.Errorf("%w: take %q, want mine or theirs", ErrBadInput, take)
	}
	l := bp.Layer(layer)
	if l == nil {
		return nil, fmt.Errorf("%w: %s has no layer %q", ErrBadInput, bp.Path(), layer)
	}
	open, err := openConflicts(ctx, bp)
	if err != nil {
		return nil, err
	}
	rec, ok := open[[2]string{l.Table, uid}]
	if !ok {
		return nil, fmt.Errorf("%w: %s %s in %s", ErrNoConflict, l.Table, uid, bp.Path())
	}
	result := resolution(rec, take)
	s := &Syncer{bp: bp}
	ch := layers.RemoteChange{Layer: l.Table, UID: uid, Version: rec.TheirsVersion, Delete: rec.Theirs == nil, User: bp.User()}
	if rec.Theirs != nil {
		if ch.Attrs, err = attrs(l, rec.Theirs.Props); err != nil {
			return nil, err
		}
		ch.Geom = rec.Theirs.Geom
	}
	if rec.TheirsVersion > 0 {
		if err := s.applyOne(ctx, ch); err != nil {
			return nil, fmt.Errorf("replica: resolving %s %s: %w", l.Table, uid, err)
		}
	}
	if !Equal(result, rec.Theirs) {
		if err := writeResolution(ctx, bp, l, uid, rec, result); err != nil {
			return nil, err
		}
	}
	ids, err := s.conflictEntries(ctx, rec)
	if err != nil {
		return nil, err
	}
	err = bp.Write(ctx, func(tx *sql.Tx) error {
		if err := closeConflict(ctx, tx, RemoteName, l.Table, uid, string(take)); err != nil {
			return err
		}
		c := settleCase{f: featKey{l.Table, uid}, ids: ids}
		return saveResults(ctx, tx, RemoteName, resultsFor(c, ResultMerged, rec.TheirsVersion, "conflict resolved: took "+string(take), 0))
	})
	return result, err
}

// resolution is the merged feature with the conflicting fields from the
// side taken.
func resolution(rec ConflictRecord, take Take) *State {
	m := Merge(rec.Base, rec.Mine, rec.Theirs)
	side := rec.Mine
	if take == TakeTheirs {
		side = rec.Theirs
	}
	if side == nil || m.Result == nil || containsDeleted(m.Conflicts) {
		return side
	}
	out := &State{Geom: m.Result.Geom, Props: map[string]any{}}
	for k, v := range m.Result.Props {
		out.Props[k] = v
	}
	for _, f := range m.Conflicts {
		if f == GeometryField {
			out.Geom = side.Geom
		} else {
			out.Props[f] = side.Props[f]
		}
	}
	return out
}

func containsDeleted(fields []string) bool {
	for _, f := range fields {
		if f == DeletedField {
			return true
		}
	}
	return false
}

// writeResolution writes result over the server's version as a local edit.
func writeResolution(ctx context.Context, bp *layers.Blueprint, l *layers.Layer, uid string, rec ConflictRecord, result *State) error {
	e := layers.Edit{Op: layers.OpUpdate, Layer: l.Table, UID: uid}
	switch {
	case result == nil:
		e.Op = layers.OpDelete
	case rec.Theirs == nil:
		e.Op, e.Geom = layers.OpInsert, result.Geom
	case !GeomEqual(result.Geom, rec.Theirs.Geom):
		e.Geom = result.Geom
	}
	if result != nil {
		var err error
		if e.Attrs, err = attrs(l, result.Props); err != nil {
			return err
		}
	}
	if _, err := bp.Apply(ctx, e); err != nil {
		return fmt.Errorf("replica: resolving %s %s: %w", l.Table, uid, err)
	}
	return nil
}
