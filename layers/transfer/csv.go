package transfer

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkt"
	"golang.org/x/text/encoding/htmlindex"
)

// wktColumns and xyColumns are the header names (lower case) that hold
// geometry: one WKT column, or an x and a y column.
var (
	wktColumns = []string{"wkt", "geom", "geometry", "the_geom", "shape", "几何", "图形"}
	xyColumns  = [][2]string{{"x", "y"}, {"lon", "lat"}, {"lng", "lat"}, {"long", "lat"}, {"longitude", "latitude"},
		{"经度", "纬度"}, {"easting", "northing"}, {"东坐标", "北坐标"}}
)

// readCSV reads a CSV whose header names its geometry columns. A CSV has
// no CRS: the caller gives one (--s-srs).
func readCSV(path string, opt ReadOptions) (*Source, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("transfer: %w", err)
	}
	return parseCSV(path, data, opt.Encoding)
}

// decodeText decodes data: UTF-8 (a BOM dropped) when valid and no
// encoding is named, else the named encoding or GB18030.
func decodeText(name string, data []byte, encoding string) (string, string, error) {
	if encoding == "" || strings.EqualFold(encoding, "UTF-8") || strings.EqualFold(encoding, "UTF8") {
		s := strings.TrimPrefix(string(data), "\uFEFF")
		if strings.ToValidUTF8(s, "\uFFFD") == s {
			return s, "UTF-8", nil
		}
		if encoding != "" {
			return "", "", fmt.Errorf("%w: %s is not valid UTF-8", ErrEncoding, name)
		}
		encoding = "GB18030"
	}
	enc, err := htmlindex.Get(encoding)
	if err != nil {
		return "", "", fmt.Errorf("%w: %s: %q", ErrEncoding, name, encoding)
	}
	out, err := enc.NewDecoder().Bytes(data)
	if err != nil {
		return "", "", fmt.Errorf("%w: %s: not %s: %v", ErrEncoding, name, encoding, err)
	}
	return strings.TrimPrefix(string(out), "\uFEFF"), strings.ToUpper(encoding), nil
}

// parseCSV is readCSV on bytes; name is used in errors.
func parseCSV(name string, data []byte, encoding string) (*Source, error) {
	text, enc, err := decodeText(name, data, encoding)
	if err != nil {
		return nil, err
	}
	r := csv.NewReader(strings.NewReader(text))
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("%w: %s: header: %v", ErrInput, name, err)
	}
	geom, err := csvGeometry(name, header)
	if err != nil {
		return nil, err
	}
	header = uniqueHeader(header)
	src := &Source{Path: name, Format: "csv", Encoding: enc}
	var order []string
	for i, h := range header {
		if !geom.uses(i) {
			order = append(order, h)
		}
	}
	for row := 2; ; row++ {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %v", ErrInput, name, err)
		}
		f, err := csvFeature(name, row, header, rec, geom)
		if err != nil {
			return nil, err
		}
		src.Features = append(src.Features, f)
	}
	src.Fields = csvFields(src.Features, order)
	src.Notes = append(src.Notes, geom.note(header))
	if geom.wkt < 0 && surveyOrder(src.Features) {
		for i, f := range src.Features {
			if p, ok := f.Geom.(orb.Point); ok {
				src.Features[i].Geom = orb.Point{p[1], p[0]}
			}
		}
		src.Notes = append(src.Notes, fmt.Sprintf("column %q holds northings and %q eastings (Chinese survey order X = north): swapped", header[geom.x], header[geom.y]))
	}
	return src, nil
}

// uniqueHeader names empty columns field_N and repeated ones NAME_2...
func uniqueHeader(h []string) []string {
	out := make([]string, len(h))
	seen := map[string]bool{}
	for i, n := range h {
		n = strings.TrimSpace(n)
		if n == "" {
			n = fmt.Sprintf("field_%d", i+1)
		}
		base := n
		for k := 2; seen[n]; k++ {
			n = fmt.Sprintf("%s_%d", base, k)
		}
		seen[n], out[i] = true, n
	}
	return out
}

// csvGeom says which columns hold the geometry: wkt >= 0, or x and y.
type csvGeom struct{ wkt, x, y int }

func (g csvGeom) uses(i int) bool { return i == g.wkt || i == g.x || i == g.y }

func (g csvGeom) note(header []string) string {
	if g.wkt >= 0 {
		return fmt.Sprintf("geometry from WKT column %q", header[g.wkt])
	}
	return fmt.Sprintf("points from columns %q (x) and %q (y)", header[g.x], header[g.y])
}

// csvGeometry finds the geometry columns by header name.
func csvGeometry(name string, header []string) (csvGeom, error) {
	idx := map[string]int{}
	for i, h := range header {
		idx[strings.ToLower(strings.TrimSpace(h))] = i
	}
	for _, c := range wktColumns {
		if i, ok := idx[c]; ok {
			return csvGeom{wkt: i, x: -1, y: -1}, nil
		}
	}
	for _, p := range xyColumns {
		x, okx := idx[p[0]]
		y, oky := idx[p[1]]
		if okx && oky {
			return csvGeom{wkt: -1, x: x, y: y}, nil
		}
	}
	return csvGeom{}, fmt.Errorf("%w: %s: no geometry column in header %q (want WKT/geom or x,y / lon,lat / 经度,纬度)", ErrNoGeom, name, header)
}

// csvFeature reads one row (row is its 1-based line in the file's records).
func csvFeature(name string, row int, header, rec []string, g csvGeom) (Feature, error) {
	f := Feature{Name: fmt.Sprintf("row %d", row), Attrs: map[string]any{}}
	cell := func(i int) string {
		if i < len(rec) {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	var err error
	switch {
	case g.wkt >= 0 && cell(g.wkt) != "":
		f.Geom, err = wkt.Unmarshal(cell(g.wkt))
		if err != nil {
			return f, fmt.Errorf("%w: %s: row %d: column %q: %v", ErrInput, name, row, header[g.wkt], err)
		}
	case g.x >= 0 && (cell(g.x) != "" || cell(g.y) != ""):
		x, e1 := strconv.ParseFloat(cell(g.x), 64)
		y, e2 := strconv.ParseFloat(cell(g.y), 64)
		if e1 != nil || e2 != nil {
			return f, fmt.Errorf("%w: %s: row %d: %q,%q is not a coordinate", ErrInput, name, row, cell(g.x), cell(g.y))
		}
		f.Geom = orb.Point{x, y}
	}
	if err := checkFinite(f); err != nil {
		return f, fmt.Errorf("%w: %s: %v", ErrInput, name, err)
	}
	for i, h := range header {
		if !g.uses(i) && cell(i) != "" {
			f.Attrs[h] = cell(i)
		}
	}
	return f, nil
}

// csvFields types CSV columns: integer when every value parses as one,
// real when every value is a number, text otherwise; the values are
// converted in place.
func csvFields(fs []Feature, order []string) []Field {
	out := make([]Field, 0, len(order))
	for _, name := range order {
		typ := "integer"
		for _, f := range fs {
			s, ok := f.Attrs[name].(string)
			if !ok {
				continue
			}
			if len(s) > 1 && s[0] == '0' && s[1] != '.' {
				typ = "text" // a code such as 0601 keeps its leading zero
				break
			}
			if _, err := strconv.ParseInt(s, 10, 64); err != nil {
				if _, err := strconv.ParseFloat(s, 64); err == nil && typ == "integer" {
					typ = "real"
				} else if err != nil {
					typ = "text"
					break
				}
			}
		}
		for _, f := range fs {
			if v, ok := f.Attrs[name]; ok {
				f.Attrs[name], _ = convert(v, typ)
			}
		}
		out = append(out, Field{name, typ})
	}
	return out
}

// surveyOrder tells whether every point's x is a Gauss-Krüger northing
// in China (1,000-10,000 km) and its y an easting (100-1,000 km, or with a
// zone prefix 10,000-100,000 km): x and y are then in survey order.
func surveyOrder(fs []Feature) bool {
	n := 0
	for _, f := range fs {
		p, ok := f.Geom.(orb.Point)
		if !ok {
			continue
		}
		east := (p[1] >= 1e5 && p[1] < 1e6) || (p[1] >= 1e7 && p[1] < 1e8)
		if !(p[0] >= 1e6 && p[0] < 1e7) || !east {
			return false
		}
		n++
	}
	return n > 0
}

// bom is the UTF-8 byte order mark spreadsheets look for.
var bom = []byte{0xEF, 0xBB, 0xBF}
