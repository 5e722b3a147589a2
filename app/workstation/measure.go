package workstation

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"lantu/app/i18n"
	"lantu/app/mapview"
	"lantu/layers/crs"
)

// SquareMetresPerMu is one 亩.
const SquareMetresPerMu = 10000.0 / 15

// Measurement is a measured length or area, planar in the projected CRS
// and on the CGCS2000 ellipsoid (0 when unknown). A value.
type Measurement struct {
	Area                 bool
	Planar, Ellipsoidal  float64 // metres or square metres
	Perimeter            float64 // planar, areas only
	EllipsoidalAvailable bool
}

// Measure measures a sketch: a polyline for distances, a ring for areas.
// geo may be nil. Safe for concurrent use when geo is.
func Measure(pts []orb.Point, area bool, geo *crs.Geodesic) Measurement {
	m := Measurement{Area: area}
	if !area {
		ls := orb.LineString(pts)
		m.Planar = planar.Length(ls)
		if geo != nil && len(pts) > 1 {
			if v, err := geo.Length(ls); err == nil {
				m.Ellipsoidal, m.EllipsoidalAvailable = v, true
			}
		}
		return m
	}
	if len(pts) < 3 {
		return m
	}
	ring := append(orb.Ring(append([]orb.Point(nil), pts...)), pts[0])
	a := planar.Area(ring)
	if a < 0 {
		a = -a
	}
	m.Planar, m.Perimeter = a, planar.Length(ring)
	if geo != nil {
		if v, err := geo.Area(orb.Polygon{ring}); err == nil {
			m.Ellipsoidal, m.EllipsoidalAvailable = abs(v), true
		}
	}
	return m
}

func abs(v float64) float64 {
	if v < 0 {
		return -v
	}
	return v
}

// FormatArea gives an area in m², 亩 and ha.
func FormatArea(a float64) string {
	return fmt.Sprintf("%.2f m²\n  %.3f %s\n  %.4f %s", a, a/SquareMetresPerMu, i18n.T("measure.mu"), a/10000, i18n.T("measure.ha"))
}

// FormatLength gives a length in metres (and km above 1 km).
func FormatLength(l float64) string {
	if l >= 1000 {
		return fmt.Sprintf("%.2f m\n  %.3f km", l, l/1000)
	}
	return fmt.Sprintf("%.2f m", l)
}

// measurePanel shows the current measurement.
type measurePanel struct {
	w      *Workstation
	result *widget.Label
	root   fyne.CanvasObject
}

func newMeasurePanel(w *Workstation) *measurePanel {
	p := &measurePanel{w: w, result: widget.NewLabel("")}
	p.result.Wrapping = fyne.TextWrapWord
	p.result.TextStyle.Monospace = true
	hint := widget.NewLabel(i18n.T("measure.hint"))
	hint.Wrapping = fyne.TextWrapWord
	tools := container.NewGridWithColumns(3,
		widget.NewButton(i18n.T("tool.distance"), func() { w.setTool(mapview.ToolDistance) }),
		widget.NewButton(i18n.T("tool.area"), func() { w.setTool(mapview.ToolArea) }),
		widget.NewButton(i18n.T("measure.clear"), func() { w.view.ClearSketch() }))
	p.root = container.NewVBox(tools, hint, widget.NewSeparator(), p.result)
	return p
}

func (p *measurePanel) ID() string                 { return "measure" }
func (p *measurePanel) Title() string              { return i18n.T("tab.measure") }
func (p *measurePanel) Content() fyne.CanvasObject { return p.root }

// show displays a measurement of the sketch.
func (p *measurePanel) show(tool mapview.Tool, pts []orb.Point) {
	if tool != mapview.ToolDistance && tool != mapview.ToolArea || len(pts) == 0 {
		p.result.SetText("")
		return
	}
	m := Measure(pts, tool == mapview.ToolArea, p.w.geo)
	p.result.SetText(describe(m, len(pts), p.w.geographic))
}

// describe writes a measurement of n vertices; geographic drops the planar
// figures, which would be in degrees.
func describe(m Measurement, n int, geographic bool) string {
	var b strings.Builder
	format := FormatLength
	title := i18n.T("measure.distance")
	if m.Area {
		format, title = FormatArea, i18n.T("measure.area")
	}
	fmt.Fprintf(&b, "%s (%d)\n\n", title, n)
	if !geographic {
		fmt.Fprintf(&b, "%s\n  %s\n", i18n.T("measure.planar"), format(m.Planar))
	}
	if m.EllipsoidalAvailable {
		fmt.Fprintf(&b, "%s\n  %s\n", i18n.T("measure.ellipse"), format(m.Ellipsoidal))
	}
	if m.Area && !geographic {
		fmt.Fprintf(&b, "%s\n  %s\n", i18n.T("measure.perim"), FormatLength(m.Perimeter))
	}
	return b.String()
}
