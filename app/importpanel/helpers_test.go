package importpanel

import (
	"fmt"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

func tableID(r, c int) widget.TableCellID { return widget.TableCellID{Row: r, Col: c} }

func labelText(o fyne.CanvasObject) string { return o.(*widget.Label).Text }

func anyText(v any) string {
	if v == nil {
		return ""
	}
	return fmt.Sprint(v)
}

// choose picks the target layer whose option starts with code.
func choose(t *testing.T, p *preview, code string) {
	t.Helper()
	for _, o := range p.target.Options {
		if strings.HasPrefix(o, code+" ") {
			p.target.SetSelected(o)
			return
		}
	}
	t.Fatalf("no target %s in %q", code, p.target.Options)
}

// optionFor is the select option naming the field column.
func optionFor(t *testing.T, s *widget.Select, column string) string {
	t.Helper()
	for _, o := range s.Options {
		if o == column || strings.HasPrefix(o, column+" ") {
			return o
		}
	}
	t.Fatalf("no option %s in %q", column, s.Options)
	return ""
}
