// Package wire holds the exchange protocol's types, shared by the server
// (sync/exchange) and the replica client: GeoJSON features with their
// exchange version, change-feed pages, batch pushes and their results, and
// RFC 9457 problem bodies. It imports nothing above layers.
//
// Axis order: the protocol's own messages (change pages, pushes) always
// put x=east (longitude, easting) first and y=north second, whatever the
// CRS, as GeoJSON and GeoPackage do. The OGC API endpoints (/items) follow
// OGC API - Features Part 2 instead: an EPSG CRS there has EPSG's axis
// order (EPSG:4490 latitude first, EPSG:4550 northing first).
//
// Every type here is a plain value: safe for concurrent reads, not for
// concurrent writes.
package wire

import (
	"errors"
	"fmt"
	"strconv"
)

// ErrDecode is wrapped by every decoding error of this package.
var ErrDecode = errors.New("wire: invalid input")

// MediaType values the protocol uses.
const (
	MediaGeoJSON = "application/geo+json"
	MediaJSON    = "application/json"
	MediaProblem = "application/problem+json"
	MediaPatch   = "application/merge-patch+json"
	MediaOpenAPI = "application/vnd.oai.openapi+json;version=3.0"
)

// Op is a change's operation.
type Op string

// The two operations of the change feed and of a push.
const (
	OpUpsert Op = "upsert"
	OpDelete Op = "delete"
)

// Change is one entry of a collection's change feed. The feed is compacted:
// a feature changed several times since a cursor appears once, at its
// latest version. A delete carries no feature.
type Change struct {
	Collection string   `json:"collection"`
	UID        string   `json:"uid"`
	Op         Op       `json:"op"`
	Version    int64    `json:"version"`
	Feature    *Feature `json:"feature,omitempty"`
	Cursor     string   `json:"cursor"` // resume after this change with since=Cursor
}

// ChangePage is one page of a change feed. Next is the cursor to ask with
// next time (since=Next); More says whether changes beyond this page were
// already there when it was read.
type ChangePage struct {
	Collection string   `json:"collection"`
	Changes    []Change `json:"changes"`
	Next       string   `json:"next"`
	More       bool     `json:"more"`
}

// PushRequest is the body of POST /sync/push. CRS is the URI of the CRS
// the features' coordinates are in; empty means CRS84.
type PushRequest struct {
	CRS     string       `json:"crs,omitempty"`
	Changes []PushChange `json:"changes"`
}

// PushChange is one change a replica pushes. Key is an idempotency key,
// unique per change (a UUID): a change sent again with the same key is not
// applied again and gets the result stored the first time. BaseVersion is
// the version the replica changed (0 for a new feature). An upsert carries
// the whole feature; a delete none.
type PushChange struct {
	Key         string   `json:"key"`
	Collection  string   `json:"collection"`
	Op          Op       `json:"op"`
	UID         string   `json:"uid"`
	BaseVersion int64    `json:"base_version"`
	Feature     *Feature `json:"feature,omitempty"`
}

// Status is the outcome of one pushed change.
type Status string

// The three outcomes of a pushed change.
const (
	StatusApplied  Status = "applied"  // written; Version is the new version
	StatusConflict Status = "conflict" // BaseVersion was not the current version: Current is the server's feature
	StatusRejected Status = "rejected" // not written: Reason says why
)

// PushResult is the outcome of one PushChange, in the order they were sent.
// On conflict Version is the server's current version and Current its
// feature (nil when the server's feature is deleted: Deleted is then true).
type PushResult struct {
	Key     string   `json:"key"`
	UID     string   `json:"uid,omitempty"`
	Status  Status   `json:"status"`
	Version int64    `json:"version,omitempty"`
	Current *Feature `json:"current,omitempty"`
	Deleted bool     `json:"deleted,omitempty"`
	Reason  string   `json:"reason,omitempty"`
}

// PushResponse is the answer to a PushRequest: one result per change.
type PushResponse struct {
	Results []PushResult `json:"results"`
}

// Validate checks a push request's shape (not its content against a
// store): every change has a key, a collection, a known op, a feature on
// upsert, and no key repeats.
func (r *PushRequest) Validate() error {
	seen := make(map[string]int, len(r.Changes))
	for i, c := range r.Changes {
		switch {
		case c.Key == "":
			return fmt.Errorf("%w: changes[%d]: no key", ErrDecode, i)
		case c.Collection == "":
			return fmt.Errorf("%w: changes[%d] (key %s): no collection", ErrDecode, i, c.Key)
		case c.Op != OpUpsert && c.Op != OpDelete:
			return fmt.Errorf("%w: changes[%d] (key %s): op %q, want upsert or delete", ErrDecode, i, c.Key, c.Op)
		case c.Op == OpUpsert && c.Feature == nil:
			return fmt.Errorf("%w: changes[%d] (key %s): upsert without a feature", ErrDecode, i, c.Key)
		case c.Op == OpDelete && c.UID == "":
			return fmt.Errorf("%w: changes[%d] (key %s): delete without a uid", ErrDecode, i, c.Key)
		case c.BaseVersion < 0:
			return fmt.Errorf("%w: changes[%d] (key %s): negative base_version", ErrDecode, i, c.Key)
		}
		if j, dup := seen[c.Key]; dup {
			return fmt.Errorf("%w: changes[%d] repeats the key %s of changes[%d]", ErrDecode, i, c.Key, j)
		}
		seen[c.Key] = i
	}
	return nil
}

// AppendJSON appends the page's JSON encoding (the one encoding/json
// gives it) to b, without reflection.
func (p *ChangePage) AppendJSON(b []byte) ([]byte, error) {
	b = append(b, `{"collection":`...)
	b = appendString(b, p.Collection)
	b = append(b, `,"changes":[`...)
	var err error
	for i := range p.Changes {
		if i > 0 {
			b = append(b, ',')
		}
		if b, err = p.Changes[i].AppendJSON(b); err != nil {
			return nil, err
		}
	}
	b = append(b, `],"next":`...)
	b = appendString(b, p.Next)
	b = append(b, `,"more":`...)
	b = strconv.AppendBool(b, p.More)
	return append(b, '}'), nil
}

// AppendJSON appends the change's JSON encoding to b.
func (c *Change) AppendJSON(b []byte) ([]byte, error) {
	b = append(b, `{"collection":`...)
	b = appendString(b, c.Collection)
	b = append(b, `,"uid":`...)
	b = appendString(b, c.UID)
	b = append(b, `,"op":`...)
	b = appendString(b, string(c.Op))
	b = append(b, `,"version":`...)
	b = strconv.AppendInt(b, c.Version, 10)
	if c.Feature != nil {
		var err error
		b = append(b, `,"feature":`...)
		if b, err = c.Feature.AppendJSON(b); err != nil {
			return nil, err
		}
	}
	b = append(b, `,"cursor":`...)
	b = appendString(b, c.Cursor)
	return append(b, '}'), nil
}

// AppendJSON appends the request's JSON encoding (the one encoding/json
// gives it) to b, without reflection.
func (r *PushRequest) AppendJSON(b []byte) ([]byte, error) {
	b = append(b, '{')
	if r.CRS != "" {
		b = append(appendString(append(b, `"crs":`...), r.CRS), ',')
	}
	b = append(b, `"changes":`...)
	if r.Changes == nil {
		return append(b, "null}"...), nil
	}
	b = append(b, '[')
	var err error
	for i := range r.Changes {
		if i > 0 {
			b = append(b, ',')
		}
		if b, err = r.Changes[i].AppendJSON(b); err != nil {
			return nil, err
		}
	}
	return append(b, "]}"...), nil
}

// AppendJSON appends the change's JSON encoding to b.
func (c *PushChange) AppendJSON(b []byte) ([]byte, error) {
	b = appendString(append(b, `{"key":`...), c.Key)
	b = appendString(append(b, `,"collection":`...), c.Collection)
	b = appendString(append(b, `,"op":`...), string(c.Op))
	b = appendString(append(b, `,"uid":`...), c.UID)
	b = strconv.AppendInt(append(b, `,"base_version":`...), c.BaseVersion, 10)
	if c.Feature != nil {
		var err error
		if b, err = c.Feature.AppendJSON(append(b, `,"feature":`...)); err != nil {
			return nil, err
		}
	}
	return append(b, '}'), nil
}
