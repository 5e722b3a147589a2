// Package terrainpanel is the workstation's Terrain (地形) dock panel: the
// elevation and slope under the cursor in the status bar, elevation
// profiles drawn as a chart, slope statistics for a polygon, and the relief
// (hillshade, elevation ramp, slope classes) the map draws from the DEM.
package terrainpanel

import (
	"context"
	"fmt"
	"image"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
	"github.com/paulmach/orb"

	"lantu/app/i18n"
	"lantu/app/mapview"
	"lantu/layers"
	"lantu/layers/render"
	"lantu/layers/terrain"
)

// Host is what the panel needs from the workstation; the panel calls it on
// the UI goroutine only, so implementations need not be safe for concurrent
// use.
type Host interface {
	Map() *mapview.MapView
	SetStatus(key, text string)
	SetMessage(s string)
	SetTool(t mapview.Tool)
	ShowPanel(id string)
	OnCursor(fn func(p orb.Point))
	OnSketch(fn func(tool mapview.Tool, pts []orb.Point))
	// SelectedArea is what "statistics of the selection" measures: the
	// conflict patch selected in the Conflicts panel or the feature last
	// identified, whichever was picked last, with a name for the table;
	// g is nil when nothing is selected.
	SelectedArea() (name string, g orb.Geometry)
}

// StatusKey is the status-bar segment showing the elevation at the cursor.
const StatusKey = "elevation"

// Chart size in pixels.
const chartW, chartH = 300, 190

// Panel is the Terrain panel. Its exported methods must be called on the
// UI goroutine; its queries run on their own goroutines and publish with
// fyne.Do.
type Panel struct {
	host  Host
	probe probe
	post  func(func()) // runs a function on the UI goroutine: fyne.Do

	mu  sync.Mutex
	cov *terrain.Coverage // nil without a DEM
	gen int               // counts blueprints, so late answers are dropped

	cursor, profile, stats latest

	armed   bool // area sketches give statistics
	chart   *canvas.Image
	readout *widget.Label
	table   *statsTable
	root    fyne.CanvasObject
}

// New returns the panel and starts listening to host's cursor and sketches.
func New(h Host) *Panel {
	p := &Panel{host: h, readout: widget.NewLabel(i18n.T("terrain.profile_hint")), table: newStatsTable(), post: fyne.Do}
	p.readout.Wrapping = fyne.TextWrapWord
	p.chart = canvas.NewImageFromImage(nil)
	p.chart.FillMode = canvas.ImageFillContain
	p.chart.SetMinSize(fyne.NewSize(chartW, chartH))
	p.chart.Hide()
	p.root = container.NewVScroll(container.NewVBox(
		widget.NewLabelWithStyle(i18n.T("terrain.profile_title"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		widget.NewButton(i18n.T("terrain.profile"), p.startProfile),
		p.chart, p.readout, widget.NewSeparator(),
		widget.NewLabelWithStyle(i18n.T("terrain.stats_title"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		container.NewGridWithColumns(2,
			widget.NewButton(i18n.T("terrain.stats_selected"), p.statsSelected),
			widget.NewButton(i18n.T("terrain.stats_draw"), p.startArea)),
		p.table.root))
	h.OnCursor(p.cursorMoved)
	h.OnSketch(p.sketched)
	return p
}

// ID implements the workstation's Panel.
func (p *Panel) ID() string { return "terrain" }

// Title implements the workstation's Panel.
func (p *Panel) Title() string { return i18n.T("tab.terrain") }

// Content implements the workstation's Panel.
func (p *Panel) Content() fyne.CanvasObject { return p.root }

// SetBlueprint opens bp's DEM (XZ_DEM) off the UI goroutine; without one
// the panel says so.
func (p *Panel) SetBlueprint(bp *layers.Blueprint) {
	p.setCoverage(nil)
	p.reset()
	p.host.SetStatus(StatusKey, "")
	r := bp.Raster(terrain.ElevationLayer)
	if r == nil || r.DataType != "2d-gridded-coverage" {
		p.readout.SetText(i18n.T("terrain.no_dem"))
		return
	}
	gen := p.generation()
	go func() {
		cov, err := terrain.OpenCoverage(context.Background(), bp.DB(), r.Table)
		p.post(func() {
			if err != nil {
				p.host.SetMessage(err.Error())
				return
			}
			if gen == p.generation() {
				p.setCoverage(cov)
			}
		})
	}()
}

// reset forgets the last blueprint's profile, statistics and hints.
func (p *Panel) reset() {
	p.armed = false
	p.chart.Image = nil
	p.chart.Hide()
	p.readout.SetText(i18n.T("terrain.profile_hint"))
	p.table.message("")
}

// SetCoverage makes the panel answer from cov (nil: no DEM). SetBlueprint
// calls it; tests and other hosts may call it directly.
func (p *Panel) SetCoverage(cov *terrain.Coverage) { p.setCoverage(cov) }

func (p *Panel) setCoverage(cov *terrain.Coverage) {
	p.mu.Lock()
	p.cov = cov
	p.gen++
	p.mu.Unlock()
	p.probe.mu.Lock()
	p.probe.cov, p.probe.g = cov, nil
	p.probe.mu.Unlock()
}

func (p *Panel) coverage() (*terrain.Coverage, int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.cov, p.gen
}

func (p *Panel) generation() int {
	_, g := p.coverage()
	return g
}

// RenderOptions sets o.Relief to shade the map with bp's DEM: hillshade,
// elevation ramp and slope classes as the layer tree shows XZ_STYY, XZ_DEM
// and XZ_PD. The coverage is opened on the first frame, off the UI
// goroutine; a DEM that cannot be read leaves the map unshaded.
func (p *Panel) RenderOptions(bp *layers.Blueprint, o *render.Options) {
	r := bp.Raster(terrain.ElevationLayer)
	if r == nil || r.DataType != "2d-gridded-coverage" {
		return
	}
	var once sync.Once
	var rel *terrain.Relief
	o.Relief = func(ctx context.Context, req render.Request) (*image.RGBA, error) {
		once.Do(func() {
			cov, err := terrain.OpenCoverage(context.Background(), bp.DB(), r.Table)
			if err == nil {
				rel, err = terrain.NewRelief(context.Background(), cov)
			}
			if err != nil {
				p.post(func() { p.host.SetMessage(err.Error()) })
			}
		})
		if rel == nil {
			return nil, nil
		}
		v := req.View
		return rel.Image(ctx, v.Bound(), v.W, v.H, terrain.PickRelief(req.Layers, req.Opacity))
	}
}

// cursorMoved looks the elevation up on a worker; moves during a lookup
// coalesce into one more.
func (p *Panel) cursorMoved(pt orb.Point) {
	v := p.host.Map().View()
	p.cursor.submit(func() {
		rd, err := p.probe.at(context.Background(), pt, v.Bound(), v.Res)
		text := ""
		switch {
		case err != nil:
			text = err.Error()
		case rd.OK:
			text = fmt.Sprintf(i18n.T("terrain.status"), rd.Elevation, rd.Slope)
		}
		p.post(func() { p.host.SetStatus(StatusKey, text) })
	})
}

// sketched answers profile sketches, and area sketches once armed.
func (p *Panel) sketched(tool mapview.Tool, pts []orb.Point) {
	switch {
	case tool == mapview.ToolProfile && len(pts) >= 2:
		p.runProfile(orb.LineString(append([]orb.Point(nil), pts...)))
	case tool == mapview.ToolArea && p.armed && len(pts) >= 3:
		ring := append(orb.Ring(append([]orb.Point(nil), pts...)), pts[0])
		p.runStats(orb.Polygon{ring}, i18n.T("terrain.drawn_area"))
	}
}

func (p *Panel) startProfile() {
	p.armed = false
	p.host.SetTool(mapview.ToolProfile)
	p.host.ShowPanel(p.ID())
	p.readout.SetText(i18n.T("terrain.profile_hint"))
}

func (p *Panel) startArea() {
	p.host.SetTool(mapview.ToolArea)
	p.armed = true
	p.host.ShowPanel(p.ID())
	p.table.message(i18n.T("terrain.area_hint"))
}

// statsSelected computes statistics for the selected polygon: the
// selected conflict patch or the identified feature (Host.SelectedArea).
func (p *Panel) statsSelected() {
	name, g := p.host.SelectedArea()
	switch g.(type) {
	case orb.Polygon, orb.MultiPolygon:
		p.runStats(g, name)
	default:
		p.table.message(i18n.T("terrain.select_polygon"))
	}
}
