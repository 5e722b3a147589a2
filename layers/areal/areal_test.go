package areal

import (
	"errors"
	"testing"

	"github.com/twpayne/go-geos"
)

func TestPolygonal(t *testing.T) {
	gctx := geos.NewContext()
	cases := []struct {
		wkt   string
		parts int // polygons kept; -1: nil
	}{
		{"POLYGON((0 0,1 0,1 1,0 0))", 1},
		{"MULTIPOLYGON(((0 0,1 0,1 1,0 0)),((5 5,6 5,6 6,5 5)))", 2},
		{"GEOMETRYCOLLECTION(POLYGON((0 0,1 0,1 1,0 0)),LINESTRING(0 0,3 3),POINT(1 1))", 1},
		{"GEOMETRYCOLLECTION(LINESTRING(0 0,3 3))", -1},
		{"LINESTRING(0 0,3 3)", -1},
	}
	for _, c := range cases {
		g, err := gctx.NewGeomFromWKT(c.wkt)
		if err != nil {
			t.Fatal(err)
		}
		p := Polygonal(gctx, g)
		if c.parts < 0 {
			if p != nil {
				t.Errorf("%s: kept %s, want nil", c.wkt, p.ToWKT())
			}
			continue
		}
		mp, err := MultiPolygon(p)
		if err != nil || len(mp) != c.parts {
			t.Errorf("%s: %d parts (%v), want %d", c.wkt, len(mp), err, c.parts)
		}
	}
	line, _ := gctx.NewGeomFromWKT("LINESTRING(0 0,1 1)")
	if _, err := MultiPolygon(line); !errors.Is(err, ErrNotPolygonal) {
		t.Errorf("a line: %v, want ErrNotPolygonal", err)
	}
}
