// Package assets embeds the files Lantu ships inside its binaries: the layer
// catalog, the conflict rules, and the CJK font (with its licence).
//
// The embedded file system is read-only and safe for concurrent use.
package assets

import (
	"embed"
	"io/fs"
)

//go:embed all:catalog fonts all:rules
var files embed.FS

// FS returns the embedded asset tree, rooted at this folder.
func FS() fs.FS { return files }

// Sub returns the embedded sub-folder dir (for example "catalog").
func Sub(dir string) fs.FS {
	f, err := fs.Sub(files, dir)
	if err != nil {
		panic("assets: " + dir + ": " + err.Error()) // dir is a constant of this program
	}
	return f
}

// CJKFont returns the embedded TrueType font with Chinese glyphs
// (DroidSansFallbackFull, Apache-2.0).
func CJKFont() []byte {
	b, err := files.ReadFile("fonts/DroidSansFallbackFull.ttf")
	if err != nil {
		panic("assets: font missing: " + err.Error())
	}
	return b
}
