package shapefile

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/paulmach/orb"
)

// ccw is the square [x0,x1]x[y0,y1] counter-clockwise (a hole in a
// shapefile); cw is the same square clockwise (a shell).
func ccw(x0, y0, x1, y1 float64) orb.Ring {
	return orb.Ring{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}
}

func cw(x0, y0, x1, y1 float64) orb.Ring {
	r := ccw(x0, y0, x1, y1)
	slices.Reverse(r)
	return r
}

// writeRawPolygon writes a one-record Polygon shapefile at stem whose rings
// are stored in the given order and orientation (Write would fix them).
func writeRawPolygon(t *testing.T, stem string, rings []orb.Ring) {
	t.Helper()
	var fl flat
	for _, r := range rings {
		fl.parts = append(fl.parts, len(fl.pts))
		fl.pts = append(fl.pts, r...)
	}
	shp := be.AppendUint32(be.AppendUint32(make([]byte, headerLen), 1), 0)
	shp, b := encodeShape(shp, &fl, Polygon)
	be.PutUint32(shp[headerLen+4:], uint32((len(shp)-headerLen-8)/2))
	shx := appendIndex(make([]byte, headerLen), shp)
	copy(shp, appendHeader(nil, len(shp), Polygon, b.finite()))
	copy(shx, appendHeader(nil, len(shx), Polygon, b.finite()))
	tab := &File{ShapeType: Polygon, Fields: []Field{{Name: "n", Type: Numeric}}, Records: []Record{{Values: []any{1}}}}
	if err := Write(stem+"-table.shp", tab, WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	dbf, err := os.ReadFile(stem + "-table.dbf")
	if err != nil {
		t.Fatal(err)
	}
	for ext, data := range map[string][]byte{".shp": shp, ".shx": shx, ".dbf": dbf} {
		if err := os.WriteFile(stem+ext, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestRingGrouping stores rings in awkward orders and checks that holes go
// to the shell that contains them, orphan holes become shells, and GDAL
// groups them the same way.
func TestRingGrouping(t *testing.T) {
	cases := []struct {
		name  string
		rings []orb.Ring
		want  orb.Geometry
		// gdalLone: GDAL 3.6 makes every ring after a lone shell its hole,
		// even one outside it (an invalid polygon of area 0 here).
		gdalLone bool
	}{
		{"hole after another shell",
			[]orb.Ring{cw(0, 0, 10, 10), cw(20, 0, 30, 10), ccw(2, 2, 4, 4)},
			orb.MultiPolygon{{cw(0, 0, 10, 10), ccw(2, 2, 4, 4)}, {cw(20, 0, 30, 10)}}, false},
		{"orphan hole",
			[]orb.Ring{cw(0, 0, 10, 10), ccw(50, 50, 60, 60)},
			orb.MultiPolygon{{cw(0, 0, 10, 10)}, {ccw(50, 50, 60, 60)}}, true},
		{"orphan hole, two shells",
			[]orb.Ring{cw(0, 0, 10, 10), cw(20, 0, 30, 10), ccw(50, 50, 60, 60)},
			orb.MultiPolygon{{cw(0, 0, 10, 10)}, {cw(20, 0, 30, 10)}, {ccw(50, 50, 60, 60)}}, false},
		{"island in a lake",
			[]orb.Ring{cw(0, 0, 100, 100), cw(40, 40, 60, 60), ccw(30, 30, 70, 70), ccw(45, 45, 55, 55)},
			orb.MultiPolygon{{cw(0, 0, 100, 100), ccw(30, 30, 70, 70)}, {cw(40, 40, 60, 60), ccw(45, 45, 55, 55)}}, false},
		{"hole touching its shell",
			[]orb.Ring{cw(0, 0, 10, 10), {{0, 5}, {5, 2}, {5, 8}, {0, 5}}},
			orb.Polygon{cw(0, 0, 10, 10), {{0, 5}, {5, 2}, {5, 8}, {0, 5}}}, false},
		{"two holes, one shell",
			[]orb.Ring{ccw(1, 1, 2, 2), cw(0, 0, 10, 10), ccw(5, 5, 6, 6)},
			orb.Polygon{cw(0, 0, 10, 10), ccw(1, 1, 2, 2), ccw(5, 5, 6, 6)}, false},
	}
	dir := t.TempDir()
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			stem := filepath.Join(dir, string(rune('a'+i)))
			writeRawPolygon(t, stem, c.rings)
			f, err := Read(stem+".shp", ReadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			got := f.Records[0].Geometry
			if canonical(got) != canonical(c.want) || got.GeoJSONType() != c.want.GeoJSONType() {
				t.Errorf("got %v\nwant %v", got, c.want)
			}
			gdal := gdalRead(t, stem+".shp")
			if c.gdalLone {
				if canonical(gdal[0].geom) != canonical(orb.Polygon(c.rings)) {
					t.Errorf("GDAL 3.6 no longer makes the orphan a hole of the lone shell: %v", gdal[0].geom)
				}
				return
			}
			if canonical(gdal[0].geom) != canonical(got) || !sameArea(gdal[0].geom, got) {
				t.Errorf("GDAL groups the rings as %v, we as %v", gdal[0].geom, got)
			}
		})
	}
}

// TestDeletedRecord marks a .dbf record deleted: it is skipped, as GDAL
// skips it.
func TestDeletedRecord(t *testing.T) {
	stem := writeDistricts(t, t.TempDir())
	b, err := os.ReadFile(stem + ".dbf")
	if err != nil {
		t.Fatal(err)
	}
	hdr, rec := int(le.Uint16(b[8:])), int(le.Uint16(b[10:]))
	b[hdr+rec] = '*' // the second record
	if err := os.WriteFile(stem+".dbf", b, 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := Read(stem+".shp", ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	gdal := gdalRead(t, stem+".shp")
	if len(f.Records) != 2 || len(gdal) != 2 || f.Records[1].Values[0] != "沈河区" || gdal[1].props["名称"] != "沈河区" {
		t.Errorf("we read %d records, GDAL %d", len(f.Records), len(gdal))
	}
}

// appendIndex appends one .shx entry per record of the finished shp body.
func appendIndex(shx, shp []byte) []byte {
	for pos := headerLen; pos < len(shp); {
		words := be.Uint32(shp[pos+4:])
		shx = be.AppendUint32(shx, uint32(pos/2))
		shx = be.AppendUint32(shx, words)
		pos += 8 + int(words)*2
	}
	return shx
}
