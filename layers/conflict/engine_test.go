package conflict

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/paulmach/orb"
)

func square(x0, y0, x1, y1 float64) string {
	return fmt.Sprintf("POLYGON((%g %g,%g %g,%g %g,%g %g,%g %g))", x0, y0, x1, y0, x1, y1, x0, y1, x0, y0)
}

func oneRule(t *testing.T, body string) *RuleSet {
	t.Helper()
	set, err := ParseRules("test.toml", []byte("[[rule]]\nid = \"R\"\n"+body))
	if err != nil {
		t.Fatal(err)
	}
	return set
}

func totalArea(ps []Patch) float64 {
	s := 0.0
	for _, p := range ps {
		s += p.Area
	}
	return s
}

func TestOverlayAreas(t *testing.T) {
	tests := []struct {
		name    string
		rule    string
		a, b    []string
		area    float64
		patches int
	}{
		{"exclusive overlap", `kind = "exclusive"`, []string{square(0, 0, 10, 10)}, []string{square(5, 5, 15, 15)}, 25, 1},
		{"exclusive A covered", `kind = "exclusive"`, []string{square(2, 2, 4, 4)}, []string{square(0, 0, 10, 10)}, 4, 1},
		{"exclusive disjoint", `kind = "exclusive"`, []string{square(0, 0, 1, 1)}, []string{square(5, 5, 6, 6)}, 0, 0},
		{"exclusive touching", `kind = "exclusive"`, []string{square(0, 0, 1, 1)}, []string{square(1, 0, 2, 1)}, 0, 0},
		{"exclusive two B", `kind = "exclusive"`, []string{square(0, 0, 10, 10)},
			[]string{square(-5, 0, 2, 10), square(8, 0, 20, 10)}, 40, 2},
		{"within half out", `kind = "within"`, []string{square(0, 0, 10, 10)}, []string{square(0, 0, 5, 10)}, 50, 1},
		{"within union covers", `kind = "within"`, []string{square(0, 0, 10, 10)},
			[]string{square(0, 0, 5, 10), square(5, 0, 10, 10)}, 0, 0},
		{"within no B", `kind = "within"`, []string{square(0, 0, 10, 10)}, []string{square(50, 50, 60, 60)}, 100, 1},
		{"within covered", `kind = "within"`, []string{square(1, 1, 2, 2)}, []string{square(0, 0, 10, 10)}, 0, 0},
		{"setback strip", "kind = \"setback\"\ndistance = 12", []string{square(0, 0, 10, 10)},
			[]string{square(20, -100, 30, 100)}, 20, 1},
		{"setback clear", "kind = \"setback\"\ndistance = 5", []string{square(0, 0, 10, 10)},
			[]string{square(20, -100, 30, 100)}, 0, 0},
		{"min area drops", "kind = \"exclusive\"\nmin_area = 30", []string{square(0, 0, 10, 10)}, []string{square(5, 5, 15, 15)}, 0, 0},
		{"min width drops sliver", "kind = \"exclusive\"\nmin_width = 1", []string{square(0, 0, 10, 10)},
			[]string{square(9.5, 0, 20, 10)}, 0, 0},
		{"min width keeps", "kind = \"exclusive\"\nmin_width = 1", []string{square(0, 0, 10, 10)},
			[]string{square(8, 0, 20, 10)}, 20, 1},
	}
	for _, tt := range tests {
		for _, swap := range []bool{false, true} {
			a, b := tt.a, tt.b
			if swap {
				if !strings.Contains(tt.rule, "exclusive") {
					continue
				}
				a, b = b, a
			}
			t.Run(fmt.Sprintf("%s/swap=%v", tt.name, swap), func(t *testing.T) {
				src := &memSource{srid: 4550}
				for _, w := range a {
					src.add(t, "A", w, "x")
				}
				for _, w := range b {
					src.add(t, "B", w, "x")
				}
				set := oneRule(t, tt.rule+"\na = { layer = \"A\" }\nb = { layer = \"B\" }\n")
				res, err := RunSource(context.Background(), src, set, Options{})
				if err != nil {
					t.Fatal(err)
				}
				if got := totalArea(res.Patches); math.Abs(got-tt.area) > 1e-9*max(1, tt.area) || len(res.Patches) != tt.patches {
					t.Errorf("area %g in %d patches, want %g in %d", got, len(res.Patches), tt.area, tt.patches)
				}
			})
		}
	}
}

func TestDifferenceBothWays(t *testing.T) {
	src := &memSource{srid: 4550}
	// Urban plan: west half residential, east half farmland.
	src.add(t, "CG", square(0, 0, 10, 10), "R")
	src.add(t, "CG", square(10, 0, 20, 10), "E2")
	// Land-use plan: the boundary sits at x = 12.
	src.add(t, "TG", square(0, 0, 12, 10), "0701")
	src.add(t, "TG", square(12, 0, 20, 10), "0103")
	// And the reverse: construction in TG where CG has E2 is the strip 10..12.
	set := oneRule(t, `kind = "difference"
a = { layer = "CG" }
b = { layer = "TG" }
a_construction = ["R", "A", "M"]
b_construction = ["07", "08"]
`)
	res, err := RunSource(context.Background(), src, set, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Patches) != 1 || res.Patches[0].ClassPair != "E2→0701" || math.Abs(res.Patches[0].Area-20) > 1e-9 {
		t.Fatalf("patches = %+v, want one E2→0701 of 20 m²", res.Patches)
	}
	src.layers["TG"].feats[0].Geom = mustGeom(t, square(0, 0, 8, 10))
	src.layers["TG"].feats[1].Geom = mustGeom(t, square(8, 0, 20, 10))
	res, err = RunSource(context.Background(), src, set, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Patches) != 1 || res.Patches[0].ClassPair != "R→0103" || math.Abs(res.Patches[0].Area-20) > 1e-9 {
		t.Fatalf("patches = %+v, want one R→0103 of 20 m²", res.Patches)
	}
}

func TestAttributeCompatibility(t *testing.T) {
	src := &memSource{srid: 4550}
	src.add(t, "KG", square(0, 0, 10, 10), "070101")
	src.add(t, "KG", square(10, 0, 20, 10), "0801")
	src.add(t, "KG", square(20, 0, 30, 10), "1001")
	src.add(t, "ZG", square(0, 0, 30, 10), "0701")
	set := oneRule(t, `kind = "attribute"
a = { layer = "KG" }
b = { layer = "ZG" }
match_prefix = 2
[rule.compatible]
"08" = ["08", "07"]
`)
	res, err := RunSource(context.Background(), src, set, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Patches) != 1 || res.Patches[0].ClassPair != "1001→0701" || res.Patches[0].A.FID != 3 {
		t.Fatalf("patches = %+v, want plot 3 (1001 in 0701)", res.Patches)
	}
}

func TestBadInput(t *testing.T) {
	tests := []struct {
		name, wkt string
		area      float64
		reason    string
	}{
		{"bow-tie", "POLYGON((0 0,10 10,10 0,0 10,0 0))", 50, "Self-intersection"},
		{"clockwise ring", "POLYGON((0 0,0 10,10 10,10 0,0 0))", 100, ""},
		{"duplicate vertices", "POLYGON((0 0,10 0,10 0,10 10,10 10,0 10,0 0))", 100, ""},
		{"ring self-touch", "POLYGON((0 0,10 0,10 10,5 0,0 10,0 0))", 50, "Self-intersection"},
		{"empty", "", 0, "empty geometry"},
		{"empty polygon", "POLYGON EMPTY", 0, "empty geometry"},
		{"zero area", "POLYGON((0 0,10 0,20 0,0 0))", 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := &memSource{srid: 4550}
			src.add(t, "A", tt.wkt, "x")
			src.add(t, "B", square(-1, -1, 11, 11), "x")
			set := oneRule(t, "kind = \"exclusive\"\na = { layer = \"A\" }\nb = { layer = \"B\" }\n")
			res, err := RunSource(context.Background(), src, set, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if got := totalArea(res.Patches); math.Abs(got-tt.area) > 1e-9*max(1, tt.area) {
				t.Errorf("area %g, want %g", got, tt.area)
			}
			if tt.reason != "" && (len(res.Repairs) != 1 || !strings.Contains(res.Repairs[0].Reason, tt.reason) ||
				res.Repairs[0].Layer != "A" || res.Repairs[0].FID != 1) {
				t.Errorf("repairs = %+v, want one for A fid 1 with %q", res.Repairs, tt.reason)
			}
		})
	}
}

type fakeSlope struct{ steep orb.MultiPolygon }

func (f fakeSlope) Steep(context.Context, orb.Bound, float64) (orb.MultiPolygon, error) {
	return f.steep, nil
}

func TestSlope(t *testing.T) {
	src := &memSource{srid: 4550}
	src.add(t, "FARM", square(0, 0, 10, 10), "x")
	set := oneRule(t, "kind = \"slope\"\nthreshold = 25\na = { layer = \"FARM\" }\n")
	res, err := RunSource(context.Background(), src, set, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Rules[0].Skipped != SkipNoDEM {
		t.Errorf("without terrain: %+v, want skipped", res.Rules[0])
	}
	steep := mustGeom(t, square(5, 0, 30, 30)).(orb.Polygon)
	res, err = RunSource(context.Background(), src, set, Options{Slope: fakeSlope{orb.MultiPolygon{steep}}})
	if err != nil {
		t.Fatal(err)
	}
	if got := totalArea(res.Patches); got != 50 {
		t.Errorf("steep farmland %g m², want 50", got)
	}
}

func TestDistrictsAndOrder(t *testing.T) {
	src := &memSource{srid: 4550}
	src.layers = map[string]*memLayer{"XZ_QXXZQ": {cols: []string{"xzqdm"}}}
	src.layers["XZ_QXXZQ"].feats = []Feature{
		{FID: 1, Geom: mustGeom(t, square(0, 0, 100, 100)), Attrs: map[string]any{"xzqdm": "210102"}},
		{FID: 2, Geom: mustGeom(t, square(100, 0, 200, 100)), Attrs: map[string]any{"xzqdm": "210103"}},
	}
	for i := range 300 {
		x := float64(i%20) * 10
		src.add(t, "A", square(x, 0, x+5, 5), "x")
	}
	src.add(t, "B", square(0, 0, 200, 3), "x")
	set := oneRule(t, "kind = \"exclusive\"\na = { layer = \"A\" }\nb = { layer = \"B\" }\n")
	res, err := RunSource(context.Background(), src, set, Options{Workers: 3})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Patches) != 300 {
		t.Fatalf("%d patches, want 300", len(res.Patches))
	}
	for i, p := range res.Patches {
		if p.A.FID != int64(i+1) {
			t.Fatalf("patch %d has A fid %d: not in fid order", i, p.A.FID)
		}
		want := "210102"
		if p.Centroid[0] > 100 {
			want = "210103"
		}
		if p.District != want {
			t.Fatalf("patch %d at %v in district %q, want %q", i, p.Centroid, p.District, want)
		}
	}
	res, err = RunSource(context.Background(), src, set, Options{District: "210103"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Patches) != 150 {
		t.Errorf("district 210103: %d patches, want 150", len(res.Patches))
	}
}

func TestCancel(t *testing.T) {
	src := &memSource{srid: 4550}
	for i := range 200 {
		src.add(t, "A", square(float64(i), 0, float64(i)+1, 1), "x")
	}
	src.add(t, "B", square(0, 0, 300, 1), "x")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	set := oneRule(t, "kind = \"exclusive\"\na = { layer = \"A\" }\nb = { layer = \"B\" }\n")
	if _, err := RunSource(ctx, src, set, Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}
