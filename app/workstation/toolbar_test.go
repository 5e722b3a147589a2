package workstation

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"lantu/app/internal/uitest"
	"lantu/app/mapview"
)

// The current tool's button is highlighted (no tool showed as active), and
// pan, distance and area have their own icons, not a caret, a minus sign
// and a checkbox.
func TestToolbarShowsActiveTool(t *testing.T) {
	uitest.NewApp(t)
	w := New(fyne.CurrentApp())
	t.Cleanup(w.win.Close)
	if w.tools[mapview.ToolPan].Importance != widget.HighImportance {
		t.Fatal("pan, the starting tool, is not highlighted")
	}
	w.setTool(mapview.ToolDistance)
	for tool, b := range w.tools {
		if on := b.Importance == widget.HighImportance; on != (tool == mapview.ToolDistance) {
			t.Errorf("tool %d highlighted %v with the distance tool on", tool, on)
		}
	}
	for tool, bad := range map[mapview.Tool]fyne.Resource{mapview.ToolPan: theme.MenuDropUpIcon(),
		mapview.ToolDistance: theme.ContentRemoveIcon(), mapview.ToolArea: theme.CheckButtonIcon()} {
		if got := w.tools[tool].Icon; got == nil || got.Name() == bad.Name() {
			t.Errorf("tool %d icon %v", tool, got)
		}
	}
}
