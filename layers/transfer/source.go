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
	"context"
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

	idField bool // a GeoJSON feature's id was made a field
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

// Source is a layer read from a file: its features in memory (Read), or
// streamed from the file on each pass (Open). Use Len, Each and Sample to
// get at the features either way. A Source is a plain value, not safe for
// concurrent mutation; a streamed one may be copied, and its copies read
// the file independently.
type Source struct {
	Path     string
	Format   string // shp, geojson, csv, dxf, txt, gpkg
	Fields   []Field
	Features []Feature // every feature; nil for a streamed Source
	CRS      CRS
	Encoding string
	Notes    []string // what the reader decided or skipped (axis order, DXF entities...)
	stream   *stream
}

// stream is how a streamed Source reads its features: each pass opens the
// file anew, so nothing stays open between passes.
type stream struct {
	count    int       // features, -1 when not known before reading
	geomType string    // of a new layer holding them, as sourceGeomType
	bound    orb.Bound // of every coordinate
	coords   bool      // whether any feature has a coordinate
	each     func(ctx context.Context, fn func(Feature) error) error
}

// Streamed tells whether the features are read from the file on each pass
// rather than held in Features.
func (s *Source) Streamed() bool { return s.stream != nil }

// Len is the number of features, or -1 when a streamed Source does not
// know it before reading.
func (s *Source) Len() int {
	if s.stream != nil {
		return s.stream.count
	}
	return len(s.Features)
}

// Each calls fn with every feature in file order; fn's error (or the
// context's, or the file's) stops the pass and is returned. A streamed
// Source reads the file again on every call.
func (s *Source) Each(ctx context.Context, fn func(Feature) error) error {
	if s.stream != nil {
		return s.stream.each(ctx, fn)
	}
	for i, f := range s.Features {
		if i%256 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		if err := fn(f); err != nil {
			return err
		}
	}
	return nil
}

// errEnough stops a pass early.
var errEnough = errors.New("transfer: enough features")

// Sample is the first n features (fewer when the Source has fewer).
func (s *Source) Sample(ctx context.Context, n int) ([]Feature, error) {
	if s.stream == nil {
		return s.Features[:min(n, len(s.Features))], nil
	}
	var out []Feature
	err := s.Each(ctx, func(f Feature) error {
		if len(out) == n {
			return errEnough
		}
		out = append(out, f)
		return nil
	})
	if err != nil && !errors.Is(err, errEnough) {
		return out, err
	}
	return out, nil
}

// ReadOptions configure Read. A plain value.
type ReadOptions struct {
	Encoding string // of attributes: "" detects (UTF-8, else the .cpg or GBK); "GBK", "UTF-8"...
	KeepZM   bool
	Table    string // the layer of a GeoPackage with several
}

// Read reads a file by its extension (.shp/.zip, .geojson/.json, .csv,
// .dxf, .txt, .gpkg) with every feature in Features.
func Read(path string, opt ReadOptions) (*Source, error) {
	src, err := Open(path, opt)
	if err != nil || src.stream == nil {
		return src, err
	}
	err = src.Each(context.Background(), func(f Feature) error {
		src.Features = append(src.Features, f)
		return nil
	})
	if err != nil {
		return nil, err
	}
	src.stream = nil
	return src, nil
}

// Open opens a file as Read does, but a Shapefile, GeoJSON or GeoPackage
// is streamed: Open reads what describes it (fields, CRS, encoding, type,
// count, extent) and each pass (Each, Sample, Import) reads the features
// anew, one at a time, so memory does not grow with the file. CSV, DXF and
// boundary-point files are read whole.
func Open(path string, opt ReadOptions) (*Source, error) {
	if _, err := os.Stat(path); err != nil && !isZipMember(path) {
		return nil, fmt.Errorf("transfer: %w", err)
	}
	switch ext := strings.ToLower(filepath.Ext(path)); ext {
	case ".shp", ".zip":
		return openShapefile(path, opt)
	case ".geojson", ".json":
		return openGeoJSON(path)
	case ".csv":
		return readCSV(path, opt)
	case ".gpkg":
		return openGPKG(path, opt)
	case ".dxf":
		return readDXF(path)
	case ".txt":
		return readBoundaryTXT(path, opt)
	default:
		return nil, fmt.Errorf("%w: %s (want .shp, .zip, .geojson, .json, .csv, .dxf, .txt or .gpkg)", ErrFormat, path)
	}
}

// isZipMember tells whether path names a file inside a zip (a.zip/b.shp).
func isZipMember(path string) bool {
	i := strings.LastIndex(strings.ToLower(path), ".zip/")
	if i < 0 {
		return false
	}
	_, err := os.Stat(path[:i+4])
	return err == nil
}
