package conflict

import (
	"testing"

	"github.com/paulmach/orb"
)

// TestGeomBound: the plain-loop bound is orb's for polygons (holes lie in
// the outer ring), multipolygons, empty ones and other geometries.
func TestGeomBound(t *testing.T) {
	for _, s := range []string{
		"POLYGON((500000 4600000,500100 4600010,500050 4600200,500000 4600000),(500040 4600020,500050 4600030,500045 4600040,500040 4600020))",
		"MULTIPOLYGON(((0 0,1 0,1 1,0 0)),((-5 3,-4 3,-4 9,-5 3)))",
		"POLYGON EMPTY", "MULTIPOLYGON EMPTY", "POINT(3 4)", "LINESTRING(0 0,5 -2)",
	} {
		g := mustGeom(t, s)
		if got, want := geomBound(g), g.Bound(); got != want {
			t.Errorf("%s: %v, orb %v", s, got, want)
		}
	}
	if got := geomBound(orb.MultiPolygon{{}}); got != (orb.MultiPolygon{{}}).Bound() {
		t.Errorf("a polygon of no rings: %v", got)
	}
}
