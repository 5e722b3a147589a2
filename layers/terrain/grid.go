// Package terrain reads digital elevation models (GeoTIFF, ESRI ASCII grid,
// SRTM .hgt), derives slope, aspect and hillshade exactly as gdaldem does, and
// writes the results back as GeoTIFF.
package terrain

import (
	"errors"
	"math"
)

// Sentinel errors; every returned error wraps one of them and names the file.
var (
	ErrFormat      = errors.New("terrain: invalid raster file")
	ErrUnsupported = errors.New("terrain: unsupported raster feature")
	ErrTooLarge    = errors.New("terrain: raster too large")
	ErrReadOnly    = errors.New("terrain: opened read-only")
)

// maxCells bounds the cells a reader will allocate (about 2 GB of float32).
const maxCells = 1 << 29

// Grid is one band of elevations in row-major order, north row first.
// GeoTransform is GDAL-style: x = gt[0] + col*gt[1] + row*gt[2],
// y = gt[3] + col*gt[4] + row*gt[5]. A Grid is not safe for concurrent
// mutation; concurrent reads are fine.
type Grid struct {
	Width, Height int
	Data          []float32
	GeoTransform  [6]float64
	EPSG          int // 0 when unknown
	// GeoKeys are the GeoTIFF keys the grid was read with (nil for other
	// sources); grids derived from it share them and WriteGeoTIFF writes
	// them verbatim, so a CRS that is no EPSG code survives. They win over
	// EPSG when both are set.
	GeoKeys   *GeoKeys
	HasNoData bool
	NoData    float64
}

// NewGrid allocates a width x height grid filled with zeros.
func NewGrid(width, height int, gt [6]float64, epsg int) *Grid {
	return &Grid{Width: width, Height: height, Data: make([]float32, width*height), GeoTransform: gt, EPSG: epsg}
}

// At returns the value at column c, row r.
func (g *Grid) At(c, r int) float32 { return g.Data[r*g.Width+c] }

// IsNoData reports whether v is the grid's nodata value (NaN matches NaN).
func (g *Grid) IsNoData(v float32) bool {
	if !g.HasNoData {
		return false
	}
	if math.IsNaN(g.NoData) {
		return v != v
	}
	return v == float32(g.NoData)
}
