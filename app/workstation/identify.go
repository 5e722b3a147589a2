package workstation

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"lantu/app/i18n"
	"lantu/layers"
)

// hitTolerance is the click tolerance in pixels for lines and points.
const hitTolerance = 4

// Identify finds the features of the given layers under p: a box query on
// the blueprint, then an exact test (inside a polygon, or within tol map
// units of a line or point). Safe for concurrent use.
func Identify(ctx context.Context, bp *layers.Blueprint, codes []string, p orb.Point, tol float64) ([]*layers.Feature, error) {
	// Raster layers (DEM, slope, hillshade) have no features to pick.
	codes = slices.DeleteFunc(slices.Clone(codes), func(c string) bool { return bp.Layer(c) == nil })
	if len(codes) == 0 {
		return nil, nil
	}
	box := orb.Bound{Min: p, Max: p}.Pad(tol)
	var out []*layers.Feature
	err := bp.Query(ctx, layers.Query{Layers: codes, BBox: box}, func(f *layers.Feature) error {
		if hit(f.Geom, p, tol) {
			out = append(out, f)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("identify: %w", err)
	}
	// topmost (last drawn) first
	slices.Reverse(out)
	return out, nil
}

// hit is the exact test of one geometry against a click.
func hit(g orb.Geometry, p orb.Point, tol float64) bool {
	switch g := g.(type) {
	case orb.Polygon:
		return planar.PolygonContains(g, p) || planar.DistanceFrom(g, p) <= tol
	case orb.MultiPolygon:
		return planar.MultiPolygonContains(g, p) || planar.DistanceFrom(g, p) <= tol
	case nil:
		return false
	}
	return planar.DistanceFrom(g, p) <= tol
}

// identifyPanel lists identified features with copyable attributes.
type identifyPanel struct {
	w    *Workstation
	list *fyne.Container
	root fyne.CanvasObject
}

func newIdentifyPanel(w *Workstation) *identifyPanel {
	p := &identifyPanel{w: w, list: container.NewVBox()}
	hint := widget.NewLabel(i18n.T("identify.hint"))
	hint.Wrapping = fyne.TextWrapWord
	p.list.Add(hint)
	p.root = container.NewVScroll(p.list)
	return p
}

func (p *identifyPanel) ID() string                 { return "identify" }
func (p *identifyPanel) Title() string              { return i18n.T("tab.identify") }
func (p *identifyPanel) Content() fyne.CanvasObject { return p.root }

// show lists the features.
func (p *identifyPanel) show(fs []*layers.Feature) {
	p.list.RemoveAll()
	if len(fs) == 0 {
		p.list.Add(widget.NewLabel(i18n.T("identify.none")))
	}
	items := make([]*widget.AccordionItem, 0, len(fs))
	for _, f := range fs {
		items = append(items, widget.NewAccordionItem(featureTitle(f), p.featureCard(f)))
	}
	if len(items) > 0 {
		acc := widget.NewAccordion(items...)
		acc.MultiOpen = true
		acc.Open(0)
		p.list.Add(acc)
	}
	p.list.Refresh()
}

func featureTitle(f *layers.Feature) string {
	name := f.Layer.Table
	if d := f.Layer.Def; d != nil {
		name = i18n.Pick(d.NameZh, d.NameEn)
	}
	return fmt.Sprintf("%s · fid %d", name, f.FID)
}

// featureCard is a two-column table of attributes with copy and zoom
// buttons.
func (p *identifyPanel) featureCard(f *layers.Feature) fyne.CanvasObject {
	rows := attrRows(f)
	form := container.New(newTwoCols())
	for _, r := range rows {
		k := widget.NewLabel(r[0])
		k.TextStyle.Bold = true
		v := widget.NewLabel(r[1])
		v.Wrapping = fyne.TextWrapWord
		v.Selectable = true
		form.Add(k)
		form.Add(v)
	}
	copyBtn := widget.NewButton(i18n.T("identify.copy"), func() {
		var b strings.Builder
		for _, r := range rows {
			fmt.Fprintf(&b, "%s\t%s\n", r[0], r[1])
		}
		p.w.win.Clipboard().SetContent(b.String())
		p.w.setMessage(i18n.T("identify.copied"))
	})
	zoomBtn := widget.NewButton(i18n.T("identify.zoom"), func() {
		if f.Geom != nil {
			p.w.view.ZoomTo(f.Geom.Bound())
		}
	})
	return container.NewVBox(form, container.NewGridWithColumns(2, copyBtn, zoomBtn))
}

// attrRows are the label/value pairs of a feature, catalog fields first
// with their display names.
func attrRows(f *layers.Feature) [][2]string {
	var rows [][2]string
	done := map[string]bool{}
	if d := f.Layer.Def; d != nil {
		for _, fd := range d.Fields {
			if v, ok := f.Attrs[fd.Name]; ok {
				rows = append(rows, [2]string{i18n.Pick(fd.NameZh, fd.NameEn), valueText(v)})
				done[fd.Name] = true
			}
		}
	}
	var rest []string
	for k := range f.Attrs {
		if !done[k] {
			rest = append(rest, k)
		}
	}
	sort.Strings(rest)
	for _, k := range rest {
		rows = append(rows, [2]string{k, valueText(f.Attrs[k])})
	}
	if f.UID != "" {
		rows = append(rows, [2]string{"uid", f.UID})
	}
	return rows
}

func valueText(v any) string {
	switch v := v.(type) {
	case nil:
		return "—"
	case []byte:
		return string(v)
	case float64:
		return fmt.Sprintf("%.10g", v)
	}
	return fmt.Sprint(v)
}
