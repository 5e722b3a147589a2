package layers

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"testing"

	"github.com/paulmach/orb"
)

// TestScanLazy: Scan on a blueprint opened Lazy reads what Query reads on
// an indexed one (all, a box through the R-tree, a where, fid bounds),
// only the columns asked for, and leaves the layer unindexed.
func TestScanLazy(t *testing.T) {
	path := filepath.Join(t.TempDir(), "scan.gpkg")
	bp, err := Create(path, CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	code := firstPolygonLayer(t, bp)
	l := bp.Layer(code)
	var attr string
	for _, c := range l.attrColumns() {
		if c.Type == "TEXT" && c.Name != "uid" && c.Name != "updated_by" {
			attr = c.Name
			break
		}
	}
	if attr == "" {
		t.Fatalf("layer %s has no text attribute", code)
	}
	w, err := bp.Bulk(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for k := 0; k < 20; k++ {
		x := 500000 + float64(k)*100
		g := orb.MultiPolygon{{{{x, 4600000}, {x + 50, 4600000}, {x + 50, 4600050}, {x, 4600000}}}}
		if err := w.Insert(code, g, map[string]any{attr: fmt.Sprint("c", k%3)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	box := orb.Bound{Min: orb.Point{500120, 4599990}, Max: orb.Point{500760, 4600010}}
	where := attr + " = 'c1'"
	dump := func(f *Feature) string { return fmt.Sprint(f.FID, f.UID, f.Attrs[attr], f.Geom.Bound()) }
	query := func(q Query) []string {
		var out []string
		if err := bp.Query(context.Background(), q, func(f *Feature) error { out = append(out, dump(f)); return nil }); err != nil {
			t.Fatal(err)
		}
		return out
	}
	lazy, err := Open(path, OpenOptions{ReadOnly: true, Lazy: true})
	if err != nil {
		t.Fatal(err)
	}
	defer lazy.Close()
	for _, c := range []struct {
		name string
		q    ScanQuery
		want []string
	}{
		{"all", ScanQuery{}, query(Query{Layers: []string{code}})},
		{"box", ScanQuery{BBox: box}, query(Query{Layers: []string{code}, BBox: box})},
		{"where", ScanQuery{Where: where}, query(Query{Layers: []string{code}, Where: where})},
		{"box and where", ScanQuery{BBox: box, Where: where}, query(Query{Layers: []string{code}, BBox: box, Where: where})},
		{"fids 3..5", ScanQuery{MinFID: 3, MaxFID: 5}, query(Query{Layers: []string{code}, Where: "fid BETWEEN 3 AND 5"})},
	} {
		var got []string
		err := lazy.Scan(context.Background(), code, c.q, func(f *Feature) error { got = append(got, dump(f)); return nil })
		if err != nil || len(c.want) == 0 || !slices.Equal(got, c.want) {
			t.Errorf("%s: Scan %v, err %v\nQuery %v", c.name, got, err, c.want)
		}
	}
	var n int
	err = lazy.Scan(context.Background(), code, ScanQuery{Columns: []string{attr}}, func(f *Feature) error {
		n++
		if len(f.Attrs) != 1 || f.Attrs[attr] == nil || f.UID == "" {
			return fmt.Errorf("fid %d: attrs %v uid %q, want only %s and the uid", f.FID, f.Attrs, f.UID, attr)
		}
		return nil
	})
	if err != nil || n != 20 {
		t.Errorf("Scan of one column: %d features, %v", n, err)
	}
	if lazy.Layer(code).Indexed() {
		t.Error("Scan started the indexing of a lazy blueprint")
	}
}
