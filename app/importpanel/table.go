package importpanel

import (
	"fmt"
	"math"
	"strconv"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

func layoutSpacer() fyne.CanvasObject { return layout.NewSpacer() }

// tableSize is the sample's rows (up to sampleRows) by the source's fields.
func (p *preview) tableSize() (int, int) {
	return min(len(p.sample), sampleRows), len(p.src.Fields)
}

func (p *preview) tableCell(id widget.TableCellID, o fyne.CanvasObject) {
	l := o.(*widget.Label)
	if id.Row >= len(p.sample) || id.Col >= len(p.src.Fields) {
		l.SetText("")
		return
	}
	l.SetText(cellText(p.sample[id.Row].Attrs[p.src.Fields[id.Col].Name]))
}

func (p *preview) tableHeader(id widget.TableCellID, o fyne.CanvasObject) {
	l := o.(*widget.Label)
	l.TextStyle.Bold = true
	switch {
	case id.Row < 0 && id.Col >= 0 && id.Col < len(p.src.Fields):
		l.SetText(p.src.Fields[id.Col].Name)
	case id.Col < 0 && id.Row >= 0:
		l.SetText(fmt.Sprint(id.Row + 1))
	default:
		l.SetText("")
	}
}

// cellText shows one attribute value; a long text is cut.
func cellText(v any) string {
	var s string
	switch v := v.(type) {
	case nil:
		return ""
	case time.Time:
		s = v.Format("2006-01-02")
	case float64:
		s = floatText(v)
	default:
		s = fmt.Sprint(v)
	}
	if r := []rune(s); len(r) > 40 {
		s = string(r[:40]) + "…"
	}
	return s
}

// floatText is a number as the file holds it: every digit, without an
// exponent unless it is huge or tiny (areas of 6.4e+07 m² read badly).
func floatText(v float64) string {
	if a := math.Abs(v); a != 0 && (a >= 1e15 || a < 1e-6) {
		return strconv.FormatFloat(v, 'g', -1, 64)
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// fitColumns sizes each column to its widest header or sample text.
func (p *preview) fitColumns() {
	size := theme.TextSize()
	pad := 2*theme.Padding() + 8
	rows, cols := p.tableSize()
	for c := range cols {
		w := fyne.MeasureText(p.src.Fields[c].Name, size, fyne.TextStyle{Bold: true}).Width
		for r := range rows {
			w = max(w, fyne.MeasureText(cellText(p.sample[r].Attrs[p.src.Fields[c].Name]), size, fyne.TextStyle{}).Width)
		}
		p.table.SetColumnWidth(c, min(w+pad, 320))
	}
}
