package workstation

import (
	"embed"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"lantu/app/mapview"
)

// icons holds the toolbar icons Fyne's theme lacks (icons/LICENSE).
//
//go:embed icons/*.svg
var icons embed.FS

// toolIcon is an embedded SVG icon coloured by the theme like Fyne's own.
func toolIcon(name string) fyne.Resource {
	b, err := icons.ReadFile("icons/" + name + ".svg")
	if err != nil {
		panic("workstation: icon missing: " + name) // the names are constants of this file
	}
	return theme.NewThemedResource(fyne.NewStaticResource(name+".svg", b))
}

// toolButtons are the toolbar's tool buttons; the current tool's is
// highlighted. Use on the UI goroutine.
type toolButtons map[mapview.Tool]*widget.Button

// show highlights the button of t and unhighlights the others.
func (tb toolButtons) show(t mapview.Tool) {
	for tool, b := range tb {
		want := widget.LowImportance
		if tool == t {
			want = widget.HighImportance
		}
		if b.Importance != want {
			b.Importance = want
			b.Refresh()
		}
	}
}
