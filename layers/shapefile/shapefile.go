// Package shapefile reads and writes ESRI Shapefiles: the .shp geometry,
// its .shx index, the .dbf attribute table, the .prj projection and the
// .cpg code page. It knows nothing of blueprints or catalogs.
//
// Geometry is github.com/paulmach/orb: a Point file gives orb.Point, a
// MultiPoint file orb.MultiPoint, a PolyLine file orb.LineString (one part)
// or orb.MultiLineString, a Polygon file orb.Polygon (one shell) or
// orb.MultiPolygon. Rings keep the file's orientation (shells clockwise,
// holes counter-clockwise); a hole belongs to the smallest shell that
// contains one of its vertices, and a hole inside no shell becomes a shell,
// as GDAL does. Z and M are read only with ReadOptions.KeepZM.
//
// Attribute text is decoded with the .cpg's code page, else the DBF
// language driver byte, else UTF-8 when the bytes are valid UTF-8, else GBK
// (or GB18030) when they are valid Chinese, else ISO-8859-1.
//
// File and Record are plain data: they are not safe for concurrent
// mutation. Read, Write and FieldNames keep no state and are safe to call
// concurrently (on different output paths for Write).
package shapefile

import (
	"errors"
	"fmt"

	"github.com/paulmach/orb"
)

// Sentinel errors; every error Read or Write returns wraps one of them with
// %w and names the file and, where there is one, the record and field.
var (
	// ErrFormat: bytes that are not a valid .shp, .shx or .dbf.
	ErrFormat = errors.New("shapefile: invalid file")
	// ErrTruncated: a file ends before its header or a record says it does.
	ErrTruncated = errors.New("shapefile: truncated file")
	// ErrMismatch: the .shp, .shx and .dbf disagree (counts, offsets, lengths).
	ErrMismatch = errors.New("shapefile: files disagree")
	// ErrEncoding: an unknown encoding name, or text the encoding cannot hold.
	ErrEncoding = errors.New("shapefile: encoding")
	// ErrValue: an attribute value that does not parse or does not fit its field.
	ErrValue = errors.New("shapefile: bad value")
	// ErrGeometry: a geometry the file's shape type cannot hold.
	ErrGeometry = errors.New("shapefile: bad geometry")
	// ErrNotFound: no shapefile at the path (or in the zip).
	ErrNotFound = errors.New("shapefile: not found")
)

// ShapeType is the shape type code of a .shp file or record.
type ShapeType int32

// The shape types of the ESRI Shapefile Technical Description (1998).
const (
	Null        ShapeType = 0
	Point       ShapeType = 1
	PolyLine    ShapeType = 3
	Polygon     ShapeType = 5
	MultiPoint  ShapeType = 8
	PointZ      ShapeType = 11
	PolyLineZ   ShapeType = 13
	PolygonZ    ShapeType = 15
	MultiPointZ ShapeType = 18
	PointM      ShapeType = 21
	PolyLineM   ShapeType = 23
	PolygonM    ShapeType = 25
	MultiPointM ShapeType = 28
)

// Base returns the 2D type of t (PolygonZ -> Polygon), or -1 for a code the
// format does not define (MultiPatch 31 included).
func (t ShapeType) Base() ShapeType {
	switch t {
	case Null, Point, PolyLine, Polygon, MultiPoint:
		return t
	case PointZ, PolyLineZ, PolygonZ, MultiPointZ:
		return t - 10
	case PointM, PolyLineM, PolygonM, MultiPointM:
		return t - 20
	}
	return -1
}

// HasZ reports whether records of type t carry Z (and optionally M).
func (t ShapeType) HasZ() bool { return t >= PointZ && t <= MultiPointZ && t.Base() >= 0 }

// HasM reports whether records of type t may carry M values.
func (t ShapeType) HasM() bool { return t.HasZ() || (t >= PointM && t.Base() >= 0) }

func (t ShapeType) String() string {
	names := map[ShapeType]string{Null: "Null", Point: "Point", PolyLine: "PolyLine",
		Polygon: "Polygon", MultiPoint: "MultiPoint"}
	n, ok := names[t.Base()]
	switch {
	case !ok:
		return fmt.Sprintf("ShapeType(%d)", int32(t))
	case t.HasZ():
		return n + "Z"
	case t.HasM() && t != Null:
		return n + "M"
	}
	return n
}

// FieldType is a DBF field type byte.
type FieldType byte

// The DBF field types the package reads and writes; any other type byte is
// read as trimmed text.
const (
	Character FieldType = 'C'
	Numeric   FieldType = 'N'
	Float     FieldType = 'F'
	Logical   FieldType = 'L'
	Date      FieldType = 'D'
)

// Field describes one DBF column. Length and Decimals are the DBF width and
// decimal count; Write chooses them from the values when Length is 0.
type Field struct {
	Name     string
	Type     FieldType
	Length   int
	Decimals int
}

// Record is one feature: its geometry and one attribute value per field.
//
// Geometry is nil for a NULL shape. Z and M, when the file has them and
// ReadOptions.KeepZM is set, hold one value per vertex in the order the
// geometry's vertices are walked (which is file order unless rings were
// regrouped under their shells); M values below -1e38 mean "no data".
// Values are string, int64, float64, bool, time.Time (UTC midnight), or nil
// for a NULL or blank value. A Record is plain data, not safe for
// concurrent mutation.
type Record struct {
	Geometry orb.Geometry
	Z, M     []float64
	Values   []any
}

// File is a whole shapefile in memory. ShapeType is the file's type (Write
// infers it from the first geometry when it is Null); PRJ is the .prj's WKT
// ("" when absent); Encoding is the attribute encoding that was used. A
// File is plain data, not safe for concurrent mutation.
type File struct {
	ShapeType ShapeType
	Fields    []Field
	Records   []Record
	PRJ       string
	Encoding  string
}

// ReadOptions tune Read. Encoding overrides the detected attribute encoding
// ("" detects it); KeepZM keeps Z and M values in Record.Z and Record.M.
type ReadOptions struct {
	Encoding string
	KeepZM   bool
}

// WriteOptions tune Write. Encoding is the attribute encoding: "" or
// "UTF-8", "GBK" (for Chinese offices), "GB18030", "ISO-8859-1", ...
type WriteOptions struct {
	Encoding string
}
