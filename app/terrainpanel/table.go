package terrainpanel

import (
	"fmt"
	"math"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"lantu/app/i18n"
	"lantu/layers/terrain"
)

// squareMetresPerMu is one 亩.
const squareMetresPerMu = 10000.0 / 15

// barWidth is the width in pixels of a 100 % bar.
const barWidth = 30

// statsTable shows zonal statistics: a summary line and one row per slope
// class with its area in m² and 亩, its share and a bar. UI goroutine only.
type statsTable struct {
	head  *widget.Label
	cells [5][4]*widget.Label
	bars  [5]*canvas.Rectangle
	grid  *fyne.Container
	root  *fyne.Container
}

var slopeClassNames = [5]string{"≤2°", "2–6°", "6–15°", "15–25°", ">25°"}

func newStatsTable() *statsTable {
	t := &statsTable{head: widget.NewLabel("")}
	t.head.Wrapping = fyne.TextWrapWord
	t.grid = container.NewVBox(row(headLabel("terrain.slope_class"), headLabel("terrain.area_m2"),
		headLabel("terrain.area_mu"), headLabel("terrain.share")))
	for k := range t.cells {
		c := terrain.SlopeColors[k]
		sw := canvas.NewRectangle(c)
		sw.StrokeColor, sw.StrokeWidth = chartAxis, 0.5
		sw.SetMinSize(fyne.NewSize(10, 10))
		for j := range t.cells[k] {
			t.cells[k][j] = widget.NewLabel("")
		}
		t.cells[k][0].SetText(slopeClassNames[k])
		t.bars[k] = canvas.NewRectangle(c)
		t.bars[k].StrokeColor, t.bars[k].StrokeWidth = chartAxis, 0.5
		t.grid.Add(row(container.NewHBox(container.NewCenter(sw), t.cells[k][0]), t.cells[k][1], t.cells[k][2],
			container.NewHBox(t.cells[k][3], container.NewCenter(t.bars[k]))))
	}
	t.grid.Hide()
	t.root = container.NewVBox(t.head, t.grid)
	return t
}

func headLabel(key string) *widget.Label {
	return widget.NewLabelWithStyle(i18n.T(key), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
}

// message replaces the table with a line of text.
func (t *statsTable) message(s string) {
	t.head.SetText(s)
	t.grid.Hide()
}

// show fills the table from st.
func (t *statsTable) show(name string, st terrain.ZoneStats) {
	if st.Cells == 0 {
		t.message(name + "\n" + i18n.T("terrain.nodata"))
		return
	}
	t.head.SetText(fmt.Sprintf("%s\n%s %.1f m    %s %.1f m    %s %.1f m\n%s %.0f m² (%.2f %s)", name,
		i18n.T("terrain.min"), st.Min, i18n.T("terrain.max"), st.Max, i18n.T("terrain.mean"), st.Mean,
		i18n.T("terrain.area"), st.Area, st.Area/squareMetresPerMu, i18n.T("terrain.mu")))
	for k := range t.cells {
		t.cells[k][1].SetText(fmt.Sprintf("%.0f", st.ClassArea[k]))
		t.cells[k][2].SetText(fmt.Sprintf("%.2f", st.ClassArea[k]/squareMetresPerMu))
		t.cells[k][3].SetText(fmt.Sprintf("%.1f%%", 100*st.ClassShare[k]))
		t.bars[k].SetMinSize(fyne.NewSize(float32(math.Max(1, barWidth*st.ClassShare[k])), 12))
		t.bars[k].Refresh()
	}
	t.grid.Show()
	t.grid.Refresh()
}

// columnWidths are the widths of the table's columns in points, chosen so
// that the table fits the dock's default width.
var columnWidths = []float32{70, 72, 70, 86}

// row lays cells out at columnWidths.
func row(cells ...fyne.CanvasObject) *fyne.Container {
	return container.New(columns{}, cells...)
}

// columns is a layout placing objects side by side at columnWidths (an
// immutable value).
type columns struct{}

func (columns) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	for i, o := range objs {
		s.Width += columnWidths[min(i, len(columnWidths)-1)]
		s.Height = max(s.Height, o.MinSize().Height)
	}
	return s
}

func (columns) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	x := float32(0)
	for i, o := range objs {
		w := columnWidths[min(i, len(columnWidths)-1)]
		o.Move(fyne.NewPos(x, 0))
		o.Resize(fyne.NewSize(w, size.Height))
		x += w
	}
}
