package wire

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"testing"
)

// FuzzFastFloat: every number the fast path takes is the float64
// strconv.ParseFloat reads, bit for bit.
func FuzzFastFloat(f *testing.F) {
	for _, s := range []string{"0", "-0", "400123.456", "4500000.1234567", "0.1", "-12.5e3", "123456789012345", "1.", ".5", "00012", "9007199254740993"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		v, ok := fastFloat(b)
		if !ok {
			return
		}
		w, err := strconv.ParseFloat(string(b), 64)
		if err != nil || math.Float64bits(v) != math.Float64bits(w) {
			t.Fatalf("%q: fast path %v, strconv %v (%v)", b, v, w, err)
		}
	})
}

// FuzzAppendNumber: the short-decimal path writes what strconv writes.
func FuzzAppendNumber(f *testing.F) {
	for _, s := range []float64{0, 1, -1, 400123.456, 4500000.1, 0.1, 0.000001, 1e-7, 123456789012345, 999999999999999.9, 0.30000000000000004, 5e-324} {
		f.Add(s, int64(0), uint8(0))
	}
	f.Add(0.0, int64(4501234567), uint8(3))
	f.Fuzz(func(t *testing.T, v float64, m int64, k uint8) {
		for _, x := range []float64{v, float64(m) / math.Pow(10, float64(k%12))} {
			var want []byte
			if abs := math.Abs(x); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
				want = strconv.AppendFloat(nil, x, 'e', -1, 64)
			} else {
				want = strconv.AppendFloat(nil, x, 'f', -1, 64)
			}
			if math.IsNaN(x) || math.IsInf(x, 0) {
				want = []byte("null")
			}
			if got := AppendNumber(nil, x); string(got) != string(want) {
				t.Fatalf("%v (bits %x): AppendNumber %s, strconv %s", x, math.Float64bits(x), got, want)
			}
		}
	})
}

// FuzzCompactGeometry: the shortcut for geometries as AppendGeometry
// writes them decodes what the general walk decodes, with its errors.
func FuzzCompactGeometry(f *testing.F) {
	for _, s := range []string{`{"type":"Point","coordinates":[1,2]}`, `{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,0]]]]}`,
		`{"type":"Point","coordinates":[1,2],"coordinates":[3,4]}`, `{"type":"Polygon","coordinates":[[[0,0],[1,0],[0,0]]]}`,
		`{"type":"LineString","coordinates":[[0,0],[1,1]] }`, `{"type":"Po\"int","coordinates":[1,2]}`, `{"type":"Nope","coordinates":[]}`,
		`{"type":"GeometryCollection","coordinates":[],"geometries":[]}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if !json.Valid(b) {
			return
		}
		g1, err1 := decodeGeometry(b, "geometry", 0)
		g2, err2 := walkGeometry(b, "geometry", 0)
		if fmt.Sprint(err1) != fmt.Sprint(err2) || !reflect.DeepEqual(g1, g2) {
			t.Fatalf("%s: shortcut %v (%v), walk %v (%v)", b, g1, err1, g2, err2)
		}
	})
}
