// Package transfer moves features between files and a blueprint. Read
// turns a Shapefile (.shp or .zip, GBK or UTF-8 attributes), GeoJSON (RFC
// 7946, or a legacy crs member naming an EPSG code), CSV (a WKT column or
// x/y columns), DXF or a boundary-point TXT (界址点坐标文件) into a Source;
// Import writes a Source into a blueprint layer (a catalog layer through a
// field mapping, or a new imported layer), reprojected to the blueprint's
// CRS, each invalid geometry repaired with GEOS and reported, each feature
// that cannot go in refused by name; Export writes a layer (optionally
// filtered and clipped to a district) as GeoPackage, GeoJSON, Shapefile, CSV
// or boundary-point TXT.
//
// GeoJSON and CSV are read here rather than in packages of their own: both
// are thin layers over orb's geojson and encoding/csv whose only job is to
// produce a Source, and their one rule worth a package (which columns hold
// the geometry, which member holds the CRS) is an import decision.
package transfer

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/paulmach/orb"
)

// Sentinel errors, wrapped with %w together with the file, layer, feature or field.
var (
	ErrFormat   = errors.New("transfer: unsupported file format")
	ErrNoCRS    = errors.New("transfer: coordinate reference system unknown")
	ErrCRS      = errors.New("transfer: coordinate reference system does not fit the data")
	ErrNoGeom   = errors.New("transfer: no geometry")
	ErrEncoding = errors.New("transfer: unknown encoding")
	ErrInput    = errors.New("transfer: invalid input")
	ErrLayer    = errors.New("transfer: bad target layer")
)

// Field is one attribute of a Source, typed as catalog fields are: text,
// integer, real or date. A plain value.
type Field struct {
	Name, Type string
}

// Feature is one record of a Source: plain data, not safe for concurrent
// mutation.
type Feature struct {
	Name  string       // how reports name it: "record 3", "parcel A-01 (line 13)"
	Geom  orb.Geometry // in the Source's CRS; nil for a record without geometry
	Attrs map[string]any
}

// CRS is where a Source's coordinates are: an EPSG code, or a WKT (from a
// .prj) that PROJ reads. From tells where it was found, for reports. A
// plain value.
type CRS struct {
	EPSG int
	WKT  string
	From string
}

// Known tells whether the CRS is set.
func (c CRS) Known() bool { return c.EPSG > 0 || c.WKT != "" }

// String names the CRS for reports.
func (c CRS) String() string {
	switch {
	case c.EPSG > 0:
		return fmt.Sprintf("EPSG:%d (%s)", c.EPSG, c.From)
	case c.WKT != "":
		return "WKT (" + c.From + ")"
	}
	return "unknown"
}

// Source is a layer read from a file. It is a plain value, not safe for
// concurrent mutation.
type Source struct {
	Path     string
	Format   string // shp, geojson, csv, dxf, txt
	Fields   []Field
	Features []Feature
	CRS      CRS
	Encoding string
	Notes    []string // what the reader decided or skipped (axis order, DXF entities...)
}

// ReadOptions configure Read. A plain value.
type ReadOptions struct {
	Encoding string // of attributes: "" detects (UTF-8, else the .cpg or GBK); "GBK", "UTF-8"...
	KeepZM   bool
	Table    string // the layer of a GeoPackage with several
}

// Read reads a file by its extension: .shp/.zip, .geojson/.json, .csv,
// .dxf, .txt, .gpkg.
func Read(path string, opt ReadOptions) (*Source, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("transfer: %w", err)
	}
	switch ext := strings.ToLower(filepath.Ext(path)); ext {
	case ".shp", ".zip":
		return readShapefile(path, opt)
	case ".geojson", ".json":
		return readGeoJSON(path)
	case ".csv":
		return readCSV(path, opt)
	case ".gpkg":
		return readGPKG(path, opt)
	case ".dxf":
		return readDXF(path)
	case ".txt":
		return readBoundaryTXT(path, opt)
	default:
		return nil, fmt.Errorf("%w: %s (want .shp, .zip, .geojson, .json, .csv, .dxf, .txt or .gpkg)", ErrFormat, path)
	}
}
