package render

import (
	"context"
	"fmt"
	"runtime"
	"sync"

	"github.com/paulmach/orb"

	"lantu/layers"
)

// ViewOptions configure FromBlueprintView. A value: safe for concurrent
// use (Warn itself must be).
type ViewOptions struct {
	Workers int // layers read at once; 0 = GOMAXPROCS
	// Warn, when set, hears once per layer what the reads could not do
	// well: a layer with features but no R-tree read by scanning its table, a layer
	// whose table could not be read (drawn empty), geometries that could
	// not be decoded (left out).
	Warn func(msg string)
}

// viewData is a blueprint layer read for one view: the in-memory index
// once the layer has it, else the features ReadBox read for the view.
type viewData struct {
	l    *layers.Layer
	snap *layers.Snapshot // nil: not read (the request does not draw it)
}

// noGeometry is the Geometry of a layer with no features read: its
// Search finds nothing, so no other method is called.
type noGeometry struct{}

func (noGeometry) Search(orb.Bound, func(int) bool) {}
func (noGeometry) Origin() orb.Point                { return orb.Point{} }
func (noGeometry) Box(int) [4]float32               { return [4]float32{} }
func (noGeometry) FID(int) int64                    { return 0 }
func (noGeometry) Class(int) string                 { return "" }
func (noGeometry) Label(int) string                 { return "" }
func (noGeometry) NumRings(int) int                 { return 0 }
func (noGeometry) Ring(int, int) []float32          { return nil }
func (noGeometry) PartStart(int, int) bool          { return false }

func (d viewData) Read(fn func(g Geometry)) {
	switch {
	case d.l.Indexed():
		d.l.Read(func(s *layers.Snapshot) { fn(s) })
	case d.snap != nil:
		fn(d.snap)
	default:
		fn(noGeometry{})
	}
}

// FromBlueprintView is FromBlueprint for a blueprint whose indexes are
// not built (opened with layers.OpenOptions Lazy, or Background while they
// build): for each layer req draws (or highlights) whose index is not
// ready, it reads the features in the area of the tiles that draw req's
// view straight from the file (Blueprint.ReadBox, through the GeoPackage's
// R-tree), on Workers goroutines, before it returns. A layer reads its
// index as soon as it has one. A frame of req drawn from the result equals
// the one drawn from FromBlueprint once indexed; other views of it miss
// the features outside req's area until their layers are indexed. Only
// ctx ending is an error: a layer that cannot be read is drawn empty and
// reported to Warn. The result is a fixed Source: safe for concurrent use.
func FromBlueprintView(ctx context.Context, bp *layers.Blueprint, req Request, opt ViewOptions) (LayerList, error) {
	if err := req.View.Validate(); err != nil {
		return nil, err
	}
	src := FromBlueprint(bp)
	box := tilesBound(req.View, maxMargin(src))
	var jobs []int
	for i, l := range src {
		bl := l.Data.(snapshotData).l
		src[i].Data = viewData{l: bl}
		if !bl.Indexed() && drawsLayer(req, l) {
			jobs = append(jobs, i)
		}
	}
	if opt.Workers <= 0 {
		opt.Workers = runtime.GOMAXPROCS(0)
	}
	w := &viewWarner{warn: opt.Warn}
	err := forEach(ctx, jobs, opt.Workers, func(i int) {
		bl := src[i].Data.(viewData).l
		if !bl.HasRTree && bl.Extent() != (orb.Bound{}) { // Lantu's empty tables get theirs with their first feature
			w.say("render: %s: table %q has no R-tree (rtree_%s_%s): scanning the whole table", bp.Path(), bl.Table, bl.Table, bl.GeomColumn)
		}
		snap, probs, err := bp.ReadBox(ctx, bl, box, layers.BoxOptions{Workers: opt.Workers})
		switch {
		case err != nil && ctx.Err() == nil:
			w.say("render: %v (layer drawn empty)", err)
		case len(probs) > 0:
			w.say("render: %s: table %q: %d geometries could not be decoded and are not drawn; the first: %v", bp.Path(), bl.Table, len(probs), probs[0])
		}
		if snap != nil {
			src[i].Data = viewData{l: bl, snap: snap}
		}
	})
	return src, err
}

// drawsLayer reports whether req draws or highlights l.
func drawsLayer(req Request, l *Layer) bool {
	for _, h := range req.Highlight {
		if h.Layer == l.Code {
			return true
		}
	}
	op, ok := req.Opacity[l.Code]
	return wanted(l, req.Layers) && l.inScale(req.View.Scale()) && (!ok || op > 0)
}

// maxMargin is the widest margin, in pixels, a layer's drawing reaches
// past its features' boxes (the highlight's included).
func maxMargin(src LayerList) float64 {
	m := 0.0
	for _, l := range src {
		st := resolveStyle(l.Style, 1, 0)
		hl := resolveStyle(Style{Width: 2.5, Size: max(l.Style.Size, 7) + 4}, 1, 0)
		m = max(m, st.margin(), hl.margin())
	}
	return m
}

// tilesBound is the map area of the tiles a Renderer draws v from, widened
// by margin pixels: what a tile's search can ask for.
func tilesBound(v Viewport, margin float64) orb.Bound {
	f := &frame{req: Request{View: v}, res: v.Res}
	o := v.ToMap(0, 0)
	f.fx, f.phx = snap(o[0] / v.Res)
	f.fy, f.phy = snap(-o[1] / v.Res)
	tx0, ty0, tx1, ty1 := f.span()
	g0, g1 := f.tileGrid(tx0, ty0), f.tileGrid(tx1, ty1)
	a := g0.mapBound(-margin, -margin, 0, 0)
	b := g1.mapBound(0, 0, TileSize+margin, TileSize+margin)
	return orb.Bound{Min: orb.Point{a.Min[0], b.Min[1]}, Max: orb.Point{b.Max[0], a.Max[1]}}
}

// forEach runs fn on items with n goroutines, stopping early when ctx ends.
func forEach(ctx context.Context, items []int, n int, fn func(int)) error {
	work := make(chan int)
	var wg sync.WaitGroup
	for k := 0; k < min(n, len(items)); k++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				fn(i)
			}
		}()
	}
	for _, i := range items {
		if ctx.Err() != nil {
			break
		}
		work <- i
	}
	close(work)
	wg.Wait()
	return ctx.Err()
}

// viewWarner passes messages to a Warn function, one at a time.
type viewWarner struct {
	mu   sync.Mutex
	warn func(string)
}

func (w *viewWarner) say(format string, args ...any) {
	if w.warn == nil {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.warn(fmt.Sprintf(format, args...))
}
