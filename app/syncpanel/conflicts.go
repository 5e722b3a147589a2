package syncpanel

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
	"github.com/paulmach/orb"

	"lantu/app/i18n"
	"lantu/sync/replica"
)

func conflictRow(c replica.ConflictRecord) string {
	return fmt.Sprintf(i18n.T("sync.conflict_row"), c.Layer, c.UID, strings.Join(c.Fields, ", "))
}

// selectConflict shows conflict i and outlines mine and theirs on the map.
func (p *Panel) selectConflict(i int) {
	if i < 0 || i >= len(p.snap.conflicts) {
		return
	}
	p.sel = i
	p.showDetail()
	c := p.snap.conflicts[i]
	var rings []orb.Ring
	var b orb.Bound
	first := true
	for _, s := range []*replica.State{c.Mine, c.Theirs} {
		if s == nil || s.Geom == nil {
			continue
		}
		rings = append(rings, ringsOf(s.Geom)...)
		if first {
			b, first = s.Geom.Bound(), false
		} else {
			b = b.Union(s.Geom.Bound())
		}
	}
	m := p.h.Map()
	m.SetMarks(rings)
	if !first {
		m.ZoomTo(b.Pad(0.25 * max(b.Max[0]-b.Min[0], b.Max[1]-b.Min[1], 50)))
	}
}

// ringsOf outlines a geometry: polygon rings, lines as open rings, points
// as 10 m squares.
func ringsOf(g orb.Geometry) []orb.Ring {
	switch g := g.(type) {
	case orb.Polygon:
		return g
	case orb.MultiPolygon:
		var out []orb.Ring
		for _, poly := range g {
			out = append(out, poly...)
		}
		return out
	case orb.LineString:
		return []orb.Ring{orb.Ring(g)}
	case orb.MultiLineString:
		var out []orb.Ring
		for _, l := range g {
			out = append(out, orb.Ring(l))
		}
		return out
	case orb.Point:
		d := 5.0
		return []orb.Ring{{{g[0] - d, g[1] - d}, {g[0] + d, g[1] - d}, {g[0] + d, g[1] + d}, {g[0] - d, g[1] + d}, {g[0] - d, g[1] - d}}}
	case orb.MultiPoint:
		var out []orb.Ring
		for _, pt := range g {
			out = append(out, ringsOf(pt)...)
		}
		return out
	case orb.Collection:
		var out []orb.Ring
		for _, x := range g {
			out = append(out, ringsOf(x)...)
		}
		return out
	}
	return nil
}

// showDetail fills the base / mine / theirs table of the selected
// conflict and enables the resolve buttons.
func (p *Panel) showDetail() {
	if p.sel < 0 || p.sel >= len(p.snap.conflicts) {
		p.detail.Objects = []fyne.CanvasObject{wrapped(i18n.T("sync.pick_conflict"))}
		p.detail.Refresh()
		p.scroll.Refresh()
		p.mineBtn.Disable()
		p.theirsBtn.Disable()
		return
	}
	p.detail.Objects = []fyne.CanvasObject{conflictTable(p.snap.conflicts[p.sel])}
	p.detail.Refresh()
	p.scroll.Refresh()
	p.mineBtn.Enable()
	p.theirsBtn.Enable()
}

// conflictTable is a four-column grid: field, base, mine, theirs. A field
// in conflict is bold and marked ●; a value that differs from base is
// marked *.
func conflictTable(c replica.ConflictRecord) fyne.CanvasObject {
	cells := []fyne.CanvasObject{bold(i18n.T("sync.field")), bold(i18n.T("sync.base")), bold(i18n.T("sync.mine")), bold(i18n.T("sync.theirs"))}
	for _, f := range fieldsOf(c) {
		name := widget.NewLabel(f)
		if slices.Contains(c.Fields, f) {
			name.SetText("● " + f)
			name.TextStyle.Bold = true
		}
		base := value(c.Base, f)
		cells = append(cells, name, cell(base, base), cell(value(c.Mine, f), base), cell(value(c.Theirs, f), base))
	}
	g := widget.NewLabel(i18n.T("sync.geometry"))
	if slices.Contains(c.Fields, replica.GeometryField) {
		g.SetText("● " + g.Text)
		g.TextStyle.Bold = true
	}
	cells = append(cells, g, truncated(geomText(c.Base, c.Base)), truncated(geomText(c.Mine, c.Base)), truncated(geomText(c.Theirs, c.Base)))
	return container.NewGridWithColumns(4, cells...)
}

// cell is a value, marked * when it differs from base.
func cell(v, base string) fyne.CanvasObject {
	if v != base {
		v += " *"
	}
	return truncated(v)
}

// truncated is a label that does not widen the dock.
func truncated(s string) *widget.Label {
	l := widget.NewLabel(s)
	l.Truncation = fyne.TextTruncateEllipsis
	return l
}

// fieldsOf is the sorted union of the three sides' attribute names.
func fieldsOf(c replica.ConflictRecord) []string {
	var out []string
	for _, s := range []*replica.State{c.Base, c.Mine, c.Theirs} {
		if s == nil {
			continue
		}
		for k := range s.Props {
			if !slices.Contains(out, k) {
				out = append(out, k)
			}
		}
	}
	slices.Sort(out)
	return out
}

func value(s *replica.State, f string) string {
	if s == nil {
		return i18n.T("sync.deleted")
	}
	v, ok := s.Props[f]
	if !ok || v == nil {
		return ""
	}
	return fmt.Sprint(v)
}

// geomText says whether a side's geometry differs from base: "=" or
// changed *; base itself is named by its type.
func geomText(s, base *replica.State) string {
	switch {
	case s == nil:
		return i18n.T("sync.deleted")
	case s.Geom == nil:
		return ""
	case s == base:
		return s.Geom.GeoJSONType()
	case base == nil || !replica.GeomEqual(s.Geom, base.Geom):
		return i18n.T("sync.changed") + " *"
	}
	return "="
}

// Resolve settles the selected conflict taking one side (replica.Resolve)
// off the UI goroutine, then re-reads the replica's state.
func (p *Panel) Resolve(take replica.Take) {
	bp, s := p.bp, p.syncer
	if s == nil || p.sel < 0 || p.sel >= len(p.snap.conflicts) {
		return
	}
	c := p.snap.conflicts[p.sel]
	p.mineBtn.Disable()
	p.theirsBtn.Disable()
	go func() {
		ctx := context.Background()
		_, err := replica.Resolve(ctx, bp, c.Layer, c.UID, take)
		snap := p.read(ctx, s, bp)
		p.post(func() {
			if p.bp != bp {
				return
			}
			side := i18n.T("sync.mine")
			if take == replica.TakeTheirs {
				side = i18n.T("sync.theirs")
			}
			if err != nil {
				p.last = fmt.Sprintf(i18n.T("sync.failed"), err)
			} else {
				p.last = fmt.Sprintf(i18n.T("sync.resolved"), c.Layer, c.UID, side)
				if l := bp.Layer(c.Layer); l != nil {
					p.h.RefreshLayers([]string{l.Code})
				}
			}
			p.h.SetMessage(p.last)
			p.setSnapshot(bp, snap)
		})
	}()
}
