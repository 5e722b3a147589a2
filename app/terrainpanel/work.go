package terrainpanel

import (
	"context"
	"fmt"
	"math"
	"strings"
	"sync"

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
			if img == nil { // a typed nil must not reach the canvas
				p.chart.Hide()
			} else {
				p.chart.Image = img
				p.chart.Show()
				p.chart.Refresh()
			}
			p.readout.SetText(DescribeProfile(res))
		})
	})
}

// profileOf samples the coverage along line at the finest level that fits.
func profileOf(ctx context.Context, cov *terrain.Coverage, line orb.LineString) (terrain.ProfileResult, error) {
	g, err := gridFor(ctx, cov, line.Bound().Pad(2*cov.Levels[0].CellX))
	if err != nil || g == nil {
		return terrain.ProfileResult{}, wrap("profile", err)
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
	fmt.Fprintf(&b, "%s %s    %s %.1f°\n", i18n.T("terrain.length"), lengthText(r.Length), i18n.T("terrain.max_slope"), steep)
	fmt.Fprintf(&b, "%s %.1f m    %s %.1f m\n", i18n.T("terrain.min"), lo, i18n.T("terrain.max"), hi)
	fmt.Fprintf(&b, "%s %.1f m    %s %.1f m", i18n.T("terrain.ascent"), r.Ascent, i18n.T("terrain.descent"), r.Descent)
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
	if err != nil || g == nil {
		return terrain.ZoneStats{}, wrap("statistics", err)
	}
	return g.Stats(poly, nil), nil
}

// wrap names the failed work in err (nil stays nil).
func wrap(what string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("terrain panel: %s: %w", what, err)
}
