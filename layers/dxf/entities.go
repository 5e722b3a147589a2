package dxf

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
)

// reader walks the pairs of one drawing.
type reader struct {
	name  string
	pairs []pair
	d     *Drawing
}

// entity is the pairs of one entity after its 0 group.
type entity struct {
	kind  string
	line  int
	pairs []pair
}

// entities reads the ENTITIES section.
func (r *reader) entities() error {
	start := -1
	for i := 0; i+1 < len(r.pairs); i++ {
		if r.pairs[i].code == 0 && r.pairs[i].val == "SECTION" && r.pairs[i+1].code == 2 && r.pairs[i+1].val == "ENTITIES" {
			start = i + 2
			break
		}
	}
	if start < 0 {
		return fmt.Errorf("%w: %s: no ENTITIES section", ErrSyntax, r.name)
	}
	ents := r.group(start)
	for i := 0; i < len(ents); i++ {
		e := ents[i]
		if e.kind == "POLYLINE" {
			j := i + 1
			for j < len(ents) && ents[j].kind == "VERTEX" {
				j++
			}
			if err := r.polyline(e, ents[i+1:j]); err != nil {
				return err
			}
			if j < len(ents) && ents[j].kind == "SEQEND" {
				j++
			}
			i = j - 1
			continue
		}
		if err := r.one(e); err != nil {
			return err
		}
	}
	return nil
}

// group splits the section from start into entities, up to ENDSEC.
func (r *reader) group(start int) []entity {
	var ents []entity
	for _, p := range r.pairs[start:] {
		if p.code == 0 {
			if p.val == "ENDSEC" || p.val == "EOF" {
				break
			}
			ents = append(ents, entity{kind: p.val, line: p.line})
			continue
		}
		if len(ents) > 0 {
			ents[len(ents)-1].pairs = append(ents[len(ents)-1].pairs, p)
		}
	}
	return ents
}

// one reads an entity other than POLYLINE.
func (r *reader) one(e entity) error {
	var g orb.Geometry
	var text string
	var err error
	switch e.kind {
	case "LINE":
		g, err = r.line(e)
	case "POINT":
		g, err = r.point(e, 10)
	case "TEXT", "MTEXT":
		g, err = r.point(e, 10)
		text = e.text()
	case "LWPOLYLINE":
		g, err = r.lwpolyline(e)
	case "HATCH":
		if g, err = r.hatch(e); errors.Is(err, errCurved) {
			r.d.Skipped["HATCH (curved boundary)"]++
			return nil
		}
	default:
		r.d.Skipped[e.kind]++
		return nil
	}
	if err != nil {
		return err
	}
	r.add(e, g, text)
	return nil
}

func (r *reader) add(e entity, g orb.Geometry, text string) {
	r.d.Features = append(r.d.Features, Feature{Geometry: g, Entity: e.kind, Layer: e.str(8), Handle: e.str(5), Text: text, Line: e.line})
}

// str is the first value of code, or "".
func (e entity) str(code int) string {
	for _, p := range e.pairs {
		if p.code == code {
			return p.val
		}
	}
	return ""
}

// num parses the value of a pair, naming the entity on error.
func (r *reader) num(e entity, p pair) (float64, error) {
	v, err := strconv.ParseFloat(strings.TrimSpace(p.val), 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("%w: %s:%d: %s (line %d): group %d value %q is not a number", ErrSyntax, r.name, p.line+1, e.kind, e.line, p.code, p.val)
	}
	return v, nil
}

// point reads the coordinate in groups xc and xc+10.
func (r *reader) point(e entity, xc int) (orb.Point, error) {
	var pt orb.Point
	seen := 0
	for _, p := range e.pairs {
		if p.code != xc && p.code != xc+10 {
			continue
		}
		v, err := r.num(e, p)
		if err != nil {
			return pt, err
		}
		if p.code == xc {
			pt[0], seen = v, seen|1
		} else {
			pt[1], seen = v, seen|2
		}
	}
	if seen != 3 {
		return pt, fmt.Errorf("%w: %s:%d: %s has no complete coordinate %d/%d", ErrSyntax, r.name, e.line, e.kind, xc, xc+10)
	}
	return pt, nil
}

func (r *reader) line(e entity) (orb.Geometry, error) {
	a, err := r.point(e, 10)
	if err != nil {
		return nil, err
	}
	b, err := r.point(e, 11)
	if err != nil {
		return nil, err
	}
	return orb.LineString{a, b}, nil
}

// lwpolyline reads the vertices (10/20 pairs in order) and the closed flag.
func (r *reader) lwpolyline(e entity) (orb.Geometry, error) {
	var pts []orb.Point
	for _, p := range e.pairs {
		switch p.code {
		case 10:
			v, err := r.num(e, p)
			if err != nil {
				return nil, err
			}
			if len(pts) > 0 && math.IsNaN(pts[len(pts)-1][1]) {
				return nil, fmt.Errorf("%w: %s:%d: LWPOLYLINE (line %d): x without y", ErrSyntax, r.name, p.line+1, e.line)
			}
			pts = append(pts, orb.Point{v, math.NaN()})
		case 20:
			v, err := r.num(e, p)
			if err != nil {
				return nil, err
			}
			if len(pts) == 0 || !math.IsNaN(pts[len(pts)-1][1]) {
				return nil, fmt.Errorf("%w: %s:%d: LWPOLYLINE (line %d): y without x", ErrSyntax, r.name, p.line+1, e.line)
			}
			pts[len(pts)-1][1] = v
		}
	}
	if len(pts) > 0 && math.IsNaN(pts[len(pts)-1][1]) {
		return nil, fmt.Errorf("%w: %s:%d: LWPOLYLINE: x without y", ErrSyntax, r.name, e.line)
	}
	return r.shape(e, pts, e.flags()&1 == 1)
}

// polyline reads a POLYLINE and its VERTEX entities.
func (r *reader) polyline(e entity, verts []entity) error {
	pts := make([]orb.Point, 0, len(verts))
	for _, v := range verts {
		pt, err := r.point(v, 10)
		if err != nil {
			return err
		}
		pts = append(pts, pt)
	}
	g, err := r.shape(e, pts, e.flags()&1 == 1)
	if err != nil {
		return err
	}
	r.add(e, g, "")
	return nil
}

// shape is a polygon when closed (or when the last vertex repeats the
// first), else a line string.
func (r *reader) shape(e entity, pts []orb.Point, closed bool) (orb.Geometry, error) {
	if len(pts) < 2 {
		return nil, fmt.Errorf("%w: %s:%d: %s has %d vertices", ErrSyntax, r.name, e.line, e.kind, len(pts))
	}
	if !closed {
		return orb.LineString(pts), nil
	}
	if pts[0] != pts[len(pts)-1] {
		pts = append(pts, pts[0])
	}
	return orb.Polygon{orb.Ring(pts)}, nil // fewer than 3 vertices: kept for the importer to name
}

func (e entity) flags() int {
	n, _ := strconv.Atoi(strings.TrimSpace(e.str(70)))
	return n
}

var mtextCodes = regexp.MustCompile(`\\[ACcFfHhQqTtWw][^;]*;|\\[LlOoKk]|[{}]`)

// text is the content of a TEXT (group 1) or MTEXT (groups 3 then 1), with
// MTEXT format codes removed and \P as a line break.
func (e entity) text() string {
	var b strings.Builder
	for _, p := range e.pairs {
		if p.code == 3 {
			b.WriteString(p.val)
		}
	}
	b.WriteString(e.str(1))
	s := b.String()
	if e.kind == "MTEXT" {
		s = strings.ReplaceAll(s, `\P`, "\n")
		s = mtextCodes.ReplaceAllString(s, "")
	}
	return s
}
