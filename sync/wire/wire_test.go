package wire

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"
)

func seeds(f *testing.F, dir string) {
	files, err := filepath.Glob(filepath.Join("testdata", dir, "*.json"))
	if err != nil || len(files) == 0 {
		f.Fatalf("no seeds in testdata/%s: %v", dir, err)
	}
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
}

// FuzzFeature: decoding never panics; what decodes encodes and decodes
// again to the same feature.
func FuzzFeature(f *testing.F) {
	seeds(f, "features")
	f.Fuzz(func(t *testing.T, data []byte) {
		var a Feature
		if err := json.Unmarshal(data, &a); err != nil {
			return
		}
		enc, err := a.MarshalJSON()
		if err != nil {
			t.Fatalf("decoded feature does not encode: %v", err)
		}
		var b Feature
		if err := json.Unmarshal(enc, &b); err != nil {
			t.Fatalf("re-decoding %s: %v", enc, err)
		}
		if !orb.Equal(orbOrNil(a.Geometry), orbOrNil(b.Geometry)) || a.UID != b.UID || a.Version != b.Version {
			t.Fatalf("round trip changed the feature:\n%s\n%+v\n%+v", enc, a, b)
		}
	})
}

func orbOrNil(g orb.Geometry) orb.Geometry {
	if g == nil {
		return orb.Collection{}
	}
	return g
}

// FuzzGeometry: DecodeGeometry never panics and what it accepts is valid.
func FuzzGeometry(f *testing.F) {
	seeds(f, "features")
	f.Fuzz(func(t *testing.T, data []byte) {
		g, err := DecodeGeometry(data)
		if err != nil {
			if !errors.Is(err, ErrDecode) {
				t.Fatalf("error not wrapping ErrDecode: %v", err)
			}
			return
		}
		checkValid(t, g)
	})
}

func checkValid(t *testing.T, g orb.Geometry) {
	switch g := g.(type) {
	case orb.LineString:
		if len(g) < 2 {
			t.Fatalf("accepted a line of %d points", len(g))
		}
	case orb.Polygon:
		for _, r := range g {
			if len(r) < 4 || r[0] != r[len(r)-1] {
				t.Fatalf("accepted ring %v", r)
			}
		}
	case orb.MultiPolygon:
		for _, p := range g {
			checkValid(t, p)
		}
	case orb.Collection:
		for _, m := range g {
			checkValid(t, m)
		}
	}
}

func TestFeatureDecode(t *testing.T) {
	cases := []struct{ in, err string }{
		{`{"type":"Feature","geometry":null,"properties":{"a":1}}`, ""},
		{`{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1]]]}}`, "ring has 3 positions"},
		{`{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1]]]}}`, "not closed"},
		{`{"type":"Feature","geometry":{"type":"LineString","coordinates":[[0,0]]}}`, "at least 2"},
		{`{"type":"Feature","geometry":{"type":"Point","coordinates":[0]}}`, "has 1 numbers"},
		{`{"type":"Feature","geometry":{"type":"Curve","coordinates":[0,0]}}`, `unknown geometry type "Curve"`},
		{`{"type":"Feature","geometry":{"type":"MultiPolygon","coordinates":[]}}`, "empty MultiPolygon"},
		{`{"type":"Feature","properties":{"a":[1]}}`, `property "a" is an object or array`},
		{`{"type":"Feature","properties":{"version":-1}}`, "non-negative integer"},
		{`{"type":"FeatureCollection"}`, `type "FeatureCollection"`},
		{`{"type":"Feature","id":{"x":1}}`, "string or number"},
	}
	for _, c := range cases {
		var f Feature
		err := json.Unmarshal([]byte(c.in), &f)
		switch {
		case c.err == "" && err != nil:
			t.Errorf("%s: %v", c.in, err)
		case c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err) || !errors.Is(err, ErrDecode)):
			t.Errorf("%s: error %v, want one with %q wrapping ErrDecode", c.in, err, c.err)
		}
	}
}

func TestFeatureSystemProperties(t *testing.T) {
	var f Feature
	in := `{"type":"Feature","id":"u","geometry":{"type":"Point","coordinates":[1,2]},"properties":{"a":"x","version":4,"updated_by":"me","updated_at":"t"}}`
	if err := json.Unmarshal([]byte(in), &f); err != nil {
		t.Fatal(err)
	}
	if f.Version != 4 || f.UpdatedBy != "me" || f.UpdatedAt != "t" || len(f.Properties) != 1 || f.Properties["a"] != "x" {
		t.Errorf("decoded %+v", f)
	}
	out, _ := f.MarshalJSON()
	want := `{"type":"Feature","id":"u","geometry":{"type":"Point","coordinates":[1,2]},"properties":{"a":"x","updated_at":"t","updated_by":"me","version":4}}`
	if string(out) != want {
		t.Errorf("encoded\n%s\nwant\n%s", out, want)
	}
}

func TestParseCRS(t *testing.T) {
	for in, want := range map[string]int{"": 0, CRS84: 0, "<" + CRS84 + ">": 0, EPSGURI(4550): 4550, "EPSG:4490": 4490,
		"urn:ogc:def:crs:EPSG::4326": 4326} {
		if got, err := ParseCRS(in); err != nil || got != want {
			t.Errorf("ParseCRS(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, bad := range []string{"mercator", "EPSG:x", EPSGURI(0)} {
		if _, err := ParseCRS(bad); err == nil {
			t.Errorf("ParseCRS(%q) accepted", bad)
		}
	}
}

func TestPushRequestValidate(t *testing.T) {
	ok := PushRequest{Changes: []PushChange{{Key: "a", Collection: "c", Op: OpDelete, UID: "u"}}}
	if err := ok.Validate(); err != nil {
		t.Error(err)
	}
	dup := PushRequest{Changes: []PushChange{ok.Changes[0], ok.Changes[0]}}
	if err := dup.Validate(); err == nil || !strings.Contains(err.Error(), "repeats the key") {
		t.Errorf("duplicate keys: %v", err)
	}
}

func TestChangePageAppendJSON(t *testing.T) {
	p := ChangePage{Collection: "c\"1", Next: "9", More: true, Changes: []Change{
		{Collection: "c", UID: "u1", Op: OpUpsert, Version: 2, Cursor: "8",
			Feature: &Feature{UID: "u1", Version: 2, Geometry: orb.Point{1, 2}, Properties: map[string]any{"a": "b"}}},
		{Collection: "c", UID: "u2", Op: OpDelete, Version: 3, Cursor: "9"},
	}}
	got, err := p.AppendJSON(nil)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := json.Marshal(p)
	if string(got) != string(want) {
		t.Errorf("AppendJSON\n%s\nencoding/json\n%s", got, want)
	}
}
