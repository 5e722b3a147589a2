package replica

import (
	"encoding/json"
	"math"
	"slices"
	"strconv"

	"github.com/paulmach/orb"
)

// GeometryField is the name a geometry conflict is listed under; Deleted
// the one of a delete against an edit.
const (
	GeometryField = "(geometry)"
	DeletedField  = "(deleted)"
)

// State is a feature's content as the merge sees it: geometry and the
// layer's fields (no system fields). A nil *State is a feature that is not
// there (deleted, or never made). A State is a value; Merge only reads it.
type State struct {
	Geom  orb.Geometry
	Props map[string]any
}

// Merged is the outcome of a three-way merge. Result is the merged
// feature (nil: deleted) when Conflicts is empty; otherwise Result holds
// every non-conflicting change and mine's value for each conflicting
// field, and Conflicts names those fields, sorted.
type Merged struct {
	Result    *State
	Conflicts []string
}

// Merge merges mine and theirs, two descendants of base, field by field:
// a field (or the geometry) changed on one side only takes that side's
// value; changed on both sides to equal values it is no conflict; changed
// on both to different values it is a conflict. A delete on one side
// against any change on the other is a conflict (DeletedField); deletes on
// both sides merge to a delete. Values compare by meaning (1, 1.0 and
// json.Number("1") are equal).
func Merge(base, mine, theirs *State) Merged {
	switch {
	case Equal(mine, theirs):
		return Merged{Result: mine}
	case Equal(mine, base):
		return Merged{Result: theirs}
	case Equal(theirs, base):
		return Merged{Result: mine}
	case mine == nil || theirs == nil:
		return Merged{Result: mine, Conflicts: []string{DeletedField}}
	}
	if base == nil {
		base = &State{}
	}
	out := &State{Props: map[string]any{}}
	var conflicts []string
	pick := func(name string, b, m, t any, eq func(a, b any) bool) any {
		switch {
		case eq(m, t), eq(t, b):
			return m
		case eq(m, b):
			return t
		}
		conflicts = append(conflicts, name)
		return m
	}
	g := pick(GeometryField, base.Geom, mine.Geom, theirs.Geom, geomEqualAny)
	if g != nil {
		out.Geom = g.(orb.Geometry)
	}
	for _, k := range propKeys(base, mine, theirs) {
		out.Props[k] = pick(k, base.Props[k], mine.Props[k], theirs.Props[k], ValueEqual)
	}
	slices.Sort(conflicts)
	return Merged{Result: out, Conflicts: conflicts}
}

func propKeys(ss ...*State) []string {
	var keys []string
	for _, s := range ss {
		for k := range s.Props {
			if !slices.Contains(keys, k) {
				keys = append(keys, k)
			}
		}
	}
	slices.Sort(keys)
	return keys
}

// Equal tells whether two states are the same feature content: both
// absent, or equal geometries and fields by ValueEqual (a field missing on
// one side equals null on the other).
func Equal(a, b *State) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	if !GeomEqual(a.Geom, b.Geom) {
		return false
	}
	for _, k := range propKeys(a, b) {
		if !ValueEqual(a.Props[k], b.Props[k]) {
			return false
		}
	}
	return true
}

func geomEqualAny(a, b any) bool {
	ga, _ := a.(orb.Geometry)
	gb, _ := b.(orb.Geometry)
	return GeomEqual(ga, gb)
}

// GeomEqual compares geometries exactly (type and every coordinate); a
// Polygon equals the MultiPolygon holding only it, as GeoPackage layers
// store both as multi geometries.
func GeomEqual(a, b orb.Geometry) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return orb.Equal(single(a), single(b))
}

func single(g orb.Geometry) orb.Geometry {
	switch m := g.(type) {
	case orb.MultiPolygon:
		if len(m) == 1 {
			return m[0]
		}
	case orb.MultiLineString:
		if len(m) == 1 {
			return m[0]
		}
	case orb.MultiPoint:
		if len(m) == 1 {
			return m[0]
		}
	}
	return g
}

// ValueEqual compares field values by meaning: numbers of any Go type (and
// json.Number) by value, strings, booleans and nil by identity.
func ValueEqual(a, b any) bool {
	na, aNum := number(a)
	nb, bNum := number(b)
	if aNum || bNum {
		return aNum && bNum && (na == nb || (math.IsNaN(na) && math.IsNaN(nb)))
	}
	return a == b
}

func number(v any) (float64, bool) {
	switch v := v.(type) {
	case json.Number:
		f, err := strconv.ParseFloat(string(v), 64)
		return f, err == nil
	case int:
		return float64(v), true
	case int32:
		return float64(v), true
	case int64:
		return float64(v), true
	case float32:
		return float64(v), true
	case float64:
		return v, true
	}
	return 0, false
}
