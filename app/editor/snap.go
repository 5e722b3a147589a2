package editor

import (
	"context"

	"github.com/paulmach/orb"

	"lantu/layers"
)

// SnapKind says what a snap found.
type SnapKind int

// Snap kinds: a vertex wins over an edge within the tolerance.
const (
	SnapNone SnapKind = iota
	SnapVertex
	SnapEdge
)

// Snap is a snapped position. A value.
type Snap struct {
	P     orb.Point
	Kind  SnapKind
	Layer string // catalog code; "" for the sketch itself
	FID   int64
}

// Snapper finds the nearest vertex or edge of the given layers around a
// point, reading Layer snapshots (float32, centimetre-exact) and refining
// a hit from the stored feature. Safe for concurrent use (it holds no
// state of its own beyond the blueprint).
type Snapper struct {
	BP *layers.Blueprint
}

// Find returns the nearest vertex within tol map units of p, else the
// nearest point on an edge within tol, among the layers' features and the
// extra paths (the sketch being drawn); Kind is SnapNone if nothing is near.
func (s Snapper) Find(codes []string, p orb.Point, tol float64, extra [][]orb.Point) Snap {
	best := candidate{vd: tol * tol, ed: tol * tol}
	for _, ps := range extra {
		best.path(ps, false, p, "", 0)
	}
	if s.BP != nil {
		box := orb.Bound{Min: p, Max: p}.Pad(tol)
		for _, code := range codes {
			if l := s.BP.Layer(code); l != nil {
				l.Read(func(snap *layers.Snapshot) { best.snapshot(snap, code, box, p) })
			}
		}
	}
	return best.result()
}

// candidate keeps the nearest vertex and edge point seen.
type candidate struct {
	v, e   Snap
	vd, ed float64 // squared distances of v and e (the tolerance until found)
}

func (c *candidate) result() Snap {
	if c.v.Kind != SnapNone {
		return c.v
	}
	return c.e
}

func (c *candidate) snapshot(s *layers.Snapshot, code string, box orb.Bound, p orb.Point) {
	o := s.Origin()
	var buf []orb.Point
	s.Search(box, func(i int) bool {
		for r := range s.NumRings(i) {
			xy := s.Ring(i, r)
			buf = buf[:0]
			for k := 0; k+1 < len(xy); k += 2 {
				buf = append(buf, orb.Point{o[0] + float64(xy[k]), o[1] + float64(xy[k+1])})
			}
			c.path(buf, false, p, code, s.FID(i))
		}
		return true
	})
}

// path considers the vertices and segments of ps.
func (c *candidate) path(ps []orb.Point, ring bool, p orb.Point, code string, fid int64) {
	for i, q := range ps {
		if d := dist2(p, q); d <= c.vd {
			c.v, c.vd = Snap{P: q, Kind: SnapVertex, Layer: code, FID: fid}, d
		}
		j := i + 1
		if j == len(ps) {
			if !ring {
				break
			}
			j = 0
		}
		e := nearestOnSegment(p, q, ps[j])
		if d := dist2(p, e); d <= c.ed {
			c.e, c.ed = Snap{P: e, Kind: SnapEdge, Layer: code, FID: fid}, d
		}
	}
}

// Exact refines a snap found on a snapshot with the stored (float64)
// geometry of its feature, so a snapped vertex is the neighbour's vertex to
// the last bit. A snap to the sketch, or one whose feature cannot be read,
// is returned as is.
func (s Snapper) Exact(ctx context.Context, sn Snap, tol float64) Snap {
	if sn.Kind == SnapNone || sn.Layer == "" || s.BP == nil {
		return sn
	}
	f, err := s.BP.Feature(ctx, sn.Layer, sn.FID)
	if err != nil || f.Geom == nil {
		return sn
	}
	sh, ok := shapeOf(f.Geom)
	if !ok {
		return sn
	}
	c := candidate{vd: tol * tol, ed: tol * tol}
	for _, ps := range sh.paths {
		c.path(ps, sh.closed(), sn.P, sn.Layer, sn.FID)
	}
	if sn.Kind == SnapVertex && c.v.Kind == SnapVertex {
		return c.v
	}
	if sn.Kind == SnapEdge && c.e.Kind == SnapEdge {
		return c.e
	}
	return sn
}
