package layers

import (
	"math"

	"github.com/tidwall/rtree"
)

// spIndex is a layer's spatial index: a static R-tree packed bottom-up from
// the boxes loaded at open (in Hilbert order, so building it is a sort and
// one linear pass), plus a dynamic R-tree for features added by edits.
// Deleted features stay in the packed tree and are filtered out by the
// caller's dead flags. Not safe for concurrent use: it lives inside a flat,
// under the layer's lock.
type spIndex struct {
	packed  packedTree
	dynamic rtree.RTreeGN[float32, int32]
	n       int // live entries
}

const packFanout = 16

// packedTree holds its nodes level by level: level 0 are the entries in
// order, each higher level has one box per packFanout boxes below it.
type packedTree struct {
	levels [][][4]float32
	slots  []int32 // the entries' slots, aligned with levels[0]
}

// build packs boxes (already in a locality-preserving order).
func (p *packedTree) build(boxes [][4]float32, slots []int32) {
	p.levels, p.slots = [][][4]float32{boxes}, slots
	for lv := boxes; len(lv) > 1; {
		up := make([][4]float32, (len(lv)+packFanout-1)/packFanout)
		for i := range up {
			up[i] = union(lv[i*packFanout : min(len(lv), (i+1)*packFanout)])
		}
		p.levels = append(p.levels, up)
		lv = up
	}
}

func union(bs [][4]float32) [4]float32 {
	u := [4]float32{float32(math.Inf(1)), float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.Inf(-1))}
	for _, b := range bs {
		u[0], u[1] = min(u[0], b[0]), min(u[1], b[1])
		u[2], u[3] = max(u[2], b[2]), max(u[3], b[3])
	}
	return u
}

// search calls fn with the slot of every entry whose box meets q, until fn
// returns false; it reports whether the search ran to the end.
func (p *packedTree) search(q [4]float32, fn func(slot int32) bool) bool {
	if len(p.levels) == 0 || len(p.levels[0]) == 0 {
		return true
	}
	top := len(p.levels) - 1
	return p.searchNode(top, 0, len(p.levels[top]), q, fn)
}

func (p *packedTree) searchNode(level, from, to int, q [4]float32, fn func(slot int32) bool) bool {
	lv := p.levels[level]
	for i := from; i < to; i++ {
		b := lv[i]
		if b[0] > q[2] || b[2] < q[0] || b[1] > q[3] || b[3] < q[1] {
			continue
		}
		if level == 0 {
			if !fn(p.slots[i]) {
				return false
			}
			continue
		}
		below := len(p.levels[level-1])
		if !p.searchNode(level-1, i*packFanout, min(below, (i+1)*packFanout), q, fn) {
			return false
		}
	}
	return true
}

// bounds is the box of every packed entry.
func (p *packedTree) bounds() ([4]float32, bool) {
	if len(p.levels) == 0 || len(p.levels[0]) == 0 {
		return [4]float32{}, false
	}
	return union(p.levels[len(p.levels)-1]), true
}

func (x *spIndex) insert(b [4]float32, slot int32) {
	x.dynamic.Insert([2]float32{b[0], b[1]}, [2]float32{b[2], b[3]}, slot)
	x.n++
}

// remove drops a live entry; packed entries are filtered by dead flags.
func (x *spIndex) remove(b [4]float32, slot int32) {
	x.dynamic.Delete([2]float32{b[0], b[1]}, [2]float32{b[2], b[3]}, slot)
	x.n--
}

// search calls fn for live candidates meeting q until fn returns false.
func (x *spIndex) search(q [4]float32, dead []bool, fn func(slot int32) bool) {
	if !x.packed.search(q, func(s int32) bool { return dead[s] || fn(s) }) {
		return
	}
	x.dynamic.Search([2]float32{q[0], q[1]}, [2]float32{q[2], q[3]}, func(_, _ [2]float32, s int32) bool {
		return dead[s] || fn(s)
	})
}

// bounds is a box holding every live entry (it may be larger after
// deletions until the layer is reopened).
func (x *spIndex) bounds() ([4]float32, bool) {
	var parts [][4]float32
	if b, ok := x.packed.bounds(); ok {
		parts = append(parts, b)
	}
	if x.dynamic.Len() > 0 {
		mn, mx := x.dynamic.Bounds()
		parts = append(parts, [4]float32{mn[0], mn[1], mx[0], mx[1]})
	}
	return union(parts), len(parts) > 0 && x.n > 0
}
