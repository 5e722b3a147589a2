package wire

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"testing"

	"github.com/paulmach/orb"
)

// FuzzSnapshotReader: reading never panics; every error wraps ErrDecode;
// every feature read encodes as a record that reads back the same.
func FuzzSnapshotReader(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "snapshots", "*.geojsons"))
	if len(files) == 0 {
		f.Fatal("no seeds in testdata/snapshots")
	}
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		rd := NewSnapshotReader(bytes.NewReader(data), "fuzz")
		for range 1000 {
			var a Feature
			err := rd.Next(&a)
			if err == io.EOF {
				return
			}
			if err != nil {
				if !errors.Is(err, ErrDecode) {
					t.Fatalf("error does not wrap ErrDecode: %v", err)
				}
				return
			}
			rec, err := AppendSnapshotRecord(nil, &a)
			if err != nil {
				t.Fatalf("a feature read does not encode: %v", err)
			}
			var b Feature
			if err := NewSnapshotReader(bytes.NewReader(rec), "again").Next(&b); err != nil || b.UID != a.UID || b.Version != a.Version {
				t.Fatalf("record %q reads back as %+v (%v), want %+v", rec, b, err, a)
			}
		}
	})
}

// TestSnapshotSeeds: the seed of two features reads two, the others fail.
func TestSnapshotSeeds(t *testing.T) {
	for name, want := range map[string]int{"two": 2, "cut": -1, "bad": -1} {
		b, err := os.ReadFile(filepath.Join("testdata", "snapshots", name+".geojsons"))
		if err != nil {
			t.Fatal(err)
		}
		rd := NewSnapshotReader(bytes.NewReader(b), name)
		n := 0
		for err = nil; err == nil; n++ {
			err = rd.Next(&Feature{})
		}
		if got := rd.Count(); (want >= 0 && (err != io.EOF || got != want)) || (want < 0 && !errors.Is(err, ErrDecode)) {
			t.Errorf("%s: %d features, %v", name, got, err)
		}
	}
}

// TestReprDigest: the header round-trips; a wrong length or no sha-256
// is an error.
func TestReprDigest(t *testing.T) {
	sum := bytes.Repeat([]byte{7}, 32)
	got, err := ParseReprDigest("sha-512=:AAAA:, " + FormatReprDigest(sum))
	if err != nil || !bytes.Equal(got, sum) {
		t.Fatalf("round trip: %x %v", got, err)
	}
	for _, bad := range []string{"", "sha-256=AAAA", "sha-256=:AAAA:", "md5=:AAAA:"} {
		if _, err := ParseReprDigest(bad); !errors.Is(err, ErrDecode) {
			t.Errorf("%q: %v, want ErrDecode", bad, err)
		}
	}
}

// TestAppendJSONLikeEncodingJSON: strings and values are written byte for
// byte as encoding/json writes them.
func TestAppendJSONLikeEncodingJSON(t *testing.T) {
	for _, v := range []any{"", "plain", "引号\"和\\反斜杠", "a\nb\tc\r\x01\x1f", "<a&b>", "\u2028\u2029", "bad\xffutf8", "é",
		nil, true, false, int64(-42), 7, 0.0, -0.0, 1.5, 1e21, 1e-7, 123456789.125, 4.5e-300, json.Number("12.50"), []int{1}} {
		want, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		got, err := appendValue(nil, v)
		if err != nil || string(got) != string(want) {
			t.Errorf("%#v: %s, encoding/json %s (%v)", v, got, want, err)
		}
	}
}

// FuzzAppendString: appendString writes what encoding/json writes.
func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"", "a\"b", "\xff\xfe", "\u2028<>&", "中文\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, _ := json.Marshal(s)
		if got := appendString(nil, s); string(got) != string(want) {
			t.Fatalf("%q: %s, encoding/json %s", s, got, want)
		}
	})
}

// TestPushRequestAppendJSON: the push body is what encoding/json writes.
func TestPushRequestAppendJSON(t *testing.T) {
	f := &Feature{UID: "u1", Version: 3, UpdatedAt: "2026-01-01T00:00:00Z", UpdatedBy: "区", Properties: map[string]any{"a": "x<y", "n": 1.25}}
	for _, r := range []PushRequest{{}, {CRS: "http://www.opengis.net/def/crs/EPSG/0/4550", Changes: []PushChange{
		{Key: "k1", Collection: "gl_xzfa", Op: OpUpsert, UID: "u1", BaseVersion: 2, Feature: f},
		{Key: "k2", Collection: "gl_xzfa", Op: OpDelete, UID: "u2"}}}} {
		want, err := json.Marshal(&r)
		if err != nil {
			t.Fatal(err)
		}
		got, err := r.AppendJSON(nil)
		if err != nil || string(got) != string(want) {
			t.Errorf("AppendJSON:\n%s\nencoding/json:\n%s (%v)", got, want, err)
		}
	}
}

// FuzzProperties: properties decode as encoding/json (UseNumber) decodes
// them, and are refused when it refuses them or finds a nested value.
func FuzzProperties(f *testing.F) {
	for _, s := range []string{`{}`, `{"a":"x","b":1.50,"c":true,"d":null}`, `{"a":"\u00e9\n","a":"last"}`, `{"n":{"x":1}}`, `{"s":"\xff"}`, `[1]`, `{"e":-1e5}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if !json.Valid(data) {
			return
		}
		var got Feature
		gerr := got.decodeProperties(data)
		d := json.NewDecoder(bytes.NewReader(data))
		d.UseNumber()
		var want map[string]any
		werr := d.Decode(&want)
		nested := false
		for _, v := range want {
			switch v.(type) {
			case map[string]any, []any:
				nested = true
			}
		}
		if werr != nil || nested || want == nil {
			if gerr == nil && !(want == nil && werr == nil) {
				t.Fatalf("%s: accepted, encoding/json: %v (nested %v)", data, werr, nested)
			}
			return
		}
		if gerr != nil {
			if errors.Is(gerr, ErrDecode) && (want["version"] != nil || want["updated_at"] != nil || want["updated_by"] != nil) {
				return // a system property of the wrong type
			}
			t.Fatalf("%s: %v, encoding/json decodes it", data, gerr)
		}
		for k, v := range want {
			if isSystemProp(k) {
				continue
			}
			if gv, ok := got.Properties[k]; !ok || gv != v {
				t.Fatalf("%s: %q = %#v, encoding/json %#v", data, k, gv, v)
			}
		}
	})
}

// FuzzSnapshotRecordChecked: a snapshot record is checked as JSON in the
// walk that decodes it, without json.Valid's pass: it must read exactly
// when encoding/json reads the same bytes (json.Valid, then
// Feature.UnmarshalJSON), to the same feature, and fail otherwise.
func FuzzSnapshotRecordChecked(f *testing.F) {
	seeds(f, "features")
	for _, s := range []string{`{"type":"Feature","id":"a","geometry":null,"properties":{"x":01}}`,
		`{"type":"Feature","id":"a","geometry":null,"properties":{"x":"\u00e9\q"}}`, `{"type":"Feature","bbox":[1,2,]}`,
		`{"type":"Feature","id":"a","geometry":null,"properties":{}} x`, `{"type":"Feature","id":"a","geometry":{"type":"Point","coordinates":[1,.5]}}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if bytes.IndexByte(data, '\n') >= 0 {
			return // one record is one line
		}
		rec := append(append([]byte{recordSeparator}, data...), '\n')
		var a, b Feature
		errA := NewSnapshotReader(bytes.NewReader(rec), "fuzz").Next(&a)
		errB := json.Unmarshal(bytes.TrimSpace(data), &b)
		if (errA == nil) != (errB == nil) {
			t.Fatalf("%q: the snapshot reader says %v, encoding/json %v", data, errA, errB)
		}
		if errA != nil && !errors.Is(errA, ErrDecode) {
			t.Fatalf("error does not wrap ErrDecode: %v", errA)
		}
		if errA == nil && !reflect.DeepEqual(a, b) {
			t.Fatalf("%q: the snapshot reader reads %+v, encoding/json %+v", data, a, b)
		}
	})
}

// BenchmarkSnapshotReader decodes records of 50-vertex polygons with
// two properties, as BenchmarkCloneSnapshot (package replica) pulls them.
func BenchmarkSnapshotReader(b *testing.B) {
	var file []byte
	const n = 2000
	for i := range n {
		x, y := 400000+float64(i%500)*200.123, 4500000+float64(i/500)*200.456
		ring := make(orb.Ring, 0, 50)
		for k := range 49 {
			a := float64(k) / 49 * 2 * math.Pi // to the millimetre, as surveys give them
			ring = append(ring, orb.Point{math.Round((x+150*math.Cos(a))*1000) / 1000, math.Round((y+150*math.Sin(a))*1000) / 1000})
		}
		ring = append(ring, ring[0])
		f := &Feature{UID: fmt.Sprintf("0192d5a4-7b3c-7def-8abc-%012d", i), Version: 1, UpdatedAt: "2026-11-30T08:00:00.123456Z", UpdatedBy: "bench",
			Geometry: orb.MultiPolygon{{ring}}, Properties: map[string]any{"dlbm": "0101", "tbbh": strconv.Itoa(i)}}
		var err error
		if file, err = AppendSnapshotRecord(file, f); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(int64(len(file)))
	for b.Loop() {
		rd := NewSnapshotReader(bytes.NewReader(file), "bench")
		for {
			var f Feature
			if err := rd.Next(&f); err == io.EOF {
				break
			} else if err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n)/1000, "µs/feature")
}

// FuzzDecodeProperties: what DecodeProperties decodes, encoding/json
// (UseNumber, into a map) decodes the same.
func FuzzDecodeProperties(f *testing.F) {
	for _, s := range []string{`{}`, `{"a":1,"b":"x","c":null,"d":true,"e":-1.5e3}`, `{"a":"\u00e9\n","a":2}`, `{"a":[1]}`, `null`, `{"a":1} x`, "{\"a\":\"\xff\"}"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := DecodeProperties(b)
		if err != nil {
			if !errors.Is(err, ErrDecode) {
				t.Fatalf("error does not wrap ErrDecode: %v", err)
			}
			return
		}
		d := json.NewDecoder(bytes.NewReader(b))
		d.UseNumber()
		var want map[string]any
		if err := d.Decode(&want); err != nil || !reflect.DeepEqual(got, want) {
			t.Fatalf("%q: DecodeProperties %v, encoding/json %v (%v)", b, got, want, err)
		}
	})
}
