package sitingpanel

import (
	"image/color"
	"math"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"lantu/app/i18n"
	"lantu/app/internal/uitest"
	"lantu/layers/siting"
)

// TestVerdictsReadable: with the Lantu theme, every verdict the panel
// shows (the heading, the rule, layer and setback cells, the earlier
// reports) is drawn at WCAG AA contrast (4.5:1) against what it is drawn
// on, in both languages. The theme's success green as text on white is
// 1.4:1: the green 合规 of a planner's report was unreadable.
func TestVerdictsReadable(t *testing.T) {
	uitest.NewApp(t)
	t.Cleanup(func() { i18n.Set(i18n.Zh) })
	bg := theme.Color(theme.ColorNameBackground)
	for _, lang := range []i18n.Lang{i18n.Zh, i18n.En} {
		i18n.Set(lang)
		for _, v := range []siting.Verdict{siting.Compliant, siting.NeedsJustification, siting.NonCompliant} {
			p := New(&fakeHost{})
			test.NewTempWindow(t, p.Content()).Resize(fyne.NewSize(360, 900))
			p.rep = verdictReport(v)
			p.list = []siting.StoredReport{{ID: 1, Format: "pdf", Verdict: v, CreatedAt: time.Now(), CreatedBy: "审查员", Size: 2048}}
			p.showReport()
			p.showList()
			word, seen := verdictText(v), 0
			inks(p.Content(), bg, func(tx *canvas.Text, under color.Color) {
				if !strings.Contains(tx.Text, word) {
					return
				}
				seen++
				if c := contrast(tx.Color, under); c < 4.5 {
					t.Errorf("%s: %q drawn %v on %v: contrast %.2f:1, want ≥ 4.5:1", lang, tx.Text, tx.Color, under, c)
				}
			})
			if seen < 5 { // heading, rule, layer, setback, earlier report
				t.Errorf("%s %s: %d verdict texts drawn, want 5", lang, word, seen)
			}
		}
	}
}

func verdictReport(v siting.Verdict) *siting.Report {
	d := 12.0
	return &siting.Report{
		Layer: ProposalLayer, FID: 1, Project: "测试项目", AreaM2: 1000, Mu: 1000 * siting.MuPerM2, Verdict: v,
		Rules:    []siting.RuleResult{{ID: "R", NameZh: "规则", NameEn: "rule", Layer: "GH_STBHHX", Verdict: v}},
		Layers:   []siting.LayerResult{{Code: "GH_STBHHX", NameZh: "生态保护红线", NameEn: "Ecological red line", Verdict: v}},
		Setbacks: []siting.SetbackResult{{RuleID: "S", Code: "GH_LANX", NameZh: "蓝线", RequiredM: 30, DistanceM: &d, Verdict: v}},
	}
}

// inks calls fn for every visible text under o with the colour it is
// drawn on: the fill of the nearest opaque rectangle laid before it in a
// container or renderer (a badge, a widget's background), else bg.
func inks(o fyne.CanvasObject, bg color.Color, fn func(*canvas.Text, color.Color)) {
	if o == nil || !o.Visible() {
		return
	}
	walk := func(objs []fyne.CanvasObject) {
		under := bg
		for _, c := range objs {
			if r, ok := c.(*canvas.Rectangle); ok && r.Visible() && opaque(r.FillColor) {
				under = r.FillColor
				continue
			}
			inks(c, under, fn)
		}
	}
	switch o := o.(type) {
	case *canvas.Text:
		fn(o, bg)
	case *fyne.Container:
		walk(o.Objects)
	case *container.Scroll:
		inks(o.Content, bg, fn)
	case fyne.Widget:
		walk(test.WidgetRenderer(o).Objects())
	}
}

func opaque(c color.Color) bool {
	if c == nil {
		return false
	}
	_, _, _, a := c.RGBA()
	return a == 0xffff
}

// contrast is the WCAG 2 contrast ratio of two colours.
func contrast(a, b color.Color) float64 {
	la, lb := luminance(a), luminance(b)
	return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)
}

func luminance(c color.Color) float64 {
	r, g, b, _ := c.RGBA()
	lin := func(v uint32) float64 {
		s := float64(v) / 0xffff
		if s <= 0.04045 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(r) + 0.7152*lin(g) + 0.0722*lin(b)
}

// TestBrokenRulesFirst: the reasons come first, as in the PDF, and the
// rules that fail lead the rule table (non-compliant, then needs
// justification), so a planner does not scroll past 19 passing rules to
// find the one that fails.
func TestBrokenRulesFirst(t *testing.T) {
	uitest.NewApp(t)
	i18n.Set(i18n.Zh)
	p := New(&fakeHost{})
	test.NewTempWindow(t, p.Content())
	rep := verdictReport(siting.NonCompliant)
	rep.Rules = []siting.RuleResult{
		{NameZh: "甲规则", Layer: "L", Verdict: siting.Compliant},
		{NameZh: "乙规则", Layer: "L", Verdict: siting.NeedsJustification},
		{NameZh: "丙规则", Layer: "L", Verdict: siting.Compliant},
		{NameZh: "丁规则", Layer: "L", Verdict: siting.NonCompliant},
	}
	rep.Reasons = []siting.Reason{{Zh: "项目红线占用生态保护红线", En: "in the red line"}}
	p.rep = rep
	p.showReport()
	var order []string
	for _, l := range labels(p.results) {
		for _, want := range []string{"项目红线占用", "甲规则", "乙规则", "丙规则", "丁规则"} {
			if strings.HasPrefix(l.Text, want) || strings.HasPrefix(l.Text, "• "+want) || strings.HasPrefix(l.Text, "L · "+want) {
				order = append(order, want)
			}
		}
	}
	want := []string{"项目红线占用", "丁规则", "乙规则", "甲规则", "丙规则"}
	if strings.Join(order, " ") != strings.Join(want, " ") {
		t.Errorf("panel order %v, want %v", order, want)
	}
}

// TestRuleRowsTellTheirLayer: the two rows of a difference rule (one per
// plan layer) stay told apart in a narrow dock: each shows its layer code
// however much of the long rule name is cut. At 1024 x 700 both read
// "Urban plan vs land-use plan construction-land …", the code cut off.
func TestRuleRowsTellTheirLayer(t *testing.T) {
	uitest.NewApp(t)
	i18n.Set(i18n.En)
	t.Cleanup(func() { i18n.Set(i18n.Zh) })
	p := New(&fakeHost{})
	w := test.NewTempWindow(t, p.Content())
	w.Resize(fyne.NewSize(340, 900))
	rep := verdictReport(siting.Compliant)
	name := "Urban plan vs land-use plan construction-land difference"
	rep.Rules = []siting.RuleResult{{NameEn: name, Layer: "GH_CGYD"}, {NameEn: name, Layer: "GH_TGDL"}}
	p.rep = rep
	p.showReport()
	w.Content().Refresh()
	var rows []string
	inks(p.Content(), color.White, func(tx *canvas.Text, _ color.Color) {
		if strings.HasPrefix(tx.Text, "Urban plan") || strings.HasPrefix(tx.Text, "GH_") {
			rows = append(rows, tx.Text)
		}
	})
	if len(rows) != 2 || !strings.Contains(rows[0], "GH_CGYD") || !strings.Contains(rows[1], "GH_TGDL") {
		t.Errorf("rule rows drawn as %q: each must show its layer", rows)
	}
}
