package layertree

import (
	"fmt"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"lantu/app/i18n"
)

// TappedSecondary opens a layer's context menu (a right-click on its row),
// selecting the layer first as QGIS does.
func (r *row) TappedSecondary(e *fyne.PointEvent) {
	code, ok := strings.CutPrefix(r.id, "l:")
	if !ok || r.p.entries[code] == nil {
		return
	}
	r.p.Tree.Select(r.id)
	c := fyne.CurrentApp().Driver().CanvasForObject(r)
	if c == nil {
		return
	}
	widget.ShowPopUpMenuAtPosition(r.p.Menu(code), c, e.AbsolutePosition)
}

// Menu is the context menu of layer code: zoom to layer, open attribute
// table, export, style, properties. Items whose callback is unset, the
// table, export and style of a raster layer and the style of an imported
// layer drawn from its own classes, are disabled.
func (p *Panel) Menu(code string) *fyne.Menu {
	e := p.entries[code]
	if e == nil {
		return fyne.NewMenu("")
	}
	raster := e.Def.Geometry == "raster"
	zoom := fyne.NewMenuItem(i18n.T("layer.zoom"), func() {
		if p.OnZoom != nil {
			p.OnZoom(e.Bound)
		}
	})
	table := fyne.NewMenuItem(i18n.T("layer.table"), func() { p.OnTable(code) })
	table.Disabled = p.OnTable == nil || raster
	export := fyne.NewMenuItem(i18n.T("layer.export"), func() { p.OnExport(code) })
	export.Disabled = p.OnExport == nil || raster
	style := fyne.NewMenuItem(i18n.T("layer.style"), func() { p.ShowStyle(code) })
	style.Disabled = p.OnStyle == nil || raster || e.Def.Style.Classes != nil
	props := fyne.NewMenuItem(i18n.T("layer.properties"), func() { p.ShowProperties(code) })
	return fyne.NewMenu("", zoom, table, export, fyne.NewMenuItemSeparator(), style, props)
}

// Properties lists what the properties dialog shows of layer code: label,
// value pairs.
func (p *Panel) Properties(code string) [][2]string {
	e := p.entries[code]
	if e == nil {
		return nil
	}
	d := e.Def
	count := i18n.T("layer.count")
	if d.Geometry == "raster" {
		count = i18n.T("layer.tiles")
	}
	groups := make([]string, len(d.Group))
	for i, g := range d.Group {
		groups[i] = groupName(g)
	}
	return [][2]string{
		{i18n.T("layer.name"), layerNames(d.NameZh, d.NameEn)},
		{i18n.T("layer.code"), code},
		{i18n.T("layer.tablename"), d.Table},
		{i18n.T("layer.geometry"), i18n.T("geom." + d.Geometry)},
		{i18n.T("layer.group"), strings.Join(groups, " / ")},
		{i18n.T("layer.crs"), orDash(p.CRS)},
		{count, groupDigits(e.Count)},
		{i18n.T("layer.extent"), extentText(e)},
		{i18n.T("layer.scales"), scaleRange(d.MaxScale, d.MinScale)},
		{i18n.T("layer.source"), sourceText(p.Source, d.Table)},
	}
}

// layerNames shows the name in the current language first, the other after.
func layerNames(zh, en string) string {
	if en == "" || zh == "" {
		return zh + en
	}
	if i18n.Current() == i18n.En {
		return en + " · " + zh
	}
	return zh + " · " + en
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// extentText is the layer's box as QGIS prints it: xmin,ymin : xmax,ymax.
func extentText(e *Entry) string {
	b := e.Bound
	if b.Min == b.Max && b.Min[0] == 0 && b.Min[1] == 0 {
		return "—"
	}
	return fmt.Sprintf("%.2f, %.2f : %.2f, %.2f", b.Min[0], b.Min[1], b.Max[0], b.Max[1])
}

// scaleRange is the catalog's visibility range: shown from 1:maxScale
// (zoomed in) to 1:minScale (zoomed out); 0 is unlimited.
func scaleRange(maxScale, minScale float64) string {
	in, out := "1:"+groupDigits(int(maxScale)), "1:"+groupDigits(int(minScale))
	switch {
	case maxScale <= 0 && minScale <= 0:
		return i18n.T("layer.scales.any")
	case maxScale <= 0:
		return fmt.Sprintf(i18n.T("layer.scales.larger"), out)
	case minScale <= 0:
		return fmt.Sprintf(i18n.T("layer.scales.smaller"), in)
	}
	return in + " – " + out
}

// sourceText names the data as QGIS's source string does: file|layername=table.
func sourceText(path, table string) string {
	if path == "" {
		return table
	}
	return path + "|layername=" + table
}

// groupDigits writes n with thousands separators: 20,790.
func groupDigits(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	if neg {
		s = "-" + s
	}
	return s
}

// ShowProperties shows the properties dialog of layer code over the window
// that holds the panel.
func (p *Panel) ShowProperties(code string) {
	win := windowOf(p.content)
	if win == nil {
		return
	}
	form := container.New(layout.NewFormLayout())
	for _, kv := range p.Properties(code) {
		k := widget.NewLabel(kv[0])
		k.TextStyle.Bold = true
		v := widget.NewLabel(kv[1])
		if kv[0] == i18n.T("layer.source") {
			v.Wrapping = fyne.TextWrapBreak // a long path breaks rather than widen the dialog
		}
		v.Selectable = true
		form.Add(k)
		form.Add(v)
	}
	d := dialog.NewCustom(i18n.T("layer.props.title"), i18n.T("layer.close"), form, win)
	d.Resize(fyne.NewSize(min(620, win.Canvas().Size().Width-40), form.MinSize().Height+140))
	d.Show()
}

// windowOf finds the window whose canvas shows o.
func windowOf(o fyne.CanvasObject) fyne.Window {
	c := fyne.CurrentApp().Driver().CanvasForObject(o)
	for _, w := range fyne.CurrentApp().Driver().AllWindows() {
		if w.Canvas() == c {
			return w
		}
	}
	return nil
}
