package layers

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"lantu/layers/gpkg"
)

// ErrNotEmpty is wrapped by FillRemote's error when the layer already has
// rows: such a layer takes remote changes through ApplyRemote.
var ErrNotEmpty = errors.New("layers: layer is not empty")

// RemoteFill names what FillRemote loads: the remote's collection, the
// layer it goes into, and the feed cursor the loaded changes are
// consistent with. It is a value.
type RemoteFill struct {
	Remote     string // the exchange, as the sync client names it
	Collection string // the feed's collection
	Layer      string // catalog code or table; every change must name it
	Cursor     string // the remote's cursor after all the changes
}

// fillChunk is how many rows go into one multi-row INSERT of a fill.
const fillChunk = 32

// FillRemote writes the first copy of a remote collection into its empty
// layer as one bulk load: next is called until it returns io.EOF, each
// call giving some of the changes: upserts of new features, each uid
// once (deletes, of features not here, are counted Stale). Everything, the rows,
// the layer's R-tree (filled after the rows, its triggers suspended), the
// extent in gpkg_contents and the cursor, is written in one transaction
// through the blueprint's writer: after a crash the layer is as empty as
// before and the cursor unset, so the load is done again from the start.
// No journal rows are written (the changes are not local edits). The
// in-memory index is built during the load and installed after the
// commit; OnChange listeners hear the layer as Reloaded with Remote set.
//
// A layer that has rows is refused with ErrNotEmpty before anything is
// written; an error from next, or a bad change (no uid, version <= 0, no
// geometry, an unknown field, another layer), rolls everything back and
// is returned naming the change; so is a uid given twice. The blueprint takes no other write until
// FillRemote returns.
func (b *Blueprint) FillRemote(ctx context.Context, fill RemoteFill, next func() ([]RemoteChange, error)) (RemoteResult, error) {
	var res RemoteResult
	if err := b.remoteReady(ctx, fill.Remote, fill.Collection); err != nil {
		return res, err
	}
	l, err := b.editableLayer(fill.Layer)
	if err != nil {
		return res, err
	}
	tx, err := b.lockWrite(ctx)
	if err != nil {
		return res, err
	}
	defer b.writeMu.Unlock()
	defer tx.Rollback()
	fl, err := b.startFill(ctx, tx, l, fill.Remote)
	if err != nil {
		return res, err
	}
	defer fl.close()
	if err := fl.run(ctx, next); err != nil {
		return res, err
	}
	if err := fl.finish(ctx, fill); err != nil {
		return res, fmt.Errorf("layers: %s: fill %q: %w", b.path, l.Table, err)
	}
	if err := tx.Commit(); err != nil {
		return res, fmt.Errorf("layers: %s: commit: %w", b.path, err)
	}
	fl.installed()
	res.Applied, res.Stale = fl.rows, fl.stale
	return res, nil
}

// filler is the state of one FillRemote: the rows queued for the next
// multi-row INSERT, the boxes for the R-tree, and the in-memory index
// being built. Used by one goroutine.
type filler struct {
	b       *Blueprint
	l       *Layer
	tx      *sql.Tx
	remote  string
	cols    []string // attribute columns after fid, geom and the system ones
	stmt    *sql.Stmt
	args    []any // of the queued rows
	queued  int
	boxes   []fillBox
	seen    map[string]bool
	flat    *flat
	extent  orb.Bound
	fid     int64
	rows    int
	stale   int
	resume  func() error
	indexed bool // the fill created the layer's R-tree
}

type fillBox struct {
	fid int64
	b   orb.Bound
}

// startFill checks that l is empty, gives it an R-tree if it has none and
// suspends the R-tree's triggers.
func (b *Blueprint) startFill(ctx context.Context, tx *sql.Tx, l *Layer, remote string) (*filler, error) {
	var has int
	err := tx.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM "+gpkg.QuoteIdent(l.Table)+")").Scan(&has)
	if err != nil {
		return nil, fmt.Errorf("layers: %s: fill %q: %w", b.path, l.Table, err)
	}
	if has != 0 {
		return nil, fmt.Errorf("%w: %s: table %q has rows: remote changes go through ApplyRemote", ErrNotEmpty, b.path, l.Table)
	}
	if err := ensureSyncState(ctx, tx); err != nil {
		return nil, fmt.Errorf("layers: %s: lantu_sync_state: %w", b.path, err)
	}
	fl := &filler{b: b, l: l, tx: tx, remote: remote, seen: map[string]bool{}, flat: newFlat(l.originHint(), l.labelColumn() != "")}
	fl.flat.bulk = true
	if !l.HasRTree {
		if err := b.db.CreateSpatialIndex(ctx, tx, l.Table, l.GeomColumn); err != nil {
			return nil, fmt.Errorf("layers: %s: index %q: %w", b.path, l.Table, err)
		}
		fl.indexed = true
	}
	if fl.resume, err = gpkg.SuspendRTreeTriggers(ctx, tx, l.Table, l.GeomColumn); err != nil {
		return nil, fmt.Errorf("layers: %s: %w", b.path, err)
	}
	for _, c := range l.attrColumns() {
		if !isSystem(c.Name) {
			fl.cols = append(fl.cols, c.Name)
		}
	}
	return fl, nil
}

// run writes the changes next gives until io.EOF.
func (fl *filler) run(ctx context.Context, next func() ([]RemoteChange, error)) error {
	for i := 0; ; {
		cs, err := next()
		if errors.Is(err, io.EOF) {
			return fl.flush(ctx)
		}
		if err != nil {
			return err
		}
		for _, c := range cs {
			if err := fl.add(ctx, c); err != nil {
				return fmt.Errorf("layers: %s: fill %q: change %d (%q version %d): %w", fl.b.path, fl.l.Table, i, c.UID, c.Version, err)
			}
			i++
		}
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("layers: %s: fill %q: %w", fl.b.path, fl.l.Table, err)
		}
	}
}

// add queues one change's row, writing a chunk when it is full.
func (fl *filler) add(ctx context.Context, c RemoteChange) error {
	l := fl.l
	if c.UID == "" || c.Version <= 0 {
		return fmt.Errorf("%w: a remote change needs a uid and a version > 0", ErrInvalidInput)
	}
	if c.Layer != l.Table && fl.b.byKey[c.Layer] != l {
		return fmt.Errorf("%w: a change of layer %q in a fill of %q", ErrInvalidInput, c.Layer, l.Table)
	}
	switch {
	case fl.seen[c.UID]:
		return fmt.Errorf("%w: uid %q comes twice in one fill", ErrInvalidInput, c.UID)
	case c.Delete:
		fl.stale++ // of a feature not here
		return nil
	}
	if err := l.checkAttrs(c.Attrs); err != nil {
		return err
	}
	if c.Geom == nil {
		return fmt.Errorf("%w: an insert needs a geometry", ErrInvalidInput)
	}
	g, err := l.conform(c.Geom)
	if err != nil {
		return err
	}
	blob, err := gpkg.EncodeGeometry(g, int32(l.SRID))
	if err != nil {
		return err
	}
	at := c.Time.UTC().Format(timeFormat)
	if c.Time.IsZero() {
		at = time.Now().UTC().Format(timeFormat)
	}
	fl.fid++
	fl.seen[c.UID] = true
	fl.args = append(fl.args, fl.fid, blob, c.UID, c.Version, at, c.User)
	for _, k := range fl.cols {
		fl.args = append(fl.args, sqlValue(c.Attrs[k]))
	}
	fl.index(g, c.Attrs)
	if fl.queued++; fl.queued == fillChunk {
		return fl.flush(ctx)
	}
	return nil
}

// index records the new row's box for the R-tree and the extent, and adds
// it to the in-memory index.
func (fl *filler) index(g orb.Geometry, attrs map[string]any) {
	l := fl.l
	fl.flat.appendGeometry(fl.fid, g, attrText(attrs[l.classColumn()]), attrText(attrs[l.labelColumn()]))
	if gpkg.IsEmpty(g) {
		return
	}
	bd := g.Bound()
	fl.boxes = append(fl.boxes, fillBox{fl.fid, bd})
	if len(fl.boxes) == 1 {
		fl.extent = bd
	} else {
		fl.extent = fl.extent.Union(bd)
	}
}

// flush writes the queued rows: through the prepared statement of
// fillChunk rows when the chunk is full, else in one statement made for
// the rest.
func (fl *filler) flush(ctx context.Context) error {
	if fl.queued == 0 {
		return nil
	}
	var err error
	if fl.queued == fillChunk {
		if fl.stmt == nil {
			if fl.stmt, err = fl.tx.PrepareContext(ctx, fl.insertSQL(fillChunk)); err != nil {
				return err
			}
		}
		_, err = fl.stmt.ExecContext(ctx, fl.args...)
	} else {
		_, err = fl.tx.ExecContext(ctx, fl.insertSQL(fl.queued), fl.args...)
	}
	fl.rows += fl.queued
	fl.args, fl.queued = fl.args[:0], 0
	return err
}

func (fl *filler) insertSQL(n int) string {
	l := fl.l
	cols := append([]string{l.PK, l.GeomColumn, "uid", "version", "updated_at", "updated_by"}, fl.cols...)
	row := "(?" + strings.Repeat(",?", len(cols)-1) + ")"
	return "INSERT INTO " + gpkg.QuoteIdent(l.Table) + " (" + quoteAll(cols) + ") VALUES " + row + strings.Repeat(","+row, n-1)
}

// finish fills the R-tree, restores its triggers, and writes the extent,
// the change time and the cursor.
func (fl *filler) finish(ctx context.Context, fill RemoteFill) error {
	rt := gpkg.QuoteIdent(gpkg.RTreeName(fl.l.Table, fl.l.GeomColumn))
	var st *sql.Stmt
	defer func() {
		if st != nil {
			st.Close()
		}
	}()
	for i := 0; i < len(fl.boxes); i += rtreeChunk {
		chunk := fl.boxes[i:min(len(fl.boxes), i+rtreeChunk)]
		args := make([]any, 0, 5*len(chunk))
		for _, x := range chunk {
			args = append(args, x.fid, x.b.Min[0], x.b.Max[0], x.b.Min[1], x.b.Max[1])
		}
		q := "INSERT INTO " + rt + " VALUES (?,?,?,?,?)" + strings.Repeat(",(?,?,?,?,?)", len(chunk)-1)
		var err error
		switch {
		case len(chunk) < rtreeChunk:
			_, err = fl.tx.ExecContext(ctx, q, args...)
		case st == nil:
			if st, err = fl.tx.PrepareContext(ctx, q); err == nil {
				_, err = st.ExecContext(ctx, args...)
			}
		default:
			_, err = st.ExecContext(ctx, args...)
		}
		if err != nil {
			return fmt.Errorf("R-tree: %w", err)
		}
	}
	if err := fl.resume(); err != nil {
		return err
	}
	if err := fl.touchContents(ctx); err != nil {
		return fmt.Errorf("gpkg_contents: %w", err)
	}
	if err := setCursor(ctx, fl.tx, fill.Remote, fill.Collection, fill.Cursor); err != nil {
		return fmt.Errorf("lantu_sync_state: %w", err)
	}
	return nil
}

// touchContents writes the layer's change time, and its extent when rows
// with a geometry were loaded.
func (fl *filler) touchContents(ctx context.Context) error {
	now := time.Now().UTC().Format(timeFormat)
	if len(fl.boxes) == 0 {
		_, err := fl.tx.ExecContext(ctx, `UPDATE gpkg_contents SET last_change = ? WHERE table_name = ?`, now, fl.l.Table)
		return err
	}
	e := fl.extent
	_, err := fl.tx.ExecContext(ctx, `UPDATE gpkg_contents SET last_change = ?, min_x = ?, min_y = ?, max_x = ?, max_y = ? WHERE table_name = ?`,
		now, e.Min[0], e.Min[1], e.Max[0], e.Max[1], fl.l.Table)
	return err
}

// installed makes the committed rows the layer's in-memory index and
// tells the listeners.
func (fl *filler) installed() {
	fl.flat.buildTree()
	fl.l.install(fl.flat)
	if fl.indexed {
		fl.l.HasRTree = true
	}
	fl.b.recomputeExtent()
	var cs changes
	cs.reloaded(fl.l)
	fl.b.changes.publish(cs.set(fl.remote))
}

func (fl *filler) close() {
	if fl.stmt != nil {
		fl.stmt.Close()
	}
}
