// Package editpanel is the workstation's Edit (编辑) dock panel: the target
// layer, the edit tools (select, draw, split, merge, delete), undo and
// redo, snapping, typed coordinates, the live measurement and the
// attribute form. The edit session itself (package editor) does the work;
// this package wires it to the map canvas and Fyne.
package editpanel

import (
	"fmt"
	"image/color"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/paulmach/orb"

	"lantu/app/editor"
	"lantu/app/i18n"
	"lantu/app/mapview"
	"lantu/layers"
	"lantu/layers/crs"
)

// Host is what the panel needs from the workstation. The panel calls it on
// the UI goroutine only.
type Host interface {
	Window() fyne.Window
	Map() *mapview.MapView
	SetTool(t mapview.Tool)
	SetMessage(s string)
	ShowPanel(id string)
	OnSketch(fn func(tool mapview.Tool, pts []orb.Point))
	VisibleLayers() []string
	RefreshLayers(codes []string) // drop cached tiles of these layers and redraw
}

// FeatureSelector is a Host that takes the feature selected in the panel
// as the workstation's selection, the one the identify tool sets and the
// Siting review (选址审查) and Terrain panels act on: a planner who draws
// or selects a proposal here reviews it without identifying it again.
type FeatureSelector interface {
	SelectFeature(f *layers.Feature) // nil: the panel's selection was emptied
}

// ID is the panel's dock key.
const ID = "edit"

// Panel is the Edit tab. Use it on the UI goroutine only.
type Panel struct {
	h      Host
	bp     *layers.Blueprint
	sess   *editor.Session
	toMap  *crs.Transformer
	form   *Form
	layers []*layers.Layer

	root    *fyne.Container
	body    *fyne.Container
	target  *widget.Select
	tools   [3]*widget.Button
	undo    *widget.Button
	redo    *widget.Button
	merge   *widget.Button
	del     *widget.Button
	snap    *widget.Check
	coord   *widget.Entry
	measure *widget.Label
	hint    *widget.Label
	msg     *widget.Label

	published *layers.Feature // the selection last given to a FeatureSelector host
}

// New builds the panel; it is empty until a blueprint is shown.
func New(h Host) *Panel {
	p := &Panel{h: h, measure: widget.NewLabel(""), hint: widget.NewLabel(""), msg: widget.NewLabel("")}
	p.measure.TextStyle.Monospace = true
	p.measure.Wrapping, p.hint.Wrapping, p.msg.Wrapping = fyne.TextWrapWord, fyne.TextWrapWord, fyne.TextWrapWord
	p.msg.Importance = widget.DangerImportance
	p.body = container.NewVBox(widget.NewLabel(i18n.T("edit.no_layers")))
	p.root = container.NewStack(container.NewVScroll(p.body))
	h.OnSketch(p.toolChanged)
	p.shortcuts()
	return p
}

// ID implements the workstation's Panel.
func (p *Panel) ID() string { return ID }

// Title implements the workstation's Panel.
func (p *Panel) Title() string { return i18n.T("tab.edit") }

// Content implements the workstation's Panel.
func (p *Panel) Content() fyne.CanvasObject { return p.root }

// Session is the edit session of the blueprint shown (nil before one).
func (p *Panel) Session() *editor.Session { return p.sess }

// SetBlueprint starts a new session on bp.
func (p *Panel) SetBlueprint(bp *layers.Blueprint) {
	p.bp = bp
	p.toMap, _ = crs.NewTransformer(crs.CGCS2000, bp.SRID())
	p.sess = editor.New(bp)
	p.sess.Visible = p.h.VisibleLayers
	p.sess.OnChange = p.refresh
	p.sess.OnSaved = p.h.RefreshLayers
	p.layers = editor.EditableLayers(bp)
	p.published = nil
	p.h.Map().SetEditHandler(p)
	p.build()
	p.refresh()
}

// build lays the panel out for the session's layers.
func (p *Panel) build() {
	if len(p.layers) == 0 {
		p.body.Objects = []fyne.CanvasObject{widget.NewLabel(i18n.T("edit.no_layers"))}
		p.body.Refresh()
		return
	}
	var names []string
	for _, l := range p.layers {
		names = append(names, layerName(l))
	}
	p.target = widget.NewSelect(names, func(string) { p.chooseTarget() })
	p.target.SetSelectedIndex(0)
	p.tools[0] = widget.NewButtonWithIcon(i18n.T("edit.tool.select"), theme.MenuDropUpIcon(), func() { p.use(editor.ToolSelect) })
	p.tools[1] = widget.NewButtonWithIcon(i18n.T("edit.tool.draw"), theme.ContentAddIcon(), func() { p.use(editor.ToolDraw) })
	p.tools[2] = widget.NewButtonWithIcon(i18n.T("edit.tool.split"), theme.ContentCutIcon(), func() { p.use(editor.ToolSplit) })
	p.undo = widget.NewButtonWithIcon(i18n.T("edit.undo"), theme.ContentUndoIcon(), p.doUndo)
	p.redo = widget.NewButtonWithIcon(i18n.T("edit.redo"), theme.ContentRedoIcon(), p.doRedo)
	p.snap = widget.NewCheck(i18n.T("edit.snap"), func(on bool) { p.sess.SnapOn = on })
	p.snap.SetChecked(true)
	p.coord = widget.NewEntry()
	p.coord.SetPlaceHolder(i18n.T("edit.coord_hint"))
	p.coord.OnSubmitted = func(string) { p.addCoord() }
	p.merge = widget.NewButton(i18n.T("edit.merge"), func() { p.sess.MergeSelected() })
	p.del = widget.NewButtonWithIcon(i18n.T("edit.delete"), theme.DeleteIcon(), func() { p.sess.DeleteSelected() })
	actions := container.NewGridWithColumns(3, p.merge, p.del,
		widget.NewButton(i18n.T("edit.delete_vertex"), func() { p.sess.DeleteVertex() }))
	p.body.Objects = []fyne.CanvasObject{
		widget.NewLabelWithStyle(i18n.T("edit.layer"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), p.target,
		container.NewGridWithColumns(3, p.tools[0], p.tools[1], p.tools[2]), actions,
		container.NewGridWithColumns(2, p.undo, p.redo), p.snap,
		container.NewBorder(nil, nil, widget.NewLabel(i18n.T("edit.coord")),
			widget.NewButton(i18n.T("edit.coord_add"), p.addCoord), p.coord),
		widget.NewSeparator(), p.measure, p.hint, p.msg,
	}
	p.body.Refresh()
}

func layerName(l *layers.Layer) string {
	return fmt.Sprintf("%s (%s)", i18n.Pick(l.Def.NameZh, l.Def.NameEn), l.Code)
}

func (p *Panel) chooseTarget() {
	if i := p.target.SelectedIndex(); i >= 0 && i < len(p.layers) && p.sess != nil {
		p.sess.SetTarget(p.layers[i].Code)
	}
}

// use switches the session tool and makes the map hand its events here.
func (p *Panel) use(t editor.Tool) {
	if p.sess == nil {
		return
	}
	if p.h.Map().Tool() != mapview.ToolEdit {
		p.h.SetTool(mapview.ToolEdit)
	}
	p.sess.SetTool(t)
	p.h.ShowPanel(ID)
}

// toolChanged drops the sketch when another map tool is chosen.
func (p *Panel) toolChanged(t mapview.Tool, _ []orb.Point) {
	if t != mapview.ToolEdit && p.sess != nil {
		p.sess.Cancel()
		p.h.Map().SetEditOverlay(mapview.EditOverlay{})
	}
}

func (p *Panel) doUndo() {
	if p.sess != nil {
		p.sess.Undo()
	}
}

func (p *Panel) doRedo() {
	if p.sess != nil {
		p.sess.Redo()
	}
}

// shortcuts binds undo (Ctrl+Z, which the driver reports as ShortcutUndo)
// and redo (Ctrl+Shift+Z, and Ctrl+Y as ShortcutRedo) on the window; an
// entry with the focus keeps them for its own text.
func (p *Panel) shortcuts() {
	c := p.h.Window().Canvas()
	c.AddShortcut(&fyne.ShortcutUndo{}, func(fyne.Shortcut) { p.doUndo() })
	c.AddShortcut(&fyne.ShortcutRedo{}, func(fyne.Shortcut) { p.doRedo() })
	c.AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyZ, Modifier: fyne.KeyModifierShortcutDefault | fyne.KeyModifierShift}, func(fyne.Shortcut) { p.doRedo() })
}

// addCoord adds the typed corner to the sketch.
func (p *Panel) addCoord() {
	if p.sess == nil {
		return
	}
	q, err := editor.ParseCoord(p.coord.Text, p.toMap)
	if err != nil {
		p.msg.SetText(err.Error())
		return
	}
	if p.sess.Tool() == editor.ToolSelect {
		p.use(editor.ToolDraw)
	}
	p.sess.AddTypedVertex(q)
	p.coord.SetText("")
}

// refresh shows the session's state: overlay, measurement, hints, buttons
// and, for a finished sketch, the attribute form.
func (p *Panel) refresh() {
	s := p.sess
	if s == nil || p.tools[0] == nil {
		return
	}
	if p.h.Map().Tool() == mapview.ToolEdit {
		p.h.Map().SetEditOverlay(overlay(s.Overlay()))
	}
	for i, b := range p.tools {
		b.Importance = widget.MediumImportance
		if editor.Tool(i) == s.Tool() && p.h.Map().Tool() == mapview.ToolEdit {
			b.Importance = widget.HighImportance
		}
		b.Refresh()
	}
	p.setEnabled(p.undo, s.CanUndo())
	p.setEnabled(p.redo, s.CanRedo())
	p.showTexts()
	if s.Pending() != nil && p.form == nil {
		p.openForm(s.Pending())
	}
	p.publish()
}

// publish hands the selection, when it changed to one feature (the
// session re-reads a feature after every change it makes to it) or from
// some to none, to a FeatureSelector host. Several selected features are
// not one proposal: the host keeps what it had.
func (p *Panel) publish() {
	fs, ok := p.h.(FeatureSelector)
	if !ok {
		return
	}
	var f *layers.Feature
	switch sel := p.sess.Selection(); len(sel) {
	case 0:
	case 1:
		f = sel[0]
	default:
		return
	}
	if f == p.published {
		return
	}
	p.published = f
	fs.SelectFeature(f)
}

// showTexts sets the measurement, hint and message and, when that changes
// their height, re-lays the panel out: the dock's scroll keeps its size,
// so nothing else would, and a shorter text left a gap (a longer one an
// overlap) until the next layout.
func (p *Panel) showTexts() {
	s := p.sess
	h0 := p.textHeight()
	p.measure.SetText(strings.TrimSpace(snapLine(p.bp, s.Snapped()) + "\n" + describe(s)))
	p.hint.SetText(hint(s))
	p.msg.Importance = widget.MediumImportance
	if s.MessageIsError() {
		p.msg.Importance = widget.DangerImportance
	}
	p.msg.SetText(s.Message())
	if p.textHeight() != h0 {
		p.body.Refresh()
	}
}

func (p *Panel) textHeight() float32 {
	return p.measure.MinSize().Height + p.hint.MinSize().Height + p.msg.MinSize().Height
}

func (p *Panel) setEnabled(b *widget.Button, on bool) {
	if on {
		b.Enable()
	} else {
		b.Disable()
	}
}

// describe is the live measurement text.
func describe(s *editor.Session) string {
	m := s.Measure()
	var b strings.Builder
	if n := len(s.Selection()); n > 0 && len(s.Sketch()) == 0 {
		fmt.Fprintf(&b, i18n.T("edit.selected")+"\n", n)
	}
	if m.Vertices > 0 {
		fmt.Fprintf(&b, i18n.T("edit.vertices")+"\n", m.Vertices)
	}
	if m.HasArea {
		fmt.Fprintf(&b, i18n.T("edit.area")+"\n", m.Area, m.Mu(), m.Hectares())
		fmt.Fprintf(&b, i18n.T("edit.perimeter"), m.Length)
	} else if m.HasLength {
		fmt.Fprintf(&b, i18n.T("edit.length"), m.Length)
	}
	return strings.TrimSpace(b.String())
}

// snapLine says what the cursor snapped to, as QGIS's snapping tooltip
// does: a vertex or an edge, of which layer ("" when nothing).
func snapLine(bp *layers.Blueprint, sn editor.Snap) string {
	key := "edit.snapped_vertex"
	switch sn.Kind {
	case editor.SnapNone:
		return ""
	case editor.SnapEdge:
		key = "edit.snapped_edge"
	}
	what := i18n.T("edit.snapped_sketch")
	if l := bp.Layer(sn.Layer); l != nil && sn.Layer != "" {
		what = l.Code
		if l.Def != nil {
			what = layerName(l)
		}
	}
	return fmt.Sprintf(i18n.T(key), what)
}

func hint(s *editor.Session) string {
	switch {
	case s.Tool() == editor.ToolSplit:
		return i18n.T("edit.hint.split")
	case s.Tool() == editor.ToolDraw && s.Target() != nil && s.Target().Def.Geometry == "point":
		return i18n.T("edit.hint.point")
	case s.Tool() == editor.ToolDraw:
		return i18n.T("edit.hint.draw")
	}
	return i18n.T("edit.hint.select")
}

// EditTap implements mapview.EditHandler.
func (p *Panel) EditTap(e mapview.EditEvent) { p.sess.Tap(pointer(e)) }

// EditSecondary finishes a sketch, as QGIS's right click does.
func (p *Panel) EditSecondary(mapview.EditEvent) {
	if len(p.sess.Sketch()) > 0 {
		p.sess.Finish()
	}
}

// EditHover implements mapview.EditHandler.
func (p *Panel) EditHover(e mapview.EditEvent) { p.sess.Hover(pointer(e)) }

// EditDragStart implements mapview.EditHandler.
func (p *Panel) EditDragStart(e mapview.EditEvent) bool { return p.sess.DragStart(pointer(e)) }

// EditDrag implements mapview.EditHandler.
func (p *Panel) EditDrag(e mapview.EditEvent) { p.sess.Drag(pointer(e)) }

// EditDragEnd implements mapview.EditHandler.
func (p *Panel) EditDragEnd(e mapview.EditEvent) { p.sess.DragEnd(pointer(e)) }

// EditKey implements mapview.EditHandler.
func (p *Panel) EditKey(name fyne.KeyName) bool { return p.sess.Key(string(name)) }

func pointer(e mapview.EditEvent) editor.Pointer {
	return editor.Pointer{P: e.P, Res: e.Res, Shift: e.Shift}
}

// Overlay colours.
var (
	inkSketch   = color.NRGBA{0xd5, 0x00, 0x00, 0xff}
	inkRubber   = color.NRGBA{0xd5, 0x00, 0x00, 0x90}
	inkSelected = color.NRGBA{0xff, 0xd6, 0x00, 0xff}
	inkDragged  = color.NRGBA{0xff, 0x6d, 0x00, 0xff}
	inkHandle   = color.NRGBA{0x21, 0x21, 0x21, 0xff}
	inkSnap     = color.NRGBA{0xe0, 0x40, 0xfb, 0xff}
	white       = color.NRGBA{0xff, 0xff, 0xff, 0xff}
	clear       = color.NRGBA{}
)

// snapHalo is the snap marker m between two white rings, so that the
// magenta reads on any map colour (on the demo's magenta and purple plots
// the bare 1.5 px magenta square vanished).
func snapHalo(m mapview.EditMark) []mapview.EditMark {
	outer, inner := m, m
	outer.Size, outer.Stroke = m.Size+3, white
	inner.Size, inner.Stroke = m.Size-3, white
	return []mapview.EditMark{outer, m, inner}
}

// overlay turns the session's overlay into the map's.
func overlay(o editor.Overlay) mapview.EditOverlay {
	var out mapview.EditOverlay
	for _, p := range o.Paths {
		ink, w := inkSketch, float32(2)
		switch p.Style {
		case editor.StyleRubber:
			ink, w = inkRubber, 1.5
		case editor.StyleSelected:
			ink, w = inkSelected, 3
		case editor.StyleDragged:
			ink, w = inkDragged, 2.5
		}
		out.Paths = append(out.Paths, mapview.EditPath{Pts: p.Pts, Closed: p.Closed, Color: ink, Width: w})
	}
	for _, h := range o.Handles {
		m := mapview.EditMark{P: h.P, Size: 9, Fill: white, Stroke: inkHandle}
		switch h.Kind {
		case editor.HandleMidpoint:
			m.Size, m.Round, m.Fill = 7, true, color.NRGBA{0xff, 0xff, 0xff, 0xb0}
		case editor.HandleActive:
			m.Fill = inkSketch
		case editor.HandleSnapVertex:
			m.Size, m.Fill, m.Stroke = 15, clear, inkSnap
		case editor.HandleSnapEdge:
			m.Size, m.Round, m.Fill, m.Stroke = 13, true, clear, inkSnap
		}
		if h.Kind == editor.HandleSnapVertex || h.Kind == editor.HandleSnapEdge {
			out.Marks = append(out.Marks, snapHalo(m)...)
			continue
		}
		out.Marks = append(out.Marks, m)
	}
	return out
}
