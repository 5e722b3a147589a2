package attrtable

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"lantu/app/i18n"
	"lantu/app/internal/uitest"
)

var update = flag.Bool("update", false, "rewrite the golden markup in testdata")

// The table sorted by area with a row selected, as drawn: headers with the
// sort mark, NULL in the low-importance colour, numbers to the right, the
// selected row's background, the counts.
func TestGoldenTable(t *testing.T) {
	uitest.NewApp(t)
	i18n.Set(i18n.Zh)
	h := &host{bp: parcels(t, 1)}
	var tb *Table
	ui.Do(func() {
		tb = newTable(h, landUse, ui.Do)
		tb.installData(tiny())
		tb.SortBy(2)
	})
	ui.Eventually(t, "sorted", func() bool { return len(tb.rows) == 5 && tb.Cell(0, 0) == "3" })
	ui.Do(func() {
		tb.ShowSelection([]int64{1})
		tb.Content().Resize(fyne.NewSize(640, 300))
		const name = "table.xml"
		if *update {
			if err := os.MkdirAll("testdata", 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join("testdata", name), []byte(test.RenderObjectToMarkup(tb.Content())), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		test.AssertObjectRendersToMarkup(t, name, tb.Content())
	})
}
