package layers

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/paulmach/orb"

	"lantu/layers/catalog"
	"lantu/layers/gpkg"
)

// Layer is one vector layer of a blueprint. Its metadata fields are set at
// open and never change; its geometry and index are guarded by an internal
// lock, so a Layer is safe for concurrent use.
type Layer struct {
	Table      string
	Code       string // catalog code; the table name for imported layers
	Def        *catalog.Layer
	GeomType   string // GeoPackage geometry type name, e.g. MULTIPOLYGON
	GeomColumn string
	PK         string
	SRID       int
	Imported   bool // not in the catalog: default style, "Imported" group
	View       bool // a view: read-only
	Columns    []gpkg.Column
	HasRTree   bool

	ready  chan struct{} // closed when the index is built
	mu     sync.RWMutex
	flat   *flat
	extent orb.Bound
	count  int
	lantu  bool // has the uid/version/updated_at/updated_by columns
}

func newLayer(info gpkg.LayerInfo) *Layer {
	l := &Layer{
		Table: info.Table, GeomType: info.GeomType, GeomColumn: info.GeomColumn,
		PK: info.PK, SRID: info.SRSID, View: info.IsView, Columns: info.Columns,
		HasRTree: info.RTree, extent: info.Extent, ready: make(chan struct{}),
	}
	if l.PK == "" {
		l.PK = "rowid"
	}
	l.lantu = l.hasColumn("uid") && l.hasColumn("version")
	return l
}

func (l *Layer) hasColumn(name string) bool {
	for _, c := range l.Columns {
		if c.Name == name {
			return true
		}
	}
	return false
}

// Count is the number of features with geometry in the layer's index.
func (l *Layer) Count() int {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.count
}

// pending tells whether the layer's index is still being built (its
// extent is then the one gpkg_contents declares).
func (l *Layer) pending() bool {
	select {
	case <-l.ready:
		return false
	default:
		return true
	}
}

// Extent is the bounding box of the layer's features.
func (l *Layer) Extent() orb.Bound {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.extent
}

// Editable reports whether the Edit API may change the layer.
func (l *Layer) Editable() bool { return !l.View && l.lantu }

// classColumn and labelColumn are the catalog's style fields when the table
// has them.
func (l *Layer) classColumn() string {
	if l.Def != nil && l.hasColumn(l.Def.ClassField) {
		return l.Def.ClassField
	}
	return ""
}

func (l *Layer) labelColumn() string {
	if l.Def != nil && l.hasColumn(l.Def.LabelField) {
		return l.Def.LabelField
	}
	return ""
}

// buildIndexes scans every layer in parallel into its flat geometry and
// R-tree, the priority layers first, then closes b.loaded.
func (b *Blueprint) buildIndexes(ctx context.Context, opt OpenOptions) {
	defer close(b.loaded)
	work := make(chan *Layer)
	var errOnce sync.Once
	var done atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < max(1, runtime.NumCPU()); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for l := range work {
				err := l.load(ctx, b.db.R)
				if err != nil {
					err = fmt.Errorf("layers: %s: table %q: %w", b.path, l.Table, err)
					errOnce.Do(func() { b.loadErr = err })
				}
				close(l.ready)
				if opt.LayerReady != nil {
					opt.LayerReady(l, err)
				}
				if opt.Progress != nil {
					opt.Progress(int(done.Add(1)), len(b.layers))
				}
			}
		}()
	}
	for _, l := range b.loadOrder(opt.Priority) {
		work <- l
	}
	close(work)
	wg.Wait()
	b.recomputeExtent()
}

// loadOrder is the priority layers, then the others in catalog order.
func (b *Blueprint) loadOrder(priority []string) []*Layer {
	first := map[*Layer]bool{}
	var out []*Layer
	for _, n := range priority {
		if l := b.byKey[n]; l != nil && !first[l] {
			first[l] = true
			out = append(out, l)
		}
	}
	for _, l := range b.layers {
		if !first[l] {
			out = append(out, l)
		}
	}
	return out
}

// load scans the layer's table into a new flat.
func (l *Layer) load(ctx context.Context, db *sql.DB) error {
	q := fmt.Sprintf("SELECT %s, %s, %s, %s FROM %s", gpkg.QuoteIdent(l.PK), gpkg.QuoteIdent(l.GeomColumn),
		columnOrEmpty(l.classColumn()), columnOrEmpty(l.labelColumn()), gpkg.QuoteIdent(l.Table))
	rows, err := db.QueryContext(ctx, q)
	if err != nil {
		return err
	}
	defer rows.Close()
	f := newFlat(l.originHint(), l.labelColumn() != "")
	f.bulk = true
	var (
		fid          int64
		blob         sql.RawBytes
		class, label sql.NullString
	)
	for rows.Next() {
		if err := rows.Scan(&fid, &blob, &class, &label); err != nil {
			return err
		}
		if err := appendBlob(f, fid, blob, nullString(class), nullString(label)); err != nil {
			return fmt.Errorf("fid %d: %w", fid, err)
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	f.buildTree()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.flat = f
	l.count, l.extent = f.tree.n, f.bounds()
	return nil
}

func columnOrEmpty(c string) string {
	if c == "" {
		return "NULL"
	}
	return "CAST(" + gpkg.QuoteIdent(c) + " AS TEXT)"
}

// originHint picks the origin for float32 offsets: the centre of the
// declared extent, rounded to a kilometre; zero (the first point decides)
// when the GeoPackage declares none.
func (l *Layer) originHint() orb.Point {
	c := l.extent.Center()
	return orb.Point{math.Round(c[0]/1000) * 1000, math.Round(c[1]/1000) * 1000}
}

// appendBlob adds a GeoPackage geometry blob (or NULL) as a slot.
func appendBlob(f *flat, fid int64, blob []byte, class, label string) error {
	if len(blob) == 0 {
		return f.finishSlot(fid, len(f.xy)/2, class, label)
	}
	h, err := gpkg.ParseHeader(blob)
	if err != nil {
		return err
	}
	if h.Empty {
		return f.finishSlot(fid, len(f.xy)/2, class, label)
	}
	return f.appendWKB(fid, blob[h.WKBOffset:], class, label)
}

// bounds is the union of the live boxes in map coordinates.
func (f *flat) bounds() orb.Bound {
	b, ok := f.tree.bounds()
	if !ok {
		return orb.Bound{}
	}
	return orb.Bound{
		Min: orb.Point{f.origin[0] + float64(b[0]), f.origin[1] + float64(b[1])},
		Max: orb.Point{f.origin[0] + float64(b[2]), f.origin[1] + float64(b[3])},
	}
}
