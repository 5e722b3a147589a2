package crs

import (
	"errors"
	"math"
	"testing"

	"github.com/paulmach/orb"
)

// TestTransformerFromWKT: a CRS given as WKT (here EPSG:4490's own WKT)
// transforms exactly as its EPSG code does; a WKT PROJ cannot read is
// ErrUnknown.
func TestTransformerFromWKT(t *testing.T) {
	d, err := Lookup(4490)
	if err != nil {
		t.Fatal(err)
	}
	byWKT, err := NewTransformerFromWKT(d.WKT, 4550)
	if err != nil {
		t.Fatal(err)
	}
	byCode, err := NewTransformer(4490, 4550)
	if err != nil {
		t.Fatal(err)
	}
	p := orb.Point{123.43, 41.8}
	a, err1 := byWKT.Point(p)
	b, err2 := byCode.Point(p)
	if err1 != nil || err2 != nil || math.Abs(a[0]-b[0]) > 1e-6 || math.Abs(a[1]-b[1]) > 1e-6 {
		t.Fatalf("WKT %v (%v), EPSG %v (%v)", a, err1, b, err2)
	}
	if _, err := NewTransformerFromWKT("PROJCS[nonsense", 4550); !errors.Is(err, ErrUnknown) {
		t.Fatalf("bad WKT: %v, want ErrUnknown", err)
	}
}
