package workstation

import (
	"fmt"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/paulmach/orb"

	"lantu/app/i18n"
	"lantu/app/mapview"
	"lantu/layers/crs"
)

// placeWidth is the place search box's width: wide enough for a district
// and a village name, narrow enough that the English toolbar fits 1024 px
// with the window's padding (TestStatusBarNeverWidensWindow).
const placeWidth = 240

// toolbar holds the map tools and the place search.
func (w *Workstation) toolbar() fyne.CanvasObject {
	w.tools = toolButtons{}
	tool := func(key string, icon fyne.Resource, t mapview.Tool) *widget.Button {
		b := widget.NewButtonWithIcon(i18n.T(key), icon, func() { w.setTool(t) })
		b.Importance = widget.LowImportance
		w.tools[t] = b
		return b
	}
	full := widget.NewButtonWithIcon(i18n.T("tool.full"), theme.ViewFullScreenIcon(), w.zoomFull)
	full.Importance = widget.LowImportance
	zin := widget.NewButtonWithIcon("", theme.ZoomInIcon(), func() { w.zoomStep(1.5) })
	zout := widget.NewButtonWithIcon("", theme.ZoomOutIcon(), func() { w.zoomStep(1 / 1.5) })
	zin.Importance, zout.Importance = widget.LowImportance, widget.LowImportance
	w.places = newPlaceIndex(w)
	tools := container.NewHBox(
		tool("tool.pan", toolIcon("pan"), mapview.ToolPan),
		tool("tool.identify", theme.InfoIcon(), mapview.ToolIdentify),
		tool("tool.zoombox", theme.ZoomFitIcon(), mapview.ToolZoomBox),
		widget.NewSeparator(), zin, zout, full, widget.NewSeparator(),
		tool("tool.distance", toolIcon("distance"), mapview.ToolDistance),
		tool("tool.area", toolIcon("area"), mapview.ToolArea),
		widget.NewSeparator(), w.bookmarkButton(),
	)
	w.tools.show(w.view.Tool())
	search := container.NewGridWrap(fyne.NewSize(placeWidth, w.places.entry.MinSize().Height), w.places.entry)
	return container.NewBorder(nil, widget.NewSeparator(), nil, search, tools)
}

func (w *Workstation) zoomStep(f float64) {
	v := w.view.View()
	w.view.ZoomBy(f, float64(v.W)/2, float64(v.H)/2)
}

func (w *Workstation) zoomFull() {
	if w.bp != nil {
		w.view.ZoomTo(w.bp.Extent())
	}
}

// menu is File (Open, Recent, Quit), View (full extent, districts) and
// Settings (language).
func (w *Workstation) menu() *fyne.MainMenu {
	open := fyne.NewMenuItem(i18n.T("menu.open"), w.openDialog)
	recent := fyne.NewMenuItem(i18n.T("menu.recent"), nil)
	for _, p := range w.recent() {
		recent.ChildMenu = appendItem(recent.ChildMenu, p, func() { w.Open(p) })
	}
	quit := fyne.NewMenuItem(i18n.T("menu.quit"), func() { w.saveSettings(); w.app.Quit() })
	quit.IsQuit = true
	file := fyne.NewMenu(i18n.T("menu.file"), append(append([]*fyne.MenuItem{open, recent}, w.importMenuItems()...), w.printMenuItem(), fyne.NewMenuItemSeparator(), quit)...)
	full := fyne.NewMenuItem(i18n.T("menu.full"), w.zoomFull)
	districts := fyne.NewMenuItem(i18n.T("menu.districts"), nil)
	if w.places != nil {
		for _, d := range w.places.districts {
			districts.ChildMenu = appendItem(districts.ChildMenu, d.name, func() { w.view.ZoomTo(d.bound) })
		}
	}
	view := fyne.NewMenu(i18n.T("menu.view"), append([]*fyne.MenuItem{full, districts}, w.bookmarkMenuItems()...)...)
	lang := fyne.NewMenuItem(i18n.T("menu.language"), nil)
	lang.ChildMenu = fyne.NewMenu("",
		languageItem(i18n.Zh, "中文", func() { w.setLanguage(i18n.Zh) }),
		languageItem(i18n.En, "English", func() { w.setLanguage(i18n.En) }))
	user := fyne.NewMenuItem(i18n.T("menu.user"), w.userDialog)
	shade := fyne.NewMenuItem(i18n.T("menu.hillshade"), w.hillshadeDialog)
	return fyne.NewMainMenu(file, view, fyne.NewMenu(i18n.T("menu.settings"), lang, user, shade))
}

// languageItem names a language in itself (中文, English), ticked when it
// is the current one, as QGIS's language list does.
func languageItem(l i18n.Lang, name string, fn func()) *fyne.MenuItem {
	it := fyne.NewMenuItem(name, fn)
	it.Checked = i18n.Current() == l
	return it
}

func appendItem(m *fyne.Menu, label string, fn func()) *fyne.Menu {
	if m == nil {
		m = fyne.NewMenu("")
	}
	m.Items = append(m.Items, fyne.NewMenuItem(label, fn))
	return m
}

// openDialog picks a .gpkg file.
func (w *Workstation) openDialog() {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		path := r.URI().Path()
		r.Close()
		w.Open(path)
	}, w.win)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".gpkg", ".GPKG"}))
	d.Resize(fyne.NewSize(900, 600))
	d.Show()
}

// setLanguage stores the language; it applies after a restart.
func (w *Workstation) setLanguage(l i18n.Lang) {
	w.app.Preferences().SetString(prefLang, string(l))
	i18n.Set(l)
	dialog.ShowInformation(i18n.T("menu.language"), i18n.T("restart.lang"), w.win)
}

func containsString(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func (s *statusBar) submitScale(v string) {
	v = strings.TrimPrefix(strings.ReplaceAll(strings.TrimSpace(v), ",", ""), "1:")
	if d, err := strconv.ParseFloat(v, 64); err == nil && d > 0 {
		s.w.view.SetScale(d)
	}
}

func (s *statusBar) scale(d float64) {
	s.updating = true
	s.scaleSel.SetText(strconv.Itoa(int(d + 0.5)))
	s.updating = false
}

func (s *statusBar) cursor(p orb.Point, ll *crs.Transformer) {
	s.set(s.xy, fmt.Sprintf("X %.2f  Y %.2f", p[0], p[1]))
	if ll == nil {
		return
	}
	if q, err := ll.Point(p); err == nil {
		s.set(s.lonlat, fmt.Sprintf("%s %.6f°E %.6f°N", i18n.T("status.lonlat"), q[0], q[1]))
	}
}

func (s *statusBar) message(m string) { s.msg.SetText(m) }

func (s *statusBar) tool(t mapview.Tool) {
	names := map[mapview.Tool]string{mapview.ToolPan: "tool.pan", mapview.ToolIdentify: "tool.identify",
		mapview.ToolZoomBox: "tool.zoombox", mapview.ToolDistance: "tool.distance", mapview.ToolArea: "tool.area",
		mapview.ToolProfile: "tool.profile", mapview.ToolEdit: "tool.edit"}
	s.toolName.SetText("▸ " + i18n.T(names[t]))
}
