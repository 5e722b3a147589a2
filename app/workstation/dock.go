package workstation

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
)

// Panel is a tab of the right-hand dock (识别 Identify, 测量 Measure,
// 冲突 Conflicts, 地形 Terrain). Panels are used on the UI goroutine only.
type Panel interface {
	ID() string    // stable key, e.g. "identify"
	Title() string // tab title in the current language
	Content() fyne.CanvasObject
}

// Dock holds the registered panels as tabs. Use it on the UI goroutine.
type Dock struct {
	tabs   *container.AppTabs
	panels map[string]*container.TabItem
}

// newDock makes the dock with its tabs down the trailing edge: six panels'
// titles do not fit across a dock of 300 px (in English the Terrain tab hid
// behind "…"), while a column of them fits any window taller than 500 px.
func newDock() *Dock {
	tabs := container.NewAppTabs()
	tabs.SetTabLocation(container.TabLocationTrailing)
	return &Dock{tabs: tabs, panels: map[string]*container.TabItem{}}
}

// Register adds p as a tab (or replaces the tab with the same ID).
func (d *Dock) Register(p Panel) {
	item := container.NewTabItem(p.Title(), fitDock(p.Content()))
	if old := d.panels[p.ID()]; old != nil {
		d.tabs.Remove(old)
	}
	d.panels[p.ID()] = item
	d.tabs.Append(item)
}

// Show selects a panel's tab.
func (d *Dock) Show(id string) {
	if item := d.panels[id]; item != nil {
		d.tabs.Select(item)
	}
}

// dockWidth is the narrowest a dock panel is drawn: the conflicts and
// terrain panels fit it. A panel whose controls need more (the edit and sync
// panels' button rows, 324-401 px) scrolls sideways instead of widening the
// dock: at 1024 px the dock took 408-474 px, and the layer panel could not
// get the width its names need without narrowing the map below 342 px.
const dockWidth = 300

// fitDock keeps a panel at least dockWidth wide, scrolling sideways past it.
func fitDock(o fyne.CanvasObject) fyne.CanvasObject {
	keep := canvas.NewRectangle(color.Transparent)
	keep.SetMinSize(fyne.NewSize(dockWidth, 1))
	return container.NewStack(keep, container.NewHScroll(o))
}
