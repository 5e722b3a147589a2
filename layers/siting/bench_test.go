package siting

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"lantu/layers"
	"lantu/layers/demo"
)

// benchScale is the demo scale: LANTU_BENCH_SCALE, or small.
func benchScale() string {
	if s := os.Getenv("LANTU_BENCH_SCALE"); s != "" {
		return s
	}
	return "small"
}

// demoProposals opens a private copy of the cached demo and adds two 1 km²
// proposals: "rural" at the centre of the urban development boundary's
// extent (few control features), "urban" at the centre of the detailed
// plots' (控规地块) extent, the city core where every plan layer has
// features. It returns the blueprint and the proposals' uids by name.
func demoProposals(b *testing.B) (*layers.Blueprint, map[string]string) {
	b.Helper()
	ctx := context.Background()
	path, err := demo.Cached(ctx, benchScale())
	if err != nil {
		b.Fatalf("demo blueprint: %v", err)
	}
	dst := filepath.Join(b.TempDir(), "bp.gpkg")
	if err := copyFile(path, dst); err != nil {
		b.Fatal(err)
	}
	bp, err := layers.Open(dst, layers.OpenOptions{User: "bench"})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { bp.Close() })
	uids := map[string]string{}
	for name, code := range map[string]string{"rural": "GH_CZKFBJ", "urban": "GH_KGDK"} {
		c := bp.Layer(code).Extent().Center()
		sq := orb.Polygon{{{c[0] - 500, c[1] - 500}, {c[0] + 500, c[1] - 500}, {c[0] + 500, c[1] + 500}, {c[0] - 500, c[1] + 500}, {c[0] - 500, c[1] - 500}}}
		out, err := bp.Apply(ctx, layers.Edit{Op: layers.OpInsert, Layer: "GL_XZFA", Geom: orb.MultiPolygon{sq},
			Attrs: map[string]any{"xmmc": "基准项目 " + name, "ydyhdm": "0701"}})
		if err != nil {
			b.Fatal(err)
		}
		uids[name] = out[0].UID
	}
	return bp, uids
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// BenchmarkSiting1km2 reviews a 1 km² proposal on the demo and writes the
// PDF (maps included) and the XLSX. indexed: on a blueprint open with its
// indexes built, as in the app. lazy: what `lantuctl siting --out` does,
// open (Lazy) included: every iteration opens the file, reviews, writes
// both reports and closes it.
func BenchmarkSiting1km2(b *testing.B) {
	bp, uids := demoProposals(b)
	lazy := func() *layers.Blueprint {
		lb, err := layers.Open(bp.Path(), layers.OpenOptions{ReadOnly: true, Lazy: true, User: "bench"})
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { lb.Close() })
		return lb
	}
	for _, where := range []string{"urban", "rural"} {
		b.Run("indexed/"+where, func(b *testing.B) { benchReview(b, func() *layers.Blueprint { return bp }, uids[where]) })
		b.Run("lazy/"+where, func(b *testing.B) { benchReview(b, lazy, uids[where]) })
	}
}

func benchReview(b *testing.B, open func() *layers.Blueprint, uid string) {
	ctx := context.Background()
	var review, pdf, xlsx time.Duration
	for b.Loop() {
		t0 := time.Now()
		bp := open()
		rep, err := Review(ctx, bp, "GL_XZFA", uid, Options{})
		if err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		if err := WritePDF(ctx, io.Discard, bp, rep); err != nil {
			b.Fatal(err)
		}
		t2 := time.Now()
		if err := WriteXLSX(io.Discard, rep); err != nil {
			b.Fatal(err)
		}
		review, pdf, xlsx = review+t1.Sub(t0), pdf+t2.Sub(t1), xlsx+time.Since(t2)
	}
	n := float64(b.N)
	b.ReportMetric(float64(review.Microseconds())/1e3/n, "review-ms")
	b.ReportMetric(float64(pdf.Microseconds())/1e3/n, "pdf-ms")
	b.ReportMetric(float64(xlsx.Microseconds())/1e3/n, "xlsx-ms")
}
