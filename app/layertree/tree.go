// Package layertree is the layer panel: the catalog's groups as a tree with
// tri-state group checkboxes, legend swatches, expandable class legends,
// search by Chinese or English name or code, per-layer opacity, feature
// counts and zoom-to-layer.
package layertree

import (
	"fmt"
	"image/color"
	"slices"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
	"github.com/paulmach/orb"

	"lantu/app/i18n"
	"lantu/layers/catalog"
	"lantu/layers/render"
)

// Entry is one layer shown in the tree.
type Entry struct {
	Code  string
	Def   *catalog.Layer
	Count int
	Bound orb.Bound
}

// Panel is the layer panel. Use it on the UI goroutine only.
type Panel struct {
	// OnVisibility is called with the visible codes after a change.
	OnVisibility func(codes []string)
	// OnOpacity is called when a layer's opacity changes.
	OnOpacity func(code string, op float64)
	// OnZoom is called to zoom to a layer's extent.
	OnZoom func(b orb.Bound)
	// OnTable and OnExport open a layer's attribute table and its export
	// dialog from the layer's context menu (menu.go); unset, the items are
	// disabled.
	OnTable, OnExport func(code string)
	// OnStyle writes a style edited in the Style dialog (styledialog.go),
	// or with nil the catalog style back, and returns the layer's new
	// definition; it is called off the UI goroutine. Unset, the menu item
	// is disabled. OnRestyled is then called on the UI goroutine, to
	// redraw the map.
	OnStyle    func(code string, s *catalog.Style) (*catalog.Layer, error)
	OnRestyled func(code string)
	// Source (the blueprint's file) and CRS (its name) are shown in the
	// layer properties dialog.
	Source, CRS string

	cat      *catalog.Catalog
	entries  map[string]*Entry
	visible  map[string]bool
	opacity  map[string]float64
	children map[string][]string // tree id -> child ids
	filter   string
	selected string
	scale    float64 // the map's scale denominator, 0 = unknown; see SetScale
	inRange  uint64  // hash of the layers shown at scale, see SetScale

	lastStyle *styleForm // the Style dialog opened last (tests)

	post   func(func()) // runs on the UI goroutine: fyne.Do
	typing *time.Timer  // the pending filter of the search box, see typed
	typed  uint64       // counts keystrokes; a stale filter is dropped

	Tree    *widget.Tree
	search  *widget.Entry
	slider  *widget.Slider
	info    *widget.Label
	zoomBtn *widget.Button
	content fyne.CanvasObject
}

// Tree ids: "g:<path joined by />" for groups, "l:<code>" for layers and
// "c:<code>:<class>" for legend classes.
const root = ""

// New builds the panel over entries (in draw order); visible gives the
// initially visible codes (nil: each layer's catalog default).
func New(cat *catalog.Catalog, entries []Entry, visible []string) *Panel {
	p := &Panel{cat: cat, entries: map[string]*Entry{}, visible: map[string]bool{}, opacity: map[string]float64{}, post: fyne.Do}
	for i := range entries {
		e := &entries[i]
		p.entries[e.Code] = e
		if visible == nil {
			p.visible[e.Code] = e.Def.Visible
		}
	}
	for _, c := range visible {
		p.visible[c] = true
	}
	p.children = p.childrenFor("")
	p.build()
	return p
}

// Content is the panel's widget tree.
func (p *Panel) Content() fyne.CanvasObject { return p.content }

// Visible returns the visible codes in draw order.
func (p *Panel) Visible() []string {
	out := []string{}
	for _, l := range p.ordered() {
		if p.visible[l.Code] {
			out = append(out, l.Code)
		}
	}
	return out
}

// SetVisible shows or hides a layer or every layer of a group id.
func (p *Panel) SetVisible(id string, on bool) {
	for _, code := range p.layersUnder(id) {
		p.visible[code] = on
	}
	p.Tree.Refresh()
	if p.OnVisibility != nil {
		p.OnVisibility(p.Visible())
	}
}

// SetCount updates a layer's feature count and extent once its index is
// built: a layer still being indexed when the tree was made counted 0.
func (p *Panel) SetCount(code string, n int, b orb.Bound) {
	if e := p.entries[code]; e != nil {
		e.Count, e.Bound = n, b
		p.Tree.RefreshItem("l:" + code)
	}
}

// SetFilter shows only the layers whose code or names contain s, at once.
func (p *Panel) SetFilter(s string) {
	f := normFilter(s)
	p.applyFilter(f, p.childrenFor(f))
}

// searchDelay is how long the search box waits after a keystroke before
// filtering, so that typing never waits for the tree.
const searchDelay = 120 * time.Millisecond

// searchTyped filters after a pause in typing: the children are computed on a
// timer goroutine (they read only the entries and the catalog, fixed after
// New) and installed on the UI goroutine unless a later keystroke came.
func (p *Panel) searchTyped(s string) {
	p.typed++
	seq, f := p.typed, normFilter(s)
	if p.typing != nil {
		p.typing.Stop()
	}
	p.typing = time.AfterFunc(searchDelay, func() {
		kids := p.childrenFor(f)
		p.post(func() {
			if seq == p.typed {
				p.applyFilter(f, kids)
			}
		})
	})
}

func normFilter(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// applyFilter installs the tree of filter f.
func (p *Panel) applyFilter(f string, kids map[string][]string) {
	p.filter, p.children = f, kids
	p.Tree.Refresh()
	if f != "" {
		p.openGroups(root)
	}
}

func (p *Panel) ordered() []*Entry {
	out := make([]*Entry, 0, len(p.entries))
	for _, e := range p.entries {
		out = append(out, e)
	}
	slices.SortFunc(out, func(a, b *Entry) int {
		if a.Def.Tree != b.Def.Tree {
			return a.Def.Tree - b.Def.Tree
		}
		return strings.Compare(a.Code, b.Code)
	})
	return out
}

func matches(e *Entry, filter string) bool {
	if filter == "" {
		return true
	}
	d := e.Def
	for _, s := range []string{e.Code, d.Table, d.NameZh, d.NameEn} {
		if strings.Contains(strings.ToLower(s), filter) {
			return true
		}
	}
	return false
}

// childrenFor computes the children of every tree node from the entries'
// group paths, keeping only layers that match filter. It reads only what
// New fixed, so it may run on any goroutine.
func (p *Panel) childrenFor(filter string) map[string][]string {
	children := map[string][]string{}
	seen := map[string]bool{}
	for _, e := range p.ordered() {
		if !matches(e, filter) {
			continue
		}
		parent := root
		for i := range e.Def.Group {
			id := "g:" + strings.Join(e.Def.Group[:i+1], "/")
			if !seen[id] {
				seen[id] = true
				children[parent] = append(children[parent], id)
			}
			parent = id
		}
		children[parent] = append(children[parent], "l:"+e.Code)
		if pal := p.palette(e); pal != nil {
			for _, c := range pal.Classes {
				children["l:"+e.Code] = append(children["l:"+e.Code], "c:"+e.Code+":"+c.Code)
			}
		}
		for i := range e.Def.Style.Classes { // a style's own classes (layerstyle): "c:<code>:#<index>"
			children["l:"+e.Code] = append(children["l:"+e.Code], "c:"+e.Code+":#"+strconv.Itoa(i))
		}
	}
	return children
}

func (p *Panel) palette(e *Entry) *catalog.Palette {
	if p.cat == nil || e.Def.ClassField == "" {
		return nil
	}
	return p.cat.Palette(e.Def)
}

// openGroups expands every group below id, leaving class legends closed.
func (p *Panel) openGroups(id string) {
	for _, c := range p.children[id] {
		if strings.HasPrefix(c, "g:") {
			p.Tree.OpenBranch(c)
			p.openGroups(c)
		}
	}
}

// layersUnder lists the layer codes at or below a tree id.
func (p *Panel) layersUnder(id string) []string {
	if code, ok := strings.CutPrefix(id, "l:"); ok {
		return []string{code}
	}
	var out []string
	for _, c := range p.children[id] {
		out = append(out, p.layersUnder(c)...)
	}
	return out
}

// state is the tri-state of a node: all on, some on, none on.
func (p *Panel) state(id string) (checked, partial bool) {
	codes := p.layersUnder(id)
	n := 0
	for _, c := range codes {
		if p.visible[c] {
			n++
		}
	}
	return n > 0 && n == len(codes), n > 0 && n < len(codes)
}

// build makes the widgets.
func (p *Panel) build() {
	p.Tree = widget.NewTree(
		func(id string) []string { return p.children[id] },
		func(id string) bool { return !strings.HasPrefix(id, "c:") && len(p.children[id]) > 0 },
		func(bool) fyne.CanvasObject { return p.normalTheme(newRow(p)) },
		func(id string, _ bool, o fyne.CanvasObject) { rowOf(o).bind(id) },
	)
	p.Tree.OnSelected = p.selectNode
	p.search = widget.NewEntry()
	p.search.SetPlaceHolder(i18n.T("tree.search"))
	p.search.OnChanged = p.searchTyped
	p.slider = widget.NewSlider(0, 100)
	p.slider.SetValue(100)
	p.slider.OnChanged = func(v float64) {
		if p.selected != "" {
			p.opacity[p.selected] = v / 100
			if p.OnOpacity != nil {
				p.OnOpacity(p.selected, v/100)
			}
		}
	}
	p.slider.Disable()
	p.info = widget.NewLabel(i18n.T("tree.none"))
	p.info.Truncation = fyne.TextTruncateEllipsis
	p.zoomBtn = widget.NewButton(i18n.T("tree.zoomto"), func() {
		if e := p.entries[p.selected]; e != nil && p.OnZoom != nil {
			p.OnZoom(e.Bound)
		}
	})
	p.zoomBtn.Disable()
	bottom := container.NewVBox(widget.NewSeparator(), p.info,
		container.NewBorder(nil, nil, widget.NewLabel(i18n.T("tree.opacity")), nil, p.slider), p.zoomBtn)
	p.content = container.NewBorder(p.search, bottom, nil, nil, compactIndent(p.Tree))
	for _, id := range p.children[root] {
		p.Tree.OpenBranch(id)
	}
}

// selectNode makes a layer the target of the opacity slider and zoom.
func (p *Panel) selectNode(id string) {
	code, ok := strings.CutPrefix(id, "l:")
	e := p.entries[code]
	if !ok || e == nil {
		return
	}
	p.selected = code
	op, set := p.opacity[code]
	if !set {
		op = 1
	}
	p.slider.Enable()
	p.slider.SetValue(op * 100)
	unit := i18n.T("tree.features")
	if e.Def.Geometry == "raster" {
		unit = i18n.T("tree.tiles")
	}
	p.info.SetText(fmt.Sprintf("%s · %s · %d %s", i18n.Pick(e.Def.NameZh, e.Def.NameEn), code, e.Count, unit))
	p.zoomBtn.Enable()
}

// nodeText is the label of a tree node.
func (p *Panel) nodeText(id string) string {
	switch {
	case strings.HasPrefix(id, "g:"):
		path := strings.Split(id[2:], "/")
		return groupName(path[len(path)-1])
	case strings.HasPrefix(id, "l:"):
		e := p.entries[id[2:]]
		if e == nil {
			return id
		}
		return i18n.Pick(e.Def.NameZh, e.Def.NameEn)
	}
	if _, vc := p.valueClass(id); vc != nil {
		return valueClassText(vc)
	}
	_, cls := p.class(id)
	if cls == nil {
		return id
	}
	return cls.Code + " " + i18n.Pick(cls.NameZh, cls.NameEn)
}

// countText is a layer's feature (or tile) count, shown in its own column
// so that the name keeps the width; empty for groups and classes.
func (p *Panel) countText(id string) string {
	e := p.entries[strings.TrimPrefix(id, "l:")]
	if !strings.HasPrefix(id, "l:") || e == nil {
		return ""
	}
	return strconv.Itoa(e.Count)
}

// groupName shows the Chinese or the English half of "现状 Status"-style
// names; a plain Chinese name gets its English one from groupsEn.
func groupName(s string) string {
	zh, en, ok := strings.Cut(s, " ")
	if !ok {
		zh, en = s, groupsEn[s]
	}
	return i18n.Pick(zh, en)
}

func (p *Panel) class(id string) (*Entry, *catalog.Class) {
	parts := strings.SplitN(id, ":", 3)
	if len(parts) != 3 {
		return nil, nil
	}
	e := p.entries[parts[1]]
	if e == nil {
		return nil, nil
	}
	pal := p.palette(e)
	if pal == nil {
		return e, nil
	}
	c, _ := pal.Lookup(parts[2])
	return e, c
}

// valueClass is the style class of a "c:<code>:#<index>" id, or nil.
func (p *Panel) valueClass(id string) (*Entry, *catalog.ValueClass) {
	parts := strings.SplitN(id, ":", 3)
	if len(parts) != 3 || !strings.HasPrefix(parts[2], "#") || p.entries[parts[1]] == nil {
		return nil, nil
	}
	e := p.entries[parts[1]]
	i, err := strconv.Atoi(parts[2][1:])
	if err != nil || i < 0 || i >= len(e.Def.Style.Classes) {
		return nil, nil
	}
	return e, &e.Def.Style.Classes[i]
}

// valueClassText is a style class's legend text: its label, else its value
// or range.
func valueClassText(c *catalog.ValueClass) string {
	switch {
	case c.Label != "":
		return c.Label
	case c.Ranged:
		return strconv.FormatFloat(c.Min, 'g', -1, 64) + " – " + strconv.FormatFloat(c.Max, 'g', -1, 64)
	case c.Value == "":
		return "NULL"
	}
	return c.Value
}

// swatch returns the legend colours of a node: fill, stroke, hatch.
func (p *Panel) swatch(id string) (fill, stroke color.NRGBA, hatch string, ok bool) {
	if e, vc := p.valueClass(id); vc != nil {
		if e.Def.Style.Fill.A == 0 { // a hollow style: its classes colour the outline
			return color.NRGBA{}, vc.Color, e.Def.Style.Hatch, true
		}
		return vc.Color, e.Def.Style.Stroke, "", true
	}
	if strings.HasPrefix(id, "c:") {
		_, c := p.class(id)
		if c == nil {
			return
		}
		return render.Muted(c.Color), render.ClassOutline(c.Color), "", true
	}
	e := p.entries[strings.TrimPrefix(id, "l:")]
	if !strings.HasPrefix(id, "l:") || e == nil {
		return
	}
	s := e.Def.Style
	fill = s.Fill
	if s.Opacity > 0 && s.Opacity < 1 {
		fill.A = uint8(float64(fill.A) * s.Opacity)
	} else if s.Opacity <= 0 {
		fill = color.NRGBA{}
	}
	return fill, s.Stroke, s.Hatch, true
}
