package conflictpanel

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"lantu/app/i18n"
	"lantu/app/internal/uitest"
	"lantu/app/mapview"
	"lantu/layers/conflict"
)

// A rule group's line starts with the rule's name, which keeps its width in
// a dock of 262 px (the tree's line is about 230 px there); the count and
// area sit at the right. Before, the line began with the count and area and
// the name was cut to "生态…".
func TestGroupLineNamesTheRuleFirst(t *testing.T) {
	uitest.NewApp(t)
	i18n.Set(i18n.Zh)
	p := New(&fakeHost{m: mapview.New(nil), status: map[string]string{}})
	p.groups = []Group{{Key: "CL-RED-FARM", Title: "生态保护红线与永久基本农田重叠", Patches: make([]conflict.Patch, 28), Area: 25.5e6}}
	o := p.createNode(true)
	p.updateNode("g0", true, o)
	n := o.(*node)
	if n.title.Text != "生态保护红线与永久基本农田重叠" || n.stat.Text != "28 · 25.5 km²" {
		t.Fatalf("group line %q | %q", n.title.Text, n.stat.Text)
	}
	n.Resize(fyne.NewSize(230, 36)) // a group line in a 262 px dock
	short := "生态保护红线内建设"
	n.show(short, groupStat(28, 25.5e6), true)
	need := fyne.MeasureText(short, theme.TextSize(), fyne.TextStyle{Bold: true}).Width + 2*theme.InnerPadding()
	if got := n.title.Size().Width; got < need {
		t.Errorf("a 9-character rule name gets %.0f px of a 230 px line, needs %.0f", got, need)
	}
	if x := n.title.Position().X; x > theme.Padding() {
		t.Errorf("the rule name starts %.0f px in", x)
	}
}

// The review buttons of a selected patch fit a dock of 262 px; four in a
// row needed more, so selecting a patch scrolled the panel sideways (before
// the dock scrolled, it widened the dock and narrowed the map).
func TestReviewButtonsFitTheDock(t *testing.T) {
	uitest.NewApp(t)
	for _, l := range []i18n.Lang{i18n.Zh, i18n.En} {
		i18n.Set(l)
		p := New(&fakeHost{m: mapview.New(nil), status: map[string]string{}})
		if got := p.actions.MinSize().Width; got > 262 {
			t.Errorf("%s: the review buttons need %.0f px", l, got)
		}
	}
}
