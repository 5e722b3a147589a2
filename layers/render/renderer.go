// Package render turns a viewport over a blueprint into an image: 256 px
// tiles drawn in parallel and cached, level of detail, catalog styles with
// hatches and class colours, and collision-free Chinese and Latin labels.
package render

import (
	"context"
	"fmt"
	"hash/fnv"
	"image"
	"image/color"
	"image/draw"
	"math"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/paulmach/orb"
)

// DefaultBackground is the light neutral paper colour under the map.
var DefaultBackground = color.NRGBA{0xf4, 0xf3, 0xef, 0xff}

// Options configure a Renderer. A value, read once by New: safe for
// concurrent use (Underlay itself must be).
type Options struct {
	CacheBytes int64 // tile cache budget; 0 = 256 MiB, negative = no cache
	Workers    int   // tile workers; 0 = GOMAXPROCS
	Background color.NRGBA
	// Underlay, when set, draws beneath the vectors (for example a
	// hillshade); it returns an image of the viewport's size or nil.
	Underlay func(ctx context.Context, v Viewport) image.Image
	// Relief, when set, returns a multiply layer for a frame (for example
	// hillshade) of the viewport's size, or nil: each frame pixel's RGB is
	// scaled by the layer's RGB/255 after the vector tiles and before the
	// selection and labels, so fills take the relief while the selection
	// and labels stay crisp, as a QGIS multiply blend does.
	Relief func(ctx context.Context, req Request) (*image.RGBA, error)
}

// FeatureRef names one feature of a layer (by code). A value: safe for
// concurrent use.
type FeatureRef struct {
	Layer string
	FID   int64
}

// Request is one frame to draw. Render only reads it: safe for concurrent
// use as long as callers do not change its maps and slices meanwhile.
type Request struct {
	View      Viewport
	Layers    []string           // codes to draw; nil = each layer's default visibility
	Opacity   map[string]float64 // per-layer opacity 0..1; missing = 1
	Highlight []FeatureRef       // drawn on top in the selection style
	Labels    bool
	// Reserve lists frame pixel rectangles no label may overlap: the
	// map's own overlays (scale bar, north arrow) drawn over the frame.
	Reserve []image.Rectangle
}

// Renderer draws frames from a Source. It is safe for concurrent use.
type Renderer struct {
	src   Source
	opt   Options
	cache *tileCache
	style atomic.Uint64
}

// New returns a Renderer over src.
func New(src Source, opt Options) *Renderer {
	if opt.CacheBytes == 0 {
		opt.CacheBytes = 256 << 20
	}
	if opt.Workers <= 0 {
		opt.Workers = runtime.GOMAXPROCS(0)
	}
	if opt.Background.A == 0 {
		opt.Background = DefaultBackground
	}
	opt.Background.A = 0xff // frames are opaque, so their RGBA bytes are also NRGBA
	return &Renderer{src: src, opt: opt, cache: newTileCache(opt.CacheBytes)}
}

// SetStyleVersion changes the style version; tiles of other versions are
// no longer used (they age out of the cache).
func (r *Renderer) SetStyleVersion(v uint64) { r.style.Store(v) }

// Invalidate drops the cached tiles of layer (a code; "" = all layers) that
// touch box (map units; a zero Bound = everywhere). Call it after an edit
// with the union of the old and new feature boxes.
func (r *Renderer) Invalidate(layer string, box orb.Bound) { r.cache.invalidate(layer, box) }

// CacheStats reports the number of cached tiles and their bytes.
func (r *Renderer) CacheStats() (tiles int, bytes int64) { return r.cache.stats() }

// drawn is a layer chosen for a frame with its resolved style.
type drawn struct {
	l     *Layer
	st    layerStyle
	order int
}

// frame is the state of one Render call.
type frame struct {
	req    Request
	layers []drawn
	set    uint64
	base   string // the drawing settings every tile key includes
	codes  []string
	res    float64
	phx    uint16
	phy    uint16
	fx, fy int64 // global grid pixel of the frame's (0,0)
	opaque bool
}

// Render draws req. The result is opaque. It returns ctx.Err() when
// cancelled, leaving the tiles already finished in the cache.
func (r *Renderer) Render(ctx context.Context, req Request) (*image.NRGBA, error) {
	if err := req.View.Validate(); err != nil {
		return nil, err
	}
	f := r.plan(req)
	tiles, err := r.tiles(ctx, f)
	if err != nil {
		return nil, err
	}
	img := image.NewRGBA(image.Rect(0, 0, req.View.W, req.View.H))
	r.compose(ctx, f, img, tiles)
	if err := r.relief(ctx, req, img); err != nil {
		return nil, err
	}
	if err := r.highlight(ctx, f, img); err != nil {
		return nil, err
	}
	if req.Labels {
		var cands []candidate
		for _, t := range tiles {
			cands = append(cands, t.labels...)
		}
		lb := newLabeler(img, float64(f.fx)+float64(f.phx)/256, float64(f.fy)+float64(f.phy)/256)
		for _, r := range req.Reserve {
			lb.reserve(r)
		}
		if err := lb.place(cands); err != nil {
			return nil, err
		}
	}
	return &image.NRGBA{Pix: img.Pix, Stride: img.Stride, Rect: img.Rect}, ctx.Err()
}

// plan picks the layers and places the frame on the global grid.
func (r *Renderer) plan(req Request) *frame {
	v := req.View
	f := &frame{req: req, res: v.Res, opaque: r.opt.Underlay == nil}
	scale := v.Scale()
	h := fnv.New64a()
	f.base = fmt.Sprintf("%d|%v|%v|", r.style.Load(), f.opaque, r.opt.Background)
	h.Write([]byte(f.base))
	for i, l := range r.src.Layers() {
		if !wanted(l, req.Layers) || !l.inScale(scale) || l.Data == nil {
			continue
		}
		op, ok := req.Opacity[l.Code]
		if !ok {
			op = 1
		}
		if op <= 0 {
			continue
		}
		f.layers = append(f.layers, drawn{l: l, st: resolveStyle(l.Style, op, scale), order: i})
		f.codes = append(f.codes, l.Code)
		h.Write([]byte(l.Code + "\x00" + strconv.FormatFloat(op, 'g', -1, 64) + "\x00"))
	}
	f.set = h.Sum64()
	o := v.ToMap(0, 0)
	f.fx, f.phx = snap(o[0] / v.Res)
	f.fy, f.phy = snap(-o[1] / v.Res)
	return f
}

// snap splits a grid coordinate into an integer pixel and a phase in
// 1/256 pixel.
func snap(u float64) (int64, uint16) {
	q := math.Round(u * 256)
	i := math.Floor(q / 256)
	return int64(i), uint16(q - i*256)
}

func wanted(l *Layer, codes []string) bool {
	if codes == nil {
		return l.Visible
	}
	return slices.Contains(codes, l.Code)
}

// tileGrid is the grid of one tile: map x goes to pixel X/res - ox.
func (f *frame) tileGrid(tx, ty int64) grid {
	return grid{res: f.res, ox: float64(f.phx)/256 + float64(tx*TileSize), oy: float64(f.phy)/256 + float64(ty*TileSize)}
}

func (f *frame) key(tx, ty int64) tileKey {
	return tileKey{set: f.set, res: math.Float64bits(f.res), phx: f.phx, phy: f.phy, tx: tx, ty: ty}
}

// span returns the tile columns and rows the frame covers.
func (f *frame) span() (tx0, ty0, tx1, ty1 int64) {
	return floorDiv(f.fx, TileSize), floorDiv(f.fy, TileSize),
		floorDiv(f.fx+int64(f.req.View.W)-1, TileSize), floorDiv(f.fy+int64(f.req.View.H)-1, TileSize)
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// placed is a tile with its position and, while missing, the effective
// key it is stored under.
type placed struct {
	tx, ty int64
	key    tileKey
	*tile
}

// tiles returns the frame's tiles, rendering the missing ones in parallel.
func (r *Renderer) tiles(ctx context.Context, f *frame) ([]placed, error) {
	tx0, ty0, tx1, ty1 := f.span()
	var out, todo []placed
	for ty := ty0; ty <= ty1; ty++ {
		for tx := tx0; tx <= tx1; tx++ {
			if t, ek, ok := r.lookup(f, tx, ty); ok {
				out = append(out, placed{tx: tx, ty: ty, tile: t})
			} else {
				todo = append(todo, placed{tx: tx, ty: ty, key: ek})
			}
		}
	}
	if len(todo) == 0 {
		return out, nil
	}
	done, err := r.renderAll(ctx, f, todo)
	return append(out, done...), err
}

// renderAll renders tiles on the worker pool.
func (r *Renderer) renderAll(ctx context.Context, f *frame, todo []placed) ([]placed, error) {
	gen := r.cache.generation()
	jobs := make(chan int)
	var wg sync.WaitGroup
	var firstErr error
	var once sync.Once
	for w := 0; w < min(r.opt.Workers, len(todo)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range jobs {
				t, err := r.renderTile(ctx, f, todo[k].tx, todo[k].ty)
				if err != nil {
					once.Do(func() { firstErr = err })
					continue
				}
				todo[k].tile = t
				r.cache.put(todo[k].key, t, gen)
				r.cache.alias(f.key(todo[k].tx, todo[k].ty), todo[k].key, f.codes)
			}
		}()
	}
	for k := range todo {
		if ctx.Err() != nil {
			break
		}
		jobs <- k
	}
	close(jobs)
	wg.Wait()
	if firstErr == nil {
		firstErr = ctx.Err()
	}
	return todo, firstErr
}

// renderTile draws every layer of the frame into one tile.
func (r *Renderer) renderTile(ctx context.Context, f *frame, tx, ty int64) (*tile, error) {
	img := image.NewRGBA(image.Rect(0, 0, TileSize, TileSize))
	if f.opaque {
		fillRect(img, r.opt.Background)
	}
	g := f.tileGrid(tx, ty)
	c := newCanvas(img, tx*TileSize, ty*TileSize)
	t := &tile{img: img, layers: f.codes}
	margin := 0.0
	for _, d := range f.layers {
		j := &drawJob{c: c, g: g, w: TileSize, h: TileSize, l: d.l, st: d.st, order: d.order}
		if d.l.Labels && (d.l.Kind != Point || f.res/PixelSize <= pointLabelMaxScale) {
			j.labels = &t.labels
		}
		if err := j.run(ctx); err != nil {
			return nil, err
		}
		margin = max(margin, d.st.margin())
	}
	t.labels = thin(t.labels)
	t.bound = g.mapBound(-margin, -margin, TileSize+margin, TileSize+margin)
	t.bytes = int64(len(img.Pix)) + int64(len(t.labels))*96 + 256
	return t, nil
}

// compose copies the tiles into the frame over the background and
// underlay.
func (r *Renderer) compose(ctx context.Context, f *frame, img *image.RGBA, tiles []placed) {
	op := draw.Src
	if !f.opaque {
		op = draw.Over
		fillRect(img, r.opt.Background)
		if u := r.opt.Underlay(ctx, f.req.View); u != nil {
			draw.Draw(img, img.Rect, u, u.Bounds().Min, draw.Over)
		}
	}
	for _, t := range tiles {
		if t.tile == nil {
			continue
		}
		at := image.Pt(int(t.tx*TileSize-f.fx), int(t.ty*TileSize-f.fy))
		draw.Draw(img, image.Rectangle{Min: at, Max: at.Add(image.Pt(TileSize, TileSize))}, t.img, image.Point{}, op)
	}
}

// relief multiplies the frame by the Relief layer.
func (r *Renderer) relief(ctx context.Context, req Request, img *image.RGBA) error {
	if r.opt.Relief == nil {
		return nil
	}
	m, err := r.opt.Relief(ctx, req)
	if err != nil || m == nil {
		return err
	}
	if m.Rect.Dx() != img.Rect.Dx() || m.Rect.Dy() != img.Rect.Dy() {
		return fmt.Errorf("%w: relief %v for a %dx%d view", ErrViewport, m.Rect.Size(), req.View.W, req.View.H)
	}
	multiply(img, m)
	return nil
}

// multiply scales the RGB of every pixel of dst by m's RGB/255 (both of
// the same size; dst is opaque).
func multiply(dst, m *image.RGBA) {
	w, h := dst.Rect.Dx(), dst.Rect.Dy()
	for y := 0; y < h; y++ {
		d := dst.Pix[y*dst.Stride : y*dst.Stride+4*w]
		s := m.Pix[y*m.Stride : y*m.Stride+4*w]
		for i := 0; i < len(d); i += 4 {
			d[i] = uint8((uint32(d[i])*uint32(s[i]) + 127) / 255)
			d[i+1] = uint8((uint32(d[i+1])*uint32(s[i+1]) + 127) / 255)
			d[i+2] = uint8((uint32(d[i+2])*uint32(s[i+2]) + 127) / 255)
		}
	}
}

// Selection style.
var (
	highlightFill   = color.NRGBA{0xff, 0xe0, 0x3a, 0x60}
	highlightStroke = color.NRGBA{0xff, 0x5a, 0x00, 0xff}
)

// highlight draws the selected features over the frame.
func (r *Renderer) highlight(ctx context.Context, f *frame, img *image.RGBA) error {
	if len(f.req.Highlight) == 0 {
		return nil
	}
	byLayer := map[string]map[int64]bool{}
	for _, h := range f.req.Highlight {
		if byLayer[h.Layer] == nil {
			byLayer[h.Layer] = map[int64]bool{}
		}
		byLayer[h.Layer][h.FID] = true
	}
	g := grid{res: f.res, ox: float64(f.fx) + float64(f.phx)/256, oy: float64(f.fy) + float64(f.phy)/256}
	c := newCanvas(img, f.fx, f.fy)
	for _, l := range r.src.Layers() {
		fids := byLayer[l.Code]
		if fids == nil || l.Data == nil {
			continue
		}
		st := resolveStyle(Style{Fill: highlightFill, Stroke: highlightStroke, Width: 2.5, Symbol: l.Style.Symbol, Size: max(l.Style.Size, 7) + 4}, 1, 0)
		j := &drawJob{c: c, g: g, w: float64(f.req.View.W), h: float64(f.req.View.H), l: l, st: st,
			keep: func(fid int64) bool { return fids[fid] }}
		if err := j.run(ctx); err != nil {
			return err
		}
	}
	return nil
}
