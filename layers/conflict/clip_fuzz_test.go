package conflict

import (
	"math"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkt"
	"github.com/twpayne/go-geos"
)

// FuzzClip feeds the Go overlay rings drawn on a coarse grid far from the
// origin, where shared vertices, collinear edges and touches are common:
// a ring the Go side accepts must be valid to GEOS, and every intersection
// it answers must have GEOS's area and be valid. The bytes are split in
// three: A, B's outer ring and one hole of B (each byte a grid point).
func FuzzClip(f *testing.F) {
	f.Add([]byte{0x00, 0x80, 0x88, 0x08}, []byte{0x44, 0xc4, 0xcc, 0x4c}, []byte{})
	f.Add([]byte{0x00, 0xf0, 0xff, 0x0f}, []byte{0x11, 0xe1, 0xee, 0x1e}, []byte{0x33, 0x36, 0x66, 0x63})
	f.Add([]byte{0x00, 0x80, 0x88, 0x08}, []byte{0x80, 0xf0, 0xf8, 0x88}, []byte{})
	f.Add([]byte{0x22, 0x92, 0x55, 0x99, 0x29}, []byte{0x00, 0xa0, 0xaa, 0x0a}, []byte{0x44, 0x47, 0x77})
	f.Add([]byte{0x00, 0x90, 0x99, 0x69, 0x63, 0x33, 0x39, 0x09}, []byte{0x05, 0xa5, 0xa7, 0x07}, []byte{})
	gctx := geos.NewContext()
	f.Fuzz(func(t *testing.T, ab, bb, hb []byte) {
		a, b, h := gridRing(ab), gridRing(bb), gridRing(hb)
		if a == nil || b == nil {
			return
		}
		bp := orb.Polygon{b}
		if h != nil {
			bp = append(bp, h)
		}
		var c clipper
		ag, oka := makeGoRing(orb.Polygon{a}, nil, nil)
		bg, okb := makeGoPolygon(bp, nil, &c)
		ga, gb := geosPolygon(t, gctx, orb.Polygon{a}), geosPolygon(t, gctx, bp)
		if oka && !ga.IsValid() {
			t.Fatalf("accepted A, GEOS: %s: %s", ga.IsValidReason(), wkt.MarshalString(orb.Polygon{a}))
		}
		if okb && !gb.IsValid() {
			t.Fatalf("accepted B, GEOS: %s: %s", gb.IsValidReason(), wkt.MarshalString(bp))
		}
		if !oka || !okb {
			return
		}
		mp, m, ok := c.holedClip(&ag, &bg)
		if !ok {
			return
		}
		want := ga.Intersection(gb).Area()
		if math.Abs(m.area-want) > 1e-9*math.Max(want, 1) {
			t.Fatalf("area %.9f, GEOS %.9f: %s ∩ %s", m.area, want, wkt.MarshalString(orb.Polygon{a}), wkt.MarshalString(bp))
		}
		if len(mp) > 0 {
			if g := geosPolygon(t, gctx, mp); !g.IsValid() {
				t.Fatalf("result invalid (%s): %s", g.IsValidReason(), wkt.MarshalString(mp))
			}
		}
	})
}

// gridRing is a closed ring of the bytes as points of a 16x16 grid of 10 m
// cells far from the origin; nil for fewer than three points.
func gridRing(bs []byte) orb.Ring {
	if len(bs) < 3 || len(bs) > 64 {
		return nil
	}
	r := make(orb.Ring, 0, len(bs)+1)
	for _, v := range bs {
		r = append(r, orb.Point{500000 + 10*float64(v>>4), 4600000 + 10*float64(v&15)})
	}
	return append(r, r[0])
}
