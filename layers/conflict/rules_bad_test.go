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

// TestRuleNumbersRejected: numbers GEOS cannot use (NaN and infinities
// crash it inside a buffer) or that make no sense are refused when the rule
// file is parsed, naming the file, the rule id and the field.
func TestRuleNumbersRejected(t *testing.T) {
	const setback = "kind = \"setback\"\n"
	const exclusive = "kind = \"exclusive\"\n"
	const slope = "kind = \"slope\"\n"
	tests := []struct {
		name, body, field string
	}{
		{"distance nan", setback + "distance = nan", "distance"},
		{"distance inf", setback + "distance = inf", "distance"},
		{"distance -inf", setback + "distance = -inf", "distance"},
		{"distance 1e300", setback + "distance = 1e300", "distance"},
		{"distance over 100 km", setback + "distance = 100001", "distance"},
		{"distance negative", setback + "distance = -5", "distance"},
		{"distance zero on a setback", setback + "distance = 0", "distance"},
		{"distance nan on another kind", exclusive + "distance = nan", "distance"},
		{"min_width inf", exclusive + "min_width = inf", "min_width"},
		{"min_width nan", exclusive + "min_width = nan", "min_width"},
		{"min_width negative", exclusive + "min_width = -1", "min_width"},
		{"min_width over 100 km", exclusive + "min_width = 2e5", "min_width"},
		{"min_area nan", exclusive + "min_area = nan", "min_area"},
		{"min_area negative", exclusive + "min_area = -0.5", "min_area"},
		{"min_area inf", exclusive + "min_area = inf", "min_area"},
		{"min_area 1e300", exclusive + "min_area = 1e300", "min_area"},
		{"threshold nan", slope + "threshold = nan", "threshold"},
		{"threshold inf", slope + "threshold = inf", "threshold"},
		{"threshold 90", slope + "threshold = 90", "threshold"},
		{"threshold negative", slope + "threshold = -10", "threshold"},
		{"threshold nan on another kind", exclusive + "threshold = nan", "threshold"},
		{"match_prefix negative", "kind = \"attribute\"\nmatch_prefix = -2", "match_prefix"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := "[[rule]]\nid = \"R-BAD\"\n" + tt.body + "\na = { layer = \"a\" }\nb = { layer = \"b\" }\n"
			_, err := ParseRules("user.toml", []byte(src))
			if !errors.Is(err, ErrRule) {
				t.Fatalf("err = %v, want ErrRule", err)
			}
			for _, want := range []string{"user.toml", `"R-BAD"`, "field " + tt.field} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("err %q does not name %s", err, want)
				}
			}
		})
	}
}

// TestRuleNumbersAccepted: the limits themselves are fine.
func TestRuleNumbersAccepted(t *testing.T) {
	for _, body := range []string{
		"kind = \"setback\"\ndistance = 100000\nmin_width = 100000\nmin_area = 0",
		"kind = \"setback\"\ndistance = 0.01",
		"kind = \"slope\"\nthreshold = 89.9",
		"kind = \"slope\"\nthreshold = 0.1",
	} {
		src := "[[rule]]\nid = \"R-OK\"\n" + body + "\na = { layer = \"a\" }\nb = { layer = \"b\" }\n"
		if _, err := ParseRules("user.toml", []byte(src)); err != nil {
			t.Errorf("%q: %v", body, err)
		}
	}
}

// TestNonFiniteCoordinates: a feature GEOS refuses (NaN or infinite
// coordinates make it throw, and go-geos panic) is an error naming the
// layer and the feature, on either side of every kind of overlay.
func TestNonFiniteCoordinates(t *testing.T) {
	rules := map[string]string{
		"exclusive": "kind = \"exclusive\"\n",
		"within":    "kind = \"within\"\n",
		"setback":   "kind = \"setback\"\ndistance = 5\n",
		"min_width": "kind = \"exclusive\"\nmin_width = 2\n",
	}
	for kind, body := range rules {
		for _, side := range []string{"A", "B"} {
			for _, bad := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
				t.Run(fmt.Sprintf("%s/%s/%g", kind, side, bad), func(t *testing.T) {
					src := &memSource{srid: 4550}
					src.add(t, "A", square(0, 0, 10, 10), "x")
					src.add(t, "A", square(20, 0, 30, 10), "x")
					src.add(t, "B", square(-1, -1, 11, 11), "x")
					src.add(t, "B", square(19, -1, 31, 11), "x")
					f := &src.layers[side].feats[1]
					f.Geom = orb.Polygon{{{20, 0}, {bad, 0}, {30, 10}, {20, 10}, {20, 0}}}
					set := oneRule(t, body+"a = { layer = \"A\" }\nb = { layer = \"B\" }\n")
					_, err := RunSource(context.Background(), src, set, Options{})
					if !errors.Is(err, ErrGeometry) {
						t.Fatalf("err = %v, want ErrGeometry", err)
					}
					if want := `layer "` + side + `" fid 2`; !strings.Contains(err.Error(), want) {
						t.Errorf("err %q does not name %s", err, want)
					}
				})
			}
		}
	}
}

// TestRuleBuiltInCodeChecked: a rule that never went through ParseRules is
// checked before its numbers reach GEOS (a NaN buffer distance crashes it).
func TestRuleBuiltInCodeChecked(t *testing.T) {
	src := &memSource{srid: 4550}
	src.add(t, "A", square(0, 0, 10, 10), "x")
	src.add(t, "B", square(5, 5, 20, 20), "x")
	set := &RuleSet{Rules: []*Rule{{ID: "R-CODE", Kind: KindSetback, Severity: "high",
		A: Selector{Layer: "A"}, B: Selector{Layer: "B"}, Distance: math.NaN()}}}
	_, err := RunSource(context.Background(), src, set, Options{})
	if !errors.Is(err, ErrRule) || !strings.Contains(err.Error(), "R-CODE") || !strings.Contains(err.Error(), "field distance") {
		t.Fatalf("err = %v, want ErrRule naming R-CODE and field distance", err)
	}
}

// FuzzRuleNumbers: whatever numbers a rule file holds, an accepted rule's
// numbers are finite and within the limits GEOS is given.
func FuzzRuleNumbers(f *testing.F) {
	for _, s := range []string{"5", "nan", "inf", "-inf", "1e300", "-0.0", "100000", "100000.0001", "0x10", "1_000"} {
		f.Add("setback", s, "0")
		f.Add("slope", "0", s)
	}
	f.Fuzz(func(t *testing.T, kind, distance, threshold string) {
		src := fmt.Sprintf("[[rule]]\nid = \"F\"\nkind = %q\ndistance = %s\nmin_width = %s\nmin_area = %s\nthreshold = %s\n"+
			"a = { layer = \"a\" }\nb = { layer = \"b\" }\n", kind, distance, distance, distance, threshold)
		set, err := ParseRules("fuzz.toml", []byte(src))
		if err != nil {
			if !errors.Is(err, ErrRule) {
				t.Fatalf("error without ErrRule: %v", err)
			}
			return
		}
		r := set.Rules[0]
		for _, v := range []float64{r.Distance, r.MinWidth, r.MinArea, r.Threshold} {
			if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 || v > MaxArea {
				t.Fatalf("accepted %v with a number %g", r, v)
			}
		}
		if r.Distance > MaxDistance || r.MinWidth > MaxDistance || r.Threshold >= 90 {
			t.Fatalf("accepted %+v beyond the limits", r)
		}
	})
}
