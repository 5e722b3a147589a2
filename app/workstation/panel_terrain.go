package workstation

import (
	"lantu/app/terrainpanel"
	"lantu/layers"
	"lantu/layers/render"
)

func init() {
	registerPanel(PanelMaker{Order: 40, Make: func(w *Workstation) Panel { return terrainpanel.New(w) }})
}

// RenderOptioner is a panel that contributes to the map renderer's options
// (the terrain panel shades the map with the DEM). It is called on the UI
// goroutine when a blueprint is shown, before the renderer is made.
type RenderOptioner interface {
	RenderOptions(bp *layers.Blueprint, o *render.Options)
}

// renderOptions collects the renderer options of the panels for bp.
func (w *Workstation) renderOptions(bp *layers.Blueprint) render.Options {
	var o render.Options
	for _, p := range w.panels {
		if ro, ok := p.(RenderOptioner); ok {
			ro.RenderOptions(bp, &o)
		}
	}
	return o
}
