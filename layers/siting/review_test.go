package siting

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"lantu/layers"
)

func review(tb testing.TB, bp *layers.Blueprint, uid string) *Report {
	tb.Helper()
	rep, err := Review(context.Background(), bp, "GL_XZFA", uid, Options{Reviewer: "审查员", Date: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		tb.Fatal(err)
	}
	return rep
}

// TestAreasEqualGEOS compares every layer row with an independent GEOS
// overlay of the fixture's WKT: proposal fully inside, straddling, across
// overlapping features, outside, with holes, multi-part.
func TestAreasEqualGEOS(t *testing.T) {
	bp, uids := newFixture(t)
	zone010 := func(a map[string]any) bool { return a["gzqdm"] == "010" || a["gzqdm"] == "020" }
	nonConstruction := func(a map[string]any) bool { return a["ydyhdm"] == "0103" }
	for name, wkt := range proposals {
		t.Run(name, func(t *testing.T) {
			rep := review(t, bp, uids[name])
			for _, c := range []struct {
				code  string
				match func(map[string]any) bool
			}{{"GH_STBHHX", nil}, {"GH_YJJBNT", nil}, {"GH_CZKFBJ", nil}, {"GH_LANX", nil}, {"GH_JSYDGZQ", zone010}, {"GH_GHYDYH", nil}} {
				l := rep.LayerByCode(c.code)
				if l == nil {
					t.Fatalf("no row for %s", c.code)
				}
				want := wantArea(t, wkt, c.code, c.match)
				if !near(l.AreaM2, want) {
					t.Errorf("%s: area %.9f, GEOS %.9f", c.code, l.AreaM2, want)
				}
				if !near(l.Share*rep.AreaM2, want) || !near(l.Mu*666.67, want) {
					t.Errorf("%s: share %g, mu %g of %g m²", c.code, l.Share, l.Mu, want)
				}
			}
			lu := rep.LayerByCode("GH_GHYDYH")
			if want := wantArea(t, wkt, "GH_GHYDYH", nonConstruction); !near(lu.NonConstructionM2, want) {
				t.Errorf("GH_GHYDYH non-construction %.9f, GEOS %.9f", lu.NonConstructionM2, want)
			}
		})
	}
}

func ruleByID(rep *Report, id string) *RuleResult {
	for i := range rep.Rules {
		if rep.Rules[i].ID == id {
			return &rep.Rules[i]
		}
	}
	return nil
}

func TestVerdicts(t *testing.T) {
	bp, uids := newFixture(t)
	cases := []struct {
		name    string
		overall Verdict
		rules   map[string]Verdict
		reason  string
	}{
		{"inside", NonCompliant, map[string]Verdict{"OUT-PERMIT-RED": NonCompliant, "IN-PERMIT-UDB": Compliant}, "生态保护红线"},
		{"outside", NonCompliant, map[string]Verdict{"IN-PERMIT-UDB": NonCompliant, "IN-SITING-UDB": NeedsJustification, "OUT-PERMIT-RED": Compliant}, "城镇开发边界之外"},
		{"setback", NeedsJustification, map[string]Verdict{"SB-PERMIT-BLUE": NeedsJustification, "OUT-PERMIT-BLUE": Compliant}, "不足退让距离 30 米"},
		{"compliant", Compliant, map[string]Verdict{"SB-PERMIT-BLUE": Compliant, "OUT-PERMIT-FARM": Compliant}, "未违反"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rep := review(t, bp, uids[c.name])
			if rep.Verdict != c.overall {
				t.Errorf("verdict %s, want %s; reasons %v", rep.Verdict, c.overall, rep.Reasons)
			}
			for id, want := range c.rules {
				r := ruleByID(rep, id)
				if r == nil {
					t.Errorf("rule %s not applied", id)
				} else if r.Verdict != want {
					t.Errorf("rule %s: %s, want %s (%s)", id, r.Verdict, want, r.Reason.Zh)
				}
			}
			if !hasReason(rep.Reasons, c.reason) {
				t.Errorf("no reason mentioning %q in %v", c.reason, rep.Reasons)
			}
			if rep.District != "和平区" || rep.Project != "测试项目 "+c.name {
				t.Errorf("title block %q %q", rep.District, rep.Project)
			}
		})
	}
}

func TestSetbackDistance(t *testing.T) {
	bp, uids := newFixture(t)
	rep := review(t, bp, uids["setback"])
	var got *SetbackResult
	for i := range rep.Setbacks {
		if rep.Setbacks[i].RuleID == "SB-PERMIT-BLUE" {
			got = &rep.Setbacks[i]
		}
	}
	if got == nil || got.DistanceM == nil {
		t.Fatalf("setbacks %+v", rep.Setbacks)
	}
	// 20 m from the blue line; the 30 m zone covers a 10 x 200 m strip.
	if math.Abs(*got.DistanceM-20) > 1e-9 || got.Kept || math.Abs(got.AreaM2-2000) > 1e-6 {
		t.Errorf("setback %+v (distance %g)", got, *got.DistanceM)
	}
	far := review(t, bp, uids["outside"])
	for _, s := range far.Setbacks {
		if s.Code == "GH_LANX" && (s.DistanceM != nil || !s.Kept) {
			t.Errorf("outside: blue line should be beyond the %g m search: %+v", s.SearchM, s)
		}
	}
}

// TestRulesDerived checks which default rules apply to a proposal and
// that the proposal's class turns plan-plot rules on.
func TestRulesDerived(t *testing.T) {
	bp, uids := newFixture(t)
	rep := review(t, bp, uids["compliant"])
	applied := map[string]bool{}
	for _, r := range rep.Rules {
		applied[r.ID] = true
	}
	skipped := map[string]bool{}
	for _, s := range rep.Skipped {
		skipped[s.ID] = true
	}
	for _, id := range []string{"OUT-PERMIT-RED", "OUT-PERMIT-FARM", "IN-PERMIT-UDB", "SB-PERMIT-HV", "DIFF-CG-TG", "IN-CONVERSION-ZONE"} {
		if !applied[id] {
			t.Errorf("rule %s not applied", id)
		}
	}
	for _, id := range []string{"CL-RED-FARM", "DA-ECO-RED", "ATTR-KG-ZG", "SLOPE-FARM-25", "OUT-PLOT-RED", "SLOPE-PLOT-25"} {
		if !skipped[id] || applied[id] {
			t.Errorf("rule %s should be skipped", id)
		}
	}
	ctx := context.Background()
	if _, err := bp.Apply(ctx, layers.Edit{Op: layers.OpUpdate, Layer: "GL_XZFA", UID: uids["compliant"], Attrs: map[string]any{"ydyhdm": "070101"}}); err != nil {
		t.Fatal(err)
	}
	rep = review(t, bp, uids["compliant"])
	if ruleByID(rep, "SB-PLOT-HERITAGE") == nil || ruleByID(rep, "OUT-PLOT-FARM") == nil {
		t.Errorf("a residential proposal should get the residential plot rules: %v", rep.Skipped)
	}
}

func TestBadProposal(t *testing.T) {
	bp, _ := newFixture(t)
	ctx := context.Background()
	for _, c := range []struct{ layer, uid string }{{"GL_XZFA", "no-such-uid"}, {"NO_LAYER", "x"}} {
		_, err := Review(ctx, bp, c.layer, c.uid, Options{})
		if !errors.Is(err, ErrProposal) {
			t.Errorf("%s %s: %v, want ErrProposal", c.layer, c.uid, err)
		}
	}
}

func TestReportJSON(t *testing.T) {
	bp, uids := newFixture(t)
	rep := review(t, bp, uids["inside"])
	b, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	var back struct {
		Verdict Verdict `json:"verdict"`
		Layers  map[string]struct {
			AreaM2  float64 `json:"area_m2"`
			Share   float64 `json:"share"`
			Verdict Verdict `json:"verdict"`
		} `json:"layers"`
		Rules []struct {
			ID      string  `json:"id"`
			AreaM2  float64 `json:"area_m2"`
			Share   float64 `json:"share"`
			Verdict Verdict `json:"verdict"`
		} `json:"rules"`
	}
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	red := back.Layers["GH_STBHHX"]
	if back.Verdict != NonCompliant || !near(red.AreaM2, 40000) || !near(red.Share, 1) || red.Verdict != NonCompliant {
		t.Errorf("json: verdict %s, red line %+v", back.Verdict, red)
	}
	if len(back.Rules) != len(rep.Rules) || back.Rules[0].ID == "" {
		t.Errorf("json rules %+v", back.Rules)
	}
}

// TestRepairedAndNonPolygon: a self-intersecting proposal is made valid
// and says so; a point is refused naming the uid.
func TestRepairedAndNonPolygon(t *testing.T) {
	bp, _ := newFixture(t)
	ctx := context.Background()
	// A bow-tie over the red line: two 100 x 100 m triangles after MakeValid.
	bow := "POLYGON((500100 4600100,500300 4600300,500300 4600100,500100 4600300,500100 4600100))"
	out, err := bp.Apply(ctx,
		layers.Edit{Op: layers.OpInsert, Layer: "GL_XZFA", Geom: mustWKT(t, bow)},
		layers.Edit{Op: layers.OpInsert, Layer: "GL_PZD", Geom: mustWKT(t, "POINT(500100 4600100)")})
	if err != nil {
		t.Fatal(err)
	}
	rep := review(t, bp, out[0].UID)
	if !near(rep.AreaM2, 20000) || !near(rep.LayerByCode("GH_STBHHX").AreaM2, 20000) || !hasReason(rep.Notes, "made valid") {
		t.Errorf("bow-tie: area %g, red line %g, notes %v", rep.AreaM2, rep.LayerByCode("GH_STBHHX").AreaM2, rep.Notes)
	}
	_, err = Review(ctx, bp, "GL_PZD", out[1].UID, Options{})
	if !errors.Is(err, ErrProposal) || !strings.Contains(err.Error(), out[1].UID) {
		t.Errorf("point proposal: %v", err)
	}
}
