package attrtable

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// click selects shown row r as a click does: alone, or added and removed
// with Ctrl (Cmd on a Mac), or the rows from the last click to r with
// Shift. The map then highlights the selection.
func (t *Table) click(r int, mods fyne.KeyModifier) {
	if t.data == nil || r < 0 || r >= len(t.rows) {
		return
	}
	fid := t.data.FIDs[t.rows[r]]
	switch {
	case mods&fyne.KeyModifierShift != 0 && t.anchor >= 0:
		lo, hi := min(t.anchor, r), max(t.anchor, r)
		if mods&(fyne.KeyModifierControl|fyne.KeyModifierSuper) == 0 {
			clear(t.sel)
		}
		for i := lo; i <= hi; i++ {
			t.sel[t.data.FIDs[t.rows[i]]] = true
		}
	case mods&(fyne.KeyModifierControl|fyne.KeyModifierSuper) != 0:
		if t.sel[fid] {
			delete(t.sel, fid)
		} else {
			t.sel[fid] = true
		}
		t.anchor = r
	default:
		clear(t.sel)
		t.sel[fid] = true
		t.anchor = r
	}
	t.selectionChanged(true)
}

// SelectShown selects every row the filter shows (QGIS's Select All on a
// filtered table).
func (t *Table) SelectShown() {
	if t.data == nil {
		return
	}
	clear(t.sel)
	for _, r := range t.rows {
		t.sel[t.data.FIDs[r]] = true
	}
	t.selectionChanged(true)
}

// ShowSelection selects the rows of fids, as the map's selection changed
// (nothing is sent back to the map), and scrolls to the first shown one.
func (t *Table) ShowSelection(fids []int64) {
	t.setSelection(fids, false)
	if t.data == nil {
		return
	}
	for i, r := range t.rows {
		if t.sel[t.data.FIDs[r]] {
			t.grid.ScrollTo(widget.TableCellID{Row: i, Col: 0})
			break
		}
	}
}

// setSelection replaces the selection; notify tells the map.
func (t *Table) setSelection(fids []int64, notify bool) {
	clear(t.sel)
	for _, fid := range fids {
		t.sel[fid] = true
	}
	t.anchor = -1
	t.selectionChanged(notify)
}

func (t *Table) selectionChanged(notify bool) {
	t.grid.Refresh()
	t.showCount()
	if notify {
		fids := t.selectedFIDs()
		if len(fids) == 0 {
			fids = nil
		}
		t.host.SelectFeatures(t.code, fids)
	}
}
