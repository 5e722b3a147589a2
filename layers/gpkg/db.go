// Package gpkg reads and writes OGC GeoPackage files: the SQLite schema,
// geometry blobs and WKB, and the R-tree spatial index extension.
package gpkg

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
)

// Sentinel errors, wrapped with %w by the functions of this package.
var (
	ErrNotGeoPackage = errors.New("gpkg: not a GeoPackage")
	ErrInvalidBlob   = errors.New("gpkg: invalid geometry blob")
	ErrInvalidWKB    = errors.New("gpkg: invalid WKB")
	ErrUnknownSRS    = errors.New("gpkg: unknown spatial reference system")
	ErrLayer         = errors.New("gpkg: unreadable layer")
	ErrStaleWAL      = errors.New("gpkg: the file's -wal holds committed changes that SQLite cannot read in a read-only folder without its -shm file; copy the file and its -wal to a writable folder")
)

// Application ids of the PRAGMA application_id header field.
const (
	appGPKG = 0x47504B47 // "GPKG", GeoPackage 1.2 and later
	appGP10 = 0x47503130 // "GP10", GeoPackage 1.0
	appGP11 = 0x47503131 // "GP11", GeoPackage 1.1
	// UserVersion is the user_version this package writes: GeoPackage 1.4.0.
	UserVersion = 10400
)

// DB is an open GeoPackage: W is the single writer connection, R a pool of
// read-only connections. DB is safe for concurrent use; writes serialise on
// W. Readers see the last committed state (WAL).
type DB struct {
	W        *sql.DB // the one writer, MaxOpenConns(1); nil when ReadOnly
	R        *sql.DB // reader pool, opened mode=ro
	Path     string  // absolute path of the file
	ReadOnly bool

	ckpt checkpointer // CommitStep's (checkpoint.go)
}

// dsn builds a SQLite URI for path. The path is percent-escaped so that
// spaces, '?', '#', '%' and non-ASCII names survive.
func dsn(path string, ro, immutable bool) string {
	p := filepath.ToSlash(path)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p // a Windows drive path: file:/C:/...
	}
	u := url.URL{Scheme: "file", Path: p}
	q := "?_busy_timeout=10000&_foreign_keys=1"
	switch {
	case immutable:
		q += "&mode=ro&immutable=1"
	case ro:
		q += "&mode=ro&_synchronous=NORMAL"
	default:
		q += "&_journal_mode=WAL&_synchronous=NORMAL"
	}
	return "file:" + u.EscapedPath() + q
}

// Create makes a new GeoPackage 1.4 at path (which must not exist) with the
// base tables and the spatial reference systems -1, 0 and 4326.
func Create(path string) (*DB, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("gpkg: create %s: %w", path, err)
	}
	if _, err := os.Stat(abs); err == nil {
		return nil, fmt.Errorf("gpkg: create %s: %w", path, os.ErrExist)
	}
	db := &DB{Path: abs}
	if db.W, err = openWriter(abs); err != nil {
		return nil, fmt.Errorf("gpkg: create %s: %w", path, err)
	}
	err = createBase(context.Background(), db.W)
	if err == nil {
		db.R, err = openReader(abs, false)
	}
	if err != nil {
		db.Close()
		os.Remove(abs)
		return nil, fmt.Errorf("gpkg: create %s: %w", path, err)
	}
	return db, nil
}

// Open opens an existing GeoPackage and validates its header and base tables.
// Files or folders that are not writable open read-only. In a read-only
// folder the file opens immutable (SQLite then needs no -shm file) only
// when it has no -wal file with content: immutable would ignore committed
// transactions still in the WAL and show the file as it was before them.
// With such a -wal, SQLite reads the WAL through the existing -shm file; when
// there is none, Open fails with ErrStaleWAL rather than show stale data.
func Open(path string, readOnly bool) (*DB, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("gpkg: open %s: %w", path, err)
	}
	st, err := os.Stat(abs)
	if err != nil {
		return nil, fmt.Errorf("gpkg: open %s: %w", path, err)
	}
	if st.IsDir() {
		return nil, fmt.Errorf("gpkg: open %s: %w: is a directory", path, ErrNotGeoPackage)
	}
	roDir := !writable(filepath.Dir(abs))
	wal := fileSize(abs+"-wal") > 0
	if roDir && wal && fileSize(abs+"-shm") < 0 {
		return nil, fmt.Errorf("gpkg: open %s: %w", path, ErrStaleWAL)
	}
	immutable := roDir && !wal
	ro := readOnly || roDir || !writable(abs)
	db := &DB{Path: abs, ReadOnly: ro}
	if db.R, err = openReader(abs, immutable); err != nil {
		return nil, fmt.Errorf("gpkg: open %s: %w", path, err)
	}
	if err := db.validate(context.Background()); err != nil {
		db.Close()
		return nil, fmt.Errorf("gpkg: open %s: %w", path, err)
	}
	if !ro {
		if db.W, err = openWriter(abs); err != nil {
			db.Close()
			return nil, fmt.Errorf("gpkg: open %s: %w", path, err)
		}
	}
	return db, nil
}

// fileSize is the size of path, or -1 when it does not exist.
func fileSize(path string) int64 {
	st, err := os.Stat(path)
	if err != nil {
		return -1
	}
	return st.Size()
}

// openReader opens the reader pool.
func openReader(abs string, immutable bool) (*sql.DB, error) {
	r, err := sql.Open(DriverName, dsn(abs, true, immutable))
	if err != nil {
		return nil, err
	}
	r.SetMaxOpenConns(max(4, runtime.GOMAXPROCS(0)))
	return r, nil
}

// writerCacheKiB is the page cache of the writer connection: edits touch
// the feature table, its R-tree, its indexes and the journal, so a bigger
// cache than SQLite's 2 MB default saves re-reading pages.
const writerCacheKiB = 65536

// openWriter opens the single writer connection and switches the file to
// WAL; it connects at once so that errors surface here.
func openWriter(abs string) (*sql.DB, error) {
	w, err := sql.Open(DriverName, dsn(abs, false, false)+"&_cache_size=-"+strconv.Itoa(writerCacheKiB))
	if err != nil {
		return nil, err
	}
	w.SetMaxOpenConns(1)
	if err := w.Ping(); err != nil {
		w.Close()
		return nil, err
	}
	return w, nil
}

// Close closes both pools. The writer closes last, which checkpoints the WAL.
func (db *DB) Close() error {
	errs := []error{db.ckpt.stop()}
	if db.R != nil {
		errs = append(errs, db.R.Close())
	}
	if db.W != nil {
		errs = append(errs, db.W.Close())
	}
	return errors.Join(errs...)
}

// validate checks the application id and the required base tables.
func (db *DB) validate(ctx context.Context) error {
	var app int64
	if err := db.R.QueryRowContext(ctx, "PRAGMA application_id").Scan(&app); err != nil {
		return fmt.Errorf("%w: %w", ErrNotGeoPackage, err)
	}
	switch uint32(app) {
	case appGPKG, appGP10, appGP11:
	default:
		return fmt.Errorf("%w: application_id %#08x", ErrNotGeoPackage, uint32(app))
	}
	for _, t := range []string{"gpkg_spatial_ref_sys", "gpkg_contents"} {
		var n int
		err := db.R.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?", t).Scan(&n)
		if err != nil {
			return fmt.Errorf("%w: %w", ErrNotGeoPackage, err)
		}
		if n == 0 {
			return fmt.Errorf("%w: table %s missing", ErrNotGeoPackage, t)
		}
	}
	return nil
}
