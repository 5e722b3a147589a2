// Package importpanel is the desktop app's import and export of data
// files: File → 导入数据… reads a file, shows a preview (CRS, encoding,
// count and type, the first features' attributes, the target layer and
// the field mapping) before anything is written, then imports it off the
// UI goroutine with progress and Cancel and lists what was imported,
// repaired and refused; File → 导出图层… writes a layer through
// layers/transfer's Export. Everything here runs on the UI goroutine; the
// reading and writing run in the Host's RunLong.
package importpanel

import (
	"context"
	"fmt"
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"github.com/paulmach/orb"

	"lantu/app/i18n"
	"lantu/layers"
	"lantu/layers/transfer"
)

// Host is what import and export need of the workstation.
type Host interface {
	Window() fyne.Window
	Blueprint() *layers.Blueprint // nil before one is open
	// RunLong runs fn off the UI goroutine with progress and Cancel, then
	// done on the UI goroutine if fn succeeded (an error is shown).
	RunLong(title string, fn func(ctx context.Context, report func(stage string, frac float64)) error, done func())
	// Imported is told, on the UI goroutine, what an import wrote and the
	// box (in the blueprint's CRS) of what it brought in: refresh and zoom.
	Imported(rep *transfer.Report, bound orb.Bound)
}

// Extensions are the files the import dialog offers.
var Extensions = []string{".shp", ".zip", ".geojson", ".json", ".csv", ".dxf", ".txt", ".gpkg",
	".SHP", ".ZIP", ".GEOJSON", ".JSON", ".CSV", ".DXF", ".TXT", ".GPKG"}

// ShowImport asks for a file and previews it.
func ShowImport(h Host) {
	if h.Blueprint() == nil {
		dialog.ShowInformation(i18n.T("menu.import"), i18n.T("import.no_blueprint"), h.Window())
		return
	}
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		path := r.URI().Path()
		r.Close()
		Preview(h, path)
	}, h.Window())
	d.SetFilter(storage.NewExtensionFileFilter(Extensions))
	d.Resize(fyne.NewSize(900, 600))
	d.Show()
}

// Preview opens path (detecting its encoding) and shows the preview
// dialog; nothing is written until its Import button is pressed.
func Preview(h Host, path string) {
	readSource(h, path, "", func(src *transfer.Source, sample []transfer.Feature) {
		p := newPreview(h, path, src, sample)
		p.show()
	})
}

// readSource opens path in RunLong (a big Shapefile, GeoJSON or
// GeoPackage is streamed, not held) and hands the Source and its first
// sampleRows features to done on the UI goroutine.
func readSource(h Host, path, encoding string, done func(*transfer.Source, []transfer.Feature)) {
	var src *transfer.Source
	var sample []transfer.Feature
	h.RunLong(fmt.Sprintf(i18n.T("import.reading"), filepath.Base(path)), func(ctx context.Context, report func(string, float64)) error {
		var err error
		if src, err = transfer.Open(path, transfer.ReadOptions{Encoding: encoding}); err != nil {
			return err
		}
		sample, err = src.Sample(ctx, sampleRows)
		return err
	}, func() { done(src, sample) })
}
