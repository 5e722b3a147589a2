package workstation

import (
	"github.com/paulmach/orb"

	"lantu/app/editor/editpanel"
	"lantu/layers"
)

func init() {
	registerPanel(PanelMaker{Order: 25, Make: func(w *Workstation) Panel { return editpanel.New(w) }})
}

// VisibleLayers are the codes of the layers the tree shows (for snapping
// and selection); nil before a blueprint is open.
func (w *Workstation) VisibleLayers() []string {
	if w.tree == nil {
		return nil
	}
	return w.tree.Visible()
}

// RefreshLayers drops the cached tiles of the given layers and redraws the
// map, after an edit.
func (w *Workstation) RefreshLayers(codes []string) {
	if w.renderer != nil {
		for _, c := range codes {
			w.renderer.Invalidate(c, orb.Bound{})
		}
	}
	w.view.Redraw()
}

// SelectFeature takes the feature selected in the Edit panel (nil: none)
// as the selection, as identifying it would (editpanel.FeatureSelector):
// the Siting review and Terrain panels act on it.
func (w *Workstation) SelectFeature(f *layers.Feature) { w.pickFeature(f) }
