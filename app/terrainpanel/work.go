package terrainpanel

import (
	"context"
	"fmt"
	"math"
	"strings"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
	"github.com/paulmach/orb"

	"lantu/app/i18n"
	"lantu/layers/terrain"
)

// latest runs jobs one at a time on its own goroutine; a job submitted
// while one runs replaces any job still waiting, so bursts of mouse events
// cost one query, not one each. Safe for concurrent use.
type latest struct {
	mu      sync.Mutex
	running bool
	next    func()
}

func (l *latest) submit(job func()) {
	l.mu.Lock()
	if l.running {
		l.next = job
		l.mu.Unlock()
		return
	}
	l.running = true
	l.mu.Unlock()
	go func() {
		for job != nil {
			job()
			l.mu.Lock()
			job, l.next = l.next, nil
			l.running = job != nil
			l.mu.Unlock()
		}
	}()
}

// runProfile samples line on a worker and shows the chart and figures.
func (p *Panel) runProfile(line orb.LineString) {
	cov, gen := p.coverage()
	if cov == nil {
		p.readout.SetText(i18n.T("terrain.no_dem"))
		return
	}
	p.profile.submit(func() {
		res, err := profileOf(context.Background(), cov, line)
		img := Chart(res, chartW, chartH)
		p.post(func() {
			if gen != p.generation() {
				return
			}
			if err != nil {
				p.readout.SetText(err.Error())
				return
			}
			p.chart.Image = img
			p.chart.Hidden = img == nil
			p.chart.Refresh()
			p.readout.SetText(DescribeProfile(res))
		})
	})
}

// profileOf samples the coverage along line at the finest level that fits.
func profileOf(ctx context.Context, cov *terrain.Coverage, line orb.LineString) (terrain.ProfileResult, error) {
	g, err := gridFor(ctx, cov, line.Bound().Pad(2*cov.Levels[0].CellX))
	if err != nil {
		return terrain.ProfileResult{}, fmt.Errorf("terrain panel: profile: %w", err)
	}
	return g.Profile(line), nil
}

// DescribeProfile gives a profile's length, lowest and highest point,
// ascent, descent and steepest step.
func DescribeProfile(r terrain.ProfileResult) string {
	lo, hi, n := heightRange(r)
	if n == 0 {
		return i18n.T("terrain.nodata")
	}
	steep := 0.0
	for _, q := range r.Points {
		if q.Valid {
			steep = math.Max(steep, math.Abs(q.Slope))
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s    %s %.1f m    %s %.1f m\n", i18n.T("terrain.length"), lengthText(r.Length),
		i18n.T("terrain.min"), lo, i18n.T("terrain.max"), hi)
	fmt.Fprintf(&b, "%s %.1f m    %s %.1f m    %s %.1f°", i18n.T("terrain.ascent"), r.Ascent,
		i18n.T("terrain.descent"), r.Descent, i18n.T("terrain.max_slope"), steep)
	return b.String()
}

func lengthText(m float64) string {
	if m >= 1000 {
		return fmt.Sprintf("%.2f km", m/1000)
	}
	return fmt.Sprintf("%.0f m", m)
}

// runStats computes zonal statistics of poly on a worker; name says what
// the polygon is.
func (p *Panel) runStats(poly orb.Geometry, name string) {
	cov, gen := p.coverage()
	if cov == nil {
		p.table.message(i18n.T("terrain.no_dem"))
		return
	}
	p.table.message(i18n.T("terrain.working"))
	p.stats.submit(func() {
		st, err := statsOf(context.Background(), cov, poly)
		p.post(func() {
			if gen != p.generation() {
				return
			}
			if err != nil {
				p.table.message(err.Error())
				return
			}
			p.table.show(name, st)
		})
	})
}

// statsOf computes the statistics at the finest level that fits.
func statsOf(ctx context.Context, cov *terrain.Coverage, poly orb.Geometry) (terrain.ZoneStats, error) {
	g, err := gridFor(ctx, cov, poly.Bound().Pad(2*cov.Levels[0].CellX))
	if err != nil {
		return terrain.ZoneStats{}, fmt.Errorf("terrain panel: statistics: %w", err)
	}
	return g.Stats(poly, nil), nil
}

// squareMetresPerMu is one 亩.
const squareMetresPerMu = 10000.0 / 15

// barWidth is the width in pixels of a 100 % bar.
const barWidth = 40

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
	t.grid = container.NewGridWithColumns(4, headLabel("terrain.slope_class"), headLabel("terrain.area_m2"),
		headLabel("terrain.area_mu"), headLabel("terrain.share"))
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
		t.grid.Add(container.NewHBox(container.NewCenter(sw), t.cells[k][0]))
		t.grid.Add(t.cells[k][1])
		t.grid.Add(t.cells[k][2])
		t.grid.Add(container.NewHBox(t.cells[k][3], container.NewCenter(t.bars[k])))
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
