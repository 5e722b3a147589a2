package layers

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/paulmach/orb"
)

// TestBackgroundOpen opens with the indexes built in the background: the
// priority layer is indexed first, every layer reports ready once, Query
// waits for all, and Close during loading returns.
func TestBackgroundOpen(t *testing.T) {
	poly, point := testLayers(t)
	bp, path := newTestBlueprint(t)
	w, err := bp.Bulk(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for i := range 200 {
		x := 500000 + float64(i)*100
		if err := w.Insert(poly.Code, mustWKT(t, "POLYGON((0 0,50 0,50 50,0 0))").(orb.Polygon).Bound().ToPolygon(), nil); err != nil {
			t.Fatal(err)
		}
		if err := w.Insert(point.Code, orb.Point{x, 4630000}, nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	bp.Close()

	var mu sync.Mutex
	var order []string
	ready := map[string]int{}
	bp, err = Open(path, OpenOptions{Background: true, Priority: []string{point.Code}, LayerReady: func(l *Layer, err error) {
		mu.Lock()
		defer mu.Unlock()
		if err != nil {
			t.Errorf("layer %s: %v", l.Code, err)
		}
		order = append(order, l.Code)
		ready[l.Code]++
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer bp.Close()
	if got := bp.Extent(); got.Min[0] > 500000 || got.Max[0] < 519900 {
		t.Errorf("declared extent before the indexes %v", got)
	}
	ctx := context.Background()
	if err := bp.WaitLayers(ctx, []string{point.Code}); err != nil {
		t.Fatal(err)
	}
	if n := bp.Layer(point.Code).Count(); n != 200 {
		t.Errorf("priority layer has %d features once ready, want 200", n)
	}
	n := 0
	if err := bp.Query(ctx, Query{Layers: []string{poly.Code}}, func(*Feature) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	if n != 200 {
		t.Errorf("query found %d polygons, want 200", n)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(order) != len(bp.Layers()) {
		t.Errorf("%d layers ready, want %d", len(order), len(bp.Layers()))
	}
	for code, k := range ready {
		if k != 1 {
			t.Errorf("layer %s reported ready %d times", code, k)
		}
	}

	// Closing while indexes are being built stops the loaders.
	bp2, err := Open(path, OpenOptions{Background: true, ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := bp2.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestSplitScanMatchesWholeScan scans a priority table in fid ranges on
// several workers and checks the merged index against a whole-table scan.
func TestSplitScanMatchesWholeScan(t *testing.T) {
	poly, _ := testLayers(t)
	bp, path := newTestBlueprint(t)
	w, err := bp.Bulk(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for i := range 300 {
		x, y := 500000+float64(i%20)*100, 4630000+float64(i/20)*100
		g := orb.Polygon{{{x, y}, {x + 60, y}, {x + 60, y + 60}, {x, y}}}
		if err := w.Insert(poly.Code, g, map[string]any{poly.ClassField: []string{"0101", "0701", "1001"}[i%3]}); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	bp.Close()
	read := func() map[int64]string {
		b, err := Open(path, OpenOptions{ReadOnly: true, Background: true, Priority: []string{poly.Code}})
		if err != nil {
			t.Fatal(err)
		}
		defer b.Close()
		if err := b.WaitLoaded(context.Background()); err != nil {
			t.Fatal(err)
		}
		got := map[int64]string{}
		b.Layer(poly.Code).Read(func(s *Snapshot) {
			s.Search(orb.Bound{Min: orb.Point{500250, 4630250}, Max: orb.Point{501250, 4631050}}, func(i int) bool {
				if j, ok := s.Slot(s.FID(i)); !ok || j != i {
					t.Errorf("fid %d: slot %d, index says %d", s.FID(i), i, j)
				}
				got[s.FID(i)] = fmt.Sprint(s.Class(i), s.Bound(i))
				return true
			})
		})
		return got
	}
	whole := read()
	old := splitRows
	splitRows = 50
	defer func() { splitRows = old }()
	split := read()
	if len(whole) < 50 || len(split) != len(whole) {
		t.Fatalf("split scan finds %d features, whole scan %d", len(split), len(whole))
	}
	for fid, v := range whole {
		if split[fid] != v {
			t.Errorf("fid %d: split %q, whole %q", fid, split[fid], v)
		}
	}
}
