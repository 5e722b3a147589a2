package layers

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkt"
	"github.com/paulmach/orb/geojson"
)

// TestFeatureJSONMatchesEncodingJSON compares the journal's GeoJSON with
// orb/geojson through encoding/json, after decoding both.
func TestFeatureJSONMatchesEncodingJSON(t *testing.T) {
	for _, tc := range []struct {
		wkt   string
		attrs map[string]any
	}{
		{"POINT (500000.125 4600000.5)", map[string]any{"mc": "沈河区\"引号\"\n换行", "n": int64(-3)}},
		{"LINESTRING (0 0, 1e-7 2.5e22, -3.25 4)", map[string]any{"x": 1.5, "ok": true, "nil": nil}},
		{"POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0), (2 2, 3 2, 3 3, 2 2))", map[string]any{"ctl": "a\x01b\\c"}},
		{"MULTIPOLYGON (((0 0, 1 0, 1 1, 0 0)), ((5 5, 6 5, 6 6, 5 5)))", map[string]any{}},
		{"MULTIPOINT ((1 2), (3 4))", map[string]any{"bad": "\xff"}},
		{"MULTILINESTRING ((1 2, 3 4), (5 6, 7 8))", map[string]any{"t": []string{"a", "b"}}},
		{"GEOMETRYCOLLECTION (POINT (1 2), LINESTRING (0 0, 1 1))", nil},
	} {
		g, err := wkt.Unmarshal(tc.wkt)
		if err != nil {
			t.Fatal(err)
		}
		f := &Feature{UID: "u-1", Version: 7, Geom: g, Attrs: tc.attrs}
		got := appendFeatureJSON(nil, f)
		gf := geojson.NewFeature(g)
		gf.ID = f.UID
		gf.Properties = geojson.Properties{"version": f.Version}
		for k, v := range tc.attrs {
			gf.Properties[k] = v
		}
		want, err := json.Marshal(gf)
		if err != nil {
			t.Fatal(err)
		}
		var a, b any
		if err := json.Unmarshal(got, &a); err != nil {
			t.Fatalf("%s: invalid JSON %s: %v", tc.wkt, got, err)
		}
		if err := json.Unmarshal(want, &b); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(a, b) {
			t.Errorf("%s:\n got %s\nwant %s", tc.wkt, got, want)
		}
	}
}

func BenchmarkFeatureJSON(b *testing.B) {
	f := &Feature{UID: "3f1c2d9e-0000-4000-8000-000000000001", Version: 3,
		Geom:  orb.Polygon{{{500000, 4600000}, {500040, 4600000}, {500040, 4600040}, {500000, 4600040}, {500000, 4600000}}},
		Attrs: map[string]any{"dlbm": "0701", "dlmc": "城镇住宅用地", "mj": 1600.0, "updated_at": "2026-11-28T00:00:00Z", "updated_by": "bench"}}
	buf := make([]byte, 0, 512)
	for b.Loop() {
		buf = appendFeatureJSON(buf[:0], f)
	}
}
