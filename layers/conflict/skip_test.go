package conflict

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// problemSource is a memSource whose layers may be flagged unusable.
type problemSource struct {
	*memSource
	bad map[string]error
}

func (p problemSource) LayerProblem(layer string) error { return p.bad[layer] }

func twoRules(t *testing.T) *RuleSet {
	t.Helper()
	set, err := ParseRules("mine.toml", []byte(`[[rule]]
id = "HAVE"
kind = "exclusive"
a = { layer = "A" }
b = { layer = "B" }
[[rule]]
id = "MISSING"
kind = "exclusive"
a = { layer = "A" }
b = { layer = "nowhere", where = "dj = 1" }
`))
	if err != nil {
		t.Fatal(err)
	}
	return set
}

// TestRuleWithMissingLayerSkipped: a rule naming a layer the source lacks
// is skipped and says which; the others run.
func TestRuleWithMissingLayerSkipped(t *testing.T) {
	src := &memSource{srid: 4550}
	src.add(t, "A", square(0, 0, 10, 10), "x")
	src.add(t, "B", square(5, 0, 15, 10), "y")
	res, err := RunSource(context.Background(), src, twoRules(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Rules) != 2 || res.Rules[0].Patches != 1 || res.Rules[0].Skipped != "" {
		t.Fatalf("rules %+v, want HAVE with 1 patch", res.Rules)
	}
	if r := res.Rules[1]; !strings.HasPrefix(r.Skipped, SkipNoLayer) || !strings.Contains(r.Skipped, "nowhere") || r.Unusable {
		t.Fatalf("MISSING: %+v, want skipped naming layer nowhere", r)
	}
}

// TestRuleWithUnusableLayerSkipped: a layer whose data cannot be used makes
// its rules skipped as Unusable, with the layer's reason.
func TestRuleWithUnusableLayerSkipped(t *testing.T) {
	src := &memSource{srid: 4550}
	src.add(t, "A", square(0, 0, 10, 10), "x")
	src.add(t, "B", square(5, 0, 15, 10), "y")
	ps := problemSource{src, map[string]error{"B": errors.New("layer B declares EPSG:4326 over metres")}}
	res, err := RunSource(context.Background(), ps, twoRules(t), Options{Rules: []string{"HAVE"}})
	if err != nil {
		t.Fatal(err)
	}
	r := res.Rules[0]
	if !r.Unusable || r.Skipped != SkipUnusable+" B" || len(res.Patches) != 0 {
		t.Fatalf("HAVE: %+v, want skipped as unusable naming layer B", r)
	}
}
