package layers

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"os/user"
	"sort"
	"strings"
	"sync"

	"github.com/paulmach/orb"

	"lantu/layers/catalog"
	"lantu/layers/gpkg"
)

// Errors callers may test for with errors.Is.
var (
	ErrReadOnly     = errors.New("layers: opened read-only")
	ErrNoLayer      = errors.New("layers: no such layer")
	ErrNoFeature    = errors.New("layers: no such feature")
	ErrNotEditable  = errors.New("layers: layer is not editable")
	ErrInvalidInput = errors.New("layers: invalid input")
)

// Blueprint is one open blueprint file. It is safe for concurrent use:
// reads run on a pool of reader connections, edits are serialised on the
// one writer.
type Blueprint struct {
	db      *gpkg.DB
	path    string
	srid    int
	cat     *catalog.Catalog
	user    string
	layers  []*Layer
	rasters []*Raster
	byKey   map[string]*Layer

	extentMu sync.RWMutex
	extent   orb.Bound

	writeMu sync.Mutex // the writer lock: serialises every write (store.go)
	changes changeFeed // OnChange listeners (listen.go)

	loaded    chan struct{} // closed when every index is built
	loadErr   error         // set before loaded closes
	stop      context.CancelFunc
	indexOnce sync.Once       // starts the indexing (or, at Close, marks it never started)
	indexCtx  context.Context // cancelled by stop
	indexOpt  OpenOptions

	problemMu sync.Mutex
	problems  []Problem // skipped layers; see Problems
}

// CreateOptions configure a new blueprint.
type CreateOptions struct {
	Catalog *catalog.Catalog // nil: the embedded default catalog
	SRID    int              // EPSG code of every layer; 0: 4550
	User    string           // recorded in updated_by and the journal
}

// OpenOptions configure opening a blueprint.
type OpenOptions struct {
	ReadOnly bool
	User     string
	Catalog  *catalog.Catalog      // nil: the embedded default catalog
	Progress func(done, total int) // layers indexed so far; called from worker goroutines

	// Background makes Open return as soon as the layer list is read, and
	// build the indexes on background goroutines: the Priority layers
	// first, then the rest. Until a layer's index is ready Layer.Read sees it
	// empty; WaitLayers waits for some layers, WaitLoaded for all, and Query,
	// Apply and Bulk wait for all by themselves.
	Background bool
	Priority   []string // codes or tables to index first
	// PriorityFunc, when set, picks the layers to index first once the
	// layer list and extents are read (it replaces Priority).
	PriorityFunc func(b *Blueprint) []string
	LayerReady   func(l *Layer, err error) // called from a worker as each index is ready

	// Lazy makes Open return as soon as the layer list is read and build
	// no index until something needs one: WaitLoaded, WaitLayers, Query,
	// Apply, Bulk and ApplyRemote start building every index (as Background
	// would) and wait for it. Until then Layer.Read sees every layer empty,
	// Layer.Count is 0 and Extent is the declared one, while ReadBox reads
	// the features of one area straight from the file. For one-off commands
	// that draw or read one area.
	Lazy bool
}

// Path is the blueprint's file.
func (b *Blueprint) Path() string { return b.path }

// SRID is the EPSG code of the blueprint's layers (that of the first layer
// for an arbitrary GeoPackage).
func (b *Blueprint) SRID() int { return b.srid }

// Catalog is the layer catalog the blueprint was opened with.
func (b *Blueprint) Catalog() *catalog.Catalog { return b.cat }

// DB is the underlying GeoPackage, for packages that keep their own tables.
func (b *Blueprint) DB() *gpkg.DB { return b.db }

// ReadOnly reports whether edits are refused.
func (b *Blueprint) ReadOnly() bool { return b.db.ReadOnly }

// User is the name recorded with edits.
func (b *Blueprint) User() string { return b.user }

// Extent is the union of the layers' extents.
func (b *Blueprint) Extent() orb.Bound {
	b.extentMu.RLock()
	defer b.extentMu.RUnlock()
	return b.extent
}

// Layers are the blueprint's vector layers in draw order: catalog order, then
// imported layers by table name.
func (b *Blueprint) Layers() []*Layer { return b.layers }

// Layer finds a layer by catalog code or table name; nil if none.
func (b *Blueprint) Layer(codeOrTable string) *Layer { return b.byKey[codeOrTable] }

// Close releases the file.
func (b *Blueprint) Close() error {
	if b.stop != nil {
		b.indexOnce.Do(func() { close(b.loaded) }) // never started: nothing to wait for
		b.stop()
		<-b.loaded
	}
	b.changes.close()
	return b.db.Close()
}

// layer is Layer with an error naming the file for unknown names.
func (b *Blueprint) layer(name string) (*Layer, error) {
	if l := b.byKey[name]; l != nil {
		return l, nil
	}
	return nil, fmt.Errorf("%w: %q in %s", ErrNoLayer, name, b.path)
}

// Create makes a new blueprint file with one empty feature table per vector
// catalog layer. It fails if the file exists.
func Create(path string, opt CreateOptions) (*Blueprint, error) {
	if _, err := os.Stat(path); err == nil {
		return nil, fmt.Errorf("layers: create %s: file exists", path)
	}
	cat, err := catalogOrDefault(opt.Catalog)
	if err != nil {
		return nil, err
	}
	if opt.SRID == 0 {
		opt.SRID = 4550
	}
	db, err := gpkg.Create(path)
	if err != nil {
		return nil, err
	}
	if err := createSchema(context.Background(), db, cat, opt.SRID); err != nil {
		db.Close()
		os.Remove(path)
		return nil, fmt.Errorf("layers: create %s: %w", path, err)
	}
	db.Close()
	return Open(path, OpenOptions{User: opt.User, Catalog: cat})
}

func catalogOrDefault(c *catalog.Catalog) (*catalog.Catalog, error) {
	if c != nil {
		return c, nil
	}
	return catalog.Default()
}

// Open opens a blueprint, or any GeoPackage, and builds every layer's index
// in parallel. Tables the catalog does not know become imported layers. A
// table that cannot be read is skipped and a geometry that cannot be decoded
// leaves its feature without geometry; both are listed by Problems, and the
// rest of the file opens.
func Open(path string, opt OpenOptions) (*Blueprint, error) {
	cat, err := catalogOrDefault(opt.Catalog)
	if err != nil {
		return nil, err
	}
	db, err := gpkg.Open(path, opt.ReadOnly)
	if err != nil {
		return nil, err
	}
	b := &Blueprint{db: db, path: path, cat: cat, user: opt.User, byKey: map[string]*Layer{}}
	if b.user == "" {
		b.user = defaultUser()
	}
	if err := b.loadLayers(context.Background()); err != nil {
		db.Close()
		return nil, err
	}
	b.recomputeExtent() // the declared extents, until the indexes are built
	if opt.PriorityFunc != nil {
		opt.Priority = opt.PriorityFunc(b)
	}
	b.indexCtx, b.stop = context.WithCancel(context.Background())
	b.loaded, b.indexOpt = make(chan struct{}), opt
	if opt.Lazy {
		return b, nil
	}
	b.startIndexing()
	if opt.Background {
		return b, nil
	}
	if err := b.WaitLoaded(context.Background()); err != nil {
		b.Close()
		return nil, err
	}
	return b, nil
}

// startIndexing builds the indexes on background goroutines, once.
func (b *Blueprint) startIndexing() {
	b.indexOnce.Do(func() { go b.buildIndexes(b.indexCtx, b.indexOpt) })
}

// WaitLoaded waits until every layer's index is built, and returns the
// first error met building them. On a blueprint opened Lazy it starts the
// indexing.
func (b *Blueprint) WaitLoaded(ctx context.Context) error {
	b.startIndexing()
	select {
	case <-b.loaded:
		return b.loadErr
	case <-ctx.Done():
		return ctx.Err()
	}
}

// WaitLayers waits until the indexes of the named layers are built. On a
// blueprint opened Lazy it starts the indexing.
func (b *Blueprint) WaitLayers(ctx context.Context, names []string) error {
	b.startIndexing()
	for _, n := range names {
		l := b.byKey[n]
		if l == nil {
			continue
		}
		select {
		case <-l.ready:
		case <-b.loaded:
			return b.loadErr
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

func defaultUser() string {
	for _, k := range []string{"LANTU_USER", "USER", "USERNAME"} {
		if v := os.Getenv(k); v != "" {
			return v
		}
	}
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	return "unknown"
}

// loadLayers reads the GeoPackage's feature tables and matches them to the
// catalog through lantu_catalog.
func (b *Blueprint) loadLayers(ctx context.Context) error {
	infos, err := b.db.Layers(ctx)
	if err != nil {
		return err
	}
	codes, err := readCatalogMap(ctx, b.db)
	if err != nil {
		return fmt.Errorf("layers: %s: lantu_catalog: %w", b.path, err)
	}
	styles := b.readStyles(ctx)
	var known, imported []*Layer
	for _, info := range infos {
		if info.DataType != "features" || strings.HasPrefix(info.Table, "lantu_") {
			continue
		}
		if info.Err != nil {
			b.addProblem(Problem{Kind: LayerSkipped, Table: info.Table, Err: info.Err})
			continue
		}
		l := newLayer(info)
		if def := b.cat.Layer(codes[info.Table]); def != nil {
			l.Code, l.Def = def.Code, def
			known = append(known, l)
		} else {
			l.Code, l.Def, l.Imported = info.Table, b.importedDef(info, styles), true
			imported = append(imported, l)
		}
	}
	if err := b.loadRasters(ctx, codes); err != nil {
		return err
	}
	b.applyStoredStyles(ctx, known)
	sort.SliceStable(known, func(i, j int) bool { return known[i].Def.Order < known[j].Def.Order })
	sort.SliceStable(imported, func(i, j int) bool { return imported[i].Table < imported[j].Table })
	b.layers = append(known, imported...)
	for _, l := range b.layers {
		b.byKey[l.Table] = l
		if _, taken := b.byKey[l.Code]; !taken {
			b.byKey[l.Code] = l
		}
		if b.srid == 0 && l.SRID > 0 {
			b.srid = l.SRID
		}
	}
	return nil
}

// readCatalogMap returns table -> catalog code from lantu_catalog, or an
// empty map for a GeoPackage that has none.
func readCatalogMap(ctx context.Context, db *gpkg.DB) (map[string]string, error) {
	m := map[string]string{}
	var n int
	if err := db.R.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE name='lantu_catalog'`).Scan(&n); err != nil || n == 0 {
		return m, err
	}
	rows, err := db.R.QueryContext(ctx, `SELECT table_name, code FROM lantu_catalog`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var t, c string
		if err := rows.Scan(&t, &c); err != nil {
			return nil, err
		}
		m[t] = c
	}
	return m, rows.Err()
}

// nullString scans a nullable text column.
func nullString(ns sql.NullString) string {
	if ns.Valid {
		return ns.String
	}
	return ""
}
