package layers

import (
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/paulmach/orb"

	"lantu/layers/gpkg"
)

// errFlatWKB is returned for WKB the flat decoder cannot walk.
var errFlatWKB = errors.New("layers: invalid WKB")

// flat keeps one layer's geometry for drawing and searching: coordinates as
// float32 offsets from an origin in one slice, ring and feature offsets, and a
// per-feature box. It is append-only: an edit appends a new slot and marks
// the old one dead. Not safe for concurrent use; Layer guards it.
type flat struct {
	origin    orb.Point
	originSet bool
	xy        []float32 // x0,y0,x1,y1,...
	ringStart []int32   // point index where ring k starts; len = rings+1
	partStart []bool    // ring k starts a new part (outer ring, line, point)
	featRing  []int32   // ring index where slot i starts; len = slots+1
	fid       []int64
	box       [][4]float32 // minx, miny, maxx, maxy relative to origin
	dead      []bool
	class     []uint16 // index into classes; 0 = none
	classes   []string
	classIdx  map[string]uint16
	label     []string // nil when the layer has no label field
	tree      spIndex
	slotOf    fidIndex  // fid -> live slot
	live      int       // live slots: the layer's feature count
	bad       []Problem // BadGeometry problems met while loading
	bulk      bool      // loading: boxes go into the tree in one pass at the end
	// keyed: the fids are a table's primary keys, each met once, so slotOf
	// stays empty until indexFids fills it in one pass (a part starting at
	// a high fid would otherwise fill it as a map).
	keyed bool
}

func newFlat(origin orb.Point, labels bool) *flat {
	f := &flat{
		origin:    origin,
		originSet: origin != orb.Point{},
		ringStart: []int32{0},
		featRing:  []int32{0},
		classes:   []string{""},
		classIdx:  map[string]uint16{"": 0},
	}
	if labels {
		f.label = []string{}
	}
	return f
}

// merge appends the slots of o, a bulk-loaded flat with the same origin
// and disjoint fids, to f (also still bulk loading). When o is keyed, f
// is too and its load ends with indexFids.
func (f *flat) merge(o *flat) {
	pts, rings, slots := int32(len(f.xy)/2), int32(len(f.ringStart)-1), int32(len(f.fid))
	f.xy = append(f.xy, o.xy...)
	for _, r := range o.ringStart[1:] {
		f.ringStart = append(f.ringStart, r+pts)
	}
	f.partStart = append(f.partStart, o.partStart...)
	for _, r := range o.featRing[1:] {
		f.featRing = append(f.featRing, r+rings)
	}
	f.fid = append(f.fid, o.fid...)
	f.live += o.live
	f.bad = append(f.bad, o.bad...)
	f.box = append(f.box, o.box...)
	f.dead = append(f.dead, o.dead...)
	for _, c := range o.class {
		f.class = append(f.class, f.classID(o.classes[c]))
	}
	if f.label != nil {
		f.label = append(f.label, o.label...)
	}
	for i, fid := range o.fid {
		if !o.dead[i] && !o.keyed {
			f.slotOf.set(fid, slots+int32(i))
		}
	}
}

// classID interns a class value.
func (f *flat) classID(c string) uint16 {
	if id, ok := f.classIdx[c]; ok {
		return id
	}
	if len(f.classes) >= math.MaxUint16 {
		return 0
	}
	id := uint16(len(f.classes))
	f.classes = append(f.classes, c)
	f.classIdx[c] = id
	return id
}

// appendWKB decodes one WKB geometry into a new slot. An empty geometry
// still gets a slot (so fids stay aligned) but no index entry. WKB the fast
// walker does not take (curves, EWKB) goes through gpkg.DecodeWKB, which
// linearises curves; an error is gpkg's and adds no slot.
func (f *flat) appendWKB(fid int64, wkb []byte, class, label string) error {
	firstRing := len(f.ringStart) - 1
	firstPt := len(f.xy) / 2
	w := wkbWalker{f: f}
	if _, err := w.geometry(wkb, 0); err != nil {
		f.truncate(firstRing, firstPt)
		g, _, _, err := gpkg.DecodeWKB(wkb)
		if err != nil {
			return err
		}
		return f.appendGeometry(fid, g, class, label)
	}
	return f.finishSlot(fid, firstPt, class, label)
}

// takeProblems hands over the BadGeometry problems, naming the table.
func (f *flat) takeProblems(table string) []Problem {
	out := f.bad
	for i := range out {
		out[i].Table = table
	}
	f.bad = nil
	return out
}

// appendGeometry adds an orb geometry as a new slot.
func (f *flat) appendGeometry(fid int64, g orb.Geometry, class, label string) error {
	firstPt := len(f.xy) / 2
	f.addOrb(g)
	return f.finishSlot(fid, firstPt, class, label)
}

func (f *flat) truncate(ring, pt int) {
	f.ringStart = f.ringStart[:ring+1]
	f.partStart = f.partStart[:ring]
	f.xy = f.xy[:2*pt]
}

func (f *flat) finishSlot(fid int64, firstPt int, class, label string) error {
	slot := int32(len(f.fid))
	f.featRing = append(f.featRing, int32(len(f.ringStart)-1))
	f.fid = append(f.fid, fid)
	f.dead = append(f.dead, false)
	f.live++
	f.class = append(f.class, f.classID(class))
	if f.label != nil {
		f.label = append(f.label, label)
	}
	b := [4]float32{float32(math.Inf(1)), float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.Inf(-1))}
	for i := 2 * firstPt; i < len(f.xy); i += 2 {
		x, y := f.xy[i], f.xy[i+1]
		b[0], b[1] = min(b[0], x), min(b[1], y)
		b[2], b[3] = max(b[2], x), max(b[3], y)
	}
	f.box = append(f.box, b)
	if !f.keyed {
		if prev, ok := f.slotOf.get(fid); ok {
			f.kill(prev)
		}
		f.slotOf.set(fid, slot)
	}
	if b[0] <= b[2] && !f.bulk {
		f.tree.insert(b, slot)
	}
	return nil
}

// indexFids ends a keyed load: it maps the fids of the live slots. On a
// flat that is not keyed it changes nothing.
func (f *flat) indexFids() {
	if !f.keyed {
		return
	}
	f.keyed = false
	for i, fid := range f.fid {
		if !f.dead[i] {
			f.slotOf.set(fid, int32(i))
		}
	}
}

// buildTree ends a bulk load: it packs the live boxes, in Hilbert order of
// their centres, into the static part of the index.
func (f *flat) buildTree() { f.buildTreeIn(nil) }

// buildTreeIn is buildTree with the Hilbert curve laid over frame
// (relative to the origin) instead of the boxes' union, so that a flat
// holding part of a layer orders its features as the whole layer's does.
// Equal keys are ordered by fid.
func (f *flat) buildTreeIn(frame *[4]float32) {
	f.bulk = false
	mn := [2]float32{float32(math.Inf(1)), float32(math.Inf(1))}
	mx := [2]float32{float32(math.Inf(-1)), float32(math.Inf(-1))}
	items := make([]treeItem, 0, len(f.box))
	for i, b := range f.box {
		if f.dead[i] || b[0] > b[2] {
			continue
		}
		mn[0], mn[1] = min(mn[0], b[0]), min(mn[1], b[1])
		mx[0], mx[1] = max(mx[0], b[2]), max(mx[1], b[3])
		items = append(items, treeItem{slot: int32(i)})
	}
	if frame != nil {
		mn, mx = [2]float32{frame[0], frame[1]}, [2]float32{frame[2], frame[3]}
	}
	sx, sy := float32(65535)/max(mx[0]-mn[0], 1e-6), float32(65535)/max(mx[1]-mn[1], 1e-6)
	for k := range items {
		b := f.box[items[k].slot]
		cx, cy := min(max(((b[0]+b[2])/2-mn[0])*sx, 0), 65535), min(max(((b[1]+b[3])/2-mn[1])*sy, 0), 65535)
		items[k].key = uint64(hilbert16(uint32(cx), uint32(cy)))
	}
	f.sortItems(items)
	boxes, slots := make([][4]float32, len(items)), make([]int32, len(items))
	for k, it := range items {
		boxes[k], slots[k] = f.box[it.slot], it.slot
	}
	f.tree.packed.build(boxes, slots)
	f.tree.n += len(items)
}

// treeItem is a slot and its Hilbert key, to be ordered for the tree.
type treeItem struct {
	key  uint64
	slot int32
}

// sortItems orders items by key, then fid. When slots are in fid order
// (a load in key order, the usual case) it sorts key and slot packed in
// one integer, several times faster than comparing through the fids.
func (f *flat) sortItems(items []treeItem) {
	if !slices.IsSorted(f.fid) {
		slices.SortFunc(items, func(a, b treeItem) int {
			return cmp.Or(cmp.Compare(a.key, b.key), cmp.Compare(f.fid[a.slot], f.fid[b.slot]))
		})
		return
	}
	packed := make([]uint64, len(items))
	for k, it := range items {
		packed[k] = it.key<<32 | uint64(uint32(it.slot))
	}
	slices.Sort(packed)
	for k, p := range packed {
		items[k] = treeItem{key: p >> 32, slot: int32(uint32(p))}
	}
}

// hilbert16 is the index of (x, y) on a 65536 x 65536 Hilbert curve.
func hilbert16(x, y uint32) uint32 {
	const n = 1 << 16
	var d uint32
	for s := uint32(n / 2); s > 0; s /= 2 {
		var rx, ry uint32
		if x&s != 0 {
			rx = 1
		}
		if y&s != 0 {
			ry = 1
		}
		d += s * s * ((3 * rx) ^ ry)
		if ry == 0 {
			if rx == 1 {
				x, y = n-1-x, n-1-y
			}
			x, y = y, x
		}
	}
	return d
}

// kill marks a slot dead and removes it from the index.
func (f *flat) kill(slot int32) {
	if f.dead[slot] {
		return
	}
	f.dead[slot] = true
	f.live--
	b := f.box[slot]
	if b[0] <= b[2] && !f.bulk {
		f.tree.remove(b, slot)
	}
	if s, ok := f.slotOf.get(f.fid[slot]); ok && s == slot {
		f.slotOf.del(f.fid[slot])
	}
}

// remove deletes the live slot of fid, if any.
func (f *flat) remove(fid int64) {
	if s, ok := f.slotOf.get(fid); ok {
		f.kill(s)
	}
}

func (f *flat) addPoint(x, y float64) {
	if !f.originSet {
		f.setOrigin(x, y)
	}
	f.xy = append(f.xy, float32(x-f.origin[0]), float32(y-f.origin[1]))
}

// setOrigin sets the origin near the first point: rounded to a kilometre
// so origins are easy to read in a debugger.
func (f *flat) setOrigin(x, y float64) {
	f.origin = orb.Point{math.Round(x/1000) * 1000, math.Round(y/1000) * 1000}
	f.originSet = true
}

// reserve makes room for n more points in xy. It at least doubles the
// capacity when it grows (append's growth of a large slice is a quarter,
// which copied a big layer's coordinates several times over).
func (f *flat) reserve(n int) {
	if need := len(f.xy) + 2*n; need > cap(f.xy) {
		xy := make([]float32, len(f.xy), max(need, 2*cap(f.xy), 1024))
		copy(xy, f.xy)
		f.xy = xy
	}
}

// closeRing ends the current ring; part says it starts a new part.
func (f *flat) closeRing(part bool) {
	f.ringStart = append(f.ringStart, int32(len(f.xy)/2))
	f.partStart = append(f.partStart, part)
}

func (f *flat) addOrb(g orb.Geometry) {
	switch g := g.(type) {
	case orb.Point:
		f.addPoint(g[0], g[1])
		f.closeRing(true)
	case orb.MultiPoint:
		for _, p := range g {
			f.addOrb(p)
		}
	case orb.LineString:
		f.addPoints(g, true)
	case orb.MultiLineString:
		for _, l := range g {
			f.addPoints(l, true)
		}
	case orb.Ring:
		f.addPolygon(orb.Polygon{g})
	case orb.Polygon:
		f.addPolygon(g)
	case orb.MultiPolygon:
		for _, p := range g {
			f.addPolygon(p)
		}
	case orb.Collection:
		for _, c := range g {
			f.addOrb(c)
		}
	case orb.Bound:
		f.addPolygon(g.ToPolygon())
	}
}

func (f *flat) addPoints(ps []orb.Point, part bool) {
	if len(ps) == 0 {
		return
	}
	for _, p := range ps {
		f.addPoint(p[0], p[1])
	}
	f.closeRing(part)
}

func (f *flat) addPolygon(p orb.Polygon) {
	for k, r := range p {
		start := len(f.xy) / 2
		f.addPoints(r, k == 0)
		f.orient(start, k == 0)
	}
}

// orient reverses the ring just added when its winding is wrong: outer
// rings counter-clockwise, holes clockwise.
func (f *flat) orient(start int, outer bool) {
	end := len(f.xy) / 2
	if end-start < 3 {
		return
	}
	var a float64
	pts := f.xy[2*start : 2*end]
	for i := 0; i+3 < len(pts); i += 2 {
		a += float64(pts[i])*float64(pts[i+3]) - float64(pts[i+2])*float64(pts[i+1])
	}
	n := len(pts)
	a += float64(pts[n-2])*float64(pts[1]) - float64(pts[0])*float64(pts[n-1])
	if (a > 0) != outer && a != 0 {
		for i, j := 0, n/2-1; i < j; i, j = i+1, j-1 {
			pts[2*i], pts[2*j] = pts[2*j], pts[2*i]
			pts[2*i+1], pts[2*j+1] = pts[2*j+1], pts[2*i+1]
		}
	}
}

// wkbWalker decodes WKB straight into a flat, dropping Z and M.
type wkbWalker struct {
	f     *flat
	depth int
}

func (w *wkbWalker) geometry(b []byte, off int) (int, error) {
	if w.depth > 32 {
		return 0, fmt.Errorf("%w: nesting too deep", errFlatWKB)
	}
	if len(b)-off < 5 {
		return 0, fmt.Errorf("%w: short header at byte %d", errFlatWKB, off)
	}
	var bo binary.ByteOrder = binary.LittleEndian
	switch b[off] {
	case 0:
		bo = binary.BigEndian
	case 1:
	default:
		return 0, fmt.Errorf("%w: byte order %d at byte %d", errFlatWKB, b[off], off)
	}
	typ := bo.Uint32(b[off+1:])
	dims := 2
	if typ&0x80000000 != 0 { // EWKB Z
		dims++
	}
	if typ&0x40000000 != 0 { // EWKB M
		dims++
	}
	if typ&0x20000000 != 0 {
		return 0, fmt.Errorf("%w: EWKB SRID is not allowed in GeoPackage", errFlatWKB)
	}
	typ &= 0x0fffffff
	switch typ / 1000 {
	case 1, 2:
		dims++
	case 3:
		dims += 2
	}
	typ %= 1000
	off += 5
	w.depth++
	defer func() { w.depth-- }()
	return w.body(b, off, bo, typ, dims)
}

func (w *wkbWalker) body(b []byte, off int, bo binary.ByteOrder, typ uint32, dims int) (int, error) {
	switch typ {
	case 1:
		if len(b)-off < 8*dims {
			return 0, fmt.Errorf("%w: short point", errFlatWKB)
		}
		x := math.Float64frombits(bo.Uint64(b[off:]))
		y := math.Float64frombits(bo.Uint64(b[off+8:]))
		if !math.IsNaN(x) && !math.IsNaN(y) {
			w.f.addPoint(x, y)
			w.f.closeRing(true)
		}
		return off + 8*dims, nil
	case 2:
		return w.points(b, off, bo, dims, true)
	case 3:
		return w.polygon(b, off, bo, dims)
	case 4, 5, 6, 7:
		n, off, err := count(b, off, bo, 5)
		if err != nil {
			return 0, err
		}
		for i := 0; i < n; i++ {
			if typ != 7 && memberBase(b, off) != typ-3 {
				return 0, fmt.Errorf("%w: member %d of type %d is not of type %d", errFlatWKB, i, memberBase(b, off), typ-3)
			}
			if off, err = w.geometry(b, off); err != nil {
				return 0, err
			}
		}
		return off, nil
	}
	return 0, fmt.Errorf("%w: geometry type %d", errFlatWKB, typ)
}

func (w *wkbWalker) polygon(b []byte, off int, bo binary.ByteOrder, dims int) (int, error) {
	n, off, err := count(b, off, bo, 4)
	if err != nil {
		return 0, err
	}
	for k := 0; k < n; k++ {
		start := len(w.f.xy) / 2
		if off, err = w.points(b, off, bo, dims, k == 0); err != nil {
			return 0, err
		}
		w.f.orient(start, k == 0)
	}
	return off, nil
}

func (w *wkbWalker) points(b []byte, off int, bo binary.ByteOrder, dims int, part bool) (int, error) {
	n, off, err := count(b, off, bo, 8*dims)
	if err != nil {
		return 0, err
	}
	if n == 0 {
		return off, nil
	}
	f := w.f
	if !f.originSet {
		f.setOrigin(math.Float64frombits(bo.Uint64(b[off:])), math.Float64frombits(bo.Uint64(b[off+8:])))
	}
	f.reserve(n)
	at, ox, oy := len(f.xy), f.origin[0], f.origin[1]
	xy := f.xy[:at+2*n]
	for i := at; i < len(xy); i += 2 {
		xy[i] = float32(math.Float64frombits(bo.Uint64(b[off:])) - ox)
		xy[i+1] = float32(math.Float64frombits(bo.Uint64(b[off+8:])) - oy)
		off += 8 * dims
	}
	f.xy = xy
	f.closeRing(part)
	return off, nil
}

// memberBase is the base WKB type of the geometry at off, or 0.
func memberBase(b []byte, off int) uint32 {
	if len(b)-off < 5 {
		return 0
	}
	var t uint32
	switch b[off] {
	case 0:
		t = binary.BigEndian.Uint32(b[off+1:])
	case 1:
		t = binary.LittleEndian.Uint32(b[off+1:])
	default:
		return 0
	}
	return (t & 0x0fffffff) % 1000
}

// count reads an element count and checks the rest of b can hold it.
func count(b []byte, off int, bo binary.ByteOrder, minSize int) (int, int, error) {
	if len(b)-off < 4 {
		return 0, 0, fmt.Errorf("%w: short count at byte %d", errFlatWKB, off)
	}
	n := int(bo.Uint32(b[off:]))
	off += 4
	if n < 0 || n > (len(b)-off)/minSize {
		return 0, 0, fmt.Errorf("%w: count %d exceeds the %d bytes left", errFlatWKB, n, len(b)-off)
	}
	return n, off, nil
}
