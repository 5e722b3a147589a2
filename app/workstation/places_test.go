package workstation

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/paulmach/orb"

	"lantu/app/mapview"
)

// detachedApp is the test app with a driver that finds no canvas for any
// object, as the GLFW driver does for a widget whose tree was detached
// from its window (the toolbar is rebuilt when the main menu is set).
type detachedApp struct{ fyne.App }

func (a detachedApp) Driver() fyne.Driver { return detachedDriver{a.App.Driver()} }

type detachedDriver struct{ fyne.Driver }

func (detachedDriver) CanvasForObject(fyne.CanvasObject) fyne.Canvas { return nil }

// dropDown returns the ▾ button of the place search entry.
func dropDown(t *testing.T, p *placeIndex) *widget.Button {
	t.Helper()
	b, ok := p.entry.ActionItem.(*widget.Button)
	if !ok {
		t.Fatalf("place search has no dropdown button (ActionItem %T)", p.entry.ActionItem)
	}
	return b
}

// TestPlaceDropDown taps the ▾ of the place search: with no options or
// no canvas it shows nothing and does not panic; with options it shows one
// menu whose item fills in the place.
func TestPlaceDropDown(t *testing.T) {
	for _, c := range []struct {
		name     string
		typed    string
		detached bool
		wantMenu int
	}{
		{"empty search", "", false, 0},
		{"empty search, detached from its canvas", "", true, 0},
		{"search with matches, detached from its canvas", "区", true, 0},
		{"search without matches", "无此地", false, 0},
		{"search with matches", "区", false, 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			a := test.NewTempApp(t)
			w := &Workstation{view: mapview.New(nil)}
			p := newPlaceIndex(w)
			p.districts = []place{{"和平区", orb.Bound{Min: orb.Point{0, 0}, Max: orb.Point{100, 100}}},
				{"沈河区", orb.Bound{Min: orb.Point{100, 0}, Max: orb.Point{200, 100}}}}
			win := test.NewTempWindow(t, container.NewVBox(p.entry))
			win.Resize(fyne.NewSize(300, 240))
			p.entry.SetText(c.typed)
			if c.detached {
				fyne.SetCurrentApp(detachedApp{a})
			}
			test.Tap(dropDown(t, p))
			fyne.SetCurrentApp(a)
			if got := len(win.Canvas().Overlays().List()); got != c.wantMenu {
				t.Fatalf("tapping ▾ after %q showed %d menus, want %d", c.typed, got, c.wantMenu)
			}
			if c.wantMenu == 0 {
				return
			}
			at := fyne.CurrentApp().Driver().AbsolutePositionForObject(p.entry)
			test.TapCanvas(win.Canvas(), at.Add(fyne.NewPos(20, p.entry.Size().Height+12)))
			if got := p.entry.Text; got != "和平区" {
				t.Errorf("choosing the first option set the search to %q, want 和平区", got)
			}
			if got := w.view.View().Center; got != (orb.Point{50, 50}) {
				t.Errorf("choosing 和平区 centred the map on %v, want its centre [50 50]", got)
			}
		})
	}
}

// Opening another blueprint empties the place search (it kept its text).
func TestPlaceSearchResetsOnOpen(t *testing.T) {
	test.NewTempApp(t)
	p := newPlaceIndex(&Workstation{})
	p.districts = []place{{name: "浑南区"}}
	p.entry.SetText("浑南")
	p.reset()
	if p.entry.Text != "" || p.districts != nil || len(p.options) != 0 {
		t.Fatalf("after opening: text %q, %d districts, options %v", p.entry.Text, len(p.districts), p.options)
	}
}
