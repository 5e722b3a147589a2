package replica

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/paulmach/orb"
)

func st(props map[string]any) *State { return &State{Geom: orb.Point{1, 2}, Props: props} }

func TestMergeCases(t *testing.T) {
	base := st(map[string]any{"a": "1", "b": int64(2), "c": nil})
	cases := []struct {
		name         string
		mine, theirs *State
		want         *State
		conflicts    []string
	}{
		{"different fields", st(map[string]any{"a": "x", "b": int64(2)}), st(map[string]any{"a": "1", "b": int64(3)}),
			st(map[string]any{"a": "x", "b": int64(3), "c": nil}), nil},
		{"identical edits", st(map[string]any{"a": "x", "b": int64(2)}), st(map[string]any{"a": "x", "b": json.Number("2")}),
			st(map[string]any{"a": "x", "b": int64(2)}), nil},
		{"same field", st(map[string]any{"a": "x", "b": int64(2)}), st(map[string]any{"a": "y", "b": int64(2)}), nil, []string{"a"}},
		{"numbers by value", st(map[string]any{"a": "1", "b": 2.0}), st(map[string]any{"a": "1", "b": json.Number("2")}), nil, nil},
		{"geometry", &State{Geom: orb.Point{5, 5}, Props: base.Props}, &State{Geom: orb.Point{6, 6}, Props: base.Props}, nil, []string{GeometryField}},
		{"delete vs edit", nil, st(map[string]any{"a": "y", "b": int64(2)}), nil, []string{DeletedField}},
		{"delete vs nothing", nil, base, nil, nil},
		{"both deleted", nil, nil, nil, nil},
	}
	for _, c := range cases {
		for _, swap := range []bool{false, true} {
			mine, theirs := c.mine, c.theirs
			if swap {
				mine, theirs = theirs, mine
			}
			m := Merge(base, mine, theirs)
			if !slices.Equal(m.Conflicts, c.conflicts) {
				t.Errorf("%s (swapped %v): conflicts %v, want %v", c.name, swap, m.Conflicts, c.conflicts)
			}
			if c.conflicts == nil && c.want != nil && !Equal(m.Result, c.want) {
				t.Errorf("%s (swapped %v): result %+v, want %+v", c.name, swap, m.Result, c.want)
			}
		}
	}
}

// decodeFuzzState makes a state from fuzz bytes: each byte pair sets one
// of four fields to one of four values (or leaves it), the last byte
// picks the geometry; 0xff as the first byte is a deleted feature.
func decodeFuzzState(b []byte) *State {
	if len(b) > 0 && b[0] == 0xff {
		return nil
	}
	vals := []any{nil, "v", int64(7), 2.5}
	s := &State{Geom: orb.Point{0, 0}, Props: map[string]any{}}
	for i := 0; i+1 < len(b) && i < 8; i += 2 {
		s.Props[string(rune('a'+b[i]%4))] = vals[b[i+1]%4]
	}
	if len(b)%2 == 1 {
		s.Geom = orb.Point{float64(b[len(b)-1] % 3), 0}
	}
	return s
}

func FuzzMerge(f *testing.F) {
	f.Add([]byte{0, 1}, []byte{0, 2}, []byte{1, 3})
	f.Add([]byte{0, 1, 1, 1}, []byte{0, 1, 1, 2}, []byte{0, 3, 1, 1})
	f.Add([]byte{0xff}, []byte{0, 1}, []byte{0, 1, 5})
	f.Fuzz(func(t *testing.T, bb, mb, tb []byte) {
		base, mine, theirs := decodeFuzzState(bb), decodeFuzzState(mb), decodeFuzzState(tb)
		m := Merge(base, mine, theirs)
		r := Merge(base, theirs, mine)
		if !slices.Equal(m.Conflicts, r.Conflicts) {
			t.Fatalf("conflicts not symmetric: %v vs %v", m.Conflicts, r.Conflicts)
		}
		if len(m.Conflicts) > 0 {
			return
		}
		if !Equal(m.Result, r.Result) {
			t.Fatalf("merge not symmetric: %+v vs %+v", m.Result, r.Result)
		}
		if Equal(mine, theirs) && !Equal(m.Result, mine) {
			t.Fatalf("identical edits changed: %+v", m.Result)
		}
		if m.Result == nil {
			if mine != nil && theirs != nil {
				t.Fatal("two live sides merged into a delete")
			}
			return
		}
		// A field changed on one side only keeps that change.
		for _, side := range []*State{mine, theirs} {
			if side == nil {
				continue
			}
			for k, v := range side.Props {
				var bv any
				if base != nil {
					bv = base.Props[k]
				}
				if !ValueEqual(v, bv) && !ValueEqual(m.Result.Props[k], v) {
					t.Fatalf("field %s changed to %v on one side lost: %v", k, v, m.Result.Props[k])
				}
			}
			if base != nil && !GeomEqual(side.Geom, base.Geom) && !GeomEqual(m.Result.Geom, side.Geom) {
				t.Fatal("geometry change lost")
			}
		}
	})
}
