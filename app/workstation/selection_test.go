package workstation

import (
	"testing"

	"github.com/paulmach/orb"

	"lantu/app/conflictpanel"
	"lantu/layers"
)

var _ conflictpanel.PatchSelector = (*Workstation)(nil)

// "Statistics of the selection" takes whichever was picked last: a
// conflict patch selected after identifying a parcel wins (it used to be
// ignored), and identifying again takes the parcel back.
func TestSelectedAreaIsTheLastPick(t *testing.T) {
	w := &Workstation{}
	parcel := &layers.Feature{FID: 7, Geom: orb.Polygon{{{0, 0}, {1, 0}, {1, 1}, {0, 0}}}}
	patch := orb.MultiPolygon{{{{5, 5}, {6, 5}, {6, 6}, {5, 5}}}}
	w.pickFeature(parcel)
	w.SelectPatch("永久基本农田与城镇开发边界重叠 #3", patch)
	if name, g := w.SelectedArea(); name != "永久基本农田与城镇开发边界重叠 #3" || g == nil || g.Bound() != patch.Bound() {
		t.Fatalf("after selecting a patch: %q %v", name, g)
	}
	w.pickFeature(parcel)
	if name, g := w.SelectedArea(); name != "#7" || g.Bound() != parcel.Geom.Bound() {
		t.Fatalf("after identifying: %q %v", name, g)
	}
	w.SelectPatch("", nil) // unselecting a patch keeps the newer parcel
	if _, g := w.SelectedArea(); g == nil {
		t.Fatal("unselecting the patch dropped the identified parcel")
	}
	w.SelectPatch("p", patch)
	w.SelectPatch("", nil)
	if _, g := w.SelectedArea(); g != nil {
		t.Fatalf("unselected patch still selected: %v", g)
	}
}

// selectorPanel records what the workstation tells a Selector.
type selectorPanel struct {
	Panel
	got []*layers.Feature
}

func (s *selectorPanel) SelectionChanged(f *layers.Feature) { s.got = append(s.got, f) }

// Every pick reaches the panels that follow the selection (the siting
// panel's header named the last proposal reviewed while another was
// selected).
func TestPickTellsSelectors(t *testing.T) {
	s := &selectorPanel{}
	w := &Workstation{panels: []Panel{s}}
	f := &layers.Feature{FID: 3}
	w.pickFeature(f)
	w.pickFeature(nil)
	if len(s.got) != 2 || s.got[0] != f || s.got[1] != nil {
		t.Fatalf("the panel heard %v, want the feature then nil", s.got)
	}
}
