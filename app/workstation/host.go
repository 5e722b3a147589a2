package workstation

import (
	"context"
	"slices"

	"github.com/paulmach/orb"

	"lantu/app/mapview"
	"lantu/layers"
)

// PanelMaker builds a dock panel for a workstation. Panel packages (the
// conflicts and terrain panels) register one with
// RegisterPanel from an init function in this package, so that each lives in
// its own file and package.
type PanelMaker struct {
	Order int // tab position: identify 10, measure 20, conflicts 30, terrain 40
	Make  func(w *Workstation) Panel
}

var panelMakers []PanelMaker

// registerPanel adds a panel maker; call it from init.
func registerPanel(m PanelMaker) {
	panelMakers = append(panelMakers, m)
	slices.SortStableFunc(panelMakers, func(a, b PanelMaker) int { return a.Order - b.Order })
}

// Selector is a panel that wants to know when the selected feature
// changes (identified on the map, picked in 编辑 or in an attribute table);
// f is nil when nothing is selected. Called on the UI goroutine.
type Selector interface {
	SelectionChanged(f *layers.Feature)
}

// Opener is a panel that wants to know when a blueprint is shown.
type Opener interface {
	SetBlueprint(bp *layers.Blueprint)
}

// Map is the map canvas.
func (w *Workstation) Map() *mapview.MapView { return w.view }

// Blueprint is the blueprint being shown, or nil.
func (w *Workstation) Blueprint() *layers.Blueprint { return w.bp }

// RunLong runs fn off the UI goroutine behind a progress dialog with a Cancel
// button, then calls done on the UI goroutine if fn succeeded. report may be
// called from any goroutine.
func (w *Workstation) RunLong(title string, fn func(ctx context.Context, report func(stage string, frac float64)) error, done func()) {
	w.longWork(title, fn, done)
}

// SetMessage shows a short message in the status bar.
func (w *Workstation) SetMessage(s string) { w.status.message(s) }

// SetStatus shows text in a named segment of the status bar (for example
// "conflicts" for the open conflict counts, "elevation" for the height under
// the cursor); an empty text hides it.
func (w *Workstation) SetStatus(key, text string) { w.status.segment(key, text) }

// Selected is the feature last picked with the identify tool, or nil.
func (w *Workstation) Selected() *layers.Feature { return w.selected }

// ShowPanel selects a dock tab by panel ID.
func (w *Workstation) ShowPanel(id string) { w.dock.Show(id) }

// OnCursor adds a listener for the map point under the mouse.
func (w *Workstation) OnCursor(fn func(p orb.Point)) { w.cursorHooks = append(w.cursorHooks, fn) }

// OnSketch adds a listener for sketch changes (measure and profile tools).
func (w *Workstation) OnSketch(fn func(tool mapview.Tool, pts []orb.Point)) {
	w.sketchHooks = append(w.sketchHooks, fn)
}

// SetTool switches the map tool, shows the matching panel and names the
// tool in the status bar.
func (w *Workstation) SetTool(t mapview.Tool) { w.setTool(t) }

// sketchChanged passes a sketch to the measure panel and the listeners.
func (w *Workstation) sketchChanged(t mapview.Tool, pts []orb.Point) {
	w.measure.show(t, pts)
	for _, fn := range w.sketchHooks {
		fn(t, pts)
	}
}

// cursorMoved updates the status bar and the listeners.
func (w *Workstation) cursorMoved(p orb.Point) {
	w.status.cursor(p, w.ll)
	for _, fn := range w.cursorHooks {
		fn(p)
	}
}
