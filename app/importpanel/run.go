package importpanel

import (
	"context"
	"fmt"
	"math"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"
	"github.com/paulmach/orb"

	"lantu/app/i18n"
	"lantu/layers/transfer"
)

// maxListed is how many repaired or refused features the result names.
const maxListed = 200

func widgetRow(label string, o fyne.CanvasObject) fyne.CanvasObject {
	return container.NewGridWithColumns(2, widget.NewLabel(label), o)
}

// options are the ImportOptions and the Source the preview's choices
// say: the fields set to "not imported" left out of the Source's fields.
func (p *preview) options() (*transfer.Source, transfer.ImportOptions) {
	// One Apply for the whole file: Cancel (or a failure) leaves the
	// blueprint as it was, which batches would not.
	opt := transfer.ImportOptions{SRS: max(p.srs(), 0), BatchSize: math.MaxInt32}
	src := *p.src
	if l := p.layer(); l != nil {
		overrides, skipped := p.chosenMapping()
		opt.Layer, opt.Map = l.Code, overrides
		src.Fields = nil
		for _, f := range p.src.Fields {
			if !skipped[f.Name] {
				src.Fields = append(src.Fields, f)
			}
		}
	} else {
		opt.As = strings.TrimSpace(p.name.Text)
	}
	return &src, opt
}

// start imports in RunLong and shows the result.
func (p *preview) start() {
	src, opt := p.options()
	bp := p.bp
	var rep *transfer.Report
	var bound orb.Bound
	title := fmt.Sprintf(i18n.T("import.running"), filepath.Base(p.path))
	p.host.RunLong(title, func(ctx context.Context, report func(string, float64)) error {
		opt.Progress = func(done, total int) {
			if total > 0 {
				report(fmt.Sprintf(i18n.T("import.stage"), done, total), float64(done)/float64(total))
			}
		}
		var err error
		if rep, err = transfer.Import(ctx, bp, src, opt); err != nil {
			return err
		}
		bound, _ = transfer.ProjectedBound(src, opt.SRS, bp.SRID())
		return nil
	}, func() {
		p.close()
		p.host.Imported(rep, bound)
		showResult(p.host.Window(), rep)
	})
}

// resultText lists what an import did.
func resultText(rep *transfer.Report) string {
	var b strings.Builder
	fmt.Fprintf(&b, i18n.T("import.result_summary")+"\n", filepath.Base(rep.Source), rep.Read, rep.Imported, rep.Layer)
	fmt.Fprintf(&b, "%s: %s\n", i18n.T("import.crs"), rep.CRS)
	list := func(key string, notes []transfer.Note) {
		fmt.Fprintf(&b, "\n"+i18n.T(key)+"\n", len(notes))
		for i, n := range notes {
			if i == maxListed {
				fmt.Fprintf(&b, i18n.T("import.more")+"\n", len(notes)-maxListed)
				break
			}
			fmt.Fprintf(&b, "  %s: %s\n", n.Feature, n.Reason)
		}
	}
	list("import.repaired", rep.Repaired)
	list("import.refused", rep.Refused)
	return strings.TrimRight(b.String(), "\n")
}

// showResult shows the report in a dialog.
func showResult(win fyne.Window, rep *transfer.Report) {
	text := widget.NewLabel(resultText(rep))
	text.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustom(i18n.T("import.result"), i18n.T("import.close"), container.NewVScroll(text), win)
	d.Resize(fitted(win, 720, 480))
	d.Show()
}
