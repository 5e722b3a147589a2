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

// toolbar holds the map tools and the place search.
func (w *Workstation) toolbar() fyne.CanvasObject {
	tool := func(key string, icon fyne.Resource, t mapview.Tool) *widget.Button {
		b := widget.NewButtonWithIcon(i18n.T(key), icon, func() { w.setTool(t) })
		b.Importance = widget.LowImportance
		return b
	}
	full := widget.NewButtonWithIcon(i18n.T("tool.full"), theme.ViewFullScreenIcon(), w.zoomFull)
	full.Importance = widget.LowImportance
	zin := widget.NewButtonWithIcon("", theme.ZoomInIcon(), func() { w.zoomStep(1.5) })
	zout := widget.NewButtonWithIcon("", theme.ZoomOutIcon(), func() { w.zoomStep(1 / 1.5) })
	zin.Importance, zout.Importance = widget.LowImportance, widget.LowImportance
	w.places = newPlaceIndex(w)
	tools := container.NewHBox(
		tool("tool.pan", theme.MenuDropUpIcon(), mapview.ToolPan),
		tool("tool.identify", theme.InfoIcon(), mapview.ToolIdentify),
		tool("tool.zoombox", theme.ZoomFitIcon(), mapview.ToolZoomBox),
		widget.NewSeparator(), zin, zout, full, widget.NewSeparator(),
		tool("tool.distance", theme.ContentRemoveIcon(), mapview.ToolDistance),
		tool("tool.area", theme.CheckButtonIcon(), mapview.ToolArea),
		widget.NewSeparator(), w.bookmarkButton(),
	)
	search := container.NewGridWrap(fyne.NewSize(300, w.places.entry.MinSize().Height), w.places.entry)
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
	file := fyne.NewMenu(i18n.T("menu.file"), open, recent, fyne.NewMenuItemSeparator(), quit)
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
		fyne.NewMenuItem(i18n.T("lang.zh"), func() { w.setLanguage(i18n.Zh) }),
		fyne.NewMenuItem(i18n.T("lang.en"), func() { w.setLanguage(i18n.En) }))
	return fyne.NewMainMenu(file, view, fyne.NewMenu(i18n.T("menu.settings"), lang))
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

// statusBar shows the message, scale, coordinates.
type statusBar struct {
	w        *Workstation
	msg      *widget.Label
	toolName *widget.Label
	scaleSel *widget.SelectEntry
	xy       *widget.Label
	lonlat   *widget.Label
	progress *widget.ProgressBarInfinite
	extra    *fyne.Container // named segments, see segment
	segments map[string]*widget.Label
	root     fyne.CanvasObject
	updating bool
}

func newStatusBar(w *Workstation) *statusBar {
	s := &statusBar{w: w, msg: widget.NewLabel(""), toolName: widget.NewLabel(""), xy: widget.NewLabel(""), lonlat: widget.NewLabel(""),
		extra: container.NewHBox(), segments: map[string]*widget.Label{}}
	var presets []string
	for _, p := range mapview.Presets {
		presets = append(presets, strconv.Itoa(int(p)))
	}
	s.scaleSel = widget.NewSelectEntry(presets)
	s.scaleSel.OnSubmitted = s.submitScale
	s.scaleSel.OnChanged = func(v string) {
		if !s.updating && containsString(presets, v) {
			s.submitScale(v)
		}
	}
	s.progress = widget.NewProgressBarInfinite()
	s.progress.Hide()
	s.xy.TextStyle.Monospace, s.lonlat.TextStyle.Monospace = true, true
	scale := container.NewHBox(widget.NewLabel(i18n.T("status.scale")),
		container.NewGridWrap(fyne.NewSize(130, s.scaleSel.MinSize().Height), s.scaleSel))
	right := container.NewHBox(s.extra, s.xy, s.lonlat, scale)
	s.msg.Truncation = fyne.TextTruncateEllipsis // a long message must not widen the window
	s.root = container.NewBorder(widget.NewSeparator(), nil, s.toolName, right, s.msg)
	s.tool(mapview.ToolPan)
	return s
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
	s.xy.SetText(fmt.Sprintf("X %.2f  Y %.2f", p[0], p[1]))
	if ll == nil {
		return
	}
	if q, err := ll.Point(p); err == nil {
		s.lonlat.SetText(fmt.Sprintf("%s %.6f°E %.6f°N", i18n.T("status.lonlat"), q[0], q[1]))
	}
}

func (s *statusBar) message(m string) { s.msg.SetText(m) }

func (s *statusBar) tool(t mapview.Tool) {
	names := map[mapview.Tool]string{mapview.ToolPan: "tool.pan", mapview.ToolIdentify: "tool.identify",
		mapview.ToolZoomBox: "tool.zoombox", mapview.ToolDistance: "tool.distance", mapview.ToolArea: "tool.area",
		mapview.ToolProfile: "tool.profile", mapview.ToolEdit: "tool.edit"}
	s.toolName.SetText("▸ " + i18n.T(names[t]))
}
