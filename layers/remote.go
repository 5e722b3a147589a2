package layers

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/paulmach/orb"

	"lantu/layers/gpkg"
)

// RemoteChange is one change of one feature from a remote's change feed:
// an upsert (the feature's state at Version) or a delete. It is a value;
// ApplyRemote only reads it.
type RemoteChange struct {
	Layer   string // catalog code or table
	UID     string // the feature
	Delete  bool
	Geom    orb.Geometry   // upsert: required for a feature new here; nil keeps the stored geometry
	Attrs   map[string]any // upsert: fields to set (others keep their values); no system columns
	Version int64          // the exchange version after the change; > 0
	User    string         // author, stored in updated_by
	Time    time.Time      // when the remote made it, stored in updated_at
}

// RemoteBatch is changes pulled from one collection of a remote, with the
// feed's cursor that follows them. It is a value; ApplyRemote only reads it.
type RemoteBatch struct {
	Remote     string // the exchange, as the sync client names it
	Collection string // the feed's collection
	Cursor     string // the remote's cursor after these changes
	Changes    []RemoteChange
}

// RemoteResult counts what ApplyRemote did with a batch's changes.
type RemoteResult struct {
	Applied int // written
	Stale   int // not newer than the stored version, or a delete of an absent feature: left as they were
}

// testHookRemote, when set, is called after each change of a remote batch
// is written, before the commit (a kill test stops the process there).
var testHookRemote func(i int)

// ApplyRemote writes a batch of remote changes and the batch's cursor in
// one transaction: after a crash either all of it is in the file or none,
// and the cursor names exactly the changes applied. Each change is written
// with its exchange version, author and time, and without a journal row (it
// is not a local edit). A change not newer than the stored feature's
// version is counted Stale and skipped, so a batch pulled again applies
// once. Local edits not yet pushed are the sync client's to reconcile
// before it calls ApplyRemote. The in-memory index is updated after the
// commit and OnChange listeners hear the change with Remote set. A bad
// change (unknown layer, no uid, version <= 0, a new feature without
// geometry, an unknown field) fails the whole batch, naming it.
func (b *Blueprint) ApplyRemote(ctx context.Context, batch RemoteBatch) (RemoteResult, error) {
	var res RemoteResult
	if err := b.remoteReady(ctx, batch.Remote, batch.Collection); err != nil {
		return res, err
	}
	tx, err := b.lockWrite(ctx)
	if err != nil {
		return res, err
	}
	defer b.writeMu.Unlock()
	defer tx.Rollback()
	bt := newBatch(tx)
	defer bt.close()
	written, err := b.writeRemote(ctx, bt, batch)
	if err != nil {
		return res, err
	}
	if err := setCursor(ctx, tx, batch.Remote, batch.Collection, batch.Cursor); err != nil {
		return res, fmt.Errorf("layers: %s: lantu_sync_state: %w", b.path, err)
	}
	if err := tx.Commit(); err != nil {
		return res, fmt.Errorf("layers: %s: commit: %w", b.path, err)
	}
	bt.committed()
	var cs changes
	for _, w := range written {
		b.reindex(w.l, w.fid, w.f)
		cs.add(w.l, w.uid, w.f == nil)
	}
	b.recomputeExtent()
	b.changes.publish(cs.set(batch.Remote))
	res.Applied, res.Stale = len(written), len(batch.Changes)-len(written)
	return res, nil
}

// remoteWrite is one change written: the feature as written, nil for a
// delete.
type remoteWrite struct {
	l   *Layer
	uid string
	fid int64
	f   *Feature
}

// writeRemote writes the batch's changes into bt, the sync state table
// ready for its cursor, and finishes bt.
func (b *Blueprint) writeRemote(ctx context.Context, bt *batch, batch RemoteBatch) ([]remoteWrite, error) {
	if err := ensureSyncState(ctx, bt.tx); err != nil {
		return nil, fmt.Errorf("layers: %s: lantu_sync_state: %w", b.path, err)
	}
	count := map[*Layer]int{}
	for i, c := range batch.Changes {
		l, err := b.editableLayer(c.Layer)
		if err != nil {
			return nil, fmt.Errorf("remote %s change %d: %w", batch.Remote, i, err)
		}
		count[l]++
	}
	if err := bt.suspendTriggers(ctx, count); err != nil {
		return nil, fmt.Errorf("layers: %s: %w", b.path, err)
	}
	var out []remoteWrite
	for i, c := range batch.Changes {
		l := b.byKey[c.Layer]
		if err := bt.ensureRTree(ctx, b, l); err != nil {
			return nil, err
		}
		w, err := b.remoteOne(ctx, bt, l, c)
		if err != nil {
			return nil, fmt.Errorf("layers: %s: remote %s change %d (%s %q version %d): %w",
				b.path, batch.Remote, i, l.Table, c.UID, c.Version, err)
		}
		if w != nil {
			out = append(out, *w)
		}
		if testHookRemote != nil {
			testHookRemote(i)
		}
	}
	if err := bt.finish(ctx, time.Now().UTC().Format(timeFormat)); err != nil {
		return nil, fmt.Errorf("layers: %s: %w", b.path, err)
	}
	return out, nil
}

// remoteOne writes one change; nil when it is stale.
func (b *Blueprint) remoteOne(ctx context.Context, bt *batch, l *Layer, c RemoteChange) (*remoteWrite, error) {
	if c.UID == "" || c.Version <= 0 {
		return nil, fmt.Errorf("%w: a remote change needs a uid and a version > 0", ErrInvalidInput)
	}
	if err := l.checkAttrs(c.Attrs); err != nil {
		return nil, err
	}
	cur, err := b.currentInBatch(ctx, bt, l, c.UID)
	if errors.Is(err, ErrNoFeature) {
		cur, err = nil, nil
	}
	switch {
	case err != nil:
		return nil, err
	case cur != nil && c.Version <= cur.Version, cur == nil && c.Delete:
		return nil, nil
	}
	st := stamp{at: c.Time.UTC().Format(timeFormat), by: c.User, version: c.Version}
	if c.Time.IsZero() {
		st.at = time.Now().UTC().Format(timeFormat)
	}
	e := Edit{Layer: l.Table, UID: c.UID, Geom: c.Geom, Attrs: c.Attrs}
	var f *Feature
	switch {
	case c.Delete:
		_, err = bt.exec(ctx, "DELETE FROM "+gpkg.QuoteIdent(l.Table)+" WHERE "+gpkg.QuoteIdent(l.PK)+" = ?", cur.FID)
	case cur == nil:
		f, err = b.insertRow(ctx, bt, l, e, st)
	default:
		f, err = b.updateRow(ctx, bt.tx, l, cur, e, st)
	}
	if err != nil {
		return nil, err
	}
	w := &remoteWrite{l: l, uid: c.UID, f: f}
	switch {
	case f == nil:
		w.fid = cur.FID
		err = bt.index(ctx, l, cur.FID, nil)
	case cur == nil || c.Geom != nil:
		w.fid = f.FID
		err = bt.index(ctx, l, f.FID, f.Geom)
	default:
		w.fid = f.FID
	}
	bt.touch(l, f)
	return w, err
}

// remoteReady checks that remote changes may be written: the blueprint is
// writable, the sync key is sound and the layers are loaded.
func (b *Blueprint) remoteReady(ctx context.Context, remote, collection string) error {
	if err := b.writable(); err != nil {
		return err
	}
	if err := checkSyncKey(remote, collection); err != nil {
		return err
	}
	return b.WaitLoaded(ctx)
}
