package layers

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/paulmach/orb"
)

// TestLazyReadBox opens a blueprint Lazy: no layer is indexed, ReadBox
// reads exactly the features whose boxes meet the box (none for an empty
// area, all for a box over the extent), Close does not wait for an indexing that never started, and
// Query starts the indexing by itself.
func TestLazyReadBox(t *testing.T) {
	path, code := polygonsBlueprint(t, 10, func(k int) orb.Polygon {
		x := 500000 + float64(k)*100
		return orb.Polygon{{{x, 4600000}, {x + 50, 4600000}, {x + 50, 4600050}, {x, 4600000}}}
	})

	for _, c := range []struct {
		name string
		box  orb.Bound
		want int
	}{
		{"three", orb.Bound{Min: orb.Point{500120, 4599990}, Max: orb.Point{500360, 4600010}}, 3},
		{"empty area", orb.Bound{Min: orb.Point{510000, 4610000}, Max: orb.Point{511000, 4611000}}, 0},
		// a box over the whole extent is read by a scan, not the R-tree
		{"whole extent", orb.Bound{Min: orb.Point{499000, 4599000}, Max: orb.Point{502000, 4601000}}, 10},
	} {
		t.Run(c.name, func(t *testing.T) {
			lazy, err := Open(path, OpenOptions{ReadOnly: true, Lazy: true})
			if err != nil {
				t.Fatal(err)
			}
			defer lazy.Close()
			l := lazy.Layer(code)
			if l.Indexed() || !l.HasRTree {
				t.Fatalf("indexed %v, R-tree %v: want a lazy layer with an R-tree", l.Indexed(), l.HasRTree)
			}
			s, probs, err := lazy.ReadBox(context.Background(), l, c.box, BoxOptions{Workers: 2})
			if err != nil || len(probs) > 0 {
				t.Fatal(err, probs)
			}
			var got int
			s.Search(c.box, func(i int) bool { got++; return true })
			if s.Len() != c.want || got != c.want {
				t.Errorf("read %d features, search found %d; want %d", s.Len(), got, c.want)
			}
		})
	}
	lazy, err := Open(path, OpenOptions{ReadOnly: true, Lazy: true})
	if err != nil {
		t.Fatal(err)
	}
	defer lazy.Close()
	n := 0
	if err := lazy.Query(context.Background(), Query{Layers: []string{code}}, func(*Feature) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	if n != 10 || !lazy.Layer(code).Indexed() {
		t.Errorf("Query on a lazy blueprint found %d features (want 10), indexed %v", n, lazy.Layer(code).Indexed())
	}
}

// polygonsBlueprint creates a closed blueprint whose first polygon layer
// holds n features, feature k with the geometry poly(k); it returns the
// file and the layer's code.
func polygonsBlueprint(t *testing.T, n int, poly func(k int) orb.Polygon) (path, code string) {
	t.Helper()
	path = filepath.Join(t.TempDir(), "polygons.gpkg")
	bp, err := Create(path, CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer bp.Close()
	code = firstPolygonLayer(t, bp)
	w, err := bp.Bulk(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for k := range n {
		if err := w.Insert(code, poly(k), nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	return path, code
}

func firstPolygonLayer(t *testing.T, bp *Blueprint) string {
	t.Helper()
	for _, l := range bp.Layers() {
		if l.Def != nil && l.Def.Geometry == "polygon" && l.GeomType == "MULTIPOLYGON" {
			return l.Code
		}
	}
	t.Fatal("the catalog has no polygon layer")
	return ""
}

// TestReadBoxPartsSlots reads a table in two fid ranges, by a scan (box
// over the extent) and through the R-tree: every feature is read once and
// Snapshot.Slot finds each fid, in both halves, at the slot holding it.
func TestReadBoxPartsSlots(t *testing.T) {
	const n = 300
	path, code := polygonsBlueprint(t, n, func(k int) orb.Polygon {
		x := 500000 + float64(k%20)*100
		y := 4600000 + float64(k/20)*100
		return orb.Polygon{{{x, y}, {x + 50, y}, {x + 50, y + 50 + float64(k%7)}, {x, y}}}
	})
	old := splitRows
	splitRows = 50
	defer func() { splitRows = old }()
	lazy, err := Open(path, OpenOptions{ReadOnly: true, Lazy: true})
	if err != nil {
		t.Fatal(err)
	}
	defer lazy.Close()
	l := lazy.Layer(code)
	for _, c := range []struct {
		name string
		box  orb.Bound
		want int
	}{
		{"scan", orb.Bound{Min: orb.Point{499000, 4599000}, Max: orb.Point{503000, 4603000}}, n},
		{"rtree", orb.Bound{Min: orb.Point{499000, 4599000}, Max: orb.Point{503000, 4600700}}, 8 * 20},
	} {
		s, probs, err := lazy.ReadBox(context.Background(), l, c.box, BoxOptions{Workers: 2})
		if err != nil || len(probs) > 0 {
			t.Fatal(err, probs)
		}
		seen := map[int64]bool{}
		for i := range s.Len() {
			fid := s.FID(i)
			if j, ok := s.Slot(fid); !ok || j != i || seen[fid] {
				t.Fatalf("%s: fid %d at slot %d: Slot gives %d, %v (seen before %v)", c.name, fid, i, j, ok, seen[fid])
			}
			seen[fid] = true
		}
		if len(seen) != c.want {
			t.Errorf("%s: read %d features, want %d", c.name, len(seen), c.want)
		}
	}
}
