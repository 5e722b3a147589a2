package replica

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"

	"lantu/layers"
	"lantu/sync/wire"
)

// decodeState reads a GeoJSON Feature (a journal before/after, a stored
// state) as a State; "null" or nothing is nil.
func decodeState(raw []byte) (*State, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var f wire.Feature
	if err := json.Unmarshal(raw, &f); err != nil {
		return nil, err
	}
	return &State{Geom: f.Geometry, Props: f.Properties}, nil
}

// encodeState writes s as a GeoJSON Feature; nil for nil.
func encodeState(uid string, s *State) []byte {
	if s == nil {
		return nil
	}
	f := wire.Feature{UID: uid, Geometry: s.Geom, Properties: s.Props}
	b, err := f.AppendJSON(nil)
	if err != nil {
		return nil
	}
	return b
}

// stateOf is a wire feature's content.
func stateOf(f *wire.Feature) *State {
	if f == nil {
		return nil
	}
	return &State{Geom: f.Geometry, Props: f.Properties}
}

// attrs turns a state's properties into the layer's field values: only the
// layer's catalog fields, numbers as int64 or float64 by the field's type.
func attrs(l *layers.Layer, props map[string]any) (map[string]any, error) {
	out := make(map[string]any, len(props))
	types := fieldTypes(l)
	for k, v := range props {
		t, ok := types[k]
		if !ok {
			continue
		}
		cv, err := fieldValue(t, v)
		if err != nil {
			return nil, fmt.Errorf("%w: layer %s field %q: %v", ErrBadInput, l.Table, k, err)
		}
		out[k] = cv
	}
	return out, nil
}

func fieldTypes(l *layers.Layer) map[string]string {
	m := map[string]string{}
	if l.Def != nil {
		for _, f := range l.Def.Fields {
			m[f.Name] = f.Type
		}
		return m
	}
	for _, c := range l.Columns {
		switch c.Name {
		case l.PK, l.GeomColumn, "uid", "version", "updated_at", "updated_by":
		default:
			m[c.Name] = "text"
		}
	}
	return m
}

func fieldValue(typ string, v any) (any, error) {
	n, ok := v.(json.Number)
	if !ok {
		return v, nil
	}
	if typ == "integer" {
		if i, err := n.Int64(); err == nil {
			return i, nil
		}
	}
	if typ == "text" || typ == "date" {
		return string(n), nil
	}
	f, err := strconv.ParseFloat(string(n), 64)
	if err != nil {
		return nil, fmt.Errorf("%q is not a number", n)
	}
	return f, nil
}
