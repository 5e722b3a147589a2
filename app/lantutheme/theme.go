// Package lantutheme is the workstation's Fyne theme: the default look with
// the embedded CJK font for every text style.
package lantutheme

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"lantu/assets"
)

// Theme wraps the default theme and returns the embedded CJK font. It holds
// only read-only values: safe for concurrent use.
type Theme struct {
	fyne.Theme
	font fyne.Resource
}

// New returns the theme.
func New() *Theme {
	return &Theme{Theme: theme.DefaultTheme(), font: fyne.NewStaticResource("DroidSansFallbackFull.ttf", assets.CJKFont())}
}

// Font returns the CJK font for every style, so Chinese never falls back
// to boxes.
func (t *Theme) Font(fyne.TextStyle) fyne.Resource { return t.font }

// Color uses the light variant: planning maps are read on light paper.
func (t *Theme) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	return t.Theme.Color(n, theme.VariantLight)
}
