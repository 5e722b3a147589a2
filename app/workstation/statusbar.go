package workstation

import (
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"lantu/app/i18n"
	"lantu/app/mapview"
)

// statusBar shows the tool, the message, named segments (elevation,
// conflicts, indexing), the cursor's X/Y and lon/lat, and the scale. Its
// texts truncate: the bar never asks the window for more width than the
// tool name and the scale box (TestStatusBarNeverWidensWindow).
type statusBar struct {
	w        *Workstation
	msg      *widget.Label
	toolName *widget.Label
	scaleSel *widget.SelectEntry
	xy       *widget.Label
	lonlat   *widget.Label
	progress *widget.ProgressBarInfinite
	row      *fyne.Container // msg, the segments, xy, lonlat: see shrinkRow
	segments map[string]*widget.Label
	root     fyne.CanvasObject
	updating bool
}

func newStatusBar(w *Workstation) *statusBar {
	s := &statusBar{w: w, msg: truncLabel(), toolName: widget.NewLabel(""), xy: truncLabel(), lonlat: truncLabel(),
		segments: map[string]*widget.Label{}}
	var presets []string
	for _, p := range mapview.Presets {
		presets = append(presets, strconv.Itoa(int(p)))
	}
	s.scaleSel = widget.NewSelectEntry(presets)
	s.scaleSel.OnSubmitted = s.submitScale
	s.scaleSel.OnChanged = func(v string) {
		if !s.updating && containsString(presets, v) {
			s.submitScale(v)
		}
	}
	s.progress = widget.NewProgressBarInfinite()
	s.progress.Hide()
	s.xy.TextStyle.Monospace, s.lonlat.TextStyle.Monospace = true, true
	scale := container.NewHBox(widget.NewLabel(i18n.T("status.scale")),
		container.NewGridWrap(fyne.NewSize(130, s.scaleSel.MinSize().Height), s.scaleSel))
	s.row = container.New(shrinkRow{}, s.msg, s.xy, s.lonlat)
	s.root = container.NewBorder(widget.NewSeparator(), nil, s.toolName, scale, s.row)
	s.tool(mapview.ToolPan)
	return s
}

// truncLabel is a label that shortens its text with "…" when squeezed.
func truncLabel() *widget.Label {
	l := widget.NewLabel("")
	l.Truncation = fyne.TextTruncateEllipsis
	return l
}

// segment sets a named status text, creating its label on first use; an
// empty text hides it. Segments sit between the message and the cursor
// position, in the order first set.
func (s *statusBar) segment(key, text string) {
	l := s.segments[key]
	if l == nil {
		if text == "" {
			return
		}
		l = truncLabel()
		s.segments[key] = l
		n := len(s.row.Objects)
		s.row.Objects = append(s.row.Objects[:n-2:n-2], l, s.xy, s.lonlat)
	}
	l.Hidden = text == ""
	s.set(l, text)
	s.row.Refresh()
}

// set changes a label of the row and lays the row out again when the
// text's width changed (a label's own refresh does not move its
// neighbours).
func (s *statusBar) set(l *widget.Label, text string) {
	if l.Text == text {
		return
	}
	old := naturalWidth(l)
	l.SetText(text)
	if naturalWidth(l) != old {
		s.row.Refresh()
	}
}

// shrinkRow lays labels out left to right: the first (the message) takes
// the width the others leave; the others get their text's width while it
// fits and shrink together when it does not. A label too narrow to show
// even "…" (Fyne draws the whole text of a label narrower than its
// padding) is moved off the canvas, the leftmost segments first: the
// cursor position at the right end is the last to go. Its minimum width is
// zero, so no text can widen the window. An immutable value.
type shrinkRow struct{}

// MinSize is part of fyne.Layout.
func (shrinkRow) MinSize(objs []fyne.CanvasObject) fyne.Size {
	h := float32(0)
	for _, o := range objs {
		h = max(h, o.MinSize().Height)
	}
	return fyne.NewSize(0, h)
}

// narrowest is the least width a label keeps: its padding and "…".
func narrowest() float32 {
	return 2*theme.InnerPadding() + fyne.MeasureText("…", theme.TextSize(), fyne.TextStyle{}).Width + 2
}

// Layout is part of fyne.Layout.
func (shrinkRow) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	if len(objs) == 0 {
		return
	}
	want := make([]float32, len(objs))
	for i, o := range objs[1:] {
		if o.Visible() {
			want[i+1] = naturalWidth(o)
		}
	}
	first, k := fitFrom(want, size.Width)
	x := size.Width
	for i := len(objs) - 1; i >= 1; i-- {
		w := want[i] * k
		if i < first || w == 0 {
			offCanvas(objs[i])
			continue
		}
		x -= w
		objs[i].Move(fyne.NewPos(x, 0))
		objs[i].Resize(fyne.NewSize(w, size.Height))
	}
	if x < narrowest() {
		offCanvas(objs[0])
		return
	}
	objs[0].Move(fyne.NewPos(0, 0))
	objs[0].Resize(fyne.NewSize(x, size.Height))
}

// fitFrom is the first label (from index 1) that is shown and the shrink
// factor of the shown ones, so that each keeps at least narrowest.
func fitFrom(want []float32, width float32) (first int, k float32) {
	for first = 1; first < len(want); first++ {
		total, least := float32(0), float32(0)
		for _, w := range want[first:] {
			if w > 0 {
				total += w
				if least == 0 || w < least {
					least = w
				}
			}
		}
		k = 1
		if total > width {
			k = width / total
		}
		if total == 0 || least*k >= narrowest() {
			return first, k
		}
	}
	return first, 1
}

// offCanvas puts a label where nothing is drawn.
func offCanvas(o fyne.CanvasObject) {
	o.Resize(fyne.NewSize(narrowest(), o.Size().Height))
	o.Move(fyne.NewPos(-1e5, 0))
}

// naturalWidth is the width a label needs to show its whole text.
func naturalWidth(o fyne.CanvasObject) float32 {
	l, ok := o.(*widget.Label)
	if !ok {
		return o.MinSize().Width
	}
	if l.Text == "" {
		return 0
	}
	ts := fyne.MeasureText(l.Text, theme.TextSize(), l.TextStyle)
	return ts.Width + 2*theme.InnerPadding() + 1
}
