package wire

import (
	"math"
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
