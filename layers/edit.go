package layers

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/paulmach/orb"

	"lantu/layers/gpkg"
)

// Op is the kind of an edit.
type Op string

// The three edit operations.
const (
	OpInsert Op = "insert"
	OpUpdate Op = "update"
	OpDelete Op = "delete"
)

// Edit is one change to one feature.
type Edit struct {
	Op    Op
	Layer string       // catalog code or table
	UID   string       // the feature; on insert, empty means a new UUID
	Geom  orb.Geometry // insert: required; update: nil leaves it unchanged
	Attrs map[string]any
}

// timeFormat is how Lantu writes timestamps: UTC with milliseconds, as
// GeoPackage's DATETIME columns expect.
const timeFormat = "2006-01-02T15:04:05.000Z"

// Apply writes the edits in one transaction: each feature with its uid,
// version, updated_at and updated_by, and a lantu_journal row holding the
// operation, base version and before/after values. The in-memory index is
// updated after the commit, and OnChange listeners hear of the change. It
// returns the features as written (nil for a delete). It waits for the
// indexes of the layers it edits only, so one edit on a blueprint opened
// Lazy (with those layers as Priority) does not wait for the whole file. A local edit keeps
// the feature's exchange version; sync moves it (ApplyRemote).
func (b *Blueprint) Apply(ctx context.Context, edits ...Edit) ([]*Feature, error) {
	if err := b.writable(); err != nil {
		return nil, err
	}
	if err := b.WaitLayers(ctx, editedLayers(edits)); err != nil {
		return nil, err
	}
	b.writeMu.Lock()
	defer b.writeMu.Unlock()
	tx, err := b.beginWrite(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	now := time.Now().UTC().Format(timeFormat)
	out := make([]*Feature, len(edits))
	fids := make([]int64, len(edits))
	bt := newBatch(tx)
	defer bt.close()
	if err := bt.suspendTriggers(ctx, b.editCounts(edits)); err != nil {
		return nil, fmt.Errorf("layers: %s: %w", b.path, err)
	}
	for i, e := range edits {
		l, err := b.editableLayer(e.Layer)
		if err != nil {
			return nil, err
		}
		if err := bt.ensureRTree(ctx, b, l); err != nil {
			return nil, err
		}
		if out[i], fids[i], err = b.applyOne(ctx, bt, l, e, now); err != nil {
			return nil, fmt.Errorf("layers: %s: %s %s %q: %w", b.path, e.Op, l.Table, e.UID, err)
		}
	}
	if err := bt.finish(ctx, now); err != nil {
		return nil, fmt.Errorf("layers: %s: %w", b.path, err)
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("layers: %s: commit: %w", b.path, err)
	}
	bt.committed()
	var cs changes
	for i, e := range edits {
		l := b.byKey[e.Layer]
		b.reindex(l, fids[i], out[i])
		cs.add(l, featureUID(out[i], e.UID), out[i] == nil)
	}
	b.recomputeExtent()
	b.changes.publish(cs.set(""))
	return out, nil
}

// editCounts is the number of edits per layer.
func (b *Blueprint) editCounts(edits []Edit) map[*Layer]int {
	count := map[*Layer]int{}
	for _, e := range edits {
		if l := b.byKey[e.Layer]; l != nil {
			count[l]++
		}
	}
	return count
}

// featureUID is f's uid, or uid for a deleted feature.
func featureUID(f *Feature, uid string) string {
	if f != nil {
		return f.UID
	}
	return uid
}

func (b *Blueprint) editableLayer(name string) (*Layer, error) {
	l, err := b.layer(name)
	if err != nil {
		return nil, err
	}
	if !l.Editable() {
		return nil, fmt.Errorf("%w: %q in %s", ErrNotEditable, l.Table, b.path)
	}
	return l, nil
}

// applyOne writes one edit and its journal row; it returns the feature as
// written (nil for a delete) and its fid.
func (b *Blueprint) applyOne(ctx context.Context, bt *batch, l *Layer, e Edit, now string) (*Feature, int64, error) {
	tx := bt.tx
	if e.Op != OpInsert && e.Op != OpUpdate && e.Op != OpDelete {
		return nil, 0, fmt.Errorf("%w: operation %q", ErrInvalidInput, e.Op)
	}
	if err := l.checkAttrs(e.Attrs); err != nil {
		return nil, 0, err
	}
	var before *Feature
	if e.Op != OpInsert {
		var err error
		if before, err = b.currentInTx(ctx, tx, l, e.UID); err != nil {
			return nil, 0, err
		}
	}
	var after *Feature
	var err error
	switch e.Op {
	case OpInsert:
		after, err = b.insertRow(ctx, bt, l, e, stamp{at: now, by: b.user})
	case OpUpdate:
		after, err = b.updateRow(ctx, tx, l, before, e, stamp{at: now, by: b.user, version: before.Version})
	case OpDelete:
		_, err = bt.exec(ctx, "DELETE FROM "+gpkg.QuoteIdent(l.Table)+" WHERE "+gpkg.QuoteIdent(l.PK)+" = ?", before.FID)
	}
	if err != nil {
		return nil, 0, err
	}
	if err := b.journal(ctx, bt, l, e.Op, before, after, now); err != nil {
		return nil, 0, err
	}
	switch {
	case e.Op == OpDelete:
		err = bt.index(ctx, l, before.FID, nil)
	case e.Op == OpInsert || e.Geom != nil:
		err = bt.index(ctx, l, after.FID, after.Geom)
	}
	if err != nil {
		return nil, 0, err
	}
	bt.touch(l, after)
	return after, before.fidOr(after), nil
}

// fidOr is f's fid, or other's when f is nil.
func (f *Feature) fidOr(other *Feature) int64 {
	if f != nil {
		return f.FID
	}
	return other.FID
}

// checkAttrs refuses attributes the table does not have, and system columns.
func (l *Layer) checkAttrs(attrs map[string]any) error {
	for k := range attrs {
		switch {
		case k == "uid" || k == "version" || k == "updated_at" || k == "updated_by" || k == l.PK || k == l.GeomColumn:
			return fmt.Errorf("%w: field %q is maintained by the blueprint", ErrInvalidInput, k)
		case !l.hasColumn(k):
			return fmt.Errorf("%w: layer %q has no field %q", ErrInvalidInput, l.Table, k)
		}
	}
	return nil
}

func (b *Blueprint) currentInTx(ctx context.Context, tx *sql.Tx, l *Layer, uid string) (*Feature, error) {
	if uid == "" {
		return nil, fmt.Errorf("%w: a uid is required", ErrInvalidInput)
	}
	rows, err := tx.QueryContext(ctx, l.selectSQL(false)+" WHERE uid = ?", uid)
	if err != nil {
		return nil, err
	}
	return scanCurrent(rows, l, uid)
}

// currentInBatch is currentInTx with the batch's prepared statement.
func (b *Blueprint) currentInBatch(ctx context.Context, bt *batch, l *Layer, uid string) (*Feature, error) {
	if uid == "" {
		return nil, fmt.Errorf("%w: a uid is required", ErrInvalidInput)
	}
	rows, err := bt.query(ctx, l.selectSQL(false)+" WHERE uid = ?", uid)
	if err != nil {
		return nil, err
	}
	return scanCurrent(rows, l, uid)
}

// scanCurrent reads the one feature a uid query found; ErrNoFeature when
// none.
func scanCurrent(rows *sql.Rows, l *Layer, uid string) (*Feature, error) {
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return nil, err
		}
		return nil, fmt.Errorf("%w: uid %s", ErrNoFeature, uid)
	}
	return l.scanRow(rows, false)
}

// stamp is what a write records in a feature's system columns.
type stamp struct {
	at, by  string // updated_at, updated_by
	version int64  // the exchange version
}

func (b *Blueprint) insertRow(ctx context.Context, bt *batch, l *Layer, e Edit, st stamp) (*Feature, error) {
	if e.Geom == nil {
		return nil, fmt.Errorf("%w: an insert needs a geometry", ErrInvalidInput)
	}
	g, err := l.conform(e.Geom)
	if err != nil {
		return nil, err
	}
	e.Geom = g
	blob, err := gpkg.EncodeGeometry(e.Geom, int32(l.SRID))
	if err != nil {
		return nil, err
	}
	uid := e.UID
	if uid == "" {
		uid = newUID()
	}
	cols := []string{l.GeomColumn, "uid", "version", "updated_at", "updated_by"}
	args := []any{blob, uid, st.version, st.at, st.by}
	keys := slices.Sorted(maps.Keys(e.Attrs)) // a stable column list reuses the statement
	for _, k := range keys {
		cols = append(cols, k)
		args = append(args, sqlValue(e.Attrs[k]))
	}
	q := "INSERT INTO " + gpkg.QuoteIdent(l.Table) + " (" + quoteAll(cols) + ") VALUES (?" + strings.Repeat(",?", len(cols)-1) + ")"
	res, err := bt.exec(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	fid, err := res.LastInsertId()
	if err != nil {
		return nil, err
	}
	attrs := map[string]any{}
	for _, c := range l.attrColumns() {
		if !isSystem(c.Name) {
			attrs[c.Name] = nil
		}
	}
	for k, v := range e.Attrs {
		attrs[k] = sqlValue(v)
	}
	attrs["updated_at"], attrs["updated_by"] = st.at, st.by
	return &Feature{Layer: l, FID: fid, UID: uid, Version: st.version, Geom: e.Geom, Attrs: attrs}, nil
}

func (b *Blueprint) updateRow(ctx context.Context, tx *sql.Tx, l *Layer, cur *Feature, e Edit, st stamp) (*Feature, error) {
	after := &Feature{Layer: l, FID: cur.FID, UID: cur.UID, Version: st.version, Geom: cur.Geom, Attrs: map[string]any{}}
	for k, v := range cur.Attrs {
		after.Attrs[k] = v
	}
	sets := []string{"updated_at = ?", "updated_by = ?", "version = ?"}
	args := []any{st.at, st.by, st.version}
	if e.Geom != nil {
		g, err := l.conform(e.Geom)
		if err != nil {
			return nil, err
		}
		e.Geom = g
		blob, err := gpkg.EncodeGeometry(e.Geom, int32(l.SRID))
		if err != nil {
			return nil, err
		}
		sets = append(sets, gpkg.QuoteIdent(l.GeomColumn)+" = ?")
		args = append(args, blob)
		after.Geom = e.Geom
	}
	for k, v := range e.Attrs {
		sets = append(sets, gpkg.QuoteIdent(k)+" = ?")
		args = append(args, sqlValue(v))
		after.Attrs[k] = sqlValue(v)
	}
	after.Attrs["updated_at"], after.Attrs["updated_by"] = st.at, st.by
	args = append(args, cur.FID)
	_, err := tx.ExecContext(ctx, "UPDATE "+gpkg.QuoteIdent(l.Table)+" SET "+strings.Join(sets, ", ")+" WHERE "+gpkg.QuoteIdent(l.PK)+" = ?", args...)
	return after, err
}

func isSystem(name string) bool {
	return name == "uid" || name == "version"
}

func quoteAll(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = gpkg.QuoteIdent(n)
	}
	return strings.Join(q, ", ")
}

// sqlValue turns Go values into what database/sql stores.
func sqlValue(v any) any {
	switch v := v.(type) {
	case time.Time:
		return v.UTC().Format(timeFormat)
	case int:
		return int64(v)
	case int32:
		return int64(v)
	case float32:
		return float64(v)
	case []byte:
		return string(v)
	}
	return v
}

func (b *Blueprint) journal(ctx context.Context, bt *batch, l *Layer, op Op, before, after *Feature, now string) error {
	ref := after
	if ref == nil {
		ref = before
	}
	var base int64
	if before != nil {
		base = before.Version
	}
	return bt.addJournal(ctx, []any{now, b.user, string(op), l.Table, ref.UID, ref.FID, base, featureJSON(before), featureJSON(after)})
}

// featureJSON is a GeoJSON Feature with the uid as id, or NULL.
func featureJSON(f *Feature) any {
	if f == nil {
		return nil
	}
	return string(appendFeatureJSON(make([]byte, 0, 256), f))
}

// reindex brings the layer's flat geometry and index up to date after a
// committed edit.
// f is nil for a delete.
func (b *Blueprint) reindex(l *Layer, fid int64, f *Feature) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.flat == nil {
		l.flat = newFlat(l.originHint(), l.labelColumn() != "")
	}
	if f == nil {
		l.flat.remove(fid)
	} else {
		l.flat.appendGeometry(fid, f.Geom, attrText(f.Attrs[l.classColumn()]), attrText(f.Attrs[l.labelColumn()]))
	}
	l.count, l.extent = l.flat.tree.n, l.flat.bounds()
}

func attrText(v any) string {
	if v == nil {
		return ""
	}
	return fmt.Sprint(v)
}

// newUID returns a new feature uid: a time-ordered UUID (version 7), so a
// batch of new features appends to the uid index instead of scattering
// across it. It falls back to a random UUID if the clock source fails.
func newUID() string {
	if u, err := uuid.NewV7(); err == nil {
		return u.String()
	}
	return uuid.NewString()
}

// editedLayers is the layers (codes or tables) the edits touch.
func editedLayers(edits []Edit) []string {
	names := make([]string, 0, len(edits))
	for _, e := range edits {
		names = append(names, e.Layer)
	}
	return names
}
