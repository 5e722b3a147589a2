package layers

import (
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkt"

	"lantu/layers/catalog"
)

// testLayers picks an editable polygon layer and a point layer from the
// default catalog, so tests follow the catalog rather than hard-coding it.
func testLayers(t *testing.T) (poly, point *catalog.Layer) {
	t.Helper()
	cat, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range cat.Layers {
		switch {
		case poly == nil && l.Geometry == "polygon" && l.ClassField != "" && l.LabelField != "":
			poly = l
		case point == nil && l.Geometry == "point":
			point = l
		}
	}
	if poly == nil || point == nil {
		t.Fatal("catalog has no polygon layer with class and label fields, or no point layer")
	}
	return poly, point
}

func mustWKT(t testing.TB, s string) orb.Geometry {
	t.Helper()
	g, err := wkt.Unmarshal(s)
	if err != nil {
		t.Fatalf("%s: %v", s, err)
	}
	return g
}

func newTestBlueprint(t *testing.T) (*Blueprint, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "bp.gpkg")
	bp, err := Create(path, CreateOptions{User: "tester"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { bp.Close() })
	return bp, path
}

func TestCreateBulkReopen(t *testing.T) {
	poly, point := testLayers(t)
	bp, path := newTestBlueprint(t)
	w, err := bp.Bulk(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	shapes := []string{
		"MULTIPOLYGON(((500000 4630000,501000 4630000,501000 4631000,500000 4631000,500000 4630000),(500200 4630200,500200 4630400,500400 4630400,500400 4630200,500200 4630200)))",
		"MULTIPOLYGON(((502000 4630000,503000 4630000,503000 4631000,502000 4630000)),((504000 4630000,505000 4630000,505000 4631000,504000 4630000)))",
		"MULTIPOLYGON(((510000 4640000,511000 4640000,511000 4641000,510000 4641000,510000 4640000)))",
	}
	for i, s := range shapes {
		attrs := map[string]any{poly.ClassField: []string{"0101", "0701", "1101"}[i], poly.LabelField: []string{"甲", "乙", "丙"}[i]}
		if err := w.Insert(poly.Code, mustWKT(t, s), attrs); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Insert(point.Code, orb.Point{500500, 4630500}, nil); err != nil {
		t.Fatal(err)
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	bp.Close()

	bp, err = Open(path, OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer bp.Close()
	l := bp.Layer(poly.Code)
	if l == nil || l.Count() != 3 || l.Imported || bp.Layer(l.Table) != l {
		t.Fatalf("layer %s after reopen: %+v", poly.Code, l)
	}
	if got, want := l.Extent(), (orb.Bound{Min: orb.Point{500000, 4630000}, Max: orb.Point{511000, 4641000}}); !boundNear(got, want, 0.01) {
		t.Errorf("extent %v, want %v", got, want)
	}
	var classes, labels []string
	l.Read(func(s *Snapshot) {
		s.Search(orb.Bound{Min: orb.Point{499000, 4629000}, Max: orb.Point{506000, 4632000}}, func(i int) bool {
			classes = append(classes, s.Class(i))
			labels = append(labels, s.Label(i))
			return true
		})
		i, ok := s.Slot(1)
		if !ok || s.NumRings(i) != 2 || !s.PartStart(i, 0) || s.PartStart(i, 1) {
			t.Errorf("slot of fid 1: rings %d", s.NumRings(i))
		}
		if a := ringArea(s.Ring(i, 0)); a <= 0 {
			t.Errorf("outer ring area %v, want counter-clockwise", a)
		}
		if a := ringArea(s.Ring(i, 1)); a >= 0 {
			t.Errorf("hole area %v, want clockwise", a)
		}
	})
	if len(classes) != 2 {
		t.Errorf("search found %v, want two features", classes)
	}
	var n int
	err = bp.Query(context.Background(), Query{Layers: []string{poly.Code}, BBox: orb.Bound{Min: orb.Point{509000, 4639000}, Max: orb.Point{512000, 4642000}}}, func(f *Feature) error {
		n++
		if f.Attrs[poly.LabelField] != "丙" || f.UID == "" || f.Geom == nil {
			t.Errorf("feature %+v", f)
		}
		return nil
	})
	if err != nil || n != 1 {
		t.Errorf("query: %d features, %v", n, err)
	}
}

func boundNear(a, b orb.Bound, tol float64) bool {
	for i := 0; i < 2; i++ {
		if d := a.Min[i] - b.Min[i]; d > tol || d < -tol {
			return false
		}
		if d := a.Max[i] - b.Max[i]; d > tol || d < -tol {
			return false
		}
	}
	return true
}

func ringArea(xy []float32) float64 {
	var a float64
	n := len(xy) / 2
	for i := 0; i < n; i++ {
		j := (i + 1) % n
		a += float64(xy[2*i])*float64(xy[2*j+1]) - float64(xy[2*j])*float64(xy[2*i+1])
	}
	return a / 2
}

func TestApplyJournal(t *testing.T) {
	poly, _ := testLayers(t)
	bp, _ := newTestBlueprint(t)
	ctx := context.Background()
	ins, err := bp.Apply(ctx, Edit{Op: OpInsert, Layer: poly.Code, Geom: mustWKT(t, "POLYGON((0 0,10 0,10 10,0 10,0 0))"), Attrs: map[string]any{poly.ClassField: "0103"}})
	if err != nil {
		t.Fatal(err)
	}
	uid := ins[0].UID
	if _, err := bp.Apply(ctx, Edit{Op: OpUpdate, Layer: poly.Code, UID: uid, Geom: mustWKT(t, "POLYGON((100 100,110 100,110 110,100 110,100 100))"), Attrs: map[string]any{poly.ClassField: "0701"}}); err != nil {
		t.Fatal(err)
	}
	l := bp.Layer(poly.Code)
	if got := l.Search(orb.Bound{Min: orb.Point{-1, -1}, Max: orb.Point{11, 11}}); len(got) != 0 {
		t.Errorf("old place still indexed: %v", got)
	}
	if got := l.Search(orb.Bound{Min: orb.Point{99, 99}, Max: orb.Point{111, 111}}); len(got) != 1 {
		t.Errorf("new place not indexed: %v", got)
	}
	if _, err := bp.Apply(ctx, Edit{Op: OpDelete, Layer: poly.Code, UID: uid}); err != nil {
		t.Fatal(err)
	}
	if l.Count() != 0 {
		t.Errorf("count after delete: %d", l.Count())
	}
	j, err := bp.Journal(ctx, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	wantOps := []Op{OpInsert, OpUpdate, OpDelete}
	if len(j) != 3 {
		t.Fatalf("journal has %d entries", len(j))
	}
	for i, e := range j {
		if e.Op != wantOps[i] || e.UID != uid || e.User != "tester" || e.Layer != l.Table {
			t.Errorf("entry %d: %+v", i, e)
		}
	}
	var before struct {
		Properties map[string]any `json:"properties"`
	}
	if err := json.Unmarshal(j[1].Before, &before); err != nil || before.Properties[poly.ClassField] != "0103" {
		t.Errorf("update's before: %s (%v)", j[1].Before, err)
	}
	if string(j[0].Before) != "null" || string(j[2].After) != "null" {
		t.Errorf("insert before %s, delete after %s", j[0].Before, j[2].After)
	}
}

func TestApplyErrors(t *testing.T) {
	poly, _ := testLayers(t)
	bp, _ := newTestBlueprint(t)
	ctx := context.Background()
	sq := mustWKT(t, "POLYGON((0 0,1 0,1 1,0 0))")
	for _, tc := range []struct {
		name string
		edit Edit
		want error
	}{
		{"unknown layer", Edit{Op: OpInsert, Layer: "no_such_layer", Geom: sq}, ErrNoLayer},
		{"unknown field", Edit{Op: OpInsert, Layer: poly.Code, Geom: sq, Attrs: map[string]any{"no_such_field": 1}}, ErrInvalidInput},
		{"system field", Edit{Op: OpInsert, Layer: poly.Code, Geom: sq, Attrs: map[string]any{"version": 3}}, ErrInvalidInput},
		{"no geometry", Edit{Op: OpInsert, Layer: poly.Code}, ErrInvalidInput},
		{"missing feature", Edit{Op: OpUpdate, Layer: poly.Code, UID: "nope"}, ErrNoFeature},
		{"bad op", Edit{Op: "merge", Layer: poly.Code, UID: "x"}, ErrInvalidInput},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := bp.Apply(ctx, tc.edit)
			if !errors.Is(err, tc.want) {
				t.Errorf("got %v, want %v", err, tc.want)
			}
		})
	}
	// A failed batch leaves nothing behind.
	_, err := bp.Apply(ctx, Edit{Op: OpInsert, Layer: poly.Code, Geom: sq}, Edit{Op: OpUpdate, Layer: poly.Code, UID: "nope"})
	if err == nil {
		t.Fatal("batch with a bad edit succeeded")
	}
	if j, _ := bp.Journal(ctx, 0, 0); len(j) != 0 || bp.Layer(poly.Code).Count() != 0 {
		t.Errorf("failed batch left %d journal rows and %d features", len(j), bp.Layer(poly.Code).Count())
	}
}

func TestReadOnly(t *testing.T) {
	poly, _ := testLayers(t)
	_, path := newTestBlueprint(t)
	bp, err := Open(path, OpenOptions{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer bp.Close()
	_, err = bp.Apply(context.Background(), Edit{Op: OpInsert, Layer: poly.Code, Geom: orb.Point{1, 2}})
	if !errors.Is(err, ErrReadOnly) {
		t.Errorf("edit of a read-only blueprint: %v", err)
	}
}
