package workstation

import (
	"fyne.io/fyne/v2"

	"lantu/app/i18n"
	"lantu/app/printdialog"
	"lantu/layers/render"
)

// printMenuItem is File → 打印/导出地图… (app/printdialog).
func (w *Workstation) printMenuItem() *fyne.MenuItem {
	return fyne.NewMenuItem(i18n.T("menu.print"), func() { printdialog.Show(w) })
}

// PrintView is the map as shown: centre, scale, visible layers, opacity.
func (w *Workstation) PrintView() printdialog.View {
	v := printdialog.View{Center: w.view.View().Center, Scale: w.view.Scale(), Layers: w.VisibleLayers()}
	if w.tree != nil {
		v.Opacity = w.tree.Opacities()
	}
	return v
}

// PrintAuthor is the user-name setting.
func (w *Workstation) PrintAuthor() string { return w.userName() }

// PrintRenderOptions are the renderer options of the shown blueprint.
func (w *Workstation) PrintRenderOptions() render.Options {
	if w.bp == nil {
		return render.Options{}
	}
	return w.renderOptions(w.bp)
}
