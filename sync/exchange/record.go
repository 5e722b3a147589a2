package exchange

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"

	"lantu/sync/wire"
)

// timeLayout is how stores keep timestamps: UTC, milliseconds.
const timeLayout = "2006-01-02T15:04:05.000Z"

func formatTime(t time.Time) string { return t.UTC().Format(timeLayout) }

func parseTime(s string) time.Time {
	t, _ := time.Parse(timeLayout, s)
	return t
}

// encodeGeom is the WKB of g, nil for no geometry.
func encodeGeom(g orb.Geometry) ([]byte, error) {
	if g == nil {
		return nil, nil
	}
	return wkb.Marshal(g)
}

func decodeGeom(b []byte) (orb.Geometry, error) {
	if len(b) == 0 {
		return nil, nil
	}
	g, err := wkb.Unmarshal(b)
	if err != nil {
		return nil, fmt.Errorf("exchange: stored geometry: %w", err)
	}
	return g, nil
}

// encodeProps is the JSON object of a feature's properties.
func encodeProps(p map[string]any) ([]byte, error) {
	if p == nil {
		return []byte("{}"), nil
	}
	return json.Marshal(p)
}

func decodeProps(b []byte) (map[string]any, error) {
	if len(b) == 0 {
		return nil, nil
	}
	if m, err := wire.DecodeProperties(b); err == nil {
		return m, nil // the common case, without encoding/json's reflection
	}
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var m map[string]any
	if err := d.Decode(&m); err != nil {
		return nil, fmt.Errorf("exchange: stored properties: %w", err)
	}
	return m, nil
}

// boxArgs are a bound's four numbers, or NULLs for a zero bound.
func boxArgs(b orb.Bound, ok bool) []any {
	if !ok {
		return []any{nil, nil, nil, nil}
	}
	return []any{b.Min[0], b.Min[1], b.Max[0], b.Max[1]}
}

// boundOf is the bound of a geometry and whether it has one.
func boundOf(g orb.Geometry) (orb.Bound, bool) {
	if g == nil {
		return orb.Bound{}, false
	}
	return g.Bound(), true
}

// extentAcc collects the extent and count changes of a transaction, per
// collection, to write once at commit.
type extentAcc map[string]*extentDelta

type extentDelta struct {
	bound orb.Bound
	has   bool
	count int64
}

func (a extentAcc) add(coll string, r *Record, wasLive bool) {
	d := a[coll]
	if d == nil {
		d = &extentDelta{}
		a[coll] = d
	}
	switch {
	case !r.Deleted && !wasLive:
		d.count++
	case r.Deleted && wasLive:
		d.count--
	}
	if r.Deleted || r.Geom == nil {
		return
	}
	if !d.has {
		d.bound, d.has = r.Bound, true
	} else {
		d.bound = d.bound.Union(r.Bound)
	}
}

// nullFloat is a scanned nullable REAL.
func nullBound(v [4]*float64) (orb.Bound, bool) {
	for _, p := range v {
		if p == nil || math.IsNaN(*p) {
			return orb.Bound{}, false
		}
	}
	return orb.Bound{Min: orb.Point{*v[0], *v[1]}, Max: orb.Point{*v[2], *v[3]}}, true
}
