package conflict

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/paulmach/orb"

	"lantu/layers"
)

// TestScanInParts: a layer read in parallel fid ranges gives what one scan
// gives, in fid order, with and without a box and a filter, features
// without geometry included where a scan lists them.
func TestScanInParts(t *testing.T) {
	var feats [][2]any
	for i := range 700 {
		x, y := 500000+float64(i%30)*100, 4600000+float64(i/30)*100
		wkt := square(x, y, x+90, y+90)
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

// planBlueprint is a blueprint of 40 urban-plan squares (GH_CGYD, with
// classes and keys) on a grid, the first tg of them overlapped by a
// land-use-plan square (GH_TGDL) each.
func planBlueprint(t *testing.T, tg int) *layers.Blueprint {
	t.Helper()
	var cgs, tgs [][2]any
	for i := range 40 {
		x, y := 500000+float64(i%8)*100, 4600000+float64(i/8)*100
		cgs = append(cgs, [2]any{square(x, y, x+90, y+90), map[string]any{"ydxz": []string{"R2", "G1", "E1"}[i%3], "dkbh": fmt.Sprint("D", i)}})
		if i < tg {
			tgs = append(tgs, [2]any{square(x+40, y+40, x+130, y+130), map[string]any{"ydyhdm": []string{"0701", "0101", "1701"}[i%3], "xzqdm": "110101"}})
		}
	}
	return newBlueprint(t, map[string][][2]any{"GH_CGYD": cgs, "GH_TGDL": tgs})
}

// TestRunLazyBlueprint: the rules run on a blueprint opened Lazy find what
// they find on an indexed one (class fields, key attributes, a where) and
// build no layer's index.
func TestRunLazyBlueprint(t *testing.T) {
	bp := planBlueprint(t, 40)
	rules := oneRule(t, `kind = "difference"
a = { layer = "GH_CGYD" }
b = { layer = "GH_TGDL", where = "ydyhdm NOT LIKE '17%'" }
a_class_field = "ydxz"
b_class_field = "ydyhdm"
a_construction = ["R", "G"]
b_construction = ["07"]
`)
	lazy, err := layers.Open(bp.Path(), layers.OpenOptions{ReadOnly: true, Lazy: true})
	if err != nil {
		t.Fatal(err)
	}
	defer lazy.Close()
	dump := func(src Source) []string {
		res, err := RunSource(context.Background(), src, rules, Options{})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, p := range res.Patches {
			out = append(out, fmt.Sprintf("%s %v %s %v %s %.3f", p.A.UID, p.A.Attrs, p.B.UID, p.B.Attrs, p.ClassPair, p.Area))
		}
		slices.Sort(out)
		return out
	}
	want, got := dump(BlueprintSource(bp)), dump(BlueprintSource(lazy))
	if len(want) == 0 || !slices.Equal(got, want) {
		t.Errorf("lazy: %d patches, indexed: %d (equal %v)\n%v\n%v", len(got), len(want), slices.Equal(got, want), got, want)
	}
	for _, code := range []string{"GH_CGYD", "GH_TGDL"} {
		if lazy.Layer(code).Indexed() {
			t.Errorf("%s indexed by the run on a lazy blueprint", code)
		}
	}
}

// countSource counts the reads of each layer.
type countSource struct {
	Source
	reads map[string]int
}

func (c *countSource) ScanColumns(ctx context.Context, layer string, where *Expr, bbox orb.Bound, cols []string, fn func(Feature) error) error {
	c.reads[layer]++
	return c.Source.(columnScanner).ScanColumns(ctx, layer, where, bbox, cols, fn)
}

// TestSharedLayerReadOnce: a layer two rules read (as B of one with a box,
// as A of the other with a where) is read once per run, and each rule
// finds what it finds run alone.
func TestSharedLayerReadOnce(t *testing.T) {
	bp := planBlueprint(t, 20)
	rules, err := ParseRules("test.toml", []byte(`[[rule]]
id = "ONE"
kind = "exclusive"
a = { layer = "GH_TGDL" }
b = { layer = "GH_CGYD" }

[[rule]]
id = "TWO"
kind = "difference"
a = { layer = "GH_CGYD", where = "ydxz LIKE 'R%' OR ydxz = 'E1'" }
b = { layer = "GH_TGDL", where = "ydyhdm NOT LIKE '17%'" }
a_class_field = "ydxz"
b_class_field = "ydyhdm"
a_construction = ["R", "G"]
b_construction = ["07"]
`))
	if err != nil {
		t.Fatal(err)
	}
	run := func(ids ...string) ([]string, map[string]int) {
		src := &countSource{Source: BlueprintSource(bp), reads: map[string]int{}}
		res, err := RunSource(context.Background(), src, rules, Options{Rules: ids})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, p := range res.Patches {
			out = append(out, fmt.Sprintf("%s %s %v %s %v %s %.3f", p.RuleID, p.A.UID, p.A.Attrs, p.B.UID, p.B.Attrs, p.ClassPair, p.Area))
		}
		slices.Sort(out)
		return out, src.reads
	}
	one, _ := run("ONE")
	two, _ := run("TWO")
	both, reads := run()
	if len(one) == 0 || len(two) == 0 || !slices.Equal(both, slices.Sorted(slices.Values(slices.Concat(one, two)))) {
		t.Errorf("both rules: %d patches; alone: %d + %d\n%v\n%v\n%v", len(both), len(one), len(two), both, one, two)
	}
	if reads["GH_CGYD"] != 1 || reads["GH_TGDL"] != 1 {
		t.Errorf("reads per layer %v, want each layer read once", reads)
	}
}
