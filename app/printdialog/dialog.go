package printdialog

import (
	"context"
	"errors"
	"fmt"
	"image"
	"lantu/app/internal/savefile"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"lantu/app/i18n"
	"lantu/layers"
	"lantu/layers/layout"
	"lantu/layers/outfile"
	"lantu/layers/render"
)

// previewDelay is how long the preview waits after a change before it
// composes, so that typing a title composes once.
const previewDelay = 300 * time.Millisecond

// formWidth is the least width of the form beside the preview.
const formWidth = 400

// printDialog is the open dialog. Use it on the UI goroutine only, except
// where a method says otherwise.
type printDialog struct {
	h    Host
	bp   *layers.Blueprint
	ro   render.Options
	base layout.Spec  // layers, opacity and labels as the map shows them
	post func(func()) // runs on the UI goroutine: fyne.Do

	title, subtitle, author, date, center *widget.Entry
	scale                                 *widget.SelectEntry
	paper, dpi                            *widget.Select
	orient                                *widget.RadioGroup
	labels                                *widget.Check
	preview                               *canvas.Image
	status                                *widget.Label
	savePNG, savePDF                      *widget.Button
	dlg                                   dialog.Dialog

	built  bool          // the widgets are filled: their changes recompose the preview
	seq    atomic.Uint64 // the latest preview asked for; older ones are dropped
	timer  *time.Timer
	cancel context.CancelFunc // the preview being composed
}

// newDialog fills the dialog from h; post runs a function on the UI
// goroutine (fyne.Do).
func newDialog(h Host, post func(func())) (*printDialog, error) {
	spec, err := defaults(h)
	if err != nil {
		return nil, err
	}
	d := &printDialog{h: h, bp: h.Blueprint(), ro: h.PrintRenderOptions(), base: spec, post: post}
	d.build(spec)
	d.built = true
	return d, nil
}

// build makes the widgets, filled from spec.
func (d *printDialog) build(spec layout.Spec) {
	changed := func(string) { d.schedule() }
	entry := func(text string) *widget.Entry {
		e := widget.NewEntry()
		e.SetText(text)
		e.OnChanged = changed
		return e
	}
	d.title, d.subtitle, d.author = entry(spec.Title), entry(spec.Subtitle), entry(spec.Author)
	d.date = entry(spec.Date.Format("2006-01-02"))
	d.center = entry(fmt.Sprintf("%.1f, %.1f", spec.Center[0], spec.Center[1]))
	var scales []string
	for _, n := range []float64{500, 1000, 2000, 5000, 10000, 25000, 50000, 100000, 250000, 500000, 1000000} {
		scales = append(scales, layout.ScaleText(n))
	}
	d.scale = widget.NewSelectEntry(scales)
	d.scale.SetText(layout.ScaleText(spec.Scale))
	d.scale.OnChanged = changed
	var papers []string
	for _, p := range layout.Papers {
		papers = append(papers, p.Name)
	}
	d.paper = widget.NewSelect(papers, changed)
	d.paper.SetSelected(spec.Paper)
	d.orient = widget.NewRadioGroup([]string{i18n.T("print.landscape"), i18n.T("print.portrait")}, changed)
	d.orient.Horizontal, d.orient.Required = true, true
	d.orient.SetSelected(i18n.T("print.landscape"))
	d.dpi = widget.NewSelect([]string{"150", "300"}, changed)
	d.dpi.SetSelected(strconv.Itoa(spec.DPI))
	d.labels = widget.NewCheck(i18n.T("print.labels"), func(bool) { d.schedule() })
	d.labels.SetChecked(spec.Labels)
	d.preview = canvas.NewImageFromImage(image.NewRGBA(image.Rect(0, 0, 1, 1)))
	d.preview.FillMode = canvas.ImageFillContain
	d.preview.SetMinSize(fyne.NewSize(previewWidth, previewWidth*297/420))
	d.status = widget.NewLabel("")
	d.status.Wrapping = fyne.TextWrapWord
	d.savePNG = widget.NewButton(i18n.T("print.save_png"), func() { d.saveAs(".png") })
	d.savePDF = widget.NewButton(i18n.T("print.save_pdf"), func() { d.saveAs(".pdf") })
	d.savePDF.Importance = widget.HighImportance
}

// content is the form beside the preview, the buttons below.
func (d *printDialog) content() fyne.CanvasObject {
	form := widget.NewForm(
		widget.NewFormItem(i18n.T("print.title"), d.title),
		widget.NewFormItem(i18n.T("print.subtitle"), d.subtitle),
		widget.NewFormItem(i18n.T("print.author"), d.author),
		widget.NewFormItem(i18n.T("print.date"), d.date),
		widget.NewFormItem(i18n.T("print.scale"), d.scale),
		widget.NewFormItem(i18n.T("print.center"), d.center),
		widget.NewFormItem(i18n.T("print.paper"), container.NewHBox(d.paper, d.orient)),
		widget.NewFormItem(i18n.T("print.dpi"), container.NewHBox(d.dpi, d.labels)),
	)
	min := form.MinSize() // entries get room, labels are never cut (the English ones are wider)
	left := container.NewGridWrap(fyne.NewSize(max(formWidth, min.Width), min.Height), form)
	close := widget.NewButton(i18n.T("print.close"), func() { d.close() })
	right := container.NewBorder(widget.NewLabel(i18n.T("print.preview")), nil, nil, nil, d.preview)
	return container.NewBorder(nil, container.NewBorder(nil, nil, nil, container.NewHBox(close, d.savePNG, d.savePDF), d.status),
		nil, nil, container.NewHBox(left, right))
}

func (d *printDialog) show() {
	d.dlg = dialog.NewCustomWithoutButtons(i18n.T("print.dialog"), d.content(), d.h.Window())
	d.dlg.Show()
	d.refresh()
}

func (d *printDialog) close() {
	d.stopPreview()
	if d.dlg != nil {
		d.dlg.Hide()
	}
}

// readSpec is the spec the fields say, or the first field that is wrong.
func (d *printDialog) readSpec() (layout.Spec, error) {
	s := d.base
	s.Title, s.Subtitle, s.Author = strings.TrimSpace(d.title.Text), strings.TrimSpace(d.subtitle.Text), strings.TrimSpace(d.author.Text)
	var err error
	if s.Scale, err = parseScale(d.scale.Text); err != nil {
		return s, err
	}
	if s.Center, err = parseCenter(d.center.Text); err != nil {
		return s, err
	}
	if s.Date, err = time.ParseInLocation("2006-01-02", strings.TrimSpace(d.date.Text), time.Local); err != nil {
		return s, fmt.Errorf(i18n.T("print.bad_date"), d.date.Text)
	}
	s.Paper, s.Landscape = d.paper.Selected, d.orient.Selected == i18n.T("print.landscape")
	s.DPI, _ = strconv.Atoi(d.dpi.Selected)
	s.Labels = d.labels.Checked
	return s, nil
}

// schedule recomposes the preview after a pause in the changes.
func (d *printDialog) schedule() {
	if !d.built {
		return
	}
	if d.timer != nil {
		d.timer.Stop()
	}
	d.timer = time.AfterFunc(previewDelay, func() { d.post(d.refresh) })
}

func (d *printDialog) stopPreview() {
	if d.timer != nil {
		d.timer.Stop()
	}
	if d.cancel != nil {
		d.cancel()
	}
	d.seq.Add(1)
}

// refresh composes the preview on a goroutine and shows it unless a newer
// one was asked for meanwhile.
func (d *printDialog) refresh() {
	spec, err := d.readSpec()
	if err != nil {
		d.status.SetText(err.Error())
		return
	}
	d.stopPreview()
	seq := d.seq.Load()
	ctx, cancel := context.WithCancel(context.Background())
	d.cancel = cancel
	d.status.SetText(i18n.T("print.previewing"))
	go func() {
		img, err := renderPreview(ctx, d.bp, d.ro, spec)
		d.post(func() {
			if d.seq.Load() != seq {
				return
			}
			d.showPreview(img, err)
		})
	}()
}

func (d *printDialog) showPreview(img image.Image, err error) {
	if err != nil {
		if !errors.Is(err, context.Canceled) {
			d.status.SetText(err.Error())
		}
		return
	}
	d.preview.Image = img
	d.preview.Refresh()
	d.status.SetText("")
}

// saveAs asks where to save the sheet with extension ext, then saves it.
func (d *printDialog) saveAs(ext string) {
	spec, err := d.readSpec()
	if err != nil {
		d.status.SetText(err.Error())
		return
	}
	fd := savefile.NewDialog(func(path string) {
		if !strings.EqualFold(filepath.Ext(path), ext) {
			path += ext
		}
		d.Export(path, spec)
	}, d.h.Window())
	fd.SetFileName(fileName(spec.Title, ext))
	fd.SetFilter(storage.NewExtensionFileFilter([]string{ext, strings.ToUpper(ext)}))
	if dir, err := storage.ListerForURI(storage.NewFileURI(filepath.Dir(d.bp.Path()))); err == nil {
		fd.SetLocation(dir)
	}
	fd.Resize(fyne.NewSize(800, 560))
	fd.Show()
}

// Export composes spec at its DPI behind the host's progress and writes it
// to path as PDF or PNG (by extension) through outfile: a temp file beside
// it renamed into place, never onto the blueprint.
func (d *printDialog) Export(path string, spec layout.Spec) {
	bp, ro := d.bp, d.ro
	d.h.RunLong(i18n.T("print.saving"), func(ctx context.Context, report func(string, float64)) error {
		report(i18n.T("print.composing"), 0.1)
		return export(ctx, bp, ro, spec, path)
	}, func() { d.h.SetMessage(fmt.Sprintf(i18n.T("print.saved"), path)) })
}

// export writes the sheet of spec to path (any goroutine).
func export(ctx context.Context, bp *layers.Blueprint, ro render.Options, spec layout.Spec, path string) error {
	dst, err := outfile.Create(path, outfile.Options{Inputs: []string{bp.Path()}, Force: true})
	if err != nil {
		return err
	}
	defer dst.Abort()
	sheet, err := layout.Compose(ctx, bp, spec, layout.Options{Render: ro})
	if err != nil {
		return err
	}
	f, err := os.Create(dst.Path())
	if err != nil {
		return err
	}
	if strings.EqualFold(filepath.Ext(path), ".png") {
		err = sheet.WritePNG(f)
	} else {
		err = sheet.WritePDF(f)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return dst.Commit()
}

func showInfo(h Host, msg string) {
	dialog.ShowInformation(i18n.T("print.dialog"), msg, h.Window())
}
