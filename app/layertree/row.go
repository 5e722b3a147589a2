package layertree

import (
	"hash/fnv"
	"image/color"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// row is one tree line: a checkbox (groups and layers), a legend swatch
// and the name.
type row struct {
	widget.BaseWidget
	p      *Panel
	id     string
	check  *widget.Check
	swatch *canvas.Rectangle
	hatch  *canvas.Line
	label  *widget.Label
	count  *canvas.Text // the feature count, a column right of the name
	box    *fyne.Container
}

func newRow(p *Panel) *row {
	r := &row{p: p, label: widget.NewLabel("")}
	r.check = widget.NewCheck("", func(on bool) {
		if r.id != "" && !strings.HasPrefix(r.id, "c:") {
			r.p.SetVisible(r.id, on)
		}
	})
	r.swatch = canvas.NewRectangle(color.Transparent)
	r.swatch.SetMinSize(fyne.NewSize(22, 14))
	r.swatch.StrokeWidth = 1.5
	r.hatch = canvas.NewLine(color.Transparent)
	r.hatch.StrokeWidth = 1
	sw := container.NewStack(r.swatch, container.NewWithoutLayout(r.hatch))
	r.label.Truncation = fyne.TextTruncateEllipsis
	r.count = canvas.NewText("", theme.Color(theme.ColorNamePlaceHolder))
	r.count.TextSize = theme.TextSize() * 0.85
	r.count.Alignment = fyne.TextAlignTrailing
	r.box = container.NewBorder(nil, nil, container.NewHBox(r.check, container.NewCenter(sw)),
		container.NewPadded(container.NewCenter(r.count)), r.label)
	r.ExtendBaseWidget(r)
	return r
}

func (r *row) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(r.box) }

// bind shows node id.
func (r *row) bind(id string) {
	r.id = ""
	isClass := strings.HasPrefix(id, "c:")
	r.check.Hidden = isClass
	if !isClass {
		on, partial := r.p.state(id)
		r.check.SetChecked(on)
		r.check.Partial = partial
		r.check.Refresh()
	}
	r.label.TextStyle.Bold = strings.HasPrefix(id, "g:")
	r.label.Importance = widget.MediumImportance
	if r.p.outOfScale(id) {
		r.label.Importance = widget.LowImportance // greyed, as QGIS shows it
	}
	r.label.SetText(r.p.nodeText(id))
	r.count.Text = r.p.countText(id)
	r.count.Color = theme.Color(theme.ColorNamePlaceHolder)
	r.count.Refresh()
	fill, stroke, hatch, ok := r.p.swatch(id)
	r.swatch.Hidden = !ok
	r.swatch.FillColor, r.swatch.StrokeColor = fill, stroke
	r.hatch.Hidden = !ok || hatch == ""
	r.hatch.StrokeColor = stroke
	r.hatch.Position1, r.hatch.Position2 = fyne.NewPos(2, 12), fyne.NewPos(20, 2)
	r.swatch.Refresh()
	r.hatch.Refresh()
	r.id = id
}

// SetScale tells the panel the map's scale denominator: layers whose scale
// range hides them there show their names greyed. The tree is refreshed
// only when that set changes.
func (p *Panel) SetScale(denom float64) {
	p.scale = denom
	h := fnv.New64a()
	for _, e := range p.ordered() {
		if !e.Def.ShownAt(denom) {
			h.Write([]byte(e.Code + "\x00"))
		}
	}
	if k := h.Sum64(); k != p.inRange {
		p.inRange = k
		p.Tree.Refresh()
	}
}

// outOfScale reports whether node id is a layer its scale range hides at
// the panel's scale.
func (p *Panel) outOfScale(id string) bool {
	code, ok := strings.CutPrefix(id, "l:")
	e := p.entries[code]
	return ok && e != nil && p.scale > 0 && !e.Def.ShownAt(p.scale)
}

// OutOfScale reports whether layer code is hidden by its scale range at
// the panel's scale (its name is greyed).
func (p *Panel) OutOfScale(code string) bool { return p.outOfScale("l:" + code) }
