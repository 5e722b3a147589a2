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

	cur      atomic.Pointer[catalog.Layer] // Def after a WriteStyle (styles.go)
	ready    chan struct{}                 // closed when the index is built
	mu       sync.RWMutex
	flat     *flat
	extent   orb.Bound
	count    int       // features in the spatial index (with a bounding box)
	lantu    bool      // has the uid/version/updated_at/updated_by columns
	problems []Problem // unreadable geometries found by the scan
	crsErr   error     // the extent lies outside the CRS's valid area
	areaWarn error     // the extent lies far from the CRS's area of use
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

// Count is the number of features in the layer, as GDAL counts them: rows
// whose geometry is NULL, empty or unreadable included. They have no
// bounding box, so Search and the renderer never meet them, but they are
// found by fid (Snapshot.Slot), listed by Query and editable.
func (l *Layer) Count() int {
	l.mu.RLock()
	defer l.mu.RUnlock()
	if l.flat == nil {
		return 0
	}
	return l.flat.live
}

// indexed is the number of features in the spatial index.
func (l *Layer) indexed() int {
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

// Indexed reports whether the layer's in-memory index is built, so that
// Layer.Read sees its features. It is false while Open builds it in the
// background and, on a blueprint opened Lazy, until the indexing starts and
// reaches the layer; Blueprint.ReadBox reads features without it.
func (l *Layer) Indexed() bool { return !l.pending() }

// Extent is the bounding box of the layer's features.
func (l *Layer) Extent() orb.Bound {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.extent
}

// Editable reports whether the Edit API may change the layer. Layers of a
// curve type are not: Lantu holds their arcs linearised, and writing them
// back would replace the arcs by chords.
func (l *Layer) Editable() bool { return !l.View && l.lantu && !curveType(l.GeomType) }

// curveType reports whether a GeoPackage geometry type name is one of the
// curve types (CIRCULARSTRING, COMPOUNDCURVE, CURVEPOLYGON, MULTICURVE,
// MULTISURFACE, CURVE, SURFACE).
func curveType(t string) bool {
	switch t {
	case "CIRCULARSTRING", "COMPOUNDCURVE", "CURVEPOLYGON", "MULTICURVE", "MULTISURFACE", "CURVE", "SURFACE":
		return true
	}
	return false
}

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
// R-tree, the priority layers first, then closes b.loaded. Big tables are
// scanned in fid ranges by several workers and their parts merged.
func (b *Blueprint) buildIndexes(ctx context.Context, opt OpenOptions) {
	defer close(b.loaded)
	workers := max(1, runtime.NumCPU())
	work := make(chan scanPart)
	var errOnce sync.Once
	var done atomic.Int64
	finish := func(l *Layer, err error) {
		switch {
		case err != nil && ctx.Err() != nil:
			err = fmt.Errorf("layers: %s: table %q: %w", b.path, l.Table, err)
			errOnce.Do(func() { b.loadErr = err })
		case err != nil:
			// The table could not be read to the end: the layer stays,
			// empty, and the problem is listed; the other layers load.
			err = fmt.Errorf("layers: %s: table %q: %w", b.path, l.Table, err)
			b.addProblem(Problem{Kind: LayerSkipped, Table: l.Table, Err: err})
		default:
			l.checkCRS()
		}
		close(l.ready)
		if opt.LayerReady != nil {
			opt.LayerReady(l, err)
		}
		if opt.Progress != nil {
			opt.Progress(int(done.Add(1)), len(b.layers))
		}
	}
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for p := range work {
				if l, complete, err := p.run(ctx, b.db.R); complete {
					finish(l, err)
				}
			}
		}()
	}
	// In the background, the layers shown first are split across the
	// workers so they are ready soonest; the rest then load one at a time,
	// leaving the other cores to the user.
	first, rest := b.loadOrder(opt.Priority)
	for _, l := range first {
		n := 1
		if opt.Background {
			n = workers
		}
		for _, p := range l.parts(ctx, b.db.R, n) {
			work <- p
		}
	}
	if opt.Background {
		close(work)
		wg.Wait()
		work = make(chan scanPart)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for p := range work {
				if l, complete, err := p.run(ctx, b.db.R); complete {
					finish(l, err)
				}
			}
		}()
	}
	for _, l := range rest {
		work <- l.parts(ctx, b.db.R, 1)[0]
	}
	close(work)
	wg.Wait()
	b.recomputeExtent()
}

// loadOrder splits the layers into the priority ones and the others in
// catalog order.
func (b *Blueprint) loadOrder(priority []string) (first, rest []*Layer) {
	seen := map[*Layer]bool{}
	for _, n := range priority {
		if l := b.byKey[n]; l != nil && !seen[l] {
			seen[l] = true
			first = append(first, l)
		}
	}
	for _, l := range b.layers {
		if !seen[l] {
			rest = append(rest, l)
		}
	}
	return first, rest
}

// splitRows is the fid span above which a layer is scanned in parts (a
// variable so tests can split small tables).
var splitRows int64 = 50000

// scanPart is one fid range of a layer's table to scan.
type scanPart struct {
	l      *Layer
	i      int
	lo, hi int64 // fid range; all rows when the layer has one part
	job    *partJob
}

// partJob gathers the parts of one layer.
type partJob struct {
	mu    sync.Mutex
	flats []*flat
	left  int
	err   error
}

// parts splits the layer's scan into fid ranges when its table is big, has
// an integer primary key and a declared extent (the parts must share the
// float32 origin).
func (l *Layer) parts(ctx context.Context, db *sql.DB, workers int) []scanPart {
	whole := []scanPart{{l: l, job: &partJob{flats: make([]*flat, 1), left: 1}}}
	if workers < 2 || l.View || l.PK == "rowid" || l.originHint() == (orb.Point{}) {
		return whole
	}
	var lo, hi sql.NullInt64
	pk := gpkg.QuoteIdent(l.PK)
	if err := db.QueryRowContext(ctx, "SELECT min("+pk+"), max("+pk+") FROM "+gpkg.QuoteIdent(l.Table)).Scan(&lo, &hi); err != nil ||
		!lo.Valid || hi.Int64-lo.Int64 < splitRows {
		return whole
	}
	job := &partJob{flats: make([]*flat, workers), left: workers}
	out := make([]scanPart, workers)
	span := (hi.Int64 - lo.Int64 + 1 + int64(workers) - 1) / int64(workers)
	for i := range out {
		out[i] = scanPart{l: l, i: i, lo: lo.Int64 + int64(i)*span, hi: lo.Int64 + int64(i+1)*span - 1, job: job}
	}
	out[0].lo, out[workers-1].hi = math.MinInt64, math.MaxInt64
	return out
}

// run scans the part; when it is the layer's last, it merges the parts,
// installs the index and reports complete.
func (p scanPart) run(ctx context.Context, db *sql.DB) (*Layer, bool, error) {
	var f *flat
	var err error
	if len(p.job.flats) == 1 {
		f, err = p.l.scan(ctx, db, "")
	} else {
		pk := gpkg.QuoteIdent(p.l.PK)
		f, err = p.l.scan(ctx, db, " WHERE "+pk+" BETWEEN ? AND ?", p.lo, p.hi)
	}
	j := p.job
	j.mu.Lock()
	j.flats[p.i] = f
	if err != nil && j.err == nil {
		j.err = err
	}
	j.left--
	last := j.left == 0
	j.mu.Unlock()
	if !last {
		return p.l, false, nil
	}
	if j.err != nil {
		return p.l, true, j.err
	}
	all := j.flats[0]
	for _, o := range j.flats[1:] {
		all.merge(o)
	}
	all.buildTree()
	p.l.install(all)
	return p.l, true, nil
}

// load scans the whole table into a new flat and installs it.
func (l *Layer) load(ctx context.Context, db *sql.DB) error {
	f, err := l.scan(ctx, db, "")
	if err != nil {
		return err
	}
	f.buildTree()
	l.install(f)
	return nil
}

// install makes f the layer's geometry and index.
func (l *Layer) install(f *flat) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.flat = f
	l.count, l.extent = f.tree.n, f.bounds()
	l.problems = f.takeProblems(l.Table)
}

// scan reads the layer's rows matching where into a new flat.
func (l *Layer) scan(ctx context.Context, db *sql.DB, where string, args ...any) (*flat, error) {
	q := fmt.Sprintf("SELECT %s, %s, %s, %s FROM %s%s", gpkg.QuoteIdent(l.PK), gpkg.QuoteIdent(l.GeomColumn),
		columnOrEmpty(l.classColumn()), columnOrEmpty(l.labelColumn()), gpkg.QuoteIdent(l.Table), where)
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
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
			return nil, err
		}
		if err := appendBlob(f, fid, blob, nullString(class), nullString(label)); err != nil {
			// Keep the feature without geometry and go on.
			f.bad = append(f.bad, Problem{Kind: BadGeometry, FID: fid, Err: err})
			f.finishSlot(fid, len(f.xy)/2, nullString(class), nullString(label))
		}
	}
	return f, rows.Err()
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

// appendBlob adds a GeoPackage geometry blob (or NULL) as a slot. On error
// it adds nothing.
func appendBlob(f *flat, fid int64, blob []byte, class, label string) error {
	if len(blob) == 0 {
		return f.finishSlot(fid, len(f.xy)/2, class, label)
	}
	h, err := gpkg.ParseHeader(blob)
	if err != nil {
		return err
	}
	if h.Extended {
		_, err := gpkg.DecodeGeometry(blob) // names the extension
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
