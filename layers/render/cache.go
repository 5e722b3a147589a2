package render

import (
	"container/list"
	"image"
	"slices"
	"sync"

	"github.com/paulmach/orb"
)

// TileSize is the edge of a cached tile in pixels.
const TileSize = 256

// tileKey names one tile: the drawn layer set (with opacities and style
// version), the resolution, the sub-pixel phase of the grid, and the tile's
// column and row.
type tileKey struct {
	set      uint64
	res      uint64 // math.Float64bits of metres per pixel
	phx, phy uint16 // grid phase in 1/256 pixel
	tx, ty   int64
}

// tile is a rendered tile with the label candidates anchored in it.
type tile struct {
	img    *image.RGBA
	labels []candidate
	bound  orb.Bound // map area, grown by the drawing margin
	layers []string
	bytes  int64
}

// tileCache is an LRU of tiles bounded by bytes. Safe for concurrent use.
type tileCache struct {
	mu      sync.Mutex
	max     int64
	used    int64
	ll      *list.List // front = most recent; values are *cacheItem
	items   map[tileKey]*list.Element
	aliases map[tileKey]tileKey // frame key -> effective key
	gen     uint64              // bumped by every invalidation
}

type cacheItem struct {
	key tileKey
	t   *tile
}

func newTileCache(max int64) *tileCache {
	return &tileCache{max: max, ll: list.New(), items: map[tileKey]*list.Element{}, aliases: map[tileKey]tileKey{}}
}

// get returns a cached tile and marks it recently used.
func (c *tileCache) get(k tileKey) (*tile, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.items[k]
	if !ok {
		ek, aliased := c.aliases[k]
		if e, ok = c.items[ek]; !aliased || !ok {
			return nil, false
		}
	}
	c.ll.MoveToFront(e)
	return e.Value.(*cacheItem).t, true
}

// generation is the invalidation counter; put ignores tiles rendered
// before an invalidation.
func (c *tileCache) generation() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gen
}

// put stores t unless an invalidation happened since gen, then evicts the
// least recently used tiles over the budget.
func (c *tileCache) put(k tileKey, t *tile, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen || c.max <= 0 || t.bytes > c.max {
		return
	}
	if e, ok := c.items[k]; ok {
		c.remove(e)
	}
	c.items[k] = c.ll.PushFront(&cacheItem{key: k, t: t})
	c.used += t.bytes
	for c.used > c.max {
		c.remove(c.ll.Back())
	}
}

// alias makes k, the key of a frame drawing codes, find the tile stored
// under ek, and adds codes to the layers the tile is listed under.
func (c *tileCache) alias(k, ek tileKey, codes []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.items[ek]
	if !ok {
		return
	}
	t := e.Value.(*cacheItem).t
	var more []string
	for _, code := range codes {
		if !slices.Contains(t.layers, code) {
			more = append(more, code)
		}
	}
	if len(more) > 0 {
		t.layers = append(slices.Clip(t.layers), more...) // copy: other tiles share the slice
	}
	if k == ek {
		return
	}
	if len(c.aliases) > 4*len(c.items)+1024 {
		clear(c.aliases) // drop aliases of evicted tiles
	}
	c.aliases[k] = ek
}

func (c *tileCache) remove(e *list.Element) {
	it := e.Value.(*cacheItem)
	c.ll.Remove(e)
	delete(c.items, it.key)
	c.used -= it.t.bytes
}

// invalidate drops the tiles that draw layer and touch box; an empty layer
// name matches every layer, and a zero box matches everywhere. A tile lists
// the layers of every frame it served, so a layer absent from it when it
// was drawn still finds it.
func (c *tileCache) invalidate(layer string, box orb.Bound) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	clear(c.aliases)
	all := box == orb.Bound{}
	for e := c.ll.Front(); e != nil; {
		next := e.Next()
		t := e.Value.(*cacheItem).t
		if (layer == "" || slices.Contains(t.layers, layer)) && (all || t.bound.Intersects(box)) {
			c.remove(e)
		}
		e = next
	}
}

// stats returns the number of tiles and bytes held.
func (c *tileCache) stats() (int, int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.items), c.used
}
