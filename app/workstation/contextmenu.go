package workstation

import (
	"context"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
	"github.com/paulmach/orb"

	"lantu/app/i18n"
	"lantu/app/importpanel"
	"lantu/layers"
	"lantu/layers/catalog"
	"lantu/layers/crs"
	"lantu/layers/qgis"
	"lantu/layers/render"
)

// menuZoom is the zoom factor of the map menu's zoom in / out here.
const menuZoom = 2

// wireTreeMenu gives the layer tree's context menu (app/layertree/menu.go)
// its attribute table and export, and the properties dialog the file and CRS.
func (w *Workstation) wireTreeMenu() {
	w.tree.OnTable = w.OpenAttributeTable
	w.tree.OnExport = func(code string) { importpanel.ShowExport(w, code) }
	bp := w.bp // the tree's blueprint, read here on the UI goroutine
	w.tree.OnStyle = func(code string, s *catalog.Style) (*catalog.Layer, error) { return writeStyle(bp, code, s) }
	w.tree.OnRestyled = w.restyled
	w.tree.Source = w.bp.Path()
	w.tree.CRS = crsName(w.bp.SRID())
}

// writeStyle writes layer code's style edited in the layer tree (nil: the
// catalog's) to the blueprint and its QGIS tables, and returns the layer's
// new definition. Called off the UI goroutine.
func writeStyle(bp *layers.Blueprint, code string, s *catalog.Style) (*catalog.Layer, error) {
	var err error
	if s == nil {
		err = qgis.ResetLayerStyle(context.Background(), bp, code)
	} else {
		err = qgis.WriteLayerStyle(context.Background(), bp, code, *s)
	}
	if err != nil {
		return nil, err
	}
	return bp.Layer(code).CurrentDef(), nil
}

// restyled redraws the map after a style change: the renderer is made
// again from the blueprint's current layer definitions.
func (w *Workstation) restyled(string) {
	w.renderer = render.New(render.FromBlueprint(w.bp), w.renderOptions(w.bp))
	w.view.SetRenderer(w.renderer)
	w.view.Redraw()
}

// crsName is "EPSG:4550 CGCS2000 / 3-degree Gauss-Kruger CM 123E".
func crsName(srid int) string {
	d, err := crs.Lookup(srid)
	if err != nil || d.Name == "" {
		return fmt.Sprintf("EPSG:%d", srid)
	}
	return fmt.Sprintf("EPSG:%d %s", srid, d.Name)
}

// showMapMenu opens the map's context menu at abs for the map point p.
func (w *Workstation) showMapMenu(p orb.Point, abs fyne.Position) {
	widget.ShowPopUpMenuAtPosition(w.mapMenu(p), w.win.Canvas(), abs)
}

// mapMenu is the map's context menu at p: identify here, copy the
// coordinate (in the blueprint's CRS, as lon/lat, or both), zoom in or out
// keeping p where it is.
func (w *Workstation) mapMenu(p orb.Point) *fyne.Menu {
	ident := fyne.NewMenuItem(i18n.T("mapmenu.identify"), func() {
		w.identifyAt(p, w.view.View().Res)
	})
	copyItem := fyne.NewMenuItem(i18n.T("mapmenu.copy"), nil)
	copyItem.ChildMenu = fyne.NewMenu("", w.coordinateItems(p)...)
	zin := fyne.NewMenuItem(i18n.T("mapmenu.zoomin"), func() { w.zoomAround(p, menuZoom) })
	zout := fyne.NewMenuItem(i18n.T("mapmenu.zoomout"), func() { w.zoomAround(p, 1.0/menuZoom) })
	return fyne.NewMenu("", ident, copyItem, fyne.NewMenuItemSeparator(), zin, zout)
}

// coordinateItems copy p in the blueprint's CRS, as lon/lat, or both lines.
func (w *Workstation) coordinateItems(p orb.Point) []*fyne.MenuItem {
	lines := w.coordinateLines(p)
	var items []*fyne.MenuItem
	for _, l := range lines {
		items = append(items, fyne.NewMenuItem(l[0]+"  "+l[1], func() { w.copyText(l[1]) }))
	}
	if len(lines) > 1 {
		both := ""
		for _, l := range lines {
			both += l[0] + ": " + l[1] + "\n"
		}
		items = append(items, fyne.NewMenuItem(i18n.T("mapmenu.copyall"), func() { w.copyText(both[:len(both)-1]) }))
	}
	return items
}

// coordinateLines are p's name, text pairs: "EPSG:4550", "500400.00,
// 4600500.00" (metres to the centimetre, degrees to 1e-7), then the
// CGCS2000 lon/lat when the CRS is projected.
func (w *Workstation) coordinateLines(p orb.Point) [][2]string {
	srid := 0
	if w.bp != nil {
		srid = w.bp.SRID()
	}
	if w.geographic {
		return [][2]string{{fmt.Sprintf("EPSG:%d", srid), fmt.Sprintf("%.7f, %.7f", p[0], p[1])}}
	}
	out := [][2]string{{fmt.Sprintf("EPSG:%d", srid), fmt.Sprintf("%.2f, %.2f", p[0], p[1])}}
	if w.ll != nil {
		if ll, err := w.ll.Point(p); err == nil {
			out = append(out, [2]string{i18n.T("mapmenu.lonlat") + fmt.Sprintf(" EPSG:%d", crs.CGCS2000), fmt.Sprintf("%.7f, %.7f", ll[0], ll[1])})
		}
	}
	return out
}

func (w *Workstation) copyText(s string) {
	w.app.Clipboard().SetContent(s)
	w.setMessage(fmt.Sprintf(i18n.T("mapmenu.copied"), s))
}

// zoomAround zooms by f keeping map point p at its place on the screen.
func (w *Workstation) zoomAround(p orb.Point, f float64) {
	x, y := w.view.View().ToPixel(p)
	w.view.ZoomBy(f, x, y)
}
