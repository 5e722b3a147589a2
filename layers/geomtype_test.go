package layers

import (
	"errors"
	"testing"

	"github.com/paulmach/orb"
)

func TestConformToDeclaredType(t *testing.T) {
	sq := orb.Polygon{{{0, 0}, {1, 0}, {1, 1}, {0, 0}}}
	line := orb.LineString{{0, 0}, {1, 1}}
	cases := []struct {
		declared string
		in       orb.Geometry
		want     string // GeoJSON type, "" = refused
	}{
		{"MULTIPOLYGON", sq, "MultiPolygon"},
		{"MULTIPOLYGON", orb.MultiPolygon{sq, sq}, "MultiPolygon"},
		{"POLYGON", orb.MultiPolygon{sq}, "Polygon"},
		{"POLYGON", orb.MultiPolygon{sq, sq}, ""},
		{"MULTIPOLYGON", line, ""},
		{"MULTILINESTRING", line, "MultiLineString"},
		{"LINESTRING", orb.MultiLineString{line}, "LineString"},
		{"POINT", orb.MultiPoint{{1, 2}}, "Point"},
		{"MULTIPOINT", orb.Point{1, 2}, "MultiPoint"},
		{"POINT", sq, ""},
		{"GEOMETRY", line, "LineString"},
		{"GEOMETRYCOLLECTION", line, "GeometryCollection"},
		{"GEOMETRYCOLLECTION", orb.MultiPolygon{sq}, "MultiPolygon"},
	}
	for _, c := range cases {
		l := &Layer{Table: "t", GeomType: c.declared}
		got, err := l.conform(c.in)
		switch {
		case c.want == "" && !errors.Is(err, ErrInvalidInput):
			t.Errorf("%s <- %s: %v, want ErrInvalidInput", c.declared, c.in.GeoJSONType(), err)
		case c.want != "" && (err != nil || got.GeoJSONType() != c.want):
			t.Errorf("%s <- %s: %v %v, want %s", c.declared, c.in.GeoJSONType(), got, err, c.want)
		}
	}
}
