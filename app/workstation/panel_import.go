package workstation

import (
	"fmt"

	"fyne.io/fyne/v2"
	"github.com/paulmach/orb"

	"lantu/app/i18n"
	"lantu/app/importpanel"
	"lantu/layers/render"
	"lantu/layers/transfer"
)

// importMenuItems are File → 导入数据… and 导出图层… (app/importpanel).
func (w *Workstation) importMenuItems() []*fyne.MenuItem {
	return []*fyne.MenuItem{fyne.NewMenuItemSeparator(),
		fyne.NewMenuItem(i18n.T("menu.import"), func() { importpanel.ShowImport(w) }),
		fyne.NewMenuItem(i18n.T("menu.export"), func() { importpanel.ShowExport(w, w.currentLayer()) }),
	}
}

// currentLayer is the layer of the identified feature, or "".
func (w *Workstation) currentLayer() string {
	if w.selected != nil && w.selected.Layer != nil {
		return w.selected.Layer.Code
	}
	return ""
}

// Imported shows what an import wrote: a new layer gets into the renderer
// and is drawn, a catalog layer is shown and its tiles redrawn; the map
// zooms to bound (the imported features' box in the blueprint's CRS).
func (w *Workstation) Imported(rep *transfer.Report, bound orb.Bound) {
	if w.bp == nil || rep == nil {
		return
	}
	if rep.Created {
		w.renderer = render.New(render.FromBlueprint(w.bp), w.renderOptions(w.bp))
		w.view.SetRenderer(w.renderer)
		w.view.SetLayers(append(w.tree.Visible(), rep.Layer))
	} else {
		w.tree.SetVisible(rep.Layer, true)
		w.RefreshLayers([]string{rep.Layer})
	}
	if rep.Imported > 0 && !(bound.Min == orb.Point{} && bound.Max == orb.Point{}) {
		w.view.ZoomTo(bound)
	}
	w.SetMessage(resultLine(rep))
}

func resultLine(rep *transfer.Report) string {
	return fmt.Sprintf("%s: %s %d/%d", rep.Layer, i18n.T("import.result"), rep.Imported, rep.Read)
}

// The export dialog offers the map's whole selection.
var _ importpanel.Selection = (*Workstation)(nil)
