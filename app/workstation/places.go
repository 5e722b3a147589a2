package workstation

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/paulmach/orb"

	"lantu/app/i18n"
	"lantu/layers"
)

// districtLayer is the admin-division layer used for bookmarks.
const districtLayer = "XZ_QXXZQ"

// place is a named location.
type place struct {
	name  string
	bound orb.Bound
}

// placeIndex is the place search: districts first, then labelled features.
// Use it on the UI goroutine.
type placeIndex struct {
	w         *Workstation
	entry     *widget.SelectEntry
	districts []place
	named     []place
	options   []string // what the ▾ offers: the matches of the current search
}

func newPlaceIndex(w *Workstation) *placeIndex {
	p := &placeIndex{w: w, entry: widget.NewSelectEntry(nil)}
	// Our own ▾: Fyne's SelectEntry pops its menu up on a nil canvas (and
	// panics) when the entry has been detached from its window, and shows an
	// empty menu when there are no options.
	drop := widget.NewButtonWithIcon("", theme.MenuDropDownIcon(), p.showOptions)
	drop.Importance = widget.LowImportance
	p.entry.ActionItem = drop
	p.entry.SetPlaceHolder(i18n.T("place.search"))
	p.entry.OnChanged = p.search
	p.entry.OnSubmitted = func(s string) { p.goTo(s) }
	return p
}

// load forgets the last blueprint's places and search text, then reads
// the districts and the labelled features of bp on a goroutine.
func (p *placeIndex) load(bp *layers.Blueprint) {
	p.reset()
	go func() {
		ds := districts(bp)
		named := labelled(bp, 20000)
		fyne.Do(func() {
			p.districts, p.named = ds, named
			p.w.win.SetMainMenu(p.w.menu())
		})
	}()
}

// reset empties the search box and the places.
func (p *placeIndex) reset() {
	p.districts, p.named, p.options = nil, nil, nil
	p.entry.SetOptions(nil)
	p.entry.SetText("")
}

// districts are the features of the admin-division layer by name.
func districts(bp *layers.Blueprint) []place {
	var out []place
	if bp.Layer(districtLayer) == nil {
		return nil
	}
	_ = bp.Query(context.Background(), layers.Query{Layers: []string{districtLayer}}, func(f *layers.Feature) error {
		if f.Geom != nil {
			out = append(out, place{name: fmt.Sprint(f.Attrs["xzqmc"]), bound: f.Geom.Bound()})
		}
		return nil
	})
	slices.SortFunc(out, func(a, b place) int { return strings.Compare(a.name, b.name) })
	return out
}

// labelled collects up to limit labelled features from the in-memory
// snapshots (point and small layers first: they hold the place names).
func labelled(bp *layers.Blueprint, limit int) []place {
	var out []place
	for _, l := range bp.Layers() {
		if l.Def == nil || l.Def.LabelField == "" || l.Code == districtLayer {
			continue
		}
		l.Read(func(s *layers.Snapshot) {
			for i := 0; i < s.Len() && len(out) < limit; i++ {
				if s.Live(i) && s.HasGeometry(i) && s.Label(i) != "" {
					out = append(out, place{name: s.Label(i), bound: s.Bound(i)})
				}
			}
		})
	}
	return out
}

// search offers up to 12 matching places.
func (p *placeIndex) search(s string) {
	s = strings.TrimSpace(s)
	if s == "" {
		p.options = nil
		p.entry.SetOptions(nil)
		return
	}
	var opts []string
	seen := map[string]bool{}
	for _, list := range [][]place{p.districts, p.named} {
		for _, pl := range list {
			if len(opts) < 12 && strings.Contains(pl.name, s) && !seen[pl.name] {
				seen[pl.name] = true
				opts = append(opts, pl.name)
			}
		}
	}
	p.options = opts
	p.entry.SetOptions(opts)
	if len(opts) == 1 && opts[0] == s {
		p.goTo(s)
	}
}

// showOptions pops up the matches of the current search under the entry:
// nothing when there are none or when the entry is in no canvas.
func (p *placeIndex) showOptions() {
	d := fyne.CurrentApp().Driver()
	c := d.CanvasForObject(p.entry)
	if len(p.options) == 0 || c == nil {
		return
	}
	items := make([]*fyne.MenuItem, len(p.options))
	for i, name := range p.options {
		items[i] = fyne.NewMenuItem(name, func() { p.entry.SetText(name) })
	}
	menu := widget.NewPopUpMenu(fyne.NewMenu("", items...), c)
	menu.ShowAtPosition(d.AbsolutePositionForObject(p.entry).Add(fyne.NewPos(0, p.entry.Size().Height)))
	menu.Resize(fyne.NewSize(p.entry.Size().Width, menu.MinSize().Height))
}

// goTo zooms to the first place with that exact name.
func (p *placeIndex) goTo(name string) {
	for _, list := range [][]place{p.districts, p.named} {
		for _, pl := range list {
			if pl.name == name {
				p.w.view.ZoomTo(pl.bound)
				return
			}
		}
	}
	p.w.setMessage(i18n.T("place.none"))
}
