package conflict

import (
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
	"github.com/twpayne/go-geos"
)

// TestIsSimpleAgainstGEOS checks the Go validity test against GEOS on
// random rings far from the origin, many of them self-intersecting or
// self-touching: every ring it accepts GEOS holds valid, and it accepts
// every star-shaped ring and nearly all valid shuffled ones (it refuses a
// vertex within 1e-12 of another edge, which GEOS may accept).
func TestIsSimpleAgainstGEOS(t *testing.T) {
	r := rand.New(rand.NewPCG(clipSeed(t), 7))
	gctx := geos.NewContext()
	var accepted, valid int
	for k := range 4000 {
		base := orb.Point{500000 + r.Float64()*1000, 4600000 + r.Float64()*1000}
		n := 3 + r.IntN(40)
		if k%5 == 4 {
			n = 100 + r.IntN(100) // past 128 edges the sweep decides
		}
		ring := starPolygon(r, base, 100, n)
		switch k % 4 {
		case 1: // shuffle two vertices: often a self-intersection
			i, j := r.IntN(len(ring)), r.IntN(len(ring))
			ring[i], ring[j] = ring[j], ring[i]
		case 2: // a vertex onto another's place or edge: a self-touch
			if len(ring) > 4 {
				i := r.IntN(len(ring) - 3)
				j := i + 2 + r.IntN(len(ring)-i-3)
				q := ring[(j+1)%len(ring)]
				ring[i] = orb.Point{(ring[j][0] + q[0]) / 2, (ring[j][1] + q[1]) / 2}
				if k%8 == 2 {
					ring[i] = ring[j]
				}
			}
		case 3: // a spike back along the previous edge
			if len(ring) > 4 {
				i := 1 + r.IntN(len(ring)-2)
				p := ring[i-1]
				ring = append(ring[:i+1:i+1], append([]orb.Point{{(p[0] + ring[i][0]) / 2, (p[1] + ring[i][1]) / 2}}, ring[i+1:]...)...)
			}
		}
		g := geosRing(t, gctx, ring)
		geosValid := g.IsValid()
		if len(ring) >= 3 {
			ccw := append([]orb.Point(nil), ring...)
			if ringArea2(ccw) < 0 {
				reversePoints(ccw)
			}
			boxes := edgeBoxes(ccw)
			all := boxes[len(ccw)]
			if byChains, swept := isSimple(ccw, boxes, nil), sweptSimple(ccw, boxes, nil, 1e-12*boxScale(all, all)); len(ccw) <= 128 && byChains != swept && ringArea2(ccw) > 0 {
				t.Errorf("case %d: chains say simple %v, the sweep %v", k, byChains, swept)
			}
		}
		oriented := validRing(orb.Polygon{append(orb.Ring(append([]orb.Point(nil), ring...)), ring[0])})
		if k%4 == 0 && oriented == nil {
			t.Errorf("case %d: refused a star-shaped ring", k)
		}
		if geosValid && k%4 <= 1 { // the other cases are near-touches: refusing them is right
			valid++
		}
		if oriented != nil {
			if k%4 <= 1 {
				accepted++
			}
			if !geosValid {
				t.Fatalf("case %d: accepted a ring GEOS calls invalid (%s): %v", k, g.IsValidReason(), ring)
			}
			if ringArea2(oriented) <= 0 {
				t.Fatalf("case %d: ring not counter-clockwise", k)
			}
		}
	}
	t.Logf("%d of %d GEOS-valid unmodified or shuffled rings accepted", accepted, valid)
	if accepted < valid*99/100 {
		t.Errorf("accepted %d of %d valid rings: too conservative", accepted, valid)
	}
}

// TestValidRingShapes covers the shapes validRing refuses outright.
func TestValidRingShapes(t *testing.T) {
	sq := orb.Ring{{0, 0}, {10, 0}, {10, 10}, {0, 10}, {0, 0}}
	hole := orb.Ring{{2, 2}, {2, 4}, {4, 4}, {4, 2}, {2, 2}}
	bowtie := orb.Ring{{0, 0}, {10, 10}, {10, 0}, {0, 10}, {0, 0}}
	flat := orb.Ring{{0, 0}, {5, 0}, {10, 0}, {0, 0}}
	for name, g := range map[string]orb.Geometry{
		"hole": orb.Polygon{sq, hole}, "two parts": orb.MultiPolygon{{sq}, {hole}},
		"bowtie": orb.Polygon{bowtie}, "no area": orb.Polygon{flat}, "nil": nil,
	} {
		if validRing(g) != nil {
			t.Errorf("%s: accepted", name)
		}
	}
	cw := orb.Ring{{0, 0}, {0, 10}, {10, 10}, {10, 0}, {0, 0}}
	if r := validRing(orb.Polygon{cw}); r == nil || ringArea2(r) <= 0 {
		t.Errorf("clockwise square: %v, want it counter-clockwise", r)
	}
}
