// Package printdialog is File → 打印/导出地图… (Print / export map…): a
// dialog prefilled from the map as the user sees it (centre, the nearest
// round scale, the visible layers and their opacity), the blueprint's name
// as title and the user name as author, A3 landscape; a preview of the
// sheet; and Save as PNG or PDF through Fyne's file dialog, composed by
// package layers/layout off the UI goroutine and written through
// layers/outfile (never onto the blueprint).
package printdialog

import (
	"context"
	"fmt"
	"image"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"github.com/paulmach/orb"

	"lantu/app/i18n"
	"lantu/layers"
	"lantu/layers/layout"
	"lantu/layers/render"
)

// View is the map as the user sees it. A value: safe for concurrent use
// as long as its slice and map are not changed.
type View struct {
	Center  orb.Point // the blueprint's CRS
	Scale   float64   // 1:Scale as shown (OGC 0.28 mm pixels)
	Layers  []string  // visible codes in draw order
	Opacity map[string]float64
}

// Host is what the dialog needs from the workstation. The dialog calls it
// on the UI goroutine only, except PrintRenderOptions' Relief, which runs
// on the goroutines that compose.
type Host interface {
	Window() fyne.Window
	Blueprint() *layers.Blueprint // nil before one is open
	PrintView() View
	// PrintAuthor is the user-name setting (the sheet's 制图 line).
	PrintAuthor() string
	// PrintRenderOptions are the map renderer's options (relief shading).
	PrintRenderOptions() render.Options
	// RunLong runs fn off the UI goroutine with progress and Cancel, then
	// done on the UI goroutine if fn succeeded (an error is shown).
	RunLong(title string, fn func(ctx context.Context, report func(stage string, frac float64)) error, done func())
	SetMessage(s string)
}

// previewWidth is the preview's width in pixels of the sheet.
const previewWidth = 420

// Show opens the dialog over h's window.
func Show(h Host) {
	d, err := newDialog(h, fyne.Do)
	if err != nil {
		showInfo(h, err.Error())
		return
	}
	d.show()
}

// defaults is the spec the dialog opens with.
func defaults(h Host) (layout.Spec, error) {
	bp := h.Blueprint()
	if bp == nil {
		return layout.Spec{}, fmt.Errorf("%s", i18n.T("print.no_blueprint"))
	}
	v := h.PrintView()
	name := filepath.Base(bp.Path())
	return layout.Spec{
		Center: v.Center, Scale: layout.RoundScale(v.Scale), Paper: "A3", Landscape: true, DPI: 300,
		Layers: v.Layers, Opacity: v.Opacity, Labels: true,
		Title: strings.TrimSuffix(name, filepath.Ext(name)), Author: h.PrintAuthor(), Date: time.Now(),
	}, nil
}

// previewSpec is spec at the DPI that makes the sheet previewWidth wide.
func previewSpec(s layout.Spec) layout.Spec {
	p, err := layout.PaperByName(s.Paper)
	if err != nil {
		return s
	}
	w, _ := p.Oriented(s.Landscape)
	s.DPI = max(int(previewWidth*25.4/w), layout.MinDPI)
	return s
}

// renderPreview is the preview image of spec.
func renderPreview(ctx context.Context, bp *layers.Blueprint, ro render.Options, spec layout.Spec) (image.Image, error) {
	s, err := layout.Compose(ctx, bp, previewSpec(spec), layout.Options{Render: ro})
	if err != nil {
		return nil, err
	}
	return s.Raster()
}

// parseCenter reads "x, y".
func parseCenter(s string) (orb.Point, error) {
	parts := strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '，' })
	if len(parts) != 2 {
		return orb.Point{}, fmt.Errorf(i18n.T("print.bad_center"), s)
	}
	x, err1 := strconv.ParseFloat(parts[0], 64)
	y, err2 := strconv.ParseFloat(parts[1], 64)
	if err1 != nil || err2 != nil {
		return orb.Point{}, fmt.Errorf(i18n.T("print.bad_center"), s)
	}
	return orb.Point{x, y}, nil
}

// parseScale reads "50000", "1:50,000" or "1：50000".
func parseScale(s string) (float64, error) {
	t := strings.NewReplacer(",", "", "，", "", " ", "", "：", ":").Replace(strings.TrimSpace(s))
	t = strings.TrimPrefix(t, "1:")
	n, err := strconv.ParseFloat(t, 64)
	if err != nil || !(n > 0) {
		return 0, fmt.Errorf(i18n.T("print.bad_scale"), s)
	}
	return n, nil
}

// fileName is the suggested file name: the title with the extension.
func fileName(title, ext string) string {
	name := strings.Map(func(r rune) rune {
		if strings.ContainsRune(`/\:*?"<>|`, r) || r < ' ' {
			return '_'
		}
		return r
	}, strings.TrimSpace(title))
	if name == "" {
		name = "map"
	}
	return name + ext
}
