package sitingpanel

import (
	"fmt"
	"slices"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"lantu/app/i18n"
	"lantu/layers/siting"
)

// cell is one table cell: its text and, for a verdict, the verdict (shown
// as a badge).
type cell struct {
	text    string
	verdict *siting.Verdict
}

func plain(s string) cell { return cell{text: s} }

func verdictCell(v siting.Verdict) cell { return cell{verdictText(v), &v} }

// verdictText is the verdict in the current language.
func verdictText(v siting.Verdict) string { return i18n.Pick(v.Zh(), v.En()) }

// badge puts l on the verdict's pale paper (green compliant, amber needs
// justification, red non-compliant) in the theme's text colour: the
// colour tells the verdict at a glance and the words stay readable, which
// the theme's success green as text on white (1.4:1) is not.
func badge(l *widget.Label, v siting.Verdict) (*fyne.Container, *canvas.Rectangle) {
	bg := canvas.NewRectangle(v.Paper())
	bg.CornerRadius = theme.InputRadiusSize()
	l.Importance = widget.MediumImportance
	return container.NewStack(bg, l), bg
}

// cellObject is a table cell's widget: a label, or a verdict badge.
func cellObject(c cell, first bool) fyne.CanvasObject {
	l := widget.NewLabel(c.text)
	if first {
		l.Truncation = fyne.TextTruncateEllipsis
	} else {
		l.Alignment = fyne.TextAlignTrailing
	}
	if c.verdict == nil {
		return l
	}
	l.Alignment = fyne.TextAlignCenter
	b, _ := badge(l, *c.verdict)
	return container.NewPadded(b)
}

// grid is a table with a bold header row: each row's name on a line of
// its own, its values on the line below (see records). The header row's
// name is hidden.
func grid(header []string, rows [][]cell) fyne.CanvasObject {
	c := container.New(records{cols: len(header) - 1})
	for i, h := range header {
		l := widget.NewLabel(h)
		l.TextStyle.Bold = true
		l.Alignment = fyne.TextAlignTrailing
		if i == 0 {
			l.Hide()
		}
		c.Add(l)
	}
	for _, r := range rows {
		for i, v := range r {
			c.Add(cellObject(v, i == 0))
		}
	}
	return c
}

// compact is a one-line table for short names (the slope classes).
func compact(header []string, rows [][]cell) fyne.CanvasObject {
	c := container.New(table{cols: len(header)})
	for _, h := range header {
		l := widget.NewLabel(h)
		l.TextStyle.Bold = true
		c.Add(l)
	}
	for _, r := range rows {
		for i, v := range r {
			l := widget.NewLabel(v.text)
			if i > 0 {
				l.Alignment = fyne.TextAlignTrailing
			}
			c.Add(l)
		}
	}
	return c
}

func m2(v float64) string    { return strconv.FormatFloat(v, 'f', 1, 64) }
func mu(v float64) string    { return strconv.FormatFloat(v*siting.MuPerM2, 'f', 2, 64) }
func share(v float64) string { return strconv.FormatFloat(100*v, 'f', 1, 64) + "%" }

// showReport fills the verdict, summary and result sections from p.rep.
func (p *Panel) showReport() {
	ok := p.rep != nil
	p.pdfBtn.Disable()
	p.xlsxBtn.Disable()
	p.results.RemoveAll()
	if !ok {
		p.verdictBox.Hide()
		p.summary.Hide()
		return
	}
	p.verdictBox.Show()
	p.summary.Show()
	rep := p.rep
	if p.bp != nil {
		p.pdfBtn.Enable()
		p.xlsxBtn.Enable()
	}
	p.subject.SetText(fmt.Sprintf("%s · %s #%d", title(rep), rep.Layer, rep.FID))
	p.verdictBg.FillColor = rep.Verdict.Paper()
	p.verdictBg.Refresh()
	p.verdict.SetText(fmt.Sprintf(i18n.T("siting.verdict"), verdictText(rep.Verdict)))
	p.summary.SetText(fmt.Sprintf(i18n.T("siting.summary"), m2(rep.AreaM2), mu(rep.AreaM2), dash(rep.District), dash(rep.LandUse), dash(rep.Applicant)))
	for _, s := range p.sections(rep) {
		p.results.Add(s)
	}
	p.results.Refresh()
}

// sections are the result blocks, as the PDF orders them: the reasons
// for the verdict, then the rules (broken ones first), layers, setbacks
// and slope.
func (p *Panel) sections(rep *siting.Report) []fyne.CanvasObject {
	var out []fyne.CanvasObject
	add := func(key string, o fyne.CanvasObject) { out = append(out, widget.NewSeparator(), bold(i18n.T(key)), o) }
	add("siting.reasons", reasonsBlock(rep))
	var rules [][]cell
	for _, r := range worstFirst(rep.Rules) {
		// the layer first: a difference rule has one row per plan layer, and
		// a narrow dock cuts the end of the long name
		name := r.Layer + " · " + i18n.Pick(r.NameZh, r.NameEn)
		rules = append(rules, []cell{plain(name), plain(m2(r.AreaM2)), plain(share(r.Share)), verdictCell(r.Verdict)})
	}
	add("siting.rules", grid([]string{i18n.T("siting.rule"), "m²", i18n.T("siting.share"), i18n.T("siting.result")}, rules))
	var lays [][]cell
	for _, l := range rep.Layers {
		lays = append(lays, []cell{plain(i18n.Pick(l.NameZh, l.NameEn)), plain(m2(l.AreaM2)), plain(mu(l.AreaM2)), plain(share(l.Share)), verdictCell(l.Verdict)})
	}
	add("siting.layers", grid([]string{i18n.T("siting.layer"), "m²", i18n.T("siting.mu"), i18n.T("siting.share"), i18n.T("siting.result")}, lays))
	if len(rep.Setbacks) > 0 {
		var sb [][]cell
		for _, s := range rep.Setbacks {
			d := "> " + strconv.FormatFloat(s.SearchM, 'f', 0, 64)
			if s.DistanceM != nil {
				d = m2(*s.DistanceM)
			}
			sb = append(sb, []cell{plain(s.NameZh), plain(strconv.FormatFloat(s.RequiredM, 'f', 0, 64)), plain(d), verdictCell(s.Verdict)})
		}
		add("siting.setbacks", grid([]string{i18n.T("siting.layer"), i18n.T("siting.required_m"), i18n.T("siting.distance_m"), i18n.T("siting.result")}, sb))
	}
	add("siting.slope", slopeBlock(rep.Slope))
	return out
}

// worstFirst orders rule results by verdict, non-compliant first, keeping
// the report's order among equals: a planner sees what fails without
// scrolling past the rules that pass.
func worstFirst(rs []siting.RuleResult) []siting.RuleResult {
	out := slices.Clone(rs)
	slices.SortStableFunc(out, func(a, b siting.RuleResult) int { return int(b.Verdict) - int(a.Verdict) })
	return out
}

func slopeBlock(s *siting.SlopeResult) fyne.CanvasObject {
	if s == nil {
		return wrapped(i18n.T("siting.no_dem"))
	}
	var rows [][]cell
	for k, n := range siting.SlopeClassNames {
		rows = append(rows, []cell{plain(n), plain(m2(s.ClassArea[k])), plain(share(s.ClassShare[k]))})
	}
	g := compact([]string{i18n.T("siting.slope_class"), "m²", i18n.T("siting.share")}, rows)
	elev := wrapped(fmt.Sprintf(i18n.T("siting.elev"), s.MinElev, s.MeanElev, s.MaxElev))
	return container.NewVBox(g, elev)
}

func reasonsBlock(rep *siting.Report) fyne.CanvasObject {
	box := container.NewVBox()
	for _, r := range rep.Reasons {
		box.Add(wrapped("• " + i18n.Pick(r.Zh, r.En)))
	}
	if len(rep.Reasons) == 0 {
		box.Add(wrapped(i18n.T("siting.no_reasons")))
	}
	for _, r := range rep.Notes {
		l := wrapped("ⓘ " + i18n.Pick(r.Zh, r.En))
		l.Importance = widget.LowImportance
		box.Add(l)
	}
	if n := len(rep.Skipped); n > 0 {
		box.Add(wrapped(fmt.Sprintf(i18n.T("siting.skipped"), n)))
	}
	return box
}

func dash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}
