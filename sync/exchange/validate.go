package exchange

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"strings"
	"unicode"

	"github.com/paulmach/orb"

	"lantu/sync/wire"
)

// rejection is why a change is refused: the HTTP status and problem type a
// Part 4 write answers with, and the reason a push result carries.
type rejection struct {
	status int
	ptype  string
	reason string
}

func (r *rejection) problem() *wire.Problem {
	return &wire.Problem{Type: r.ptype, Title: http.StatusText(r.status), Status: r.status, Detail: r.reason}
}

func reject(status int, ptype, format string, args ...any) *rejection {
	return &rejection{status: status, ptype: ptype, reason: fmt.Sprintf(format, args...)}
}

// geometryKinds are the GeoJSON types a catalog geometry kind accepts.
var geometryKinds = map[string][]string{
	"polygon": {"Polygon", "MultiPolygon"},
	"line":    {"LineString", "MultiLineString"},
	"point":   {"Point", "MultiPoint"},
}

// checkGeometry refuses a geometry of the wrong kind for the collection,
// or none where one is needed.
func checkGeometry(c Collection, uid string, g orb.Geometry) *rejection {
	kinds, ok := geometryKinds[c.Geometry]
	if !ok {
		return nil
	}
	if g == nil {
		return reject(http.StatusBadRequest, wire.ProblemGeometry, "invalid geometry: feature %s in %s has none (want %s)", uid, c.ID, strings.Join(kinds, " or "))
	}
	for _, k := range kinds {
		if g.GeoJSONType() == k {
			return nil
		}
	}
	return reject(http.StatusBadRequest, wire.ProblemGeometry, "invalid geometry: feature %s in %s is a %s (want %s)", uid, c.ID, g.GeoJSONType(), strings.Join(kinds, " or "))
}

// checkProps refuses properties the collection does not have or of the
// wrong type.
func checkProps(c Collection, uid string, props map[string]any) *rejection {
	for k, v := range props {
		f, ok := fieldOf(c, k)
		if !ok {
			return reject(http.StatusBadRequest, wire.ProblemInvalid, "feature %s: collection %s has no field %q", uid, c.ID, k)
		}
		if v != nil && !typeFits(f.Type, v) {
			return reject(http.StatusBadRequest, wire.ProblemInvalid, "feature %s: field %q of %s is %s, got %v", uid, k, c.ID, f.Type, v)
		}
	}
	return nil
}

func fieldOf(c Collection, name string) (Field, bool) {
	for _, f := range c.Fields {
		if f.Name == name {
			return f, true
		}
	}
	return Field{}, false
}

func typeFits(typ string, v any) bool {
	switch typ {
	case "text", "date":
		_, ok := v.(string)
		return ok
	case "integer":
		switch n := v.(type) {
		case json.Number:
			_, err := n.Int64()
			return err == nil
		case int64, int:
			return true
		case float64:
			return n == math.Trunc(n)
		}
		return false
	case "real":
		switch v.(type) {
		case json.Number, int64, int, float64:
			return true
		}
		return false
	}
	return true
}

// checkUID refuses an empty, overlong or unprintable uid.
func checkUID(uid string) *rejection {
	if uid == "" || len(uid) > 128 {
		return reject(http.StatusBadRequest, wire.ProblemInvalid, "uid %q: want 1 to 128 characters", uid)
	}
	for _, r := range uid {
		if !unicode.IsPrint(r) || r == '/' {
			return reject(http.StatusBadRequest, wire.ProblemInvalid, "uid %q: unprintable character or slash", uid)
		}
	}
	return nil
}

func containsAny(s string, subs ...string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}
