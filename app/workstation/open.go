package workstation

import (
	"context"
	"errors"
	"fmt"
	"lantu/layers/qgis"
	"log"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"
	"github.com/paulmach/orb"

	"lantu/app/i18n"
	"lantu/app/layertree"
	"lantu/layers"
	"lantu/layers/crs"
	"lantu/layers/demo"
	"lantu/layers/render"
)

// Preference keys.
const (
	prefLast    = "last_file"
	prefRecent  = "recent_files"
	prefLang    = "language"
	prefViewX   = "view_x"
	prefViewY   = "view_y"
	prefViewRes = "view_res"
	prefVisible = "visible_layers"
	prefVisSet  = "visible_layers_set"
	prefWinW    = "window_width"
	prefWinH    = "window_height"
)

// defaultWindow is the first start's window size: small enough for a
// 1024 x 768 laptop screen with its panel and title bar (Fyne tells no
// screen size before the window shows); the size the user gives it is kept.
var defaultWindow = fyne.NewSize(1000, 660)

// savedWindowSize is the size the window had when last closed (Fyne gives
// no window position to save), or defaultWindow.
func (w *Workstation) savedWindowSize() fyne.Size {
	p := w.app.Preferences()
	s := fyne.NewSize(float32(p.Float(prefWinW)), float32(p.Float(prefWinH)))
	if s.Width < 400 || s.Height < 300 {
		return defaultWindow
	}
	return s
}

// DemoPath is where the first run writes the demo blueprint.
func DemoPath() string {
	dir, err := os.UserConfigDir()
	if home, herr := os.UserHomeDir(); herr == nil {
		dir = filepath.Join(home, ".local", "share")
	} else if err != nil {
		dir = os.TempDir()
	}
	return filepath.Join(dir, "lantu", "demo-small.gpkg")
}

// OpenDefault opens the last blueprint, or the demo one, generating it on
// the first run.
func (w *Workstation) OpenDefault() {
	if last := w.app.Preferences().String(prefLast); last != "" {
		if _, err := os.Stat(last); err == nil {
			w.Open(last)
			return
		}
	}
	path := DemoPath()
	if _, err := os.Stat(path); err == nil {
		w.Open(path)
		return
	}
	w.generateDemo(path)
}

// generateDemo writes the demo blueprint off the UI goroutine, then opens it.
func (w *Workstation) generateDemo(path string) {
	w.longWork(i18n.T("progress.demo"), func(ctx context.Context, report func(string, float64)) error {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		tmp := path + ".tmp"
		_, err := demo.Generate(ctx, tmp, demo.Options{Scale: "small", Progress: func(stage string, done, total int) {
			report(stage, float64(done)/float64(max(total, 1)))
		}})
		if err != nil {
			os.Remove(tmp)
			return err
		}
		if err := os.Rename(tmp, path); err != nil {
			return err
		}
		if err := qgis.WriteFile(ctx, path); err != nil { // so QGIS opens it styled, with its project
			fyne.LogError("demo: QGIS styles and project not written", err)
		}
		return nil
	}, func() { w.Open(path) })
}

// Open opens a blueprint (any GeoPackage) off the UI goroutine.
func (w *Workstation) Open(path string) {
	w.opened = time.Now()
	v := w.view.View()
	size := [2]int{v.W, v.H}
	var bp *layers.Blueprint
	w.longWork(i18n.T("progress.open")+"\n"+filepath.Base(path), func(ctx context.Context, report func(string, float64)) error {
		var err error
		bp, err = w.openIndexed(ctx, path, size, report)
		return err
	}, func() { w.show(bp) })
}

// openIndexed opens path with the indexes built in the background and
// returns once the layers shown first are ready; the rest follow, counted
// in the status bar, and redraw the map if they are shown meanwhile.
func (w *Workstation) openIndexed(ctx context.Context, path string, size [2]int, report func(string, float64)) (*layers.Blueprint, error) {
	saved := w.savedVisible(path)
	var opened atomic.Pointer[layers.Blueprint] // set once Open returns
	var first []string                          // the layers the first frame draws
	var lastReport atomic.Int64                 // unix ms; the bar repaints at most every 150 ms
	opt := layers.OpenOptions{User: w.userName(), Background: true, PriorityFunc: func(bp *layers.Blueprint) []string {
		vis := saved
		if vis == nil {
			for _, l := range bp.Layers() {
				if l.Def != nil && l.Def.Visible {
					vis = append(vis, l.Code)
				}
			}
		}
		first = drawnAt(bp, vis, w.initialScale(path, bp, size))
		return first
	}}
	opt.Progress = func(done, total int) {
		now, last := time.Now().UnixMilli(), lastReport.Load()
		if done < total && (now-last < 150 || !lastReport.CompareAndSwap(last, now)) {
			return
		}
		report(filepath.Base(path), float64(done)/float64(max(total, 1)))
		fyne.Do(func() { w.indexProgress(opened.Load(), done, total) })
	}
	opt.LayerReady = func(l *layers.Layer, err error) {
		fyne.Do(func() { w.layerReady(opened.Load(), l, err) })
	}
	bp, err := layers.Open(path, opt)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", i18n.T("error.open"), path, err)
	}
	opened.Store(bp)
	if err := bp.WaitLayers(ctx, first); err != nil {
		bp.Close()
		if errors.Is(err, context.Canceled) {
			return nil, err
		}
		return nil, fmt.Errorf("%s %s: %w", i18n.T("error.open"), path, err)
	}
	return bp, nil
}

// initialScale is the scale the blueprint will first be shown at: the saved
// view's, or the full extent's in a view of size device pixels (a typical
// map area before the window is laid out).
func (w *Workstation) initialScale(path string, bp *layers.Blueprint, size [2]int) float64 {
	if size[0] < 100 || size[1] < 100 {
		size = [2]int{1000, 800}
	}
	if res := w.app.Preferences().Float(prefKey(path) + prefViewRes); res > 0 {
		return res / render.PixelSize
	}
	return render.Fit(bp.Extent(), size[0], size[1]).Scale()
}

// drawnAt keeps the layers of codes drawn at scale (their catalog scale
// range holds it): the ones the first frame needs.
func drawnAt(bp *layers.Blueprint, codes []string, scale float64) []string {
	var out []string
	for _, c := range codes {
		l := bp.Layer(c)
		if l == nil || l.Def == nil {
			continue
		}
		if l.Def.ShownAt(scale) {
			out = append(out, c)
		}
	}
	return out
}

// indexProgress shows the background indexing in the status bar.
func (w *Workstation) indexProgress(bp *layers.Blueprint, done, total int) {
	if bp == nil || w.bp != bp {
		return
	}
	if done >= total {
		w.SetStatus("index", "")
		return
	}
	w.SetStatus("index", fmt.Sprintf("%s %d/%d", i18n.T("status.indexing"), done, total))
}

// layerReady redraws the map when a layer shown now gets its index, and
// reports a layer that failed to load.
func (w *Workstation) layerReady(bp *layers.Blueprint, l *layers.Layer, err error) {
	if bp == nil || w.bp != bp || w.tree == nil {
		return
	}
	if err != nil && !errors.Is(err, context.Canceled) {
		dialog.ShowError(err, w.win)
		return
	}
	w.tree.SetCount(l.Code, l.Count(), l.Extent())
	if slices.Contains(w.tree.Visible(), l.Code) && w.renderer != nil {
		w.renderer.Invalidate("", orb.Bound{})
		w.view.Redraw()
	}
}

// show installs an opened blueprint.
func (w *Workstation) show(bp *layers.Blueprint) {
	if w.trace {
		log.Printf("trace: blueprint open %.0f ms", float64(time.Since(w.opened).Microseconds())/1000)
	}
	w.watchChanges(bp) // stops listening to the blueprint closed here
	if w.bp != nil {
		w.saveSettings()
		w.bp.Close()
	}
	w.bp = bp
	w.tables.reset(bp)
	w.mapSel = mapSelection{}
	w.geo, _ = crs.NewGeodesic(bp.SRID())
	w.ll, _ = crs.NewTransformer(bp.SRID(), crs.CGCS2000)
	w.geographic = isGeographic(bp.SRID())
	w.view.SetGround(groundUnits(w.geo, w.geographic))
	w.win.SetTitle(i18n.T("app.title") + " — " + filepath.Base(bp.Path()))
	w.tree = layertree.New(bp.Catalog(), entriesOf(bp), w.savedVisible(bp.Path()))
	w.tree.OnVisibility = w.view.SetLayers
	w.tree.OnOpacity = w.layerOpacity
	w.restoreHillshade()
	w.tree.OnZoom = w.view.ZoomTo
	w.wireTreeMenu()
	w.left.Objects = []fyne.CanvasObject{w.tree.Content()}
	w.left.Refresh()
	w.first = true
	w.view.SetLayers(w.tree.Visible())
	if !w.restoreView(bp.Path()) { // the view first, so the first frame is the right one
		w.zoomFull()
	}
	w.tree.SetScale(w.view.Scale())
	w.renderer = render.New(render.FromBlueprint(bp), w.renderOptions(bp))
	w.view.SetRenderer(w.renderer)
	w.places.load(bp)
	for _, p := range w.panels {
		if o, ok := p.(Opener); ok {
			o.SetBlueprint(bp)
		}
	}
	w.win.SetMainMenu(w.menu())
	w.loadBookmarks(bp)
	w.remember(bp.Path())
}

// entriesOf lists the blueprint's layers for the tree: vector layers, and
// the raster layers (DEM, slope, hillshade) with their tile counts.
func entriesOf(bp *layers.Blueprint) []layertree.Entry {
	var out []layertree.Entry
	for _, l := range bp.Layers() {
		def := l.Def
		if def == nil || def.Geometry == "raster" {
			continue
		}
		out = append(out, layertree.Entry{Code: l.Code, Def: def, Count: l.Count(), Bound: l.Extent()})
	}
	for _, r := range bp.Rasters() {
		out = append(out, layertree.Entry{Code: r.Code, Def: r.Def, Count: r.Tiles, Bound: r.Extent})
	}
	return out
}

// longWork runs fn on a goroutine behind a modal progress bar with a
// Cancel button, then calls done on the UI goroutine if fn succeeded.
func (w *Workstation) longWork(title string, fn func(ctx context.Context, report func(string, float64)) error, done func()) {
	ctx, cancel := context.WithCancel(context.Background())
	bar := widget.NewProgressBar()
	stage := widget.NewLabel("")
	body := container.NewVBox(widget.NewLabel(title), bar, stage)
	d := dialog.NewCustom(strings.SplitN(title, "\n", 2)[0], i18n.T("progress.cancel"), container.NewGridWrap(fyne.NewSize(420, body.MinSize().Height), body), w.win)
	finished := false
	d.SetOnClosed(func() {
		if !finished {
			cancel()
		}
	})
	d.Show()
	report := func(s string, f float64) {
		fyne.Do(func() { stage.SetText(s); bar.SetValue(f) })
	}
	go func() {
		err := fn(ctx, report)
		fyne.Do(func() {
			finished = true
			d.Hide()
			cancel()
			switch {
			case errors.Is(err, context.Canceled):
			case err != nil:
				dialog.ShowError(err, w.win)
			default:
				done()
			}
		})
	}()
}

// recent lists recently opened files, newest first.
func (w *Workstation) recent() []string { return w.app.Preferences().StringList(prefRecent) }

func (w *Workstation) remember(path string) {
	abs, err := filepath.Abs(path)
	if err == nil {
		path = abs
	}
	list := slices.DeleteFunc(w.recent(), func(s string) bool { return s == path })
	list = append([]string{path}, list...)
	w.app.Preferences().SetStringList(prefRecent, list[:min(len(list), 8)])
	w.app.Preferences().SetString(prefLast, path)
}

// saveSettings stores the window size, and the view and visible layers of
// the open blueprint.
func (w *Workstation) saveSettings() {
	p := w.app.Preferences()
	if s := w.win.Canvas().Size(); s.Width >= 400 && s.Height >= 300 {
		p.SetFloat(prefWinW, float64(s.Width))
		p.SetFloat(prefWinH, float64(s.Height))
	}
	if w.bp == nil || w.tree == nil {
		return
	}
	v := w.view.View()
	key := prefKey(w.bp.Path())
	p.SetFloat(key+prefViewX, v.Center[0])
	p.SetFloat(key+prefViewY, v.Center[1])
	p.SetFloat(key+prefViewRes, v.Res)
	p.SetStringList(key+prefVisible, w.tree.Visible())
	p.SetBool(key+prefVisSet, true)
}

func prefKey(path string) string {
	abs, err := filepath.Abs(path)
	if err == nil {
		path = abs
	}
	return path + "#"
}

func (w *Workstation) savedVisible(path string) []string {
	p := w.app.Preferences()
	if !p.Bool(prefKey(path) + prefVisSet) {
		return nil
	}
	return p.StringList(prefKey(path) + prefVisible)
}

func (w *Workstation) restoreView(path string) bool {
	p, key := w.app.Preferences(), prefKey(path)
	res := p.Float(key + prefViewRes)
	if res <= 0 {
		return false
	}
	w.view.SetView(orb.Point{p.Float(key + prefViewX), p.Float(key + prefViewY)}, res)
	return true
}
