package layers

import (
	"github.com/paulmach/orb"
)

// Snapshot is a read-only view of one layer's render geometry and index,
// valid only inside the Layer.Read callback that handed it out. Coordinates
// are float32 offsets from Origin, which keeps centimetres across a city.
// A Snapshot is not safe for use after its callback returns; within it, any
// number of goroutines may read.
type Snapshot struct {
	f *flat
}

// Read runs fn with a consistent view of the layer's geometry. Edits wait
// until fn returns, so keep fn short (one tile, one query).
func (l *Layer) Read(fn func(s *Snapshot)) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	if l.flat == nil {
		fn(&Snapshot{f: newFlat(orb.Point{}, false)})
		return
	}
	fn(&Snapshot{f: l.flat})
}

// Search calls fn for every live slot whose box intersects box, until fn
// returns false.
func (s *Snapshot) Search(box orb.Bound, fn func(i int) bool) {
	o := s.f.origin
	mn := [2]float32{float32(box.Min[0] - o[0]), float32(box.Min[1] - o[1])}
	mx := [2]float32{float32(box.Max[0] - o[0]), float32(box.Max[1] - o[1])}
	s.f.tree.search([4]float32{mn[0], mn[1], mx[0], mx[1]}, s.f.dead, func(slot int32) bool {
		return fn(int(slot))
	})
}

// Origin is the point all coordinates of the snapshot are relative to.
func (s *Snapshot) Origin() orb.Point { return s.f.origin }

// Len is the number of slots, live and dead.
func (s *Snapshot) Len() int { return len(s.f.fid) }

// Live reports whether slot i holds a current feature.
func (s *Snapshot) Live(i int) bool { return !s.f.dead[i] }

// FID is the feature id of slot i.
func (s *Snapshot) FID(i int) int64 { return s.f.fid[i] }

// Slot returns the live slot of a feature id.
func (s *Snapshot) Slot(fid int64) (int, bool) {
	i, ok := s.f.slotOf.get(fid)
	return int(i), ok
}

// Bound is the bounding box of slot i in map coordinates.
func (s *Snapshot) Bound(i int) orb.Bound {
	b, o := s.f.box[i], s.f.origin
	return orb.Bound{
		Min: orb.Point{o[0] + float64(b[0]), o[1] + float64(b[1])},
		Max: orb.Point{o[0] + float64(b[2]), o[1] + float64(b[3])},
	}
}

// HasGeometry reports whether slot i has coordinates (and so a Bound); a
// feature whose geometry is NULL, empty or unreadable has none.
func (s *Snapshot) HasGeometry(i int) bool {
	b := s.f.box[i]
	return b[0] <= b[2]
}

// Box is the bounding box of slot i relative to Origin.
func (s *Snapshot) Box(i int) [4]float32 { return s.f.box[i] }

// Class is the value of the layer's class field for slot i ("" if none).
func (s *Snapshot) Class(i int) string { return s.f.classes[s.f.class[i]] }

// Label is the value of the layer's label field for slot i ("" if none).
func (s *Snapshot) Label(i int) string {
	if s.f.label == nil {
		return ""
	}
	return s.f.label[i]
}

// NumRings is the number of rings of slot i: polygon rings (outer
// counter-clockwise, holes clockwise), line parts, or points.
func (s *Snapshot) NumRings(i int) int {
	return int(s.f.featRing[i+1] - s.f.featRing[i])
}

// Ring returns ring r of slot i as x0,y0,x1,y1,... offsets from Origin. The
// slice aliases the snapshot: do not modify it.
func (s *Snapshot) Ring(i, r int) []float32 {
	k := s.f.featRing[i] + int32(r)
	a, b := s.f.ringStart[k], s.f.ringStart[k+1]
	return s.f.xy[2*a : 2*b]
}

// PartStart reports whether ring r of slot i begins a new part (a polygon's
// outer ring, a line, a point).
func (s *Snapshot) PartStart(i, r int) bool {
	return s.f.partStart[s.f.featRing[i]+int32(r)]
}
