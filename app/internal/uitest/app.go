package uitest

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"lantu/app/lantutheme"
)

// NewApp starts Fyne's test app with Lantu's theme, whose embedded CJK font
// draws every Chinese glyph. Under Fyne's own test theme Chinese text falls
// back to whatever fonts the machine has, so golden markup would measure
// differently on a machine without them.
func NewApp(t testing.TB) fyne.App {
	a := test.NewTempApp(t)
	a.Settings().SetTheme(lantutheme.New())
	return a
}
