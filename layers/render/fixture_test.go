package render

import (
	"image/color"
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkt"
	"github.com/tidwall/rtree"
)

// memLayer is an in-memory Geometry built from WKT, for tests.
type memLayer struct {
	origin orb.Point
	feats  []memFeat
	tree   *rtree.RTreeGN[float32, int32] // set by index for large layers
}

// index builds an R-tree so Search is fast on large synthetic layers.
func (m *memLayer) index() *memLayer {
	m.tree = &rtree.RTreeGN[float32, int32]{}
	for i, f := range m.feats {
		m.tree.Insert([2]float32{f.box[0], f.box[1]}, [2]float32{f.box[2], f.box[3]}, int32(i))
	}
	return m
}

type memFeat struct {
	fid          int64
	class, label string
	rings        [][]float32
	parts        []bool
	box          [4]float32
}

// fixtureTB is the part of testing.TB fixtures use, so examples can build
// fixtures too.
type fixtureTB interface {
	Helper()
	Fatalf(format string, args ...any)
}

// wktLayer builds a layer from (WKT, class, label) triples; fids count
// from 1. Polygons are oriented like the blueprint's: outer rings
// counter-clockwise, holes clockwise.
func wktLayer(t fixtureTB, origin orb.Point, rows ...[3]string) *memLayer {
	t.Helper()
	m := &memLayer{origin: origin}
	for k, r := range rows {
		g, err := wkt.Unmarshal(r[0])
		if err != nil {
			t.Fatalf("fixture %d: %v", k, err)
		}
		f := memFeat{fid: int64(k + 1), class: r[1], label: r[2]}
		f.add(g, origin)
		f.bound()
		m.feats = append(m.feats, f)
	}
	return m
}

func (f *memFeat) ring(ps []orb.Point, o orb.Point, part bool) {
	xy := make([]float32, 0, 2*len(ps))
	for _, p := range ps {
		xy = append(xy, float32(p[0]-o[0]), float32(p[1]-o[1]))
	}
	f.rings = append(f.rings, xy)
	f.parts = append(f.parts, part)
}

func (f *memFeat) add(g orb.Geometry, o orb.Point) {
	switch g := g.(type) {
	case orb.Point:
		f.ring([]orb.Point{g}, o, true)
	case orb.MultiPoint:
		for _, p := range g {
			f.add(p, o)
		}
	case orb.LineString:
		f.ring(g, o, true)
	case orb.MultiLineString:
		for _, l := range g {
			f.ring(l, o, true)
		}
	case orb.Polygon:
		for k, r := range g {
			r = append(orb.Ring(nil), r...)
			if (k == 0) != (r.Orientation() == orb.CCW) {
				r.Reverse()
			}
			f.ring(r, o, k == 0)
		}
	case orb.MultiPolygon:
		for _, p := range g {
			f.add(p, o)
		}
	}
}

func (f *memFeat) bound() {
	b := [4]float32{math.MaxFloat32, math.MaxFloat32, -math.MaxFloat32, -math.MaxFloat32}
	for _, r := range f.rings {
		for i := 0; i < len(r); i += 2 {
			b[0], b[1] = min(b[0], r[i]), min(b[1], r[i+1])
			b[2], b[3] = max(b[2], r[i]), max(b[3], r[i+1])
		}
	}
	f.box = b
}

func (m *memLayer) Read(fn func(Geometry)) { fn(m) }
func (m *memLayer) Origin() orb.Point      { return m.origin }
func (m *memLayer) Box(i int) [4]float32   { return m.feats[i].box }
func (m *memLayer) FID(i int) int64        { return m.feats[i].fid }
func (m *memLayer) Class(i int) string     { return m.feats[i].class }
func (m *memLayer) Label(i int) string     { return m.feats[i].label }
func (m *memLayer) NumRings(i int) int     { return len(m.feats[i].rings) }
func (m *memLayer) Ring(i, r int) []float32 {
	return m.feats[i].rings[r]
}
func (m *memLayer) PartStart(i, r int) bool { return m.feats[i].parts[r] }

func (m *memLayer) Search(box orb.Bound, fn func(i int) bool) {
	if m.tree != nil {
		o := m.origin
		m.tree.Search(
			[2]float32{float32(box.Min[0] - o[0]), float32(box.Min[1] - o[1])},
			[2]float32{float32(box.Max[0] - o[0]), float32(box.Max[1] - o[1])},
			func(_, _ [2]float32, i int32) bool { return fn(int(i)) })
		return
	}
	for i, f := range m.feats {
		b := orb.Bound{
			Min: orb.Point{m.origin[0] + float64(f.box[0]), m.origin[1] + float64(f.box[1])},
			Max: orb.Point{m.origin[0] + float64(f.box[2]), m.origin[1] + float64(f.box[3])},
		}
		if b.Intersects(box) && !fn(i) {
			return
		}
	}
}

// rgb parses "#rrggbb" or "#rrggbbaa" for fixtures.
func rgb(s string) color.NRGBA {
	var c color.NRGBA
	c.A = 0xff
	hex := func(i int) uint8 {
		v := 0
		for _, ch := range s[i : i+2] {
			v *= 16
			switch {
			case ch >= '0' && ch <= '9':
				v += int(ch - '0')
			case ch >= 'a' && ch <= 'f':
				v += int(ch-'a') + 10
			}
		}
		return uint8(v)
	}
	c.R, c.G, c.B = hex(1), hex(3), hex(5)
	if len(s) == 9 {
		c.A = hex(7)
	}
	return c
}
