// Package sitingpanel is the workstation's Siting review (选址审查) dock
// panel: for the proposal picked with the identify tool (a feature of
// GL_XZFA or a polygon of any editable layer) it runs layers/siting's
// review off the UI goroutine, shows the verdict (合规 / 需论证 / 不合规,
// coloured), the per-rule and per-layer tables (m², 亩, share), setbacks,
// slope classes and reasons, zooms to the proposal with its outline
// marked, exports the report as PDF or XLSX and attaches it to the
// proposal in the blueprint, and lists the reports attached before.
package sitingpanel

import (
	"context"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
	"github.com/paulmach/orb"

	"lantu/app/i18n"
	"lantu/app/mapview"
	"lantu/layers"
	"lantu/layers/siting"
)

// Host is what the panel needs from the workstation. The panel calls it on
// the UI goroutine only. A Host that also has a method Do(func()) gets the
// panel's updates from its workers through Do instead of fyne.Do.
type Host interface {
	Window() fyne.Window
	Map() *mapview.MapView
	Selected() *layers.Feature
	RunLong(title string, fn func(ctx context.Context, report func(stage string, frac float64)) error, done func())
	SetMessage(s string)
	ShowPanel(id string)
}

// ProposalLayer is the layer of project proposals (拟选址方案).
const ProposalLayer = "GL_XZFA"

// Panel is the Siting review tab. Use it on the UI goroutine only; its
// reviews, exports and report lists run on their own goroutines and
// publish through post.
type Panel struct {
	h    Host
	post func(func())
	bp   *layers.Blueprint
	prop *layers.Feature // the proposal reviewed, or nil
	rep  *siting.Report  // its report, or nil
	list []siting.StoredReport

	root       fyne.CanvasObject
	subject    *widget.Label
	verdict    *widget.Label
	verdictBg  *canvas.Rectangle // the verdict's paper
	verdictBox *fyne.Container
	summary    *widget.Label
	results    *fyne.Container
	reports    *fyne.Container
	pdfBtn     *widget.Button
	xlsxBtn    *widget.Button
	exporter   func(format string) // the export dialog; tests replace it
}

// New builds the panel.
func New(h Host) *Panel {
	p := &Panel{h: h, post: fyne.Do}
	if d, ok := h.(interface{ Do(func()) }); ok {
		p.post = d.Do
	}
	p.exporter = p.exportDialog
	p.build()
	return p
}

// ID, Title and Content make the panel a dock tab.
func (p *Panel) ID() string                 { return "siting" }
func (p *Panel) Title() string              { return i18n.T("tab.siting") }
func (p *Panel) Content() fyne.CanvasObject { return p.root }

func (p *Panel) build() {
	run := widget.NewButton(i18n.T("siting.run"), p.Review)
	run.Importance = widget.HighImportance
	p.pdfBtn = widget.NewButton(i18n.T("siting.export_pdf"), func() { p.exporter(siting.FormatPDF) })
	p.xlsxBtn = widget.NewButton(i18n.T("siting.export_xlsx"), func() { p.exporter(siting.FormatXLSX) })
	p.subject = wrapped(i18n.T("siting.hint"))
	p.verdict = widget.NewLabel("")
	p.verdict.TextStyle.Bold = true
	p.verdict.SizeName = "headingText"
	p.verdict.Wrapping = fyne.TextWrapWord
	p.summary = wrapped("")
	p.results = container.NewVBox()
	p.reports = container.NewVBox()
	top := container.NewVBox(p.subject, run, container.NewGridWithColumns(2, p.pdfBtn, p.xlsxBtn))
	p.verdictBox, p.verdictBg = badge(p.verdict, siting.Compliant)
	body := container.NewVBox(p.verdictBox, p.summary, p.results, widget.NewSeparator(),
		bold(i18n.T("siting.earlier")), p.reports)
	p.root = container.NewBorder(top, nil, nil, nil, container.NewVScroll(body))
	p.showReport()
}

// SetBlueprint forgets the review of the blueprint before.
func (p *Panel) SetBlueprint(bp *layers.Blueprint) {
	p.bp, p.prop, p.rep, p.list = bp, nil, nil, nil
	p.subject.SetText(i18n.T("siting.hint"))
	p.showReport()
	p.showList()
}

// SelectionChanged names a newly selected proposal above the Review
// button, so the header never names the last proposal reviewed while
// another is selected (workstation.Selector). The shown report stays until
// Review is pressed.
func (p *Panel) SelectionChanged(f *layers.Feature) {
	f, _ = Proposal(f)
	switch {
	case f == nil && p.rep == nil:
		p.subject.SetText(i18n.T("siting.hint"))
	case f == nil:
		p.showReport()
	case p.prop != nil && p.prop.Layer == f.Layer && p.prop.UID == f.UID:
		p.showReport()
	default:
		p.subject.SetText(fmt.Sprintf(i18n.T("siting.selected"), proposalName(f)))
	}
}

// proposalName is a proposal's project name (xmmc) with its layer and fid.
func proposalName(f *layers.Feature) string {
	name := fmt.Sprintf("%s #%d", f.Layer.Code, f.FID)
	if v, ok := f.Attrs["xmmc"].(string); ok && v != "" {
		name = v + " · " + name
	}
	return name
}

// Proposal returns the feature the panel would review: the identified
// feature when it is a polygon of GL_XZFA or of an editable layer, else
// nil with the reason to show.
func Proposal(f *layers.Feature) (*layers.Feature, string) {
	if f == nil || f.Layer == nil {
		return nil, i18n.T("siting.hint")
	}
	switch f.Geom.(type) {
	case orb.Polygon, orb.MultiPolygon:
	default:
		return nil, i18n.T("siting.not_polygon")
	}
	if f.Layer.Code != ProposalLayer && (f.Layer.Def == nil || !f.Layer.Def.Editable) {
		return nil, fmt.Sprintf(i18n.T("siting.not_proposal"), f.Layer.Code)
	}
	if f.UID == "" {
		return nil, i18n.T("siting.no_uid")
	}
	return f, ""
}

// Review runs the siting review of the selected proposal behind the
// workstation's progress dialog, then shows it, zooms to the proposal and
// lists its earlier reports.
func (p *Panel) Review() {
	bp := p.bp
	f, why := Proposal(p.h.Selected())
	if bp == nil || f == nil {
		p.subject.SetText(why)
		return
	}
	var rep *siting.Report
	var list []siting.StoredReport
	p.h.RunLong(i18n.T("siting.running"), func(ctx context.Context, report func(string, float64)) error {
		report(i18n.T("siting.running"), 0.1)
		var err error
		if rep, err = siting.Review(ctx, bp, f.Layer.Code, f.UID, siting.Options{Reviewer: bp.User()}); err != nil {
			return err
		}
		report(i18n.T("siting.earlier"), 0.9)
		list, err = siting.Reports(ctx, bp, f.UID)
		return err
	}, func() {
		if p.bp != bp {
			return
		}
		p.prop, p.rep, p.list = f, rep, list
		p.showReport()
		p.showList()
		p.zoom(f.Geom)
		p.h.ShowPanel(p.ID())
		p.h.SetMessage(fmt.Sprintf(i18n.T("siting.done"), title(rep), verdictText(rep.Verdict)))
	})
}

// zoom shows the proposal with its outline marked.
func (p *Panel) zoom(g orb.Geometry) {
	b := g.Bound()
	m := p.h.Map()
	m.ZoomTo(b.Pad(0.25 * max(b.Max[0]-b.Min[0], b.Max[1]-b.Min[1], 50)))
	var rings []orb.Ring
	switch g := g.(type) {
	case orb.Polygon:
		rings = append(rings, g...)
	case orb.MultiPolygon:
		for _, poly := range g {
			rings = append(rings, poly...)
		}
	}
	m.SetMarks(rings)
}

// title names a report's proposal: project name or layer and fid.
func title(rep *siting.Report) string {
	if rep.Project != "" {
		return rep.Project
	}
	return fmt.Sprintf("%s #%d", rep.Layer, rep.FID)
}

func wrapped(s string) *widget.Label {
	l := widget.NewLabel(s)
	l.Wrapping = fyne.TextWrapWord
	return l
}

func bold(s string) *widget.Label {
	l := widget.NewLabel(s)
	l.TextStyle.Bold = true
	return l
}
