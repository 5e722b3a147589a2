package workstation

import (
	"fyne.io/fyne/v2"
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
	item := container.NewTabItem(p.Title(), p.Content())
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
