// Package workstation is the desktop window of Lantu: the map canvas, the
// layer tree on the left, a dock of panels on the right (identify, measure,
// conflicts, terrain), tools, place search, the status bar, menus and
// persistent settings.
package workstation

import (
	"context"
	"fmt"
	"log"
	"os"
	"time"

	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"
	"github.com/paulmach/orb"

	"lantu/app/i18n"
	"lantu/app/layertree"
	"lantu/app/mapview"
	"lantu/layers"
	"lantu/layers/crs"
	"lantu/layers/render"
)

// Workstation is the main window. Use it on the UI goroutine only.
type Workstation struct {
	app  fyne.App
	win  fyne.Window
	bp   *layers.Blueprint
	view *mapview.MapView
	tree *layertree.Panel
	dock *Dock
	geo  *crs.Geodesic
	ll   *crs.Transformer
	// geographic is true when the blueprint's CRS counts in degrees: scales
	// and measurements are then geodesic only (units.go).
	geographic bool

	left     *fyne.Container
	identify *identifyPanel
	measure  *measurePanel
	places   *placeIndex
	status   *statusBar
	tools    toolButtons // the toolbar's tool buttons (toolicons.go)
	trace    bool
	opened   time.Time
	first    bool

	cursorHooks []func(orb.Point)
	sketchHooks []func(mapview.Tool, []orb.Point)
	selected    *layers.Feature // the identified feature, or nil
	picked      pick            // the selection panels act on (selection.go)
	renderer    *render.Renderer
	panels      []Panel
	live        *liveRecheck  // conflicts re-checked after each edit (recheck.go)
	marks       *bookmarkMenu // the user's bookmarks (bookmarks.go)
	tables      *attrTables   // the open attribute tables (panel_attrtable.go)
	mapSel      mapSelection  // the features highlighted as the selection
}

// New makes the window (without a blueprint yet).
func New(a fyne.App) *Workstation {
	w := &Workstation{app: a, win: a.NewWindow(i18n.T("app.title")), trace: os.Getenv("LANTU_TRACE") != ""}
	w.view = mapview.New(nil)
	w.view.OnCursor = w.cursorMoved
	w.view.OnViewChanged = func(render.Viewport) {
		w.status.scale(w.view.Scale())
		if w.tree != nil {
			w.tree.SetScale(w.view.Scale())
		}
	}
	w.view.OnIdentify = w.identifyAt
	w.view.OnMenu = w.showMapMenu
	w.view.Trace = w.traceFrame
	w.dock = newDock()
	w.identify = newIdentifyPanel(w)
	w.measure = newMeasurePanel(w)
	w.view.OnSketch = w.sketchChanged
	w.dock.Register(w.identify)
	w.dock.Register(w.measure)
	w.status = newStatusBar(w)
	for _, m := range panelMakers {
		p := m.Make(w)
		w.panels = append(w.panels, p)
		w.dock.Register(p)
	}
	w.left = container.NewStack(widget.NewLabel(""))
	w.tables = newAttrTables(w)
	w.win.SetContent(w.layout())
	w.win.SetMainMenu(w.menu())
	w.win.Resize(w.savedWindowSize())
	w.win.SetCloseIntercept(func() { w.saveSettings(); w.win.Close() })
	return w
}

// Window is the main window.
func (w *Workstation) Window() fyne.Window { return w.win }

// Dock is the right-hand panel dock, where the panels register.
func (w *Workstation) Dock() *Dock { return w.dock }

// leftMinWidth is the layer panel's narrowest width.
const leftMinWidth = 290

// layout is toolbar on top, status bar at the bottom, tree | map | dock,
// and the attribute tables under map | dock while one is open.
func (w *Workstation) layout() fyne.CanvasObject {
	w.left.Objects = []fyne.CanvasObject{widget.NewLabel("")}
	right := container.NewHSplit(w.view, w.dock.tabs)
	right.SetOffset(0.68) // the dock starts about 400 px wide at 1600 px, as wide as its panels made it before; small windows give it dockWidth
	// The layer panel keeps a width for names ("Base mapping", "乡镇行政区")
	// however narrow the window.
	keep := canvas.NewRectangle(color.Transparent)
	keep.SetMinSize(fyne.NewSize(leftMinWidth, 1))
	layers := container.NewStack(keep, w.left)
	main := container.NewHSplit(container.NewAppTabs(container.NewTabItem(i18n.T("tab.layers"), layers)), w.tables.wrap(right))
	main.SetOffset(0.21)
	return container.NewBorder(w.toolbar(), w.status.root, nil, nil, main)
}

// setTool switches the map tool and shows the matching panel.
func (w *Workstation) setTool(t mapview.Tool) {
	w.view.SetTool(t)
	switch t {
	case mapview.ToolIdentify:
		w.dock.Show("identify")
	case mapview.ToolDistance, mapview.ToolArea:
		w.dock.Show("measure")
	}
	w.status.tool(t)
	w.tools.show(t)
}

// identifyAt lists the features under p in a goroutine and shows them.
func (w *Workstation) identifyAt(p orb.Point, res float64) {
	bp := w.bp
	if bp == nil || w.tree == nil {
		return
	}
	codes := w.tree.Visible()
	go func() {
		fs, err := Identify(context.Background(), bp, codes, p, hitTolerance*res)
		fyne.Do(func() {
			if err != nil {
				dialog.ShowError(err, w.win)
				return
			}
			var top *layers.Feature
			if len(fs) > 0 {
				top = fs[0]
			}
			w.setMapSelection(w.identified(fs))
			w.tables.mapSelected(w.mapSel)
			w.pickFeature(top)
			w.identify.show(fs)
			w.dock.Show("identify")
		})
	}()
}

// setMessage shows a short message in the status bar.
func (w *Workstation) setMessage(s string) { w.status.message(s) }

// traceFrame logs frame timings when LANTU_TRACE is set.
func (w *Workstation) traceFrame(req render.Request, ms float64, err error) {
	if !w.trace {
		return
	}
	if w.first && err == nil {
		w.first = false
		log.Printf("trace: open to first frame %.0f ms", float64(time.Since(w.opened).Microseconds())/1000)
	}
	log.Printf("trace: frame %dx%d 1:%.0f %.1f ms err=%v", req.View.W, req.View.H, req.View.Scale(), ms, err)
}

func errorf(format string, args ...any) error { return fmt.Errorf("workstation: "+format, args...) }
