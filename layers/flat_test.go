package layers

import (
	"cmp"
	"encoding/binary"
	"math"
	"slices"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
)

func TestFlatWKB(t *testing.T) {
	for _, tc := range []struct {
		wkt   string
		rings int
		parts []bool
	}{
		{"POINT(1 2)", 1, []bool{true}},
		{"MULTIPOINT((1 2),(3 4))", 2, []bool{true, true}},
		{"LINESTRING(0 0,1 1,2 0)", 1, []bool{true}},
		{"MULTILINESTRING((0 0,1 1),(2 2,3 3))", 2, []bool{true, true}},
		{"POLYGON((0 0,10 0,10 10,0 10,0 0),(2 2,2 4,4 4,4 2,2 2))", 2, []bool{true, false}},
		{"MULTIPOLYGON(((0 0,1 0,1 1,0 0)),((5 5,6 5,6 6,5 5)))", 2, []bool{true, true}},
		{"GEOMETRYCOLLECTION(POINT(1 1),LINESTRING(0 0,1 1))", 2, []bool{true, true}},
	} {
		t.Run(tc.wkt, func(t *testing.T) {
			g := mustWKT(t, tc.wkt)
			data, err := wkb.Marshal(g)
			if err != nil {
				t.Fatal(err)
			}
			f := newFlat(orb.Point{}, false)
			if err := f.appendWKB(7, data, "", ""); err != nil {
				t.Fatal(err)
			}
			s := &Snapshot{f: f}
			if s.NumRings(0) != tc.rings {
				t.Fatalf("rings %d, want %d", s.NumRings(0), tc.rings)
			}
			for r, want := range tc.parts {
				if s.PartStart(0, r) != want {
					t.Errorf("ring %d part start %v", r, !want)
				}
			}
			if got, want := s.Bound(0), g.Bound(); got != want {
				t.Errorf("bound %v, want %v", got, want)
			}
		})
	}
}

// TestFlatWKBZM checks ISO Z/M and EWKB flags are skipped correctly.
func TestFlatWKBZM(t *testing.T) {
	// LINESTRING Z (1 2 3, 4 5 6) in ISO WKB, little-endian.
	iso := []byte{1, 0xea, 0x03, 0, 0, 2, 0, 0, 0}
	for _, v := range []float64{1, 2, 3, 4, 5, 6} {
		iso = appendFloat(iso, v)
	}
	f := newFlat(orb.Point{}, false)
	if err := f.appendWKB(1, iso, "", ""); err != nil {
		t.Fatal(err)
	}
	s := &Snapshot{f: f}
	if got := s.Ring(0, 0); len(got) != 4 || got[2]+float32(f.origin[0]) != 4 || got[3]+float32(f.origin[1]) != 5 {
		t.Errorf("ring %v (origin %v)", got, f.origin)
	}
}

func appendFloat(b []byte, v float64) []byte {
	data, _ := wkb.Marshal(orb.Point{v, 0})
	return append(b, data[5:13]...)
}

func FuzzFlatWKB(f *testing.F) {
	for _, s := range []string{"POINT(1 2)", "POLYGON((0 0,10 0,10 10,0 0))", "GEOMETRYCOLLECTION(MULTIPOINT((1 2)),LINESTRING(0 0,1 1))"} {
		g := mustWKT(f, s)
		data, _ := wkb.Marshal(g)
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fl := newFlat(orb.Point{}, true)
		before := len(fl.xy)
		if err := fl.appendWKB(1, data, "c", "l"); err != nil {
			if len(fl.xy) != before || len(fl.fid) != 0 || len(fl.ringStart) != 1 {
				t.Fatalf("failed decode left state behind")
			}
			return
		}
		s := &Snapshot{f: fl}
		for r := 0; r < s.NumRings(0); r++ {
			_ = s.Ring(0, r)
		}
	})
}

// TestFlatWKBMatchesOrb decodes the same lines and polygons (2D and 3D,
// enough of them to grow the coordinates many times) through the WKB
// walker and through orb: both flats must hold the same points, rings and
// parts.
func TestFlatWKBMatchesOrb(t *testing.T) {
	viaWKB, viaOrb := newFlat(orb.Point{}, false), newFlat(orb.Point{}, false)
	for i := range 3000 {
		x, y := 500000+float64(i%97)*13.25, 4600000+float64(i/97)*7.5
		ring := orb.Ring{{x, y}}
		for k := range i%40 + 3 {
			ring = append(ring, orb.Point{x + float64(k)*0.5, y + float64(k*k%7)})
		}
		ring = append(ring, orb.Point{x, y})
		var g orb.Geometry = orb.MultiPolygon{{ring, ring.Clone()}}
		if i%3 == 0 {
			g = orb.LineString(ring)
		}
		data, err := wkb.Marshal(g)
		if err != nil {
			t.Fatal(err)
		}
		if i%5 == 0 {
			data = wkbZ(t, g)
		}
		if err := viaWKB.appendWKB(int64(i), data, "", ""); err != nil {
			t.Fatal(i, err)
		}
		if err := viaOrb.appendGeometry(int64(i), g, "", ""); err != nil {
			t.Fatal(i, err)
		}
	}
	if viaWKB.origin != viaOrb.origin || !slices.Equal(viaWKB.xy, viaOrb.xy) ||
		!slices.Equal(viaWKB.ringStart, viaOrb.ringStart) || !slices.Equal(viaWKB.partStart, viaOrb.partStart) {
		t.Fatalf("WKB and orb decodes differ: %d vs %d points, %d vs %d rings",
			len(viaWKB.xy)/2, len(viaOrb.xy)/2, len(viaWKB.ringStart), len(viaOrb.ringStart))
	}
}

// wkbZ writes a line or multipolygon as little-endian ISO WKB Z (z = 9).
func wkbZ(t *testing.T, g orb.Geometry) []byte {
	t.Helper()
	le := binary.LittleEndian
	pts := func(b []byte, ps []orb.Point) []byte {
		b = le.AppendUint32(b, uint32(len(ps)))
		for _, p := range ps {
			for _, v := range []float64{p[0], p[1], 9} {
				b = le.AppendUint64(b, math.Float64bits(v))
			}
		}
		return b
	}
	switch g := g.(type) {
	case orb.LineString:
		return pts(le.AppendUint32([]byte{1}, 1002), g)
	case orb.MultiPolygon:
		b := le.AppendUint32(le.AppendUint32([]byte{1}, 1006), uint32(len(g)))
		for _, p := range g {
			b = le.AppendUint32(le.AppendUint32(append(b, 1), 1003), uint32(len(p)))
			for _, r := range p {
				b = pts(b, r)
			}
		}
		return b
	}
	t.Fatalf("wkbZ: %T", g)
	return nil
}

// TestMorePoints checks the estimate a scan sizes its coordinates by.
func TestMorePoints(t *testing.T) {
	for _, c := range []struct {
		p           fidRange
		n, pts, lim int
		want        int
	}{
		{fidRange{rows: 1000}, 64, 640, 1 << 30, 10296}, // 10 a row, 936 rows left, +10%
		{fidRange{rows: 1000}, 64, 640, 5000, 4360},     // capped by the file
		{fidRange{rows: 1000}, 64, 640, 100, 0},         // cap already passed
		{fidRange{}, 64, 640, 1 << 30, 0},               // span unknown
		{fidRange{rows: 50}, 64, 640, 1 << 30, 0},       // fewer rows than read
	} {
		if got := c.p.morePoints(c.n, c.pts, c.lim); got != c.want {
			t.Errorf("%+v.morePoints(%d, %d, %d) = %d, want %d", c.p, c.n, c.pts, c.lim, got, c.want)
		}
	}
}

// TestSortItemsPacked checks the packed sort of tree items (fids in slot
// order) orders them as the comparison by key then fid does, ties included.
func TestSortItemsPacked(t *testing.T) {
	f := newFlat(orb.Point{}, false)
	var items []treeItem
	for i := range 5000 {
		f.fid = append(f.fid, int64(3*i+7))
		items = append(items, treeItem{key: uint64((i * 7919) % 613), slot: int32(i)})
	}
	want := slices.Clone(items)
	slices.SortFunc(want, func(a, b treeItem) int {
		return cmp.Or(cmp.Compare(a.key, b.key), cmp.Compare(f.fid[a.slot], f.fid[b.slot]))
	})
	slices.Reverse(items)
	f.sortItems(items)
	if !slices.Equal(items, want) {
		t.Fatal("packed sort differs from the sort by key and fid")
	}
}
