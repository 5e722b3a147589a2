package attrtable

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/paulmach/orb"

	"lantu/app/i18n"
	"lantu/app/internal/uitest"
	"lantu/layers"
)

const landUse = "XZ_DLTB"

// parcels writes n land-use patches in a row, 100 m squares: patch i has
// tbbh "T<i>", dlbm cycling through 0101/0201/0301, tbmj 1000*(n-i) (so the
// area sorts opposite to the fid) and zldwmc NULL for every fifth.
func parcels(t testing.TB, n int) *layers.Blueprint {
	t.Helper()
	bp, err := layers.Create(filepath.Join(t.TempDir(), "t.gpkg"), layers.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { bp.Close() })
	w, err := bp.Bulk(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		x := 500000 + float64(i)*100
		g := orb.Polygon{{{x, 4600000}, {x + 100, 4600000}, {x + 100, 4600100}, {x, 4600100}, {x, 4600000}}}
		attrs := map[string]any{"tbbh": fmt.Sprintf("T%d", i), "dlbm": []string{"0101", "0201", "0301"}[i%3],
			"dlmc": []string{"水田", "果园", "乔木林地"}[i%3], "tbmj": float64(1000 * (n - i))}
		if i%5 != 0 {
			attrs["zldwmc"] = "和平村"
		}
		if err := w.Insert(landUse, g, attrs); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	return bp
}

// host records what the table asks of the window.
type host struct {
	bp       *layers.Blueprint
	selected []int64
	calls    int
	zoomed   orb.Bound
	msg      string
}

func (h *host) Blueprint() *layers.Blueprint { return h.bp }
func (h *host) SelectFeatures(layer string, fids []int64) {
	if layer != landUse {
		panic("wrong layer " + layer)
	}
	h.selected, h.calls = fids, h.calls+1
}
func (h *host) ZoomTo(b orb.Bound)  { h.zoomed = b }
func (h *host) SetMessage(s string) { h.msg = s }

// ui stands in for the UI goroutine, one for every test: a worker of one
// test (a filter's timer, a load) may still post while the next one runs,
// and Fyne's font caches are shared.
var ui uitest.UI

// openTable makes a loaded table of n patches, its updates serialised by ui.
func openTable(t *testing.T, n int) (*Table, *host, *uitest.UI) {
	t.Helper()
	uitest.NewApp(t)
	i18n.Set(i18n.Zh)
	h := &host{bp: parcels(t, n)}
	var tb *Table
	ui.Do(func() {
		tb = newTable(h, landUse, ui.Do)
		tb.mods = func() fyne.KeyModifier { return 0 }
		tb.Load()
	})
	ui.Eventually(t, "the rows", func() bool { s, _ := tb.Rows(); return s == n })
	return tb, h, &ui
}

func column(t *testing.T, tb *Table, name string) int {
	t.Helper()
	for i, c := range tb.data.Columns {
		if c.Name == name {
			return i
		}
	}
	t.Fatalf("no column %s in %v", name, tb.data.Columns)
	return -1
}

func shownColumn(tb *Table, c int) []string {
	shown, _ := tb.Rows()
	out := make([]string, shown)
	for r := range shown {
		out[r] = tb.Cell(r, c)
	}
	return out
}

func TestColumnsFromCatalog(t *testing.T) {
	tb, _, ui := openTable(t, 3)
	ui.Do(func() {
		var heads []string
		for _, c := range tb.data.Columns {
			heads = append(heads, c.Header)
		}
		want := []string{"fid", "标识码", "图斑编号", "地类编码", "地类名称", "权属性质", "坐落单位名称", "图斑面积(平方米)", "行政区代码"}
		if len(heads) < len(want) || !slices.Equal(heads[:len(want)], want) {
			t.Fatalf("headers %v, want %v first", heads, want)
		}
		if slices.Contains(heads, "uid") || slices.Contains(heads, "version") {
			t.Fatalf("system columns shown: %v", heads)
		}
		if !tb.data.Columns[column(t, tb, "tbmj")].Numeric || tb.data.Columns[column(t, tb, "dlbm")].Numeric {
			t.Fatal("tbmj should sort as a number, dlbm as text")
		}
	})
}

func TestHeaderTapSorts(t *testing.T) {
	tb, _, ui := openTable(t, 12)
	var area int
	var header *widget.Button
	ui.Do(func() {
		area = column(t, tb, "tbmj")
		header = newHeader().(*widget.Button)
		tb.updateHeader(widget.TableCellID{Row: -1, Col: area}, header)
		if header.Text != "图斑面积(平方米)" {
			t.Fatalf("header %q", header.Text)
		}
		test.Tap(header)
	})
	// ascending: the last patch has the smallest area (1000)
	ui.Eventually(t, "ascending area", func() bool { return tb.Cell(0, area) == "1000" })
	ui.Do(func() {
		got := shownColumn(tb, area)
		if got[1] != "2000" || got[11] != "12000" {
			t.Fatalf("ascending by area: %v", got)
		}
		tb.updateHeader(widget.TableCellID{Row: -1, Col: area}, header)
		if header.Text != "图斑面积(平方米) ▲" {
			t.Fatalf("sorted header %q", header.Text)
		}
		test.Tap(header)
	})
	ui.Eventually(t, "descending area", func() bool { return tb.Cell(0, area) == "12000" })
}

func TestSortTextNullsLast(t *testing.T) {
	tb, _, ui := openTable(t, 10)
	var place int
	ui.Do(func() {
		place = column(t, tb, "zldwmc")
		tb.SortBy(place)
		tb.SortBy(place) // descending: NULLs still last
	})
	ui.Eventually(t, "sorted", func() bool { return tb.order.Desc && tb.Cell(0, place) == "和平村" })
	ui.Do(func() {
		got := shownColumn(tb, place)
		if got[7] != "和平村" || got[8] != "" || got[9] != "" {
			t.Fatalf("NULLs not last: %q", got)
		}
	})
}

func TestFilterBoxes(t *testing.T) {
	tb, _, ui := openTable(t, 30)
	ui.Do(func() { test.Type(tb.search, "果园") })
	ui.Eventually(t, "text filter", func() bool { s, _ := tb.Rows(); return s == 10 })
	ui.Do(func() {
		if got := tb.count.Text; got != "显示 10 行，共 30 行；已选 0" {
			t.Fatalf("count %q", got)
		}
		tb.search.SetText("")
		tb.field.SetSelectedIndex(column(t, tb, "tbmj") + 1)
		test.Type(tb.value, "5000")
	})
	ui.Eventually(t, "field = value", func() bool { s, _ := tb.Rows(); return s == 1 })
	ui.Do(func() {
		if got := tb.Cell(0, column(t, tb, "tbbh")); got != "T25" {
			t.Fatalf("tbmj = 5000 kept %s, want T25", got)
		}
		tb.field.SetSelectedIndex(column(t, tb, "dlbm") + 1)
		tb.value.SetText("0301")
	})
	ui.Eventually(t, "text field = value", func() bool { s, _ := tb.Rows(); return s == 10 })
}

func TestSelectRowsSelectsOnMap(t *testing.T) {
	tb, h, ui := openTable(t, 20)
	ui.Do(func() {
		tb.grid.Select(widget.TableCellID{Row: 2, Col: 1})
		if !slices.Equal(h.selected, []int64{3}) {
			t.Fatalf("map selection %v after clicking row 2, want fid 3", h.selected)
		}
		tb.mods = func() fyne.KeyModifier { return fyne.KeyModifierShift }
		tb.grid.Select(widget.TableCellID{Row: 5, Col: 1})
		if !slices.Equal(h.selected, []int64{3, 4, 5, 6}) {
			t.Fatalf("map selection %v after Shift-clicking row 5", h.selected)
		}
		tb.mods = func() fyne.KeyModifier { return fyne.KeyModifierControl }
		tb.grid.Select(widget.TableCellID{Row: 4, Col: 1})
		if !slices.Equal(h.selected, []int64{3, 4, 6}) {
			t.Fatalf("map selection %v after Ctrl-clicking row 4", h.selected)
		}
		tb.ZoomToSelection()
		want := orb.Bound{Min: orb.Point{500175, 4599975}, Max: orb.Point{500625, 4600125}} // fids 3..6 and 25 m
		if h.zoomed != want {
			t.Fatalf("zoomed to %v, want %v", h.zoomed, want)
		}
	})
}

func TestMapSelectionSelectsRows(t *testing.T) {
	tb, h, ui := openTable(t, 40)
	ui.Do(func() {
		tb.SortBy(column(t, tb, "tbmj")) // fid 40 is now the first row
	})
	ui.Eventually(t, "sorted", func() bool { return tb.Cell(0, 0) == "40" })
	ui.Do(func() {
		tb.ShowSelection([]int64{7, 40})
		if h.calls != 0 {
			t.Fatalf("a selection from the map was sent back to it (%d calls)", h.calls)
		}
		if !slices.Equal(tb.Selection(), []int64{7, 40}) {
			t.Fatalf("selection %v", tb.Selection())
		}
		c := newCell().(*cell)
		tb.updateCell(widget.TableCellID{Row: 0, Col: 0}, c)
		if c.bg.FillColor != theme.Color(theme.ColorNameSelection) {
			t.Fatalf("selected row 0 drawn %v", c.bg.FillColor)
		}
		tb.updateCell(widget.TableCellID{Row: 1, Col: 0}, c)
		if c.bg.FillColor == theme.Color(theme.ColorNameSelection) {
			t.Fatal("an unselected row is drawn selected")
		}
		if got := tb.count.Text; got != "显示 40 行，共 40 行；已选 2" {
			t.Fatalf("count %q", got)
		}
	})
}
