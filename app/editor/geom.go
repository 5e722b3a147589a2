// Package editor is the edit session of the desktop app: drawing polygons,
// lines and points on an editable layer, selecting, moving and deleting
// features, vertex editing, split and merge, snapping to visible layers,
// typed coordinates, geometry and attribute validation, and an undo stack
// whose every step is a Blueprint.Apply (so the journal carries it). It
// knows nothing of Fyne: the map canvas feeds it pointer events in map
// coordinates and draws the Overlay it describes.
package editor

import (
	"errors"
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// Sentinel errors, wrapped with the details.
var (
	ErrGeometry    = errors.New("editor: invalid geometry")
	ErrAttribute   = errors.New("editor: invalid attribute")
	ErrNothing     = errors.New("editor: nothing to do")
	ErrStale       = errors.New("editor: feature changed since")
	ErrNotEditable = errors.New("editor: layer is not editable")
)

// Kind is what a layer holds: polygon, line or point (the catalog's words).
type Kind string

// The kinds of editable layers.
const (
	Polygon Kind = "polygon"
	Line    Kind = "line"
	Point   Kind = "point"
)

// SquareMetresPerMu is one 亩.
const SquareMetresPerMu = 10000.0 / 15

// shape is a geometry taken apart for vertex editing: open paths (polygon
// rings without the closing vertex, line parts, one point), and for
// polygons the polygon each ring belongs to (its first ring is the shell).
// A value; copy with clone before changing.
type shape struct {
	kind   Kind
	paths  [][]orb.Point
	polyOf []int
}

// shapeOf takes g apart; ok is false for a geometry kind the editor does
// not edit (collections).
func shapeOf(g orb.Geometry) (shape, bool) {
	switch g := g.(type) {
	case orb.Point:
		return shape{kind: Point, paths: [][]orb.Point{{g}}}, true
	case orb.MultiPoint:
		if len(g) == 1 {
			return shape{kind: Point, paths: [][]orb.Point{{g[0]}}}, true
		}
	case orb.LineString:
		return shape{kind: Line, paths: [][]orb.Point{clonePts(g)}}, true
	case orb.MultiLineString:
		s := shape{kind: Line}
		for _, l := range g {
			s.paths = append(s.paths, clonePts(l))
		}
		return s, true
	case orb.Polygon:
		return shapeOf(orb.MultiPolygon{g})
	case orb.MultiPolygon:
		s := shape{kind: Polygon}
		for i, p := range g {
			for _, r := range p {
				s.paths = append(s.paths, openRing(r))
				s.polyOf = append(s.polyOf, i)
			}
		}
		return s, true
	}
	return shape{}, false
}

func clonePts[T ~[]orb.Point](ps T) []orb.Point { return append([]orb.Point(nil), ps...) }

// openRing drops a ring's closing vertex.
func openRing(r orb.Ring) []orb.Point {
	ps := clonePts(r)
	if len(ps) > 1 && ps[0] == ps[len(ps)-1] {
		ps = ps[:len(ps)-1]
	}
	return ps
}

func closeRing(ps []orb.Point) orb.Ring {
	r := orb.Ring(clonePts(ps))
	if len(r) > 0 {
		r = append(r, r[0])
	}
	return r
}

func (s shape) clone() shape {
	c := shape{kind: s.kind, polyOf: append([]int(nil), s.polyOf...)}
	for _, p := range s.paths {
		c.paths = append(c.paths, clonePts(p))
	}
	return c
}

// geometry builds the layer's geometry type: MULTIPOLYGON, MULTILINESTRING
// or POINT, as blueprint tables declare them.
func (s shape) geometry() orb.Geometry {
	switch s.kind {
	case Point:
		return s.paths[0][0]
	case Line:
		ml := orb.MultiLineString{}
		for _, p := range s.paths {
			ml = append(ml, orb.LineString(clonePts(p)))
		}
		return ml
	}
	mp := orb.MultiPolygon{}
	for i, p := range s.paths {
		if i == 0 || s.polyOf[i] != s.polyOf[i-1] {
			mp = append(mp, orb.Polygon{})
		}
		mp[len(mp)-1] = append(mp[len(mp)-1], closeRing(p))
	}
	return mp
}

// closed reports whether path i is a ring.
func (s shape) closed() bool { return s.kind == Polygon }

// forLayer converts a geometry to what a layer of kind k stores.
func forLayer(k Kind, g orb.Geometry) orb.Geometry {
	switch g := g.(type) {
	case orb.Polygon:
		if k == Polygon {
			return orb.MultiPolygon{g}
		}
	case orb.LineString:
		if k == Line {
			return orb.MultiLineString{g}
		}
	}
	return g
}

// Measure is the live measurement of a sketch or feature. A value.
type Measure struct {
	Area      float64 // m², polygons
	Length    float64 // m: perimeter of polygons, length of lines
	Vertices  int
	HasArea   bool
	HasLength bool
}

// Mu is the area in 亩 (666.67 m²).
func (m Measure) Mu() float64 { return m.Area / SquareMetresPerMu }

// Hectares is the area in ha.
func (m Measure) Hectares() float64 { return m.Area / 10000 }

// measurePath measures an open path drawn for kind k.
func measurePath(k Kind, ps []orb.Point) Measure {
	m := Measure{Vertices: len(ps)}
	switch k {
	case Polygon:
		if len(ps) >= 3 {
			r := closeRing(ps)
			m.Area, m.HasArea = math.Abs(planar.Area(r)), true
			m.Length, m.HasLength = planar.Length(r), true
		}
	case Line:
		if len(ps) >= 2 {
			m.Length, m.HasLength = planar.Length(orb.LineString(ps)), true
		}
	}
	return m
}

// measureGeom measures a stored geometry.
func measureGeom(g orb.Geometry) Measure {
	m := Measure{}
	switch g.(type) {
	case orb.Polygon, orb.MultiPolygon:
		m.Area, m.HasArea = math.Abs(planar.Area(g)), true
		m.Length, m.HasLength = planar.Length(g), true
	case orb.LineString, orb.MultiLineString:
		m.Length, m.HasLength = planar.Length(g), true
	}
	if s, ok := shapeOf(g); ok {
		for _, p := range s.paths {
			m.Vertices += len(p)
		}
	}
	return m
}

// dist2 is the squared distance between two points.
func dist2(a, b orb.Point) float64 {
	dx, dy := a[0]-b[0], a[1]-b[1]
	return dx*dx + dy*dy
}

// nearestOnSegment is the point of segment ab nearest p.
func nearestOnSegment(p, a, b orb.Point) orb.Point {
	dx, dy := b[0]-a[0], b[1]-a[1]
	l2 := dx*dx + dy*dy
	if l2 == 0 {
		return a
	}
	t := ((p[0]-a[0])*dx + (p[1]-a[1])*dy) / l2
	t = math.Max(0, math.Min(1, t))
	return orb.Point{a[0] + t*dx, a[1] + t*dy}
}

// dedupe drops consecutive repeated vertices (and, for rings, a last
// vertex equal to the first).
func dedupe(ps []orb.Point, ring bool) []orb.Point {
	out := make([]orb.Point, 0, len(ps))
	for _, p := range ps {
		if len(out) == 0 || out[len(out)-1] != p {
			out = append(out, p)
		}
	}
	if ring && len(out) > 1 && out[0] == out[len(out)-1] {
		out = out[:len(out)-1]
	}
	return out
}
