package layers

import (
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
