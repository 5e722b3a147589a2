package layertree

import (
	"image/color"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"lantu/layers/catalog"
	"lantu/layers/render"
)

func newTestPanel(t *testing.T) (*Panel, *catalog.Catalog) {
	t.Helper()
	test.NewTempApp(t)
	cat, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	var entries []Entry
	for _, l := range cat.Layers {
		entries = append(entries, Entry{Code: l.Code, Def: l, Count: 3})
	}
	return New(cat, entries, []string{"XZ_QXXZQ"}), cat
}

func TestCheckboxTogglesVisibility(t *testing.T) {
	p, _ := newTestPanel(t)
	var got []string
	p.OnVisibility = func(codes []string) { got = codes }
	r := newRow(p)
	r.bind("l:XZ_QXXZQ")
	if !r.check.Checked {
		t.Fatal("visible layer shows unchecked")
	}
	test.Tap(r.check)
	if slices.Contains(got, "XZ_QXXZQ") || got == nil {
		t.Fatalf("after unticking, visible = %v", got)
	}
	test.Tap(r.check)
	if !slices.Contains(got, "XZ_QXXZQ") {
		t.Fatalf("after ticking again, visible = %v", got)
	}
}

func TestGroupTriState(t *testing.T) {
	p, cat := newTestPanel(t)
	group := "g:" + strings.Join(cat.Layer("XZ_QXXZQ").Group, "/")
	if on, partial := p.state(group); on || !partial {
		t.Fatalf("group with one of several layers on: checked=%v partial=%v", on, partial)
	}
	p.SetVisible(group, true)
	if on, partial := p.state(group); !on || partial {
		t.Fatalf("after ticking the group: checked=%v partial=%v", on, partial)
	}
	top := "g:" + cat.Layer("XZ_QXXZQ").Group[0]
	p.SetVisible(top, false)
	for _, c := range p.Visible() {
		if cat.Layer(c).Group[0] == cat.Layer("XZ_QXXZQ").Group[0] {
			t.Fatalf("layer %s still visible after unticking %s", c, top)
		}
	}
}

func TestSearch(t *testing.T) {
	p, _ := newTestPanel(t)
	for _, q := range []string{"区县行政区", "district boundaries", "xz_qxxzq"} {
		p.SetFilter(q)
		if !slices.Contains(p.layersUnder(root), "XZ_QXXZQ") {
			t.Errorf("search %q does not find XZ_QXXZQ", q)
		}
		if n := len(p.layersUnder(root)); n > 5 {
			t.Errorf("search %q keeps %d layers", q, n)
		}
	}
}

func TestClassLegend(t *testing.T) {
	p, cat := newTestPanel(t)
	for _, l := range cat.Layers {
		if pal := cat.Palette(l); pal != nil && l.ClassField != "" {
			kids := p.children["l:"+l.Code]
			if len(kids) != len(pal.Classes) {
				t.Fatalf("%s: %d legend rows for %d classes", l.Code, len(kids), len(pal.Classes))
			}
			// The legend shows the class as the map draws it: muted.
			if fill, _, _, ok := p.swatch(kids[0]); !ok || fill != render.Muted(pal.Classes[0].Color) {
				t.Fatalf("%s: first class swatch %v, want %v", l.Code, fill, render.Muted(pal.Classes[0].Color))
			}
			return
		}
	}
	t.Fatal("no catalog layer has a class palette")
}

// Every group of the catalog has an English name, so English mode shows no
// Chinese group names.
func TestEveryGroupHasAnEnglishName(t *testing.T) {
	_, cat := newTestPanel(t)
	for _, l := range cat.Layers {
		for _, g := range l.Group {
			if _, _, bilingual := strings.Cut(g, " "); !bilingual && groupsEn[g] == "" {
				t.Errorf("group %q (layer %s) has no English name", g, l.Code)
			}
		}
	}
}

// The name label holds the name only; the count has its own column, so a
// narrow panel truncates the count away from the name no more ("乡镇行政区 (1…").
func TestCountInItsOwnColumn(t *testing.T) {
	p, _ := newTestPanel(t)
	r := newRow(p)
	r.bind("l:XZ_QXXZQ")
	if strings.Contains(r.label.Text, "3") || r.count.Text != "3" {
		t.Fatalf("name %q, count %q; want the name alone and the count 3", r.label.Text, r.count.Text)
	}
}

// Typing into the search box returns at once: the tree filters after a
// pause, off the keystroke, and only the last text's filter is installed.
func TestSearchTypingDoesNotWaitForTree(t *testing.T) {
	p, _ := newTestPanel(t)
	done := make(chan func(), 16)
	p.post = func(fn func()) { done <- fn }
	before := len(p.layersUnder(root))
	test.Type(p.search, "区县行政区")
	if p.search.Text != "区县行政区" {
		t.Fatalf("search box shows %q", p.search.Text)
	}
	if n := len(p.layersUnder(root)); n != before {
		t.Fatalf("the tree filtered inside the keystroke (%d -> %d layers)", before, n)
	}
	// Run what the timers post (a loaded machine may fire a stale one,
	// which must change nothing) until the last text's filter is in.
	for p.filter != "区县行政区" {
		select {
		case fn := <-done:
			fn()
		case <-time.After(10 * time.Second):
			t.Fatal("the filter never came")
		}
	}
	if !slices.Contains(p.layersUnder(root), "XZ_QXXZQ") || len(p.layersUnder(root)) > 5 {
		t.Fatalf("after the pause the tree keeps %d layers", len(p.layersUnder(root)))
	}
}

// TestStyleClassLegend: an imported layer whose layer_styles style has its
// own classes lists them under it, with their labels (or values and
// ranges) and colours.
func TestStyleClassLegend(t *testing.T) {
	test.NewTempApp(t)
	def := catalog.DefaultLayer("parcels", "POLYGON")
	red, blue := color.NRGBA{230, 0, 0, 255}, color.NRGBA{0, 90, 230, 255}
	def.ClassField = "landuse"
	def.Style.Classes = []catalog.ValueClass{{Value: "R", Label: "Residential", Color: red}, {Value: "", Color: blue},
		{Ranged: true, Min: 2, Max: 5, Color: red}}
	p := New(nil, []Entry{{Code: "parcels", Def: def, Count: 4}}, nil)
	kids := p.children["l:parcels"]
	want := []string{"Residential", "NULL", "2 – 5"}
	if len(kids) != len(want) {
		t.Fatalf("legend rows %v, want %d", kids, len(want))
	}
	for i, id := range kids {
		if got := p.nodeText(id); got != want[i] {
			t.Errorf("row %d text %q, want %q", i, got, want[i])
		}
		fill, _, _, ok := p.swatch(id)
		if wantFill := def.Style.Classes[i].Color; !ok || fill != wantFill {
			t.Errorf("row %d swatch %v %v, want %v", i, fill, ok, wantFill)
		}
	}
}
