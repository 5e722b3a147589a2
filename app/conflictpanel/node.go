package conflictpanel

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// node is a line of the patch tree: the group's name (rule, severity or
// district) or the patch's text first, where a narrow dock cuts it last,
// and for a group its count and area in a column at the right. Before, a
// group line began with "28 · 25.50 km² (38249 亩)" and the rule's name
// was what the ellipsis took.
type node struct {
	widget.BaseWidget
	title *widget.Label
	stat  *canvas.Text
	box   *fyne.Container
}

func newNode() *node {
	n := &node{title: widget.NewLabel(""), stat: canvas.NewText("", theme.Color(theme.ColorNamePlaceHolder))}
	n.title.Truncation = fyne.TextTruncateEllipsis
	n.stat.TextSize = theme.TextSize() * 0.8
	n.stat.Alignment = fyne.TextAlignTrailing
	n.box = container.NewBorder(nil, nil, nil, container.NewPadded(container.NewCenter(n.stat)), n.title) // padded: clear of the scroll bar
	n.ExtendBaseWidget(n)
	return n
}

func (n *node) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(n.box) }

// show sets the line: title, bold for a group, and the right-hand stat
// ("" for none).
func (n *node) show(title, stat string, bold bool) {
	n.title.TextStyle.Bold = bold
	n.title.SetText(title)
	n.stat.Text = stat
	n.stat.Color = theme.Color(theme.ColorNamePlaceHolder)
	n.stat.Refresh()
}

// groupStat is a group's count and area, short (the patch lines and the
// details give the 亩): "28 · 25.5 km²".
func groupStat(count int, m2 float64) string {
	switch {
	case m2 >= 1e6:
		return fmt.Sprintf("%d · %.1f km²", count, m2/1e6)
	case m2 >= 1e4:
		return fmt.Sprintf("%d · %.1f ha", count, m2/1e4)
	}
	return fmt.Sprintf("%d · %.0f m²", count, m2)
}
