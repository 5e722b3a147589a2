package attrtable

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"lantu/app/i18n"
)

// build makes the filter bar, the grid and the status line.
func (t *Table) build() {
	t.grid = widget.NewTable(t.size, newCell, t.updateCell)
	t.grid.ShowHeaderRow = true
	t.grid.CreateHeader = newHeader
	t.grid.UpdateHeader = t.updateHeader
	t.grid.OnSelected = func(id widget.TableCellID) {
		t.click(id.Row, t.mods())
		t.grid.Unselect(id) // the row highlight is ours; no cell marker
	}
	t.search = widget.NewEntry()
	t.search.SetPlaceHolder(i18n.T("attr.search"))
	t.search.OnChanged = t.typed
	t.field = widget.NewSelect([]string{i18n.T("attr.anyfield")}, func(string) { t.typed("") })
	t.field.SetSelectedIndex(0)
	t.value = widget.NewEntry()
	t.value.SetPlaceHolder(i18n.T("attr.value"))
	t.value.OnChanged = t.typed
	clear := widget.NewButton(i18n.T("attr.clearfilter"), func() {
		t.search.SetText("")
		t.value.SetText("")
		t.field.SetSelectedIndex(0)
		t.SetFilter(NoFilter)
	})
	t.count = widget.NewLabel("")
	t.count.Truncation = fyne.TextTruncateEllipsis
	t.zoomBtn = widget.NewButtonWithIcon(i18n.T("attr.zoomsel"), theme.ZoomFitIcon(), t.ZoomToSelection)
	t.zoomBtn.Disable()
	all := widget.NewButton(i18n.T("attr.selectshown"), t.SelectShown)
	none := widget.NewButton(i18n.T("attr.clearsel"), func() { t.setSelection(nil, true) })
	value := container.NewGridWrap(fyne.NewSize(150, t.value.MinSize().Height), t.value)
	field := container.NewHBox(t.field, widget.NewLabel("="), value, clear)
	bar := container.NewBorder(nil, nil, nil, field, t.search)
	foot := container.NewBorder(nil, nil, nil, container.NewHBox(all, none, t.zoomBtn), t.count)
	t.content = container.NewBorder(bar, foot, nil, nil, t.grid)
}

func (t *Table) size() (int, int) {
	if t.data == nil {
		return 0, 0
	}
	return len(t.rows), len(t.data.Columns)
}

// cell is a grid cell: a background showing the selection, and the text.
type cell struct {
	widget.BaseWidget
	bg    *canvas.Rectangle
	label *widget.Label
}

func newCell() fyne.CanvasObject {
	c := &cell{bg: canvas.NewRectangle(color.Transparent), label: widget.NewLabel("")}
	c.label.Truncation = fyne.TextTruncateEllipsis
	c.ExtendBaseWidget(c)
	return c
}

func (c *cell) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.NewStack(c.bg, c.label))
}

func (t *Table) updateCell(id widget.TableCellID, o fyne.CanvasObject) {
	c := o.(*cell)
	if t.data == nil || id.Row >= len(t.rows) {
		return
	}
	r := int(t.rows[id.Row])
	txt := t.data.Text(r, id.Col)
	c.label.Importance = widget.MediumImportance
	if txt == "" {
		txt, c.label.Importance = "NULL", widget.LowImportance
	}
	c.label.Alignment = fyne.TextAlignLeading
	if t.data.Columns[id.Col].Numeric {
		c.label.Alignment = fyne.TextAlignTrailing
	}
	c.label.SetText(txt)
	c.bg.FillColor = color.Transparent
	if t.sel[t.data.FIDs[r]] {
		c.bg.FillColor = theme.Color(theme.ColorNameSelection)
	}
	c.bg.Refresh()
}

func newHeader() fyne.CanvasObject {
	b := widget.NewButton("", nil)
	b.Importance = widget.LowImportance
	b.Alignment = widget.ButtonAlignLeading
	return b
}

// updateHeader names a column, with ▲ or ▼ on the sorted one; a click
// sorts by it.
func (t *Table) updateHeader(id widget.TableCellID, o fyne.CanvasObject) {
	b := o.(*widget.Button)
	if t.data == nil || id.Col < 0 || id.Col >= len(t.data.Columns) {
		b.SetText("")
		b.OnTapped = nil
		return
	}
	txt := t.data.Columns[id.Col].Header
	if t.order.Col == id.Col {
		txt += map[bool]string{false: " ▲", true: " ▼"}[t.order.Desc]
	}
	b.SetText(txt)
	col := id.Col
	b.OnTapped = func() { t.SortBy(col) }
}

// Column widths: each fits its header and the first rows' text, within
// these bounds.
const (
	minColumn = 60
	maxColumn = 260
	sampled   = 200
)

func (t *Table) sizeColumns() {
	size := theme.TextSize()
	pad := 2*theme.InnerPadding() + 2*theme.Padding() // the label's own, and a gap
	t.widths = make([]float32, len(t.data.Columns))
	for c, col := range t.data.Columns {
		w := fyne.MeasureText(col.Header+" ▲", size, fyne.TextStyle{}).Width
		for r := range min(sampled, t.data.Len()) {
			w = max(w, fyne.MeasureText(t.data.Text(r, c), size, fyne.TextStyle{}).Width)
		}
		t.widths[c] = min(max(w+pad, minColumn), maxColumn)
		t.grid.SetColumnWidth(c, t.widths[c])
	}
}
