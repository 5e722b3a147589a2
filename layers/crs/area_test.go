package crs

import (
	"errors"
	"testing"

	"github.com/paulmach/orb"
)

func box(x0, y0, x1, y1 float64) orb.Bound {
	return orb.Bound{Min: orb.Point{x0, y0}, Max: orb.Point{x1, y1}}
}

// TestCheckExtent: metres in a geographic CRS and degrees in a projected
// one are outside the valid area; Shenyang in either is not.
func TestCheckExtent(t *testing.T) {
	for _, tc := range []struct {
		name string
		epsg int
		ext  orb.Bound
		want error
	}{
		{"lon/lat in 4326", WGS84, box(123.1, 41.6, 123.7, 42.0), nil},
		{"metres in 4326", WGS84, box(500000, 4600000, 510000, 4610000), ErrOutside},
		{"latitude 91 in 4490", CGCS2000, box(123, 41, 124, 91), ErrOutside},
		{"metres in 4550", CGCS2000GK, box(480000, 4600000, 530000, 4650000), nil},
		{"degrees in 4550", CGCS2000GK, box(123.1, 41.6, 123.7, 42.0), ErrOutsideAreaOfUse},
		{"zone-prefixed metres in 4550", CGCS2000GK, box(41500000, 4630000, 41510000, 4640000), ErrOutsideAreaOfUse},
		{"unknown code", 999999, box(1e12, 1e12, 2e12, 2e12), nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckExtent(tc.epsg, tc.ext)
			if (tc.want == nil) != (err == nil) || (tc.want != nil && !errors.Is(err, tc.want)) {
				t.Fatalf("CheckExtent(%d, %v) = %v, want %v", tc.epsg, tc.ext, err, tc.want)
			}
		})
	}
}

func TestAreaOfUse(t *testing.T) {
	d, err := Lookup(CGCS2000GK)
	if err != nil {
		t.Fatal(err)
	}
	if !d.HasArea || d.Area[0] != 121.5 || d.Area[2] != 124.5 {
		t.Fatalf("EPSG:4550 area of use %v (%v), want 121.5°E to 124.5°E", d.Area, d.HasArea)
	}
}
