package crs

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/paulmach/orb"
)

func TestLookup(t *testing.T) {
	for _, tc := range []struct {
		epsg int
		name string
		geo  bool
	}{
		{4326, "WGS 84", true},
		{4490, "China Geodetic Coordinate System 2000", true},
		{4550, "CGCS2000 / 3-degree Gauss-Kruger CM 123E", false},
	} {
		d, err := Lookup(tc.epsg)
		if err != nil {
			t.Fatalf("EPSG:%d: %v", tc.epsg, err)
		}
		if d.Name != tc.name || d.Geographic != tc.geo {
			t.Errorf("EPSG:%d: got %q geographic=%v, want %q %v", tc.epsg, d.Name, d.Geographic, tc.name, tc.geo)
		}
		if !strings.Contains(d.WKT, `AUTHORITY["EPSG","`) {
			t.Errorf("EPSG:%d: WKT1 lacks authority: %s", tc.epsg, d.WKT)
		}
	}
	if _, err := Lookup(999999); !errors.Is(err, ErrUnknown) {
		t.Errorf("EPSG:999999: got %v, want ErrUnknown", err)
	}
}

func TestTransformShenyang(t *testing.T) {
	tr, err := NewTransformer(CGCS2000, CGCS2000GK)
	if err != nil {
		t.Fatal(err)
	}
	// On the central meridian x is the false easting exactly.
	p, err := tr.Point(orb.Point{123, 41.8})
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(p[0]-500000) > 1e-6 || p[1] < 4.62e6 || p[1] > 4.64e6 {
		t.Errorf("123E 41.8N -> %v", p)
	}
	back, err := tr.Inverse(p)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(back[0]-123) > 1e-9 || math.Abs(back[1]-41.8) > 1e-9 {
		t.Errorf("round trip: %v", back)
	}
	g, err := tr.Geometry(orb.Polygon{{{123, 41}, {124, 41}, {124, 42}, {123, 41}}})
	if err != nil {
		t.Fatal(err)
	}
	if r := g.(orb.Polygon)[0]; r[1][0] <= 500000 || r[0] != r[3] {
		t.Errorf("polygon: %v", r)
	}
}

func TestGeodesic(t *testing.T) {
	g, err := NewGeodesic(CGCS2000)
	if err != nil {
		t.Fatal(err)
	}
	// One degree of latitude at 41.5N is about 111.05 km.
	l, err := g.Length(orb.LineString{{123, 41}, {123, 42}})
	if err != nil || math.Abs(l-111052) > 50 {
		t.Errorf("length %v, %v", l, err)
	}
	gk, err := NewGeodesic(CGCS2000GK)
	if err != nil {
		t.Fatal(err)
	}
	// A 1 km square on the central meridian: the Gauss-Kruger scale factor is
	// 1 there, so the ellipsoidal area is within 0.1% of the planar one.
	sq := orb.Polygon{{{500000, 4630000}, {501000, 4630000}, {501000, 4631000}, {500000, 4631000}, {500000, 4630000}}}
	a, err := gk.Area(sq)
	if err != nil || math.Abs(a-1e6) > 1e3 {
		t.Errorf("area %v, %v", a, err)
	}
	sq = append(sq, orb.Ring{{500100, 4630100}, {500100, 4630200}, {500200, 4630200}, {500200, 4630100}, {500100, 4630100}})
	if b, _ := gk.Area(sq); math.Abs(a-b-1e4) > 20 {
		t.Errorf("area with hole %v, want %v", b, a-1e4)
	}
}
