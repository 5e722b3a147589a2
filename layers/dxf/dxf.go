// Package dxf reads the entities of an ASCII DXF drawing as features: LINE
// and open LWPOLYLINE/POLYLINE as line strings, closed ones as polygons,
// POINT as points, TEXT and MTEXT as annotation points carrying their text,
// HATCH with straight boundaries (what GDAL writes for polygons) as
// polygons. Every feature keeps its DXF layer name and entity handle. Other
// entities (arcs, circles, inserts, curved hatches...) are counted in
// Drawing.Skipped, never silently lost. Binary DXF is refused.
package dxf

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
	"golang.org/x/text/encoding/htmlindex"
)

// Sentinel errors, wrapped with %w together with the file and line.
var (
	ErrSyntax = errors.New("dxf: syntax error")
	ErrBinary = errors.New("dxf: binary DXF is not supported")
)

// Feature is one entity read as a geometry: plain data, not safe for
// concurrent mutation.
type Feature struct {
	Geometry orb.Geometry // orb.Point, orb.LineString, orb.Polygon or (HATCH) orb.MultiPolygon
	Entity   string       // LINE, LWPOLYLINE, POLYLINE, POINT, TEXT, MTEXT, HATCH
	Layer    string       // group 8
	Handle   string       // group 5
	Text     string       // TEXT and MTEXT content, format codes removed
	Line     int          // line of the entity's 0 group
}

// Drawing is what Read returns: plain data, not safe for concurrent
// mutation. Read keeps no state and is safe to call concurrently.
type Drawing struct {
	Features []Feature
	Skipped  map[string]int // entity type -> count of entities not read
	CodePage string         // $DWGCODEPAGE, e.g. ANSI_936
}

// pair is one group code and value.
type pair struct {
	code int
	val  string
	line int
}

// Read parses an ASCII DXF; name is used in errors.
func Read(name string, data []byte) (*Drawing, error) {
	if strings.HasPrefix(string(data), "AutoCAD Binary DXF") {
		return nil, fmt.Errorf("%w: %s", ErrBinary, name)
	}
	pairs, err := split(name, string(data))
	if err != nil {
		return nil, err
	}
	d := &Drawing{Skipped: map[string]int{}, CodePage: codePage(pairs)}
	if err := d.decodeText(name, pairs); err != nil {
		return nil, err
	}
	r := &reader{name: name, pairs: pairs, d: d}
	if err := r.entities(); err != nil {
		return nil, err
	}
	return d, nil
}

// split turns the text into group code/value pairs.
func split(name, text string) ([]pair, error) {
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	if n := len(lines); n > 0 && strings.TrimSpace(lines[n-1]) == "" {
		lines = lines[:n-1]
	}
	pairs := make([]pair, 0, len(lines)/2)
	for i := 0; i+1 < len(lines); i += 2 {
		code, err := strconv.Atoi(strings.TrimSpace(lines[i]))
		if err != nil {
			return nil, fmt.Errorf("%w: %s:%d: group code %q is not a number", ErrSyntax, name, i+1, lines[i])
		}
		pairs = append(pairs, pair{code, strings.TrimRight(lines[i+1], " \r"), i + 1})
	}
	if len(lines)%2 == 1 && strings.TrimSpace(lines[len(lines)-1]) != "" {
		return nil, fmt.Errorf("%w: %s:%d: group code without a value", ErrSyntax, name, len(lines))
	}
	return pairs, nil
}

// codePage finds $DWGCODEPAGE in the header.
func codePage(pairs []pair) string {
	for i := 0; i+1 < len(pairs); i++ {
		if pairs[i].code == 9 && pairs[i].val == "$DWGCODEPAGE" {
			return strings.TrimSpace(pairs[i+1].val)
		}
	}
	return ""
}

// decodeText decodes string values of a drawing in a Chinese code page
// (ANSI_936, GBK) and \U+XXXX escapes.
func (d *Drawing) decodeText(name string, pairs []pair) error {
	cp := strings.ToUpper(d.CodePage)
	if cp == "ANSI_936" || cp == "GBK" || cp == "GB2312" {
		dec, _ := htmlindex.Get("gbk")
		for i := range pairs {
			if !isASCII(pairs[i].val) && !isUTF8Text(pairs[i].val) {
				s, err := dec.NewDecoder().String(pairs[i].val)
				if err != nil {
					return fmt.Errorf("%w: %s:%d: text is not %s", ErrSyntax, name, pairs[i].line+1, d.CodePage)
				}
				pairs[i].val = s
			}
		}
	}
	for i := range pairs {
		if strings.Contains(pairs[i].val, `\U+`) {
			pairs[i].val = unescape(pairs[i].val)
		}
	}
	return nil
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

func isUTF8Text(s string) bool { return strings.ToValidUTF8(s, "\uFFFD") == s }

var escape = regexp.MustCompile(`\\U\+([0-9A-Fa-f]{4})`)

// unescape replaces \U+XXXX by the character.
func unescape(s string) string {
	return escape.ReplaceAllStringFunc(s, func(m string) string {
		r, _ := strconv.ParseUint(m[3:], 16, 32)
		return string(rune(r))
	})
}
