// Package boundarytxt reads and writes the land boundary-point coordinate
// file (界址点坐标文件) that applicants hand in with a project red line: a
// [属性描述] header of key=value lines and [地块坐标] sections, each a parcel
// line `点数,面积,地块号,地块名称,图形属性,图幅号,地块用途,地类编码,@`
// followed by point lines `J1,1,X,Y` (point name, ring number, coordinates).
//
// In Chinese survey files X is the northing and Y the easting; Read detects
// the order from the magnitudes and reports it, detects the zone number
// prefixed to a 3- or 6-degree Gauss-Krüger easting, and names the EPSG code
// of the CGCS2000 projection that follows. Geometry is returned in (easting,
// northing) order, as the EPSG codes' x, y.
package boundarytxt

import (
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/paulmach/orb"
	"golang.org/x/text/encoding/htmlindex"
)

// Sentinel errors, wrapped with %w together with the file and line.
var (
	ErrSyntax   = errors.New("boundarytxt: syntax error")
	ErrOpenRing = errors.New("boundarytxt: ring is not closed")
	ErrCRS      = errors.New("boundarytxt: coordinate system not recognised")
	ErrEncoding = errors.New("boundarytxt: unknown encoding")
)

// File is one boundary-point file. It is a plain value, not safe for
// concurrent mutation.
type File struct {
	Header  []KeyValue // the [属性描述] lines, in file order
	Parcels []Parcel
	// NorthingFirst is true when the point lines give the northing first
	// (the Chinese survey convention X = northing).
	NorthingFirst bool
	Zone          int // zone number carried on the easting (e.g. 41), 0 when none
	EPSG          int // the CGCS2000 Gauss-Krüger code the coordinates are in; 0 when unknown
	Encoding      string
}

// KeyValue is one header line. A plain value.
type KeyValue struct{ Key, Value string }

// Parcel is one [地块坐标] parcel: plain data, not safe for concurrent
// mutation. Read and Write keep no state and are safe to call concurrently.
type Parcel struct {
	Points   int     // 点数 as written
	Area     float64 // 面积 as written (hectares by the convention)
	Number   string  // 地块号
	Name     string  // 地块名称
	Shape    string  // 图形属性
	Sheet    string  // 图幅号
	Use      string  // 地块用途
	LandCode string  // 地类编码
	Line     int     // line of the parcel line in the file
	// Geometry in (easting, northing): ring 1 and every ring outside the
	// rings before it are exteriors, a ring inside one is its hole.
	Geometry orb.MultiPolygon
}

// Value returns the header value of key ("" when absent).
func (f *File) Value(key string) string {
	for _, kv := range f.Header {
		if kv.Key == key {
			return kv.Value
		}
	}
	return ""
}

// Attributes are a parcel's text fields under their Chinese names.
func (p *Parcel) Attributes() map[string]any {
	return map[string]any{"地块号": p.Number, "地块名称": p.Name, "图形属性": p.Shape,
		"图幅号": p.Sheet, "地块用途": p.Use, "地类编码": p.LandCode, "面积": p.Area}
}

// AttributeNames are the keys of Attributes in file order.
var AttributeNames = []string{"面积", "地块号", "地块名称", "图形属性", "图幅号", "地块用途", "地类编码"}

// decode turns the file's bytes into text: UTF-8 when valid (a BOM is
// dropped), else the named encoding or GB18030 (a superset of GBK).
func decode(data []byte, encoding string) (string, string, error) {
	if encoding == "" {
		if s, ok := strings.CutPrefix(string(data), "\uFEFF"); ok || isUTF8(data) {
			return s, "UTF-8", nil
		}
		encoding = "GB18030"
	}
	enc, err := htmlindex.Get(encoding)
	if err != nil {
		return "", "", fmt.Errorf("%w: %q", ErrEncoding, encoding)
	}
	out, err := enc.NewDecoder().Bytes(data)
	if err != nil {
		return "", "", fmt.Errorf("%w: %s: %v", ErrEncoding, encoding, err)
	}
	return strings.TrimPrefix(string(out), "\uFEFF"), strings.ToUpper(encoding), nil
}

func isUTF8(b []byte) bool { return strings.ToValidUTF8(string(b), "\uFFFD") == string(b) }

// zoneEPSG returns the CGCS2000 Gauss-Krüger EPSG code of a zone, with the
// zone prefix on the easting (prefixed) or without it. width is 3 or 6.
func zoneEPSG(width, zone int, prefixed bool) (int, error) {
	switch {
	case width == 3 && zone >= 25 && zone <= 45 && prefixed:
		return 4488 + zone, nil // 4513 zone 25 ... 4533 zone 45
	case width == 3 && zone >= 25 && zone <= 45:
		return 4509 + zone, nil // 4534 CM 75E ... 4554 CM 135E
	case width == 6 && zone >= 13 && zone <= 23 && prefixed:
		return 4478 + zone, nil // 4491 zone 13 ... 4501 zone 23
	case width == 6 && zone >= 13 && zone <= 23:
		return 4489 + zone, nil // 4502 CM 75E ... 4512 CM 135E
	}
	return 0, fmt.Errorf("%w: %d-degree zone %d is outside China's CGCS2000 zones", ErrCRS, width, zone)
}

// isEasting tells whether v looks like a Gauss-Krüger easting: without a
// zone prefix (false easting 500 km, within ±400 km) or with one.
func isEasting(v float64) (prefixed, ok bool) {
	switch {
	case v >= 1e5 && v < 1e6:
		return false, true
	case v >= 1e7 && v < 1e8:
		return true, true
	}
	return false, false
}

// isNorthing tells whether v is a northing in China (about 1,800-6,000 km).
func isNorthing(v float64) bool { return v >= 1e6 && v < 1e7 && !math.IsNaN(v) }
