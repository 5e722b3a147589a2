package exchange

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/paulmach/orb"
)

// Errors of the storage layer, tested with errors.Is.
var (
	ErrNotFound   = errors.New("exchange: not found")
	ErrBadDB      = errors.New("exchange: bad database address")
	ErrCollection = errors.New("exchange: unknown collection")
)

// Store is where the exchange keeps collections, features, tokens, push
// results and the audit log. Two implementations share one test suite:
// SQLite (one file, the embedded default) and PostgreSQL with PostGIS.
// A Store is safe for concurrent use; Update calls are serialised, so the
// change-feed sequence grows in commit order.
type Store interface {
	// Collections lists every collection by id.
	Collections(ctx context.Context) ([]Collection, error)
	// Collection returns one collection, or an error wrapping ErrCollection.
	Collection(ctx context.Context, id string) (Collection, error)
	// Items reads a page of live features in a stable order (keyset After).
	Items(ctx context.Context, q ItemQuery) (ItemPage, error)
	// Item reads one feature, a tombstone (Deleted) included; ErrNotFound
	// if the uid was never in the collection.
	Item(ctx context.Context, collection, uid string) (Record, error)
	// Changes reads the compacted change feed of a collection after a
	// sequence number.
	Changes(ctx context.Context, q ChangeQuery) (ChangePage, error)
	// HighWater is the highest sequence number of a collection's changes.
	HighWater(ctx context.Context, collection string) (int64, error)
	// Snapshot calls fn with every live feature of a collection in RowID
	// order, all read in one read transaction, and returns the sequence
	// number that state is consistent with: the change feed read from it
	// (since=seq) brings the snapshot up to date. fn's error stops the
	// read and is returned. fn may keep nothing of the Record past the call.
	Snapshot(ctx context.Context, collection string, fn func(*Record) error) (int64, error)
	// Update runs fn in one write transaction, committed (durably) before
	// Update returns; fn's error rolls it back.
	Update(ctx context.Context, fn func(Tx) error) error
	// Principal finds the holder of a token by the token's hash.
	Principal(ctx context.Context, hash string) (Principal, error)
	// AddToken stores a token's hash for a principal and returns its id.
	AddToken(ctx context.Context, p Principal, hash string) (int64, error)
	// Audit lists the audit log, oldest first.
	Audit(ctx context.Context, q AuditQuery) ([]AuditEntry, error)
	Close() error
}

// Tx is one write transaction. It is not safe for concurrent use.
type Tx interface {
	// PutCollection creates a collection or updates its description; the
	// SRID changes only while the collection holds no feature.
	PutCollection(ctx context.Context, c Collection) error
	// Collection reads a collection inside the transaction.
	Collection(ctx context.Context, id string) (Collection, error)
	// Load reads the named features of a collection, tombstones included.
	Load(ctx context.Context, collection string, uids []string) (map[string]Record, error)
	// Put writes a feature (or its tombstone) with the next sequence
	// number, which it sets in r.Seq. wasLive says whether a live feature
	// of that uid was there before (for the collection's count).
	Put(ctx context.Context, r *Record, wasLive bool) error
	// PushResults reads the stored results of idempotency keys.
	PushResults(ctx context.Context, keys []string) (map[string]StoredResult, error)
	// SavePushResult stores the result of a key.
	SavePushResult(ctx context.Context, key string, r StoredResult) error
	// Audit appends an entry to the audit log.
	Audit(ctx context.Context, e AuditEntry) error
	// RecomputeExtent sets a collection's extent and count from its live
	// features (after a publish).
	RecomputeExtent(ctx context.Context, collection string) error
}

// Collection is one layer the exchange serves. Extent is in the SRID's
// coordinates, zero when the collection is empty.
type Collection struct {
	ID          string // the layer's table name
	Code        string // its catalog code
	Title       string
	Description string
	Geometry    string // polygon, line, point, or "" for any (or none)
	SRID        int    // storage CRS (EPSG)
	Source      string // exchange (published by the city), local (made in districts), server
	Role        string // the catalog role; review for bureau-written collections
	Fields      []Field
	Extent      orb.Bound
	Count       int64 // live features
}

// Field is one attribute of a collection.
type Field struct {
	Name string `json:"name"`
	Type string `json:"type"` // text, integer, real, date
}

// Record is a stored feature, in its collection's storage CRS. A deleted
// feature is a tombstone: no geometry or properties, Bound that of its last
// geometry (so a bbox-filtered feed still reports the delete).
type Record struct {
	RowID      int64
	Collection string
	UID        string
	Version    int64
	Deleted    bool
	Geom       orb.Geometry
	Bound      orb.Bound
	Props      map[string]any
	UpdatedAt  time.Time
	UpdatedBy  string
	Seq        int64
}

// ItemQuery selects live features. A zero BBox selects all; After is the
// RowID of the last feature of the previous page; Offset skips features.
type ItemQuery struct {
	Collection string
	BBox       orb.Bound
	HasBBox    bool
	Limit      int
	After      int64
	Offset     int64
}

// ItemPage is a page of features; Matched counts every feature the query
// selects, More says whether features follow this page.
type ItemPage struct {
	Records []Record
	Matched int64
	More    bool
}

// ChangeQuery selects the changes of a collection after sequence Since;
// with HasBBox only those whose current or previous box meets BBox.
type ChangeQuery struct {
	Collection string
	Since      int64
	BBox       orb.Bound
	HasBBox    bool
	Limit      int
}

// ChangePage is a page of the feed. Next is the sequence to resume after:
// that of the last record when More, else the high-water mark when it was
// read (so a bbox that matched nothing still moves the cursor on).
type ChangePage struct {
	Records []Record
	Next    int64
	More    bool
}

// Principal is who holds a token.
type Principal struct {
	ID       int64
	Name     string
	Role     string // admin, bureau, district, reader
	District string // the district code of a district principal
}

// Roles.
const (
	RoleAdmin    = "admin"
	RoleBureau   = "bureau"
	RoleDistrict = "district"
	RoleReader   = "reader"
)

// String is "name (role)" or "name (district:code)".
func (p Principal) String() string {
	if p.Role == RoleDistrict {
		return fmt.Sprintf("%s (district:%s)", p.Name, p.District)
	}
	return fmt.Sprintf("%s (%s)", p.Name, p.Role)
}

// StoredResult is the stored outcome of an idempotency key.
type StoredResult struct {
	Who    string // the principal that pushed it
	Result []byte // the wire.PushResult as JSON
}

// AuditEntry is one row of the audit log.
type AuditEntry struct {
	ID            int64     `json:"id"`
	Time          time.Time `json:"time"`
	Who           string    `json:"who"`
	Role          string    `json:"role"`
	Action        string    `json:"action"` // create, replace, update, delete, push, publish
	Collection    string    `json:"collection"`
	UID           string    `json:"uid,omitempty"`
	BeforeVersion int64     `json:"before_version"`
	AfterVersion  int64     `json:"after_version"`
	Detail        string    `json:"detail,omitempty"`
}

// AuditQuery selects audit entries with ID > After, at most Limit (0: all).
type AuditQuery struct {
	After int64
	Limit int
}

// Open opens (creating if needed) the store a --db value names:
// "sqlite:FILE" (or a path ending in .db/.sqlite) or a postgres:// URL.
func Open(ctx context.Context, db string) (Store, error) {
	switch {
	case strings.HasPrefix(db, "postgres://"), strings.HasPrefix(db, "postgresql://"):
		return OpenPostgres(ctx, db)
	case strings.HasPrefix(db, "sqlite:"):
		return OpenSQLite(ctx, strings.TrimPrefix(db, "sqlite:"))
	case db == "":
		return nil, fmt.Errorf("%w: empty (want sqlite:FILE or postgres://...)", ErrBadDB)
	}
	return nil, fmt.Errorf("%w: %q (want sqlite:FILE or postgres://...)", ErrBadDB, db)
}
