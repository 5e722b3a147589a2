// Package conflictpanel is the workstation's Conflicts (冲突) dock panel:
// it runs the conflict rules in the background, lists the stored patches
// grouped by rule, severity or district, sorted by area and filtered, zooms
// to a patch and highlights it with both source features, records review
// decisions with a comment, exports the list, and counts the patches in the
// status bar.
package conflictpanel

import (
	"context"
	"fmt"
	"lantu/app/internal/savefile"
	"slices"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"
	"github.com/paulmach/orb"

	"lantu/app/i18n"
	"lantu/app/mapview"
	"lantu/layers"
	"lantu/layers/conflict"
	"lantu/layers/render"
)

// Host is what the panel needs from the workstation. The panel calls it on
// the UI goroutine only. A Host that also has a method Do(func()) gets the
// panel's updates from its workers through Do instead of fyne.Do.
type Host interface {
	Window() fyne.Window
	Map() *mapview.MapView
	RunLong(title string, fn func(ctx context.Context, report func(stage string, frac float64)) error, done func())
	SetStatus(key, text string)
	SetMessage(s string)
	ShowPanel(id string)
}

// StatusKey is the status-bar segment with the patch counts.
const StatusKey = "conflicts"

// Panel is the Conflicts tab. Use it on the UI goroutine only.
type Panel struct {
	h       Host
	bp      *layers.Blueprint
	rules   *conflict.RuleSet
	names   Names
	patches []conflict.Patch
	view    View
	groups  []Group
	sel     *conflict.Patch
	post    func(func()) // runs on the UI goroutine: fyne.Do

	root    fyne.CanvasObject
	tree    *widget.Tree
	summary *widget.Label
	detail  *widget.Label
	comment *widget.Entry
	actions *fyne.Container
}

// New builds the panel.
func New(h Host) *Panel {
	p := &Panel{h: h, post: fyne.Do, names: Names{Severity: map[string]string{
		"high": i18n.T("conflict.sev.high"), "medium": i18n.T("conflict.sev.medium"), "low": i18n.T("conflict.sev.low")}}}
	if d, ok := h.(interface{ Do(func()) }); ok {
		p.post = d.Do // a Host with Do runs the panel's updates (tests serialise them)
	}
	p.rules, _ = conflict.DefaultRules()
	p.names.Rules = ruleNames(p.rules)
	p.build()
	return p
}

// ID, Title and Content make the panel a dock tab.
func (p *Panel) ID() string                 { return "conflicts" }
func (p *Panel) Title() string              { return i18n.T("tab.conflicts") }
func (p *Panel) Content() fyne.CanvasObject { return p.root }

func ruleNames(rs *conflict.RuleSet) map[string]string {
	m := map[string]string{}
	if rs != nil {
		for _, r := range rs.Rules {
			m[r.ID] = i18n.Pick(r.NameZh, r.NameEn)
		}
	}
	return m
}

func (p *Panel) ruleOrder() []string {
	var ids []string
	if p.rules != nil {
		for _, r := range p.rules.Rules {
			ids = append(ids, r.ID)
		}
	}
	return ids
}

func (p *Panel) build() {
	run := widget.NewButton(i18n.T("conflict.run"), p.runCheck)
	run.Importance = widget.HighImportance
	export := widget.NewButton(i18n.T("conflict.export"), p.export)
	groupBy := widget.NewSelect([]string{i18n.T("conflict.by.rule"), i18n.T("conflict.by.severity"), i18n.T("conflict.by.district")}, nil)
	groupBy.SetSelectedIndex(0)
	groupBy.OnChanged = func(string) { p.view.By = GroupBy(groupBy.SelectedIndex()); p.refresh() }
	statuses := []string{"", conflict.StatusOpen, conflict.StatusConfirmed, conflict.StatusWaived, conflict.StatusResolved}
	status := widget.NewSelect([]string{i18n.T("conflict.status.any"), statusName(conflict.StatusOpen), statusName(conflict.StatusConfirmed),
		statusName(conflict.StatusWaived), statusName(conflict.StatusResolved)}, nil)
	status.SetSelectedIndex(0)
	status.OnChanged = func(string) { p.view.Status = statuses[max(0, status.SelectedIndex())]; p.refresh() }
	order := widget.NewCheck(i18n.T("conflict.smallfirst"), func(b bool) { p.view.Ascend = b; p.refresh() })
	search := widget.NewEntry()
	search.SetPlaceHolder(i18n.T("conflict.search"))
	search.OnChanged = func(s string) { p.view.Text = s; p.refresh() }
	p.summary = widget.NewLabel(i18n.T("conflict.none"))
	p.summary.Wrapping = fyne.TextWrapWord
	top := container.NewVBox(container.NewGridWithColumns(2, run, export),
		container.NewGridWithColumns(2, groupBy, status), container.NewBorder(nil, nil, nil, order, search), p.summary)
	p.tree = widget.NewTree(p.childIDs, p.isBranch, p.createNode, p.updateNode)
	p.tree.OnSelected = p.selectNode
	p.detail = widget.NewLabel("")
	p.detail.Wrapping = fyne.TextWrapWord
	p.comment = widget.NewMultiLineEntry()
	p.comment.SetPlaceHolder(i18n.T("conflict.comment"))
	p.comment.SetMinRowsVisible(2)
	p.actions = container.NewGridWithColumns(2, // four in a row need 326 px in English: the dock is 262
		widget.NewButton(i18n.T("conflict.confirm"), func() { p.review(conflict.StatusConfirmed) }),
		widget.NewButton(i18n.T("conflict.waive"), func() { p.review(conflict.StatusWaived) }),
		widget.NewButton(i18n.T("conflict.resolve"), func() { p.review(conflict.StatusResolved) }),
		widget.NewButton(i18n.T("conflict.reopen"), func() { p.review(conflict.StatusOpen) }))
	bottom := container.NewVBox(widget.NewSeparator(), p.detail, p.comment, p.actions)
	p.showDetail()
	p.root = container.NewBorder(top, bottom, nil, nil, p.tree)
}

// SetBlueprint loads the patches stored in bp, off the UI goroutine.
func (p *Panel) SetBlueprint(bp *layers.Blueprint) {
	p.bp, p.sel = bp, nil
	p.tellSelection()
	p.setPatches(nil)
	p.h.Map().SetMarks(nil)
	go func() {
		names := districtNames(bp)
		ps, err := conflict.LoadPatches(context.Background(), bp, conflict.Filter{})
		p.post(func() {
			if p.bp != bp {
				return
			}
			p.names.Districts = names
			if err != nil {
				p.h.SetMessage(err.Error())
				return
			}
			p.setPatches(ps)
		})
	}()
}

// districtNames maps district codes to names from the district layer.
func districtNames(bp *layers.Blueprint) map[string]string {
	m := map[string]string{}
	if bp.Layer(conflict.DistrictLayer) == nil {
		return m
	}
	err := bp.Query(context.Background(), layers.Query{Layers: []string{conflict.DistrictLayer}, NoGeom: true}, func(f *layers.Feature) error {
		code, name := attrText(f.Attrs[conflict.DistrictCodeField]), attrText(f.Attrs[conflict.DistrictNameField])
		if code != "" && name != "" {
			m[code] = name
		}
		return nil
	})
	if err != nil {
		return map[string]string{} // codes are shown instead of names
	}
	return m
}

// attrText is an attribute as text ("" for NULL); integer codes print
// without a fraction.
func attrText(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	return fmt.Sprint(v)
}

// runCheck runs every rule in the background, then shows the stored patches.
func (p *Panel) runCheck() {
	bp := p.bp
	if bp == nil || p.rules == nil {
		return
	}
	var ps []conflict.Patch
	var summary string
	p.h.RunLong(i18n.T("conflict.running"), func(ctx context.Context, report func(string, float64)) error {
		slope, err := conflict.TerrainSlope(ctx, bp)
		if err != nil {
			return err
		}
		res, err := conflict.Run(ctx, bp, p.rules, conflict.Options{Slope: slope,
			Progress: func(done, total int) { report(i18n.T("conflict.running"), float64(done)/float64(max(total, 1))) }})
		if err != nil {
			return err
		}
		summary = runSummary(res)
		ps, err = conflict.LoadPatches(ctx, bp, conflict.Filter{})
		return err
	}, func() {
		if p.bp == bp {
			p.setPatches(ps)
			p.h.SetMessage(summary)
			p.h.ShowPanel(p.ID())
		}
	})
}

// runSummary says how many rules ran, hit and were skipped (and why).
func runSummary(res *conflict.Result) string {
	hit, skipped := 0, 0
	reason := ""
	for _, r := range res.Rules {
		switch {
		case r.Skipped != "":
			skipped++
			reason = r.Skipped
		case r.Patches > 0:
			hit++
		}
	}
	s := fmt.Sprintf(i18n.T("conflict.ran"), len(res.Rules), hit, len(res.Patches))
	if skipped > 0 {
		s += fmt.Sprintf(i18n.T("conflict.skipped"), skipped, reason)
	}
	return s
}

func (p *Panel) setPatches(ps []conflict.Patch) {
	p.patches = ps
	p.refresh()
}

// refresh rebuilds the groups, the tree, the summary and the status bar.
func (p *Panel) refresh() {
	p.groups = Arrange(p.patches, p.view, p.names, p.ruleOrder())
	shown := 0
	for _, g := range p.groups {
		shown += len(g.Patches)
	}
	c := Count(p.patches)
	if len(p.patches) == 0 {
		p.summary.SetText(i18n.T("conflict.none"))
		p.h.SetStatus(StatusKey, "")
	} else {
		p.summary.SetText(fmt.Sprintf(i18n.T("conflict.summary"), c.All, c.Open, c.Confirmed, c.Waived, c.Resolved, shown))
		p.h.SetStatus(StatusKey, fmt.Sprintf(i18n.T("conflict.status"), c.All, c.Open))
	}
	p.tree.Refresh()
}

// Tree ids: "" the root, "g<i>" group i, "p<i>.<j>" patch j of group i.
func (p *Panel) childIDs(id widget.TreeNodeID) []widget.TreeNodeID {
	if id == "" {
		ids := make([]string, len(p.groups))
		for i := range p.groups {
			ids[i] = "g" + strconv.Itoa(i)
		}
		return ids
	}
	gi, ok := groupIndex(id)
	if !ok || gi >= len(p.groups) {
		return nil
	}
	ids := make([]string, len(p.groups[gi].Patches))
	for j := range ids {
		ids[j] = fmt.Sprintf("p%d.%d", gi, j)
	}
	return ids
}

func groupIndex(id string) (int, bool) {
	if !strings.HasPrefix(id, "g") {
		return 0, false
	}
	i, err := strconv.Atoi(id[1:])
	return i, err == nil
}

// patchAt resolves a patch node id.
func (p *Panel) patchAt(id string) *conflict.Patch {
	var gi, j int
	if _, err := fmt.Sscanf(id, "p%d.%d", &gi, &j); err != nil || gi >= len(p.groups) || j >= len(p.groups[gi].Patches) {
		return nil
	}
	return &p.groups[gi].Patches[j]
}

func (p *Panel) isBranch(id widget.TreeNodeID) bool {
	return id == "" || strings.HasPrefix(id, "g")
}

func (p *Panel) createNode(bool) fyne.CanvasObject { return newNode() }

func (p *Panel) updateNode(id widget.TreeNodeID, _ bool, o fyne.CanvasObject) {
	n := o.(*node)
	if gi, ok := groupIndex(id); ok && gi < len(p.groups) {
		g := p.groups[gi]
		n.show(g.Title, groupStat(len(g.Patches), g.Area), true)
		return
	}
	if pt := p.patchAt(id); pt != nil {
		n.show(fmt.Sprintf("%s · %s · %s", FormatArea(pt.Area), p.names.of(p.names.Districts, pt.District), statusName(pt.Status)), "", false)
	}
}

// selectNode zooms to a patch, highlights it with its source features and
// shows its details.
func (p *Panel) selectNode(id widget.TreeNodeID) {
	pt := p.patchAt(id)
	if pt == nil {
		return
	}
	p.sel = pt
	m := p.h.Map()
	if len(pt.Geom) > 0 {
		b := pt.Geom.Bound()
		m.ZoomTo(b.Pad(0.3 * max(b.Max[0]-b.Min[0], b.Max[1]-b.Min[1], 100)))
	}
	var rings []orb.Ring
	for _, poly := range pt.Geom {
		rings = append(rings, poly...)
	}
	m.SetMarks(rings)
	var refs []render.FeatureRef
	for _, r := range []conflict.Ref{pt.A, pt.B} {
		if r.Layer != "" && p.bp != nil && p.bp.Layer(r.Layer) != nil {
			refs = append(refs, render.FeatureRef{Layer: p.bp.Layer(r.Layer).Code, FID: r.FID})
		}
	}
	m.SetHighlight(refs)
	p.comment.SetText(pt.Comment)
	p.showDetail()
	p.tellSelection()
}

// PatchSelector is a Host that wants to know the selected patch (the
// workstation, for the terrain panel's statistics of the selection).
type PatchSelector interface {
	// SelectPatch is called with the selected patch's name and geometry,
	// or ("", nil) when none is selected.
	SelectPatch(name string, g orb.MultiPolygon)
}

// tellSelection passes the selected patch to a PatchSelector host.
func (p *Panel) tellSelection() {
	ps, ok := p.h.(PatchSelector)
	if !ok {
		return
	}
	if p.sel == nil {
		ps.SelectPatch("", nil)
		return
	}
	ps.SelectPatch(fmt.Sprintf("%s #%d", p.names.of(p.names.Rules, p.sel.RuleID), p.sel.ID), p.sel.Geom)
}

func (p *Panel) showDetail() {
	pt := p.sel
	if pt == nil {
		p.detail.SetText(i18n.T("conflict.pick"))
		p.actions.Hide()
		p.comment.Hide()
		return
	}
	p.actions.Show()
	p.comment.Show()
	lines := []string{
		fmt.Sprintf("%s  [%s]", p.names.of(p.names.Rules, pt.RuleID), p.names.of(p.names.Severity, pt.Severity)),
		fmt.Sprintf("%s %s · %s %.0f m", i18n.T("conflict.area"), FormatArea(pt.Area), i18n.T("conflict.perimeter"), pt.Perimeter),
		fmt.Sprintf("A: %s", refText(p.bp, pt.A)),
	}
	if pt.B.Layer != "" {
		lines = append(lines, fmt.Sprintf("B: %s", refText(p.bp, pt.B)))
	}
	if pt.ClassPair != "" {
		lines = append(lines, i18n.T("conflict.classes")+" "+pt.ClassPair)
	}
	lines = append(lines, fmt.Sprintf("%s %s · %s", i18n.T("conflict.district"), p.names.of(p.names.Districts, pt.District), statusName(pt.Status)))
	if pt.Reviewer != "" {
		lines = append(lines, fmt.Sprintf("%s %s · %s", i18n.T("conflict.reviewer"), pt.Reviewer, pt.ReviewedAt))
	}
	p.detail.SetText(strings.Join(lines, "\n"))
}

// refText names a source feature: its layer and its key attributes.
func refText(bp *layers.Blueprint, r conflict.Ref) string {
	name := r.Layer
	if bp != nil {
		if l := bp.Layer(r.Layer); l != nil && l.Def != nil {
			name = i18n.Pick(l.Def.NameZh, l.Def.NameEn)
		}
	}
	var attrs []string
	for k, v := range r.Attrs {
		attrs = append(attrs, fmt.Sprintf("%s=%v", k, v))
	}
	slices.Sort(attrs)
	return fmt.Sprintf("%s #%d %s", name, r.FID, strings.Join(attrs, " "))
}

// review stores a decision for the selected patch; a waiver needs a reason.
func (p *Panel) review(status string) {
	pt, bp := p.sel, p.bp
	if pt == nil || bp == nil {
		return
	}
	comment := strings.TrimSpace(p.comment.Text)
	if status == conflict.StatusWaived && comment == "" {
		dialog.ShowInformation(i18n.T("conflict.waive"), i18n.T("conflict.needreason"), p.h.Window())
		return
	}
	id := pt.ID
	go func() {
		err := conflict.SetReview(context.Background(), bp, id, status, bp.User(), comment)
		var fresh []conflict.Patch
		if err == nil {
			fresh, err = conflict.LoadPatches(context.Background(), bp, conflict.Filter{IDs: []int64{id}})
		}
		p.post(func() {
			if err != nil {
				dialog.ShowError(err, p.h.Window())
				return
			}
			if p.bp != bp || len(fresh) != 1 {
				return
			}
			for i := range p.patches {
				if p.patches[i].ID == id {
					p.patches[i] = fresh[0]
				}
			}
			p.refresh()
			p.sel = &fresh[0]
			p.showDetail()
		})
	}()
}

// shown is the filtered list, in display order.
func (p *Panel) shown() []conflict.Patch {
	var out []conflict.Patch
	for _, g := range p.groups {
		out = append(out, g.Patches...)
	}
	return out
}

// export writes the shown patches to a file the user picks (.xlsx, .csv,
// .json or .gpkg by its extension).
func (p *Panel) export() {
	ps := p.shown()
	if len(ps) == 0 {
		return
	}
	d := savefile.NewDialog(func(path string) {
		go func() {
			err := conflict.ExportNamed(context.Background(), ps, path, p.exportNames())
			p.post(func() {
				if err != nil {
					dialog.ShowError(err, p.h.Window())
					return
				}
				p.h.SetMessage(fmt.Sprintf(i18n.T("conflict.exported"), len(ps), path))
			})
		}()
	}, p.h.Window())
	d.SetFileName("conflicts.xlsx")
	d.Show()
}

// exportNames are the names the XLSX export writes beside the codes, in
// the interface's language.
func (p *Panel) exportNames() conflict.ExportNames {
	st := map[string]string{}
	for _, s := range []string{conflict.StatusOpen, conflict.StatusConfirmed, conflict.StatusWaived,
		conflict.StatusResolved, conflict.StatusResolvedByChange} {
		st[s] = statusName(s)
	}
	return conflict.ExportNames{Rules: p.names.Rules, Districts: p.names.Districts, Severity: p.names.Severity, Status: st}
}

func statusName(s string) string {
	if s == "" {
		return ""
	}
	return i18n.T("conflict.st." + s)
}
