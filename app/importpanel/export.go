package importpanel

import (
	"context"
	"fmt"
	"lantu/app/internal/savefile"
	"os"
	"path/filepath"
	"sort"
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

// ExportFormats are the formats the export dialog offers, with the
// extension each writes.
var ExportFormats = []string{"gpkg", "geojson", "shp", "csv", "txt"}

// exporter is the export dialog. Use it on the UI goroutine only.
type exporter struct {
	host      Host
	bp        *layers.Blueprint
	layer     *widget.Select
	format    *widget.Select
	enc       *widget.Select
	epsg      *widget.Entry
	district  *widget.Select
	selected  *widget.Check     // only the selected features; hidden without a selection on the layer
	uids      []string          // the selection's uids on the chosen layer
	codes     map[string]string // layer option -> code
	districts map[string]string // district option -> xzqdm
	content   fyne.CanvasObject
	dlg       dialog.Dialog
}

// ShowExport shows the export dialog with layer (a code, or "") chosen.
func ShowExport(h Host, layer string) {
	bp := h.Blueprint()
	if bp == nil {
		dialog.ShowInformation(i18n.T("menu.export"), i18n.T("import.no_blueprint"), h.Window())
		return
	}
	e := newExporter(h, bp, layer)
	e.dlg = dialog.NewCustomWithoutButtons(i18n.T("export.title"), e.content, h.Window())
	e.dlg.Resize(fyne.NewSize(620, 360))
	e.dlg.Show()
}

func newExporter(h Host, bp *layers.Blueprint, layer string) *exporter {
	e := &exporter{host: h, bp: bp, codes: map[string]string{}, districts: map[string]string{}}
	var opts []string
	chosen := ""
	for _, l := range bp.Layers() {
		if l.Def != nil && l.Def.Geometry == "raster" {
			continue
		}
		o := l.Code
		if l.Def != nil && l.Def.NameZh != "" && l.Def.NameZh != l.Code {
			o += " " + l.Def.NameZh // an imported layer's name is its code
		}
		e.codes[o] = l.Code
		opts = append(opts, o)
		if l.Code == layer {
			chosen = o
		}
	}
	sort.Strings(opts)
	e.selected = widget.NewCheck("", nil)
	e.layer = widget.NewSelect(opts, func(string) { e.showSelection() })
	if chosen != "" {
		e.layer.SetSelected(chosen)
	}
	e.showSelection()
	e.format = widget.NewSelect(ExportFormats, nil)
	e.format.SetSelected("gpkg")
	e.enc = widget.NewSelect(Encodings, nil)
	e.enc.SetSelected("UTF-8")
	e.epsg = widget.NewEntry()
	e.epsg.SetPlaceHolder(i18n.T("export.crs_hint"))
	e.district = widget.NewSelect(e.districtOptions(), nil)
	e.district.SetSelected(i18n.T("export.all"))
	e.content = e.layout()
	return e
}

// Selection is what a Host may also implement to offer "only the selected
// features": the features selected on the map, on any layers. A Host with
// only Selected() *layers.Feature (the feature the identify tool picked)
// offers that one.
type Selection interface {
	SelectedFeatures() []*layers.Feature
}

// selectedOn is the uids of the host's selected features on layer code.
func selectedOn(h Host, code string) []string {
	var fs []*layers.Feature
	switch s := h.(type) {
	case Selection:
		fs = s.SelectedFeatures()
	case interface{ Selected() *layers.Feature }:
		if f := s.Selected(); f != nil {
			fs = []*layers.Feature{f}
		}
	}
	var uids []string
	for _, f := range fs {
		if f != nil && f.Layer != nil && f.Layer.Code == code && f.UID != "" {
			uids = append(uids, f.UID)
		}
	}
	return uids
}

// showSelection offers "only the selected features" when the map has a
// selection on the chosen layer.
func (e *exporter) showSelection() {
	e.uids = selectedOn(e.host, e.codes[e.layer.Selected])
	if len(e.uids) == 0 {
		e.selected.SetChecked(false)
		e.selected.Hide()
		return
	}
	e.selected.Text = fmt.Sprintf(i18n.T("export.selected"), len(e.uids))
	e.selected.Refresh()
	e.selected.Show()
}

// districtOptions are the districts of XZ_QXXZQ by code and name.
func (e *exporter) districtOptions() []string {
	opts := []string{i18n.T("export.all")}
	if e.bp.Layer("XZ_QXXZQ") == nil {
		return opts
	}
	_ = e.bp.Query(context.Background(), layers.Query{Layers: []string{"XZ_QXXZQ"}, NoGeom: true}, func(f *layers.Feature) error {
		code := fmt.Sprint(f.Attrs["xzqdm"])
		if f.Attrs["xzqdm"] == nil {
			return nil
		}
		o := strings.TrimSpace(code + " " + fmt.Sprint(valueOr(f.Attrs["xzqmc"], "")))
		if _, dup := e.districts[o]; !dup {
			e.districts[o] = code
			opts = append(opts, o)
		}
		return nil
	})
	return opts
}

func valueOr(v, d any) any {
	if v == nil {
		return d
	}
	return v
}

func (e *exporter) layout() fyne.CanvasObject {
	form := widget.NewForm(
		widget.NewFormItem(i18n.T("export.layer"), e.layer),
		widget.NewFormItem(i18n.T("export.format"), e.format),
		widget.NewFormItem(i18n.T("export.encoding"), e.enc),
		widget.NewFormItem(i18n.T("export.crs"), e.epsg),
		widget.NewFormItem(i18n.T("export.district"), e.district),
		widget.NewFormItem("", e.selected),
	)
	choose := widget.NewButton(i18n.T("export.choose"), e.chooseFile)
	choose.Importance = widget.HighImportance
	cancel := widget.NewButton(i18n.T("import.cancel"), func() { e.dlg.Hide() })
	return container.NewBorder(nil, container.NewHBox(layoutSpacer(), cancel, choose), nil, nil, form)
}

// options are what the dialog says, for an output path.
func (e *exporter) options() (transfer.ExportOptions, error) {
	opt := transfer.ExportOptions{Layer: e.codes[e.layer.Selected], Format: e.format.Selected,
		District: e.districts[e.district.Selected]}
	if e.selected.Visible() && e.selected.Checked {
		opt.UIDs = e.uids
	}
	if opt.Layer == "" {
		return opt, fmt.Errorf("%w: %s", transfer.ErrLayer, i18n.T("export.layer"))
	}
	if enc := e.enc.Selected; enc != "UTF-8" {
		opt.Encoding = enc
	}
	if t := strings.TrimPrefix(strings.ToUpper(strings.TrimSpace(e.epsg.Text)), "EPSG:"); t != "" {
		n, err := strconv.Atoi(t)
		if err != nil || n <= 0 {
			return opt, fmt.Errorf("%w: EPSG %q", transfer.ErrInput, e.epsg.Text)
		}
		opt.CRS = n
	}
	return opt, nil
}

// chooseFile asks where to write, then asks before replacing a file.
func (e *exporter) chooseFile() {
	opt, err := e.options()
	if err != nil {
		dialog.ShowError(err, e.host.Window())
		return
	}
	d := savefile.NewDialog(func(path string) {
		e.confirmAndRun(withExt(path, opt.Format), opt)
	}, e.host.Window())
	d.SetFileName(opt.Layer + "." + opt.Format)
	d.Resize(fyne.NewSize(900, 600))
	d.Show()
}

// withExt gives path the format's extension when it has none of its own.
func withExt(path, format string) string {
	if strings.EqualFold(filepath.Ext(path), "."+format) || (format == "geojson" && strings.EqualFold(filepath.Ext(path), ".json")) {
		return path
	}
	return path + "." + format
}

// confirmAndRun asks before replacing an existing output, then exports.
func (e *exporter) confirmAndRun(path string, opt transfer.ExportOptions) {
	if _, err := os.Stat(path); err == nil {
		dialog.ShowConfirm(i18n.T("export.title"), fmt.Sprintf(i18n.T("export.replace"), path), func(ok bool) {
			if ok {
				opt.Force = true
				e.run(path, opt)
			}
		}, e.host.Window())
		return
	}
	e.run(path, opt)
}

func (e *exporter) run(path string, opt transfer.ExportOptions) {
	var rep *transfer.ExportReport
	e.host.RunLong(fmt.Sprintf(i18n.T("export.running"), filepath.Base(path)), func(ctx context.Context, _ func(string, float64)) error {
		var err error
		rep, err = transfer.Export(ctx, e.bp, path, opt)
		return err
	}, func() {
		e.dlg.Hide()
		dialog.ShowInformation(i18n.T("export.title"), fmt.Sprintf(i18n.T("export.done"), rep.Features, rep.Out), e.host.Window())
	})
}
