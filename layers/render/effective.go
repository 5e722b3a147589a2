package render

import (
	"hash/fnv"
	"strconv"

	"github.com/paulmach/orb"
)

// A visibility change should redraw only what changed. Tiles are stored
// under the key of the layers that actually have features near them (the
// effective set), and the frame's own key is an alias to it: after a layer
// is switched on or off, every tile the layer does not touch has the same
// effective set as before and is reused.

// effectiveMargin is how far, in pixels, beyond a tile a feature may lie
// and still draw into it (strokes, symbols, hatches).
const effectiveMargin = 24

// lookup finds a cached tile by the frame's key, or else by its effective
// key; it returns the effective key under which a missing tile is stored.
func (r *Renderer) lookup(f *frame, tx, ty int64) (*tile, tileKey, bool) {
	k := f.key(tx, ty)
	if t, ok := r.cache.get(k); ok {
		return t, k, true
	}
	ek := f.effectiveKey(tx, ty)
	if t, ok := r.cache.get(ek); ok {
		r.cache.alias(k, ek, f.codes)
		return t, ek, true
	}
	return nil, ek, false
}

// effectiveKey hashes the frame's drawing settings and the layers that
// have a feature within the tile's margin, in drawing order.
func (f *frame) effectiveKey(tx, ty int64) tileKey {
	m := float64(effectiveMargin)
	for _, d := range f.layers {
		m = max(m, d.st.margin()+2)
	}
	box := f.tileGrid(tx, ty).mapBound(-m, -m, TileSize+m, TileSize+m)
	h := fnv.New64a()
	h.Write([]byte(f.base))
	for _, d := range f.layers {
		if hasFeature(d.l.Data, box) {
			h.Write([]byte(d.l.Code + "\x00" + strconv.FormatFloat(d.st.opacity, 'g', -1, 64) + "\x00"))
		}
	}
	k := f.key(tx, ty)
	k.set = h.Sum64() ^ effectiveSalt
	return k
}

// effectiveSalt keeps effective keys apart from frame keys.
const effectiveSalt = 0x9e3779b97f4a7c15

// hasFeature tells whether data has a live feature whose box meets box.
func hasFeature(data Data, box orb.Bound) bool {
	found := false
	data.Read(func(g Geometry) {
		g.Search(box, func(int) bool { found = true; return false })
	})
	return found
}
