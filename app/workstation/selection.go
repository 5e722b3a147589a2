package workstation

import (
	"fmt"

	"github.com/paulmach/orb"

	"lantu/layers"
)

// pick is the area a panel's "of the selection" acts on: the conflict
// patch selected last or the feature identified last, whichever came later.
type pick struct {
	name  string
	geom  orb.Geometry
	patch bool // from the Conflicts panel
}

// pickFeature records an identified feature (nil: none) as the selection.
func (w *Workstation) pickFeature(f *layers.Feature) {
	w.selected = f
	for _, p := range w.panels {
		if s, ok := p.(Selector); ok {
			s.SelectionChanged(f)
		}
	}
	if f == nil {
		w.picked = pick{}
		return
	}
	name := fmt.Sprintf("#%d", f.FID)
	if f.Layer != nil {
		name = f.Layer.Code + " " + name
	}
	w.picked = pick{name: name, geom: f.Geom}
}

// SelectPatch records the conflict patch selected in the Conflicts panel
// (conflictpanel.PatchSelector); ("", nil) unselects it, leaving an
// identified feature picked since then alone.
func (w *Workstation) SelectPatch(name string, g orb.MultiPolygon) {
	if g == nil {
		if w.picked.patch {
			w.picked = pick{}
		}
		return
	}
	w.picked = pick{name: name, geom: g, patch: true}
}

// SelectedArea is the selected conflict patch or identified feature,
// whichever was picked last (nil geometry: none), for the terrain panel.
func (w *Workstation) SelectedArea() (string, orb.Geometry) { return w.picked.name, w.picked.geom }
