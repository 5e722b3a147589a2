// Package attrtable is a layer's attribute table, QGIS's "Open Attribute
// Table": every row of the layer in a virtual widget.Table (only the rows on
// screen have widgets), columns from the catalog's fields with their Chinese
// or English names, sorting by a click on a header, a filter box (text in any
// column) and a field = value filter, the row counts, and a selection kept in
// step with the map's: rows picked here are highlighted on the map through
// the Host, and features picked on the map select their rows.
//
// Rows are read once through layers.Blueprint.Query (no geometry) off the UI
// goroutine; sorting and filtering run on workers over that immutable Data.
package attrtable

import (
	"context"
	"fmt"
	"slices"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"
	"github.com/paulmach/orb"

	"lantu/app/i18n"
	"lantu/layers"
)

// Host is what a table needs of the window. app/workstation satisfies it.
// Its methods are called on the UI goroutine.
type Host interface {
	Blueprint() *layers.Blueprint
	// SelectFeatures makes fids (sorted) of layer the map's selection,
	// highlighted; nil clears it.
	SelectFeatures(layer string, fids []int64)
	// ZoomTo shows b (map units of the blueprint's CRS) on the map.
	ZoomTo(b orb.Bound)
	SetMessage(s string)
}

// Table is one layer's attribute table. Use it on the UI goroutine only.
type Table struct {
	host Host
	bp   *layers.Blueprint
	code string
	post func(func())            // runs on the UI goroutine: fyne.Do
	mods func() fyne.KeyModifier // the keyboard modifiers held during a click

	data   *Data   // nil until loaded
	rows   []int32 // the rows shown, in order: indices into data
	filter Filter
	order  Order
	seq    uint64             // counts view requests; a stale result is dropped
	cancel context.CancelFunc // stops the view being computed
	typing *time.Timer        // the pending filter of the boxes, see typed
	sel    map[int64]bool     // the selected fids (shown or not)
	anchor int                // the row of the last plain click, for Shift

	grid    *widget.Table
	search  *widget.Entry
	field   *widget.Select
	value   *widget.Entry
	count   *widget.Label
	zoomBtn *widget.Button
	content fyne.CanvasObject
	widths  []float32
}

// New makes the table of layer code and starts reading its rows. post runs
// a function on the UI goroutine: nil means fyne.Do (tests give their own).
func New(h Host, code string, post func(func())) *Table {
	if post == nil {
		post = fyne.Do
	}
	t := newTable(h, code, post)
	t.Load()
	return t
}

func newTable(h Host, code string, post func(func())) *Table {
	t := &Table{host: h, bp: h.Blueprint(), code: code, post: post, mods: heldModifiers,
		filter: NoFilter, order: Order{Col: -1}, sel: map[int64]bool{}, anchor: -1}
	t.build()
	return t
}

// heldModifiers asks the desktop driver which keys are held.
func heldModifiers() fyne.KeyModifier {
	if d, ok := fyne.CurrentApp().Driver().(desktop.Driver); ok {
		return d.CurrentKeyModifiers()
	}
	return 0
}

// Code is the layer's catalog code.
func (t *Table) Code() string { return t.code }

// Title is the layer's name in the current language.
func (t *Table) Title() string {
	if l := t.bp.Layer(t.code); l != nil && l.Def != nil {
		return i18n.Pick(l.Def.NameZh, l.Def.NameEn)
	}
	return t.code
}

// Content is the table with its filter bar.
func (t *Table) Content() fyne.CanvasObject { return t.content }

// Load (re)reads the layer's rows off the UI goroutine, keeping the
// selection, filter and order.
func (t *Table) Load() {
	t.count.SetText(i18n.T("attr.loading"))
	bp, code := t.bp, t.code
	go func() {
		d, err := Load(context.Background(), bp, code, func(n int) {
			t.post(func() { t.count.SetText(fmt.Sprintf(i18n.T("attr.loading.n"), n)) })
		})
		t.post(func() {
			if err != nil {
				t.count.SetText(err.Error())
				return
			}
			t.installData(d)
		})
	}()
}

// installData shows d; a reload keeps the field chosen for field = value.
func (t *Table) installData(d *Data) {
	first := t.data == nil
	t.data = d
	if first {
		opts := []string{i18n.T("attr.anyfield")}
		for _, c := range d.Columns {
			opts = append(opts, c.Header)
		}
		t.field.SetOptions(opts)
		t.field.SetSelectedIndex(0)
		t.sizeColumns()
	}
	for fid := range t.sel {
		if d.Row(fid) < 0 {
			delete(t.sel, fid) // deleted since
		}
	}
	t.refilter()
}

// Rows is the number of rows shown and of the layer (0 before loading).
func (t *Table) Rows() (shown, total int) {
	if t.data == nil {
		return 0, 0
	}
	return len(t.rows), t.data.Len()
}

// Cell is the text of shown row r, column c.
func (t *Table) Cell(r, c int) string { return t.data.Text(int(t.rows[r]), c) }

// SetFilter filters at once (the boxes wait for a pause in typing).
func (t *Table) SetFilter(f Filter) {
	t.filter = f
	t.refilter()
}

// SortBy sorts by column c, ascending on the first click and then
// alternating, as a click on its header does.
func (t *Table) SortBy(c int) {
	if t.order.Col == c {
		t.order.Desc = !t.order.Desc
	} else {
		t.order = Order{Col: c}
	}
	t.grid.Refresh()
	t.refilter()
}

// refilter computes the shown rows on a worker; the last request wins.
func (t *Table) refilter() {
	if t.data == nil {
		return
	}
	if t.cancel != nil {
		t.cancel()
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.cancel = cancel
	t.seq++
	seq, d, f, o := t.seq, t.data, t.filter, t.order
	go func() {
		rows, err := View(ctx, d, f, o)
		t.post(func() {
			if err != nil || seq != t.seq {
				return
			}
			t.rows = rows
			t.anchor = -1
			t.grid.Refresh()
			t.showCount()
		})
	}()
}

// typeDelay is how long the filter boxes wait after a keystroke.
const typeDelay = 150 * time.Millisecond

// typed filters after a pause in typing.
func (t *Table) typed(string) {
	if t.typing != nil {
		t.typing.Stop()
	}
	t.typing = time.AfterFunc(typeDelay, func() {
		t.post(func() { t.SetFilter(t.boxFilter()) })
	})
}

// boxFilter is the filter the boxes describe.
func (t *Table) boxFilter() Filter {
	f := Filter{Text: t.search.Text, Field: t.field.SelectedIndex() - 1, Value: t.value.Text}
	if f.Field < 0 {
		f.Field = -1
	}
	return f
}

func (t *Table) showCount() {
	if t.data == nil {
		return
	}
	shown, total := t.Rows()
	t.count.SetText(fmt.Sprintf(i18n.T("attr.count"), shown, total, len(t.sel)))
	if len(t.sel) > 0 {
		t.zoomBtn.Enable()
	} else {
		t.zoomBtn.Disable()
	}
}

// ZoomToSelection shows the selected features on the map.
func (t *Table) ZoomToSelection() {
	l := t.bp.Layer(t.code)
	if l == nil || len(t.sel) == 0 {
		return
	}
	var b orb.Bound
	found := false
	l.Read(func(s *layers.Snapshot) {
		for fid := range t.sel {
			if i, ok := s.Slot(fid); ok && s.HasGeometry(i) {
				b = unionBound(b, s.Bound(i), found)
				found = true
			}
		}
	})
	if !found {
		t.host.SetMessage(i18n.T("attr.nogeom"))
		return
	}
	t.host.ZoomTo(padBound(b))
}

func unionBound(b, o orb.Bound, have bool) orb.Bound {
	if !have {
		return o
	}
	return b.Union(o)
}

// padBound leaves a margin of 5% (at least 25 map units, so that a point
// has an area to fit) around the selection, as QGIS's zoom to selection does.
func padBound(b orb.Bound) orb.Bound {
	m := max(b.Right()-b.Left(), b.Top()-b.Bottom()) * 0.05
	return b.Pad(max(m, 25))
}

// selectedFIDs is the selection, sorted.
func (t *Table) selectedFIDs() []int64 {
	out := make([]int64, 0, len(t.sel))
	for fid := range t.sel {
		out = append(out, fid)
	}
	slices.Sort(out)
	return out
}

// Selection is the selected fids, sorted.
func (t *Table) Selection() []int64 { return t.selectedFIDs() }
