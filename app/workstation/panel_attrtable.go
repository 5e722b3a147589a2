package workstation

import (
	"context"
	"maps"
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"github.com/paulmach/orb"

	"lantu/app/attrtable"
	"lantu/layers"
	"lantu/layers/render"
)

// attrTables are the open attribute tables (app/attrtable), one closable
// tab per layer docked under the map and the panels, as QGIS docks its
// attribute tables: the map stays in sight while rows are picked and the
// layer tree keeps its height. The area is hidden while no table is open.
// Use it on the UI goroutine only.
type attrTables struct {
	w      *Workstation
	center *fyne.Container // holds the main split, or it and the tables
	main   fyne.CanvasObject
	tabs   *container.DocTabs
	split  *container.Split
	open   map[string]*attrtable.Table
	items  map[*container.TabItem]*attrtable.Table
	post   func(func()) // the tables' fyne.Do (nil: fyne.Do)
	stop   func()       // stops following the shown blueprint's edits
}

func newAttrTables(w *Workstation) *attrTables {
	a := &attrTables{w: w, center: container.NewStack(), open: map[string]*attrtable.Table{},
		items: map[*container.TabItem]*attrtable.Table{}}
	a.tabs = container.NewDocTabs()
	a.tabs.OnClosed = a.closed
	return a
}

// wrap installs main (map | dock) as the area above the tables.
func (a *attrTables) wrap(main fyne.CanvasObject) fyne.CanvasObject {
	a.main = main
	a.split = container.NewVSplit(main, a.tabs)
	a.split.SetOffset(0.5)
	a.relayout()
	return a.center
}

func (a *attrTables) relayout() {
	if len(a.open) == 0 {
		a.center.Objects = []fyne.CanvasObject{a.main}
	} else {
		a.center.Objects = []fyne.CanvasObject{a.split}
	}
	a.center.Refresh()
}

// show opens the table of layer code, or brings its tab forward.
func (a *attrTables) show(code string) {
	if a.w.bp == nil || a.w.bp.Layer(code) == nil {
		return
	}
	if t := a.open[code]; t != nil {
		for item, ti := range a.items {
			if ti == t {
				a.tabs.Select(item)
			}
		}
		return
	}
	t := attrtable.New(a.w, code, a.post)
	item := container.NewTabItem(t.Title(), t.Content())
	a.open[code], a.items[item] = t, t
	a.tabs.Append(item)
	a.tabs.Select(item)
	a.relayout()
	if fids := a.w.mapSel[code]; fids != nil {
		t.ShowSelection(fids)
	}
}

func (a *attrTables) closed(item *container.TabItem) {
	if t := a.items[item]; t != nil {
		delete(a.open, t.Code())
		delete(a.items, item)
	}
	a.relayout()
}

// do runs fn on the UI goroutine: fyne.Do, or the tests' stand-in.
func (a *attrTables) do(fn func()) {
	if a.post != nil {
		a.post(fn)
		return
	}
	fyne.Do(fn)
}

// reset closes every table (another blueprint is shown) and follows bp's
// edits: a table of a layer that changed reads its rows again.
func (a *attrTables) reset(bp *layers.Blueprint) {
	a.open, a.items = map[string]*attrtable.Table{}, map[*container.TabItem]*attrtable.Table{}
	a.tabs.SetItems(nil)
	a.relayout()
	if a.stop != nil {
		a.stop()
	}
	a.stop = bp.OnChange(func(cs layers.ChangeSet) {
		a.do(func() { a.changed(bp, cs) })
	})
}

// changed reloads the open tables of the layers cs touched.
func (a *attrTables) changed(bp *layers.Blueprint, cs layers.ChangeSet) {
	if a.w.bp != bp {
		return
	}
	for _, lc := range cs.Layers {
		if l := bp.Layer(lc.Layer); l != nil && a.open[l.Code] != nil {
			a.open[l.Code].Load()
		}
	}
}

// mapSelected tells every open table the map's selection: each selects
// the rows of its layer's features, or none.
func (a *attrTables) mapSelected(sel mapSelection) {
	for code, t := range a.open {
		t.ShowSelection(sel[code])
	}
}

// hasTable reports whether the table of layer code is open.
func (a *attrTables) hasTable(code string) bool { return a.open[code] != nil }

// mapSelection is the features highlighted on the map: fids by layer code.
type mapSelection map[string][]int64

// identified is the selection an identify click makes: the topmost
// feature, and every feature hit of a layer whose table is open (so its
// rows follow the click even under another layer's feature).
func (w *Workstation) identified(fs []*layers.Feature) mapSelection {
	sel := mapSelection{}
	for i, f := range fs {
		if i == 0 || w.tables.hasTable(f.Layer.Code) {
			sel[f.Layer.Code] = append(sel[f.Layer.Code], f.FID)
		}
	}
	return sel
}

// SelectFeatures highlights fids of layer on the map as its selection
// (attrtable.Host); nil clears it. A single feature is also picked for the
// panels that act on the selection (the terrain statistics, the export's
// layer).
func (w *Workstation) SelectFeatures(layer string, fids []int64) {
	sel := mapSelection{}
	if len(fids) > 0 {
		sel[layer] = fids
	}
	w.setMapSelection(sel)
	if len(fids) != 1 {
		return
	}
	bp, fid := w.bp, fids[0]
	go func() {
		f, err := bp.Feature(context.Background(), layer, fid)
		w.tables.do(func() {
			if err == nil && w.bp == bp && slices.Equal(w.mapSel[layer], []int64{fid}) {
				w.pickFeature(f)
			}
		})
	}()
}

// setMapSelection highlights the features and remembers them.
func (w *Workstation) setMapSelection(sel mapSelection) {
	w.mapSel = sel
	var refs []render.FeatureRef
	for _, code := range slices.Sorted(maps.Keys(sel)) {
		for _, fid := range sel[code] {
			refs = append(refs, render.FeatureRef{Layer: code, FID: fid})
		}
	}
	w.view.SetHighlight(refs)
}

// ZoomTo shows b on the map (attrtable.Host).
func (w *Workstation) ZoomTo(b orb.Bound) { w.view.ZoomTo(b) }

// OpenAttributeTable opens the attribute table of a layer (catalog code).
func (w *Workstation) OpenAttributeTable(code string) { w.tables.show(code) }

// SelectedFeatures is the map's selection as features, layer by layer in
// code order (importpanel.Selection: the export dialog's "only the selected
// features"). A feature deleted since it was selected is left out. Call it
// on the UI goroutine; it reads one row per selected feature.
func (w *Workstation) SelectedFeatures() []*layers.Feature {
	if w.bp == nil {
		return nil
	}
	var fs []*layers.Feature
	for _, code := range slices.Sorted(maps.Keys(w.mapSel)) {
		for _, fid := range w.mapSel[code] {
			if f, err := w.bp.Feature(context.Background(), code, fid); err == nil && f != nil {
				fs = append(fs, f)
			}
		}
	}
	return fs
}
