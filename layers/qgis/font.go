package qgis

import (
	"sync"

	"golang.org/x/image/font/sfnt"

	"lantu/assets"
)

// fallbackFont is the family of the CJK font Lantu embeds
// (assets/fonts/DroidSansFallbackFull.ttf), used should its name table
// not be readable.
const fallbackFont = "Droid Sans Fallback"

var labelFont = sync.OnceValue(func() string {
	f, err := sfnt.Parse(assets.CJKFont())
	if err != nil {
		return fallbackFont
	}
	name, err := f.Name(nil, sfnt.NameIDFamily)
	if err != nil || name == "" {
		return fallbackFont
	}
	return name
})

// LabelFont is the family name of Lantu's embedded CJK font, which the
// written styles label with (QGIS falls back to a CJK system font where
// it is not installed). Safe for concurrent use.
func LabelFont() string { return labelFont() }
