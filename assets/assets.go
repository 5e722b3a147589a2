// Package assets embeds the files Lantu ships inside its binaries: the layer
// catalog, the conflict rules, the CJK font, and the real data the demo
// blueprint is shaped by, each third-party file with its licence beside it.
//
// The embedded file system is read-only and safe for concurrent use.
package assets

import (
	"embed"
	"io/fs"
)

//go:embed all:catalog fonts all:rules demo
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

// DemoSource returns the real data the demo generator (package
// layers/demo) is shaped by, laid out as a source-data folder:
//
//	vector/shenyang_outline_echarts.geojson  Shenyang city outline (Apache ECharts 4.9.0, Apache-2.0)
//	vector/shenyang_rivers_gshhg.geojson     rivers around Shenyang (GSHHG/WDB, LGPL-3+)
//	dem/etopo20_northeast_china.tif          relief of north-east China (NOAA ETOPO5)
//
// Each file has its source and licence in a .LICENSE file beside it; all
// coordinates are WGS-84 lon/lat.
func DemoSource() fs.FS { return Sub("demo") }
