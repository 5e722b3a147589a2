package layertree

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
)

// indentIcon is the size of the tree's expand arrows, and so of each
// level's indent (Fyne indents by the inline icon size plus padding): 14
// instead of the theme's 20 gives a layer three groups deep 24 px more for
// its name, which at 1024 px was cut to "乡镇…".
const indentIcon = 14

// indentTheme is the app's theme with smaller inline icons, for the tree's
// own arrows and indents only; rows get the app's theme back (normalTheme).
type indentTheme struct{ fyne.Theme }

func (t indentTheme) Size(n fyne.ThemeSizeName) float32 {
	if n == theme.SizeNameInlineIcon {
		return indentIcon
	}
	return t.Theme.Size(n)
}

// appTheme is the theme the app draws with.
func appTheme() fyne.Theme {
	if a := fyne.CurrentApp(); a != nil && a.Settings().Theme() != nil {
		return a.Settings().Theme()
	}
	return theme.DefaultTheme()
}

// compactIndent draws tree with the smaller indent.
func compactIndent(tree fyne.CanvasObject) fyne.CanvasObject {
	return container.NewThemeOverride(tree, indentTheme{appTheme()})
}

// normalTheme gives a row the app's theme back inside the compact tree, so
// its checkbox keeps its size.
func (p *Panel) normalTheme(r *row) fyne.CanvasObject {
	return container.NewThemeOverride(r, appTheme())
}

// rowOf is the row a tree node template holds.
func rowOf(o fyne.CanvasObject) *row {
	if t, ok := o.(*container.ThemeOverride); ok {
		return t.Content.(*row)
	}
	return o.(*row)
}
