package editor

import (
	"context"
	"fmt"
	"math"
	"path/filepath"
	"testing"

	"github.com/paulmach/orb"

	"lantu/layers"
)

// gridBlueprint holds n x n 50 m land-use squares from (500000, 4600000).
func gridBlueprint(b *testing.B, n int) *layers.Blueprint {
	bp, err := layers.Create(filepath.Join(b.TempDir(), "grid.gpkg"), layers.CreateOptions{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { bp.Close() })
	w, err := bp.Bulk(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	for i := range n {
		for j := range n {
			x, y := 500000+50*float64(i), 4600000+50*float64(j)
			r := orb.Ring{{x, y}, {x + 50, y}, {x + 50, y + 50}, {x, y + 50}, {x, y}}
			if err := w.Insert(plotLayer, orb.MultiPolygon{{r}}, nil); err != nil {
				b.Fatal(err)
			}
		}
	}
	if err := w.Commit(); err != nil {
		b.Fatal(err)
	}
	return bp
}

// BenchmarkSnap is one cursor move's snap search: 10 px at 0.5 m/px over
// a 100 x 100 grid of plots plus 20 empty visible layers.
func BenchmarkSnap(b *testing.B) {
	bp := gridBlueprint(b, 100)
	codes := []string{plotLayer}
	for _, l := range bp.Layers()[:20] {
		codes = append(codes, l.Code)
	}
	s := Snapper{BP: bp}
	b.ResetTimer()
	hits := 0
	for i := range b.N {
		p := orb.Point{500000 + float64(i%5000), 4600000 + float64((i*7)%5000)}
		if s.Find(codes, p, 5, nil).Kind != SnapNone {
			hits++
		}
	}
	b.ReportMetric(float64(hits)/float64(b.N), "hits/op")
}

// BenchmarkSplit splits a 400-vertex polygon with a line through it.
func BenchmarkSplit(b *testing.B) {
	var r orb.Ring
	for i := range 400 {
		x, y := sincos(float64(i) / 400)
		r = append(r, orb.Point{500000 + 100*x, 4600000 + 100*y})
	}
	r = append(r, r[0])
	poly := orb.MultiPolygon{{r}}
	line := orb.LineString{{499800, 4600010}, {500200, 4599990}}
	b.ResetTimer()
	for range b.N {
		if ps, err := Split(poly, line); err != nil || len(ps) != 2 {
			b.Fatal(fmt.Sprint(len(ps), err))
		}
	}
}

func sincos(turn float64) (float64, float64) {
	a := 2 * math.Pi * turn
	return math.Cos(a), math.Sin(a)
}

// BenchmarkMoveVertexSave is one saved vertex drag as the UI goroutine
// runs it: the freshness check, the Apply with its journal row, and
// re-reading the selection.
func BenchmarkMoveVertexSave(b *testing.B) {
	bp := gridBlueprint(b, 10)
	s := New(bp)
	s.Visible = func() []string { return []string{"GL_XZFA"} }
	g := orb.MultiPolygon{{{{500200, 4600000}, {500300, 4600000}, {500300, 4600100}, {500200, 4600100}, {500200, 4600000}}}}
	fs, err := bp.Apply(context.Background(), layers.Edit{Op: layers.OpInsert, Layer: "GL_XZFA", Geom: g})
	if err != nil {
		b.Fatal(err)
	}
	if err := s.Select("GL_XZFA", fs[0].UID); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	cur, other := 4600100.0, 4600110.0
	for range b.N {
		if !s.DragStart(Pointer{P: orb.Point{500300, cur}, Res: 0.5}) {
			b.Fatal("no vertex under the pointer")
		}
		s.DragEnd(Pointer{P: orb.Point{500300, other}, Res: 0.5})
		cur, other = other, cur
	}
	b.StopTimer()
	if n := journalLen(b, bp); n != b.N+1 {
		b.Errorf("%d journal rows for %d saves", n, b.N)
	}
}
