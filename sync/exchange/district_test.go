package exchange

import (
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"lantu/sync/wire"
)

// TestDistrictOutside: a district writes its local layers only inside its
// own polygon: across the boundary, in another district or in none is
// rejected naming the district; moving its own feature out is rejected too.
func TestDistrictOutside(t *testing.T) {
	eachStore(t, func(t *testing.T, s Store) {
		e := newEnv(t, s, Options{})
		own := newUID()
		res := e.push("district", wire.PushRequest{CRS: wire.EPSGURI(4550), Changes: []wire.PushChange{
			upsert("gl_xzfa", own, 0, orb.MultiPolygon{inA}, nil),
			upsert("gl_xzfa", newUID(), 0, orb.MultiPolygon{straddle}, nil),
			upsert("gl_xzfa", newUID(), 0, orb.MultiPolygon{inB}, nil),
			upsert("gl_xzfa", newUID(), 0, orb.MultiPolygon{outside}, nil),
			upsert("gl_pzd", newUID(), 0, orb.Point{509999, 4635000}, nil),
			upsert("gl_pzd", newUID(), 0, orb.Point{510001, 4635000}, nil),
		}})
		want := []wire.Status{wire.StatusApplied, wire.StatusRejected, wire.StatusRejected, wire.StatusRejected, wire.StatusApplied, wire.StatusRejected}
		for i, r := range res.Results {
			if r.Status != want[i] {
				t.Errorf("change %d: %+v, want %s", i, r, want[i])
			}
			if r.Status == wire.StatusRejected && !strings.Contains(r.Reason, "outside district") {
				t.Errorf("change %d: reason %q does not say outside district", i, r.Reason)
			}
		}
		moved := e.push("district", wire.PushRequest{CRS: wire.EPSGURI(4550), Changes: []wire.PushChange{
			upsert("gl_xzfa", own, 1, orb.MultiPolygon{straddle}, nil)}})
		if moved.Results[0].Status != wire.StatusRejected {
			t.Errorf("moving a feature out of the district: %+v", moved.Results[0])
		}
		other := e.push("districtB", wire.PushRequest{CRS: wire.EPSGURI(4550), Changes: []wire.PushChange{
			upsert("gl_xzfa", own, 1, orb.MultiPolygon{inB}, nil),
			{Key: newUID(), Collection: "gl_xzfa", Op: wire.OpDelete, UID: own, BaseVersion: 1}}})
		for i, r := range other.Results {
			if r.Status != wire.StatusRejected || !strings.Contains(r.Reason, "current geometry") {
				t.Errorf("district B changing A's feature (%d): %+v, want rejected for its current geometry", i, r)
			}
		}
	})
}

func TestRegionContains(t *testing.T) {
	// a square with a square hole, and a second square apart
	mp := orb.MultiPolygon{
		{{{0, 0}, {10, 0}, {10, 10}, {0, 10}, {0, 0}}, {{4, 4}, {6, 4}, {6, 6}, {4, 6}, {4, 4}}},
		{{{20, 0}, {30, 0}, {30, 10}, {20, 10}, {20, 0}}},
	}
	r := newRegion(mp)
	cases := []struct {
		name string
		g    orb.Geometry
		want bool
	}{
		{"inside", orb.Polygon(square(1, 1, 2)), true},
		{"touching the boundary", orb.Polygon(square(0, 0, 2)), true},
		{"the whole polygon", orb.Polygon{mp[0][0]}, true},
		{"in the hole", orb.Point{5, 5}, false},
		{"over the hole", orb.LineString{{3, 5}, {7, 5}}, false},
		{"between the parts", orb.Point{15, 5}, false},
		{"bridging the parts", orb.LineString{{9, 5}, {21, 5}}, false},
		{"in the second part", orb.MultiPoint{{25, 5}, {21, 1}}, true},
		{"vertices in, edge out", orb.LineString{{9, 1}, {21, 1}}, false},
		{"collection", orb.Collection{orb.Point{1, 1}, orb.Point{25, 5}}, true},
	}
	for _, c := range cases {
		if got := r.contains(c.g); got != c.want {
			t.Errorf("%s: contains %v, want %v", c.name, got, c.want)
		}
	}
}
