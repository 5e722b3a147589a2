package importpanel

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"lantu/app/i18n"
	"lantu/layers"
	"lantu/layers/transfer"
)

// sampleRows is how many features the preview's table shows.
const sampleRows = 20

// Encodings the preview offers for a source with attributes.
var Encodings = []string{"UTF-8", "GBK", "GB18030"}

// preview is the dialog shown before an import. Use it on the UI
// goroutine only.
type preview struct {
	host   Host
	bp     *layers.Blueprint
	path   string
	src    *transfer.Source
	sample []transfer.Feature // the first features, for the table

	crsText *widget.Label
	epsg    *widget.Entry // shown when the source's CRS is unknown
	crsErr  *widget.Label
	enc     *widget.Select
	count   *widget.Label
	sampled *widget.Label // the table's title: how many features it shows
	table   *widget.Table
	target  *widget.Select
	name    *widget.Entry
	mapBox  *fyne.Container
	maps    map[string]*widget.Select // source field -> target choice
	run     *widget.Button
	targets map[string]*layers.Layer // target option -> layer
	content fyne.CanvasObject
	dlg     dialog.Dialog
}

func newPreview(h Host, path string, src *transfer.Source, sample []transfer.Feature) *preview {
	p := &preview{host: h, bp: h.Blueprint(), path: path, src: src}
	p.crsText, p.crsErr, p.count = widget.NewLabel(""), widget.NewLabel(""), widget.NewLabel("")
	p.crsText.Wrapping, p.crsErr.Wrapping = fyne.TextWrapWord, fyne.TextWrapWord
	p.crsErr.Importance = widget.DangerImportance
	p.epsg = widget.NewEntry()
	p.epsg.SetPlaceHolder(i18n.T("import.crs_hint"))
	p.epsg.OnChanged = func(string) { p.checkCRS() }
	p.enc = widget.NewSelect(Encodings, nil)
	p.name = widget.NewEntry()
	p.name.OnChanged = func(string) { p.checkReady() }
	p.target = widget.NewSelect(nil, nil)
	p.mapBox = container.NewVBox()
	p.run = widget.NewButton(i18n.T("import.run"), p.start)
	p.run.Importance = widget.HighImportance
	p.table = widget.NewTable(p.tableSize, func() fyne.CanvasObject { return widget.NewLabel("") }, p.tableCell)
	p.table.ShowHeaderRow = true
	p.table.CreateHeader = func() fyne.CanvasObject { return widget.NewLabel("") }
	p.table.UpdateHeader = p.tableHeader
	p.content = p.layout()
	p.setSource(src, sample)
	return p
}

func (p *preview) layout() fyne.CanvasObject {
	cancel := widget.NewButton(i18n.T("import.cancel"), func() { p.close() })
	form := widget.NewForm(
		widget.NewFormItem(i18n.T("import.format"), widget.NewLabel(filepath.Base(p.path)+" ("+p.src.Format+")")),
		widget.NewFormItem(i18n.T("import.crs"), container.NewVBox(p.crsText, p.epsg, p.crsErr)),
		widget.NewFormItem(i18n.T("import.encoding"), p.enc),
		widget.NewFormItem(i18n.T("import.features"), p.count),
		widget.NewFormItem(i18n.T("import.target"), container.NewVBox(p.target, p.name)),
	)
	mapping := container.NewBorder(widget.NewLabelWithStyle(i18n.T("import.mapping"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		nil, nil, nil, container.NewVScroll(p.mapBox))
	p.sampled = widget.NewLabelWithStyle(fmt.Sprintf(i18n.T("import.sample"), sampleRows), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	sample := container.NewBorder(p.sampled, nil, nil, nil, p.table)
	left := container.NewBorder(form, nil, nil, nil, mapping)
	split := container.NewHSplit(left, sample)
	split.Offset = 0.45
	buttons := container.NewHBox(layoutSpacer(), cancel, p.run)
	return container.NewBorder(nil, buttons, nil, nil, split)
}

// setSource shows a (re-)read source: CRS, encoding, count, sample,
// targets and mapping.
func (p *preview) setSource(src *transfer.Source, sample []transfer.Feature) {
	p.src, p.sample = src, sample
	n := strconv.Itoa(src.Len())
	if src.Len() < 0 {
		n = "?" // a Shapefile without its .shx: counted when imported
	}
	p.count.SetText(fmt.Sprintf(i18n.T("import.features_n"), n, src.GeomType()))
	p.sampled.SetText(fmt.Sprintf(i18n.T("import.sample"), len(sample)))
	p.enc.OnChanged = nil
	if len(src.Fields) == 0 {
		p.enc.Hide()
	} else {
		p.enc.Show()
		p.enc.SetSelected(canonicalEncoding(src.Encoding))
	}
	p.enc.OnChanged = p.reread
	p.fillTargets()
	p.checkCRS()
	p.fitColumns()
	p.table.Refresh()
}

// canonicalEncoding names an encoding as the select does.
func canonicalEncoding(e string) string {
	switch u := strings.ToUpper(strings.ReplaceAll(e, "_", "-")); {
	case u == "" || u == "UTF8" || u == "UTF-8":
		return "UTF-8"
	case strings.Contains(u, "18030"):
		return "GB18030"
	case strings.Contains(u, "GBK") || u == "CP936" || u == "GB2312":
		return "GBK"
	default:
		return u
	}
}

// reread reads the file again with the chosen encoding.
func (p *preview) reread(enc string) {
	if canonicalEncoding(p.src.Encoding) == enc {
		return
	}
	readSource(p.host, p.path, enc, p.setSource)
}

// srs is the EPSG code typed for a source without a CRS, 0 if none (or
// not a number), -1 if the text is not a code.
func (p *preview) srs() int {
	t := strings.TrimPrefix(strings.ToUpper(strings.TrimSpace(p.epsg.Text)), "EPSG:")
	if t == "" {
		return 0
	}
	n, err := strconv.Atoi(t)
	if err != nil || n <= 0 {
		return -1
	}
	return n
}

// checkCRS says where the coordinates go, or asks for an EPSG code.
func (p *preview) checkCRS() {
	to := p.bp.SRID()
	if p.src.CRS.Known() {
		p.epsg.Hide()
		p.crsText.SetText(fmt.Sprintf(i18n.T("import.crs_to"), p.src.CRS, to))
	} else {
		p.epsg.Show()
		p.crsText.SetText(i18n.T("import.crs_unknown"))
	}
	p.crsErr.SetText("")
	p.crsErr.Hide()
	if n := p.srs(); n > 0 || p.src.CRS.Known() {
		if err := transfer.CheckCRS(p.src, max(n, 0), to); err != nil {
			p.crsErr.SetText(fmt.Sprintf(i18n.T("import.crs_bad"), err))
			p.crsErr.Show()
		}
	} else if n < 0 {
		p.crsErr.SetText(fmt.Sprintf(i18n.T("import.crs_bad"), p.epsg.Text))
		p.crsErr.Show()
	}
	p.checkReady()
}

// crsReady tells whether the CRS lets the import start.
func (p *preview) crsReady() bool {
	n := p.srs()
	if n < 0 || (!p.src.CRS.Known() && n == 0) {
		return false
	}
	return transfer.CheckCRS(p.src, max(n, 0), p.bp.SRID()) == nil
}

// checkReady enables Import when the CRS and the target are set.
func (p *preview) checkReady() {
	ok := p.crsReady() && len(p.sample) > 0 && !p.bp.ReadOnly()
	if p.newLayer() && strings.TrimSpace(p.name.Text) == "" {
		ok = false
	}
	if ok {
		p.run.Enable()
	} else {
		p.run.Disable()
	}
}

func (p *preview) show() {
	p.dlg = dialog.NewCustomWithoutButtons(fmt.Sprintf(i18n.T("import.title"), filepath.Base(p.path)), p.content, p.host.Window())
	p.dlg.Resize(fitted(p.host.Window(), 1100, 680))
	p.dlg.Show()
}

func (p *preview) close() {
	if p.dlg != nil {
		p.dlg.Hide()
	}
}

// fitted is w x h, made smaller to fit inside win with a margin.
func fitted(win fyne.Window, w, h float32) fyne.Size {
	c := win.Canvas().Size()
	if c.Width > 0 && c.Height > 0 {
		w, h = min(w, c.Width-40), min(h, c.Height-40)
	}
	return fyne.NewSize(w, h)
}
