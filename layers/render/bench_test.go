package render

import (
	"context"
	"math/rand/v2"
	"strconv"
	"testing"
	"time"

	"github.com/paulmach/orb"
)

// syntheticCity builds a deterministic city-like source in memory: blocks
// of land-use parcels, buildings, roads and labelled points over
// side x side metres.
func syntheticCity(side float64) LayerList {
	rng := rand.New(rand.NewPCG(1, 2))
	o := orb.Point{500000, 4600000}
	parcels, buildings := &memLayer{origin: o}, &memLayer{origin: o}
	roads, pois := &memLayer{origin: o}, &memLayer{origin: o}
	classes := []string{"0701", "0702", "0901", "1001", "1401", "0801", "1101"}
	const block = 150.0
	for by := 0.0; by < side; by += block {
		for bx := 0.0; bx < side; bx += block {
			for q := 0; q < 4; q++ {
				x0, y0 := bx+float64(q%2)*block/2+4, by+float64(q/2)*block/2+4
				w := block/2 - 8
				parcels.rect(x0, y0, w, w, classes[rng.IntN(len(classes))], "")
				if rng.IntN(3) > 0 {
					buildings.rect(x0+8, y0+8, 12+rng.Float64()*20, 12+rng.Float64()*20, "", "")
				}
			}
			roads.line(bx, by, bx+block, by)
			roads.line(bx, by, bx, by+block)
			if rng.IntN(20) == 0 {
				pois.point(bx+block/2, by+block/2, "站点"+strconv.Itoa(len(pois.feats)))
			}
		}
	}
	for _, m := range []*memLayer{parcels, buildings, roads, pois} {
		m.index()
	}
	return LayerList{
		{Code: "landuse", Kind: Polygon, Visible: true, Data: parcels, Style: Style{
			Fill: rgb("#dddddd"), Stroke: rgb("#9a9a9a"), Width: 0.6, Opacity: 0.9,
			ClassColor: palette(map[string]string{"07": "#ffe38c", "08": "#f0b0e0", "09": "#f08080", "10": "#c8a0c8", "11": "#a0c0e0", "14": "#9fd49a"})}},
		{Code: "buildings", Kind: Polygon, Visible: true, MinScale: 50000, Data: buildings, Style: Style{
			Fill: rgb("#c9c2b8"), Stroke: rgb("#8f877c"), Width: 0.5}},
		{Code: "roads", Kind: Line, Visible: true, Data: roads, Style: Style{Stroke: rgb("#ffffff"), Width: 2}},
		{Code: "poi", Kind: Point, Visible: true, Labels: true, Data: pois, Style: Style{
			Fill: rgb("#1f6fd1"), Stroke: rgb("#ffffff"), Width: 1, Symbol: "circle", Size: 6}},
	}
}

func (m *memLayer) add(f memFeat) {
	f.fid = int64(len(m.feats) + 1)
	f.bound()
	m.feats = append(m.feats, f)
}

func (m *memLayer) rect(x, y, w, h float64, class, label string) {
	m.add(memFeat{class: class, label: label, parts: []bool{true}, rings: [][]float32{{
		float32(x), float32(y), float32(x + w), float32(y), float32(x + w), float32(y + h), float32(x), float32(y + h), float32(x), float32(y)}}})
}

func (m *memLayer) line(x0, y0, x1, y1 float64) {
	m.add(memFeat{parts: []bool{true}, rings: [][]float32{{float32(x0), float32(y0), float32(x1), float32(y1)}}})
}

func (m *memLayer) point(x, y float64, label string) {
	m.add(memFeat{label: label, parts: []bool{true}, rings: [][]float32{{float32(x), float32(y)}}})
}

// syntheticExtent is the extent of syntheticCity(side).
func syntheticExtent(side float64) orb.Bound {
	return orb.Bound{Min: orb.Point{500000, 4600000}, Max: orb.Point{500000 + side, 4600000 + side}}
}

// benchFrames measures a cold full-extent frame, a cold 5 km view and a
// 100 px pan over cached tiles.
func benchFrames(b *testing.B, src Source, extent orb.Bound) {
	ctx := context.Background()
	full := Fit(extent, 1920, 1080)
	five := Viewport{Center: extent.Center(), Res: 5000.0 / 1920, W: 1920, H: 1080}
	b.Run("full-extent", func(b *testing.B) {
		for b.Loop() {
			r := New(src, Options{})
			if _, err := r.Render(ctx, Request{View: full, Labels: true}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("5km-cold", func(b *testing.B) {
		for b.Loop() {
			r := New(src, Options{})
			if _, err := r.Render(ctx, Request{View: five, Labels: true}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("pan-cached", func(b *testing.B) {
		r := New(src, Options{})
		if _, err := r.Render(ctx, Request{View: five, Labels: true}); err != nil {
			b.Fatal(err)
		}
		// Warm the tiles of both positions; each iteration pans 100 px.
		if _, err := r.Render(ctx, Request{View: five.Pan(100, 0), Labels: true}); err != nil {
			b.Fatal(err)
		}
		k := 0
		for b.Loop() {
			k ^= 1
			if _, err := r.Render(ctx, Request{View: five.Pan(float64(100*k), 0), Labels: true}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkSynthetic runs the frame benchmarks on in-memory cities of
// about 350k (30 km) and 1M (50 km) features.
func BenchmarkSynthetic(b *testing.B) {
	for _, side := range []float64{30000, 50000} {
		src := syntheticCity(side)
		b.Run(strconv.Itoa(int(side/1000))+"km", func(b *testing.B) {
			benchFrames(b, src, syntheticExtent(side))
		})
	}
}

// BenchmarkCancel measures how long a cold full-extent frame takes to
// return after its context is cancelled mid-way.
func BenchmarkCancel(b *testing.B) {
	src := syntheticCity(30000)
	v := Fit(syntheticExtent(30000), 1920, 1080)
	var total time.Duration
	for b.Loop() {
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan time.Time)
		go func() {
			_, _ = New(src, Options{}).Render(ctx, Request{View: v})
			done <- time.Now()
		}()
		time.Sleep(20 * time.Millisecond)
		at := time.Now()
		cancel()
		total += (<-done).Sub(at)
	}
	b.ReportMetric(float64(total.Microseconds())/1000/float64(b.N), "ms-to-stop")
}
