package conflict

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/paulmach/orb"
)

// TestScanInParts: a layer read in parallel fid ranges gives what one scan
// gives, in fid order, with and without a box and a filter, features
// without geometry included where a scan lists them.
func TestScanInParts(t *testing.T) {
	var feats [][2]any
	for i := range 700 {
		x, y := 500000+float64(i%30)*100, 4600000+float64(i/30)*100
		wkt := fmt.Sprintf("POLYGON((%g %g,%g %g,%g %g,%g %g,%g %g))", x, y, x+90, y, x+90, y+90, x, y+90, x, y)
		feats = append(feats, [2]any{wkt, map[string]any{"dlbm": []string{"0101", "0201", "1003"}[i%3]}})
	}
	bp := newBlueprint(t, map[string][][2]any{"XZ_DLTB": feats})
	src := BlueprintSource(bp)
	where, err := ParseWhere("dlbm = '0101'")
	if err != nil {
		t.Fatal(err)
	}
	box := orb.Bound{Min: orb.Point{500500, 4600500}, Max: orb.Point{502000, 4601500}}
	defer func(n int) { parallelScan = n }(parallelScan)
	for _, tc := range []struct {
		name  string
		where *Expr
		box   orb.Bound
	}{{"all", nil, orb.Bound{}}, {"filtered", where, orb.Bound{}}, {"box", nil, box}, {"box and filter", where, box}} {
		read := func(threshold int) []string {
			parallelScan = threshold
			var out []string
			err := src.Scan(context.Background(), "XZ_DLTB", tc.where, tc.box, func(f Feature) error {
				out = append(out, fmt.Sprint(f.FID, f.UID, f.Attrs["dlbm"], f.Geom.Bound()))
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			return out
		}
		one, parts := read(1<<30), read(10)
		if len(one) == 0 || !slices.Equal(one, parts) {
			t.Errorf("%s: one scan %d features, in parts %d (equal %v)", tc.name, len(one), len(parts), slices.Equal(one, parts))
		}
	}
}
