package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"lantu/layers"
	"lantu/layers/peer/peertest"
	"lantu/layers/render"
)

// renderBenchFile is the demo blueprint of LANTU_BENCH_SCALE (default
// small) that `lantuctl bench` uses, generated once into
// $TMPDIR/lantu-bench/demo-<scale>.gpkg.
func renderBenchFile(b *testing.B) string {
	scale := os.Getenv("LANTU_BENCH_SCALE")
	if scale == "" {
		scale = "small"
	}
	path, err := benchBlueprint(context.Background(), "", scale, "", &progress{})
	if err != nil {
		b.Fatal(err)
	}
	return path
}

// benchViews are the 5 km x 3 km view at the city centre (the middle of
// the buildings) and the full extent, as `lantuctl render` draws them.
func benchViews(b *testing.B, path string) map[string]render.Viewport {
	bp, err := layers.Open(path, layers.OpenOptions{ReadOnly: true, Lazy: true})
	if err != nil {
		b.Fatal(err)
	}
	defer bp.Close()
	full, err := renderView(bp, renderFlags{}, 1920, 1080)
	if err != nil {
		b.Fatal(err)
	}
	c := bp.Extent().Center()
	if l := bp.Layer("XZ_JZW"); l != nil && !l.Extent().IsEmpty() && l.Extent() != (orb.Bound{}) {
		c = l.Extent().Center()
	}
	centre := render.Viewport{Center: c, Res: max(5000.0/1920, 3000.0/1080), W: 1920, H: 1080}
	return map[string]render.Viewport{"centre-5km": centre, "full-extent": full}
}

// mapnikSpec writes the Mapnik script's spec for the layers `lantuctl
// render` draws at v (default-visible, in scale; one style per layer).
func mapnikSpec(b *testing.B, path string, v render.Viewport) string {
	bp, err := layers.Open(path, layers.OpenOptions{ReadOnly: true, Lazy: true})
	if err != nil {
		b.Fatal(err)
	}
	defer bp.Close()
	var ls []map[string]any
	for _, l := range render.FromBlueprint(bp) {
		def := bp.Layer(l.Code).Def
		if !l.Visible || !def.ShownAt(v.Scale()) {
			continue
		}
		ls = append(ls, map[string]any{"table": bp.Layer(l.Code).Table, "kind": [...]string{"polygon", "line", "point"}[l.Kind],
			"fill": hexColor(l.Style.Fill), "stroke": hexColor(l.Style.Stroke), "opacity": l.Style.Opacity,
			"width": l.Style.Width, "size": l.Style.Size})
	}
	bb := v.Bound()
	spec, err := json.Marshal(map[string]any{"gpkg": path, "w": v.W, "h": v.H, "layers": ls,
		"bbox": []float64{bb.Min[0], bb.Min[1], bb.Max[0], bb.Max[1]}})
	if err != nil {
		b.Fatal(err)
	}
	f := filepath.Join(b.TempDir(), "spec.json")
	if err := os.WriteFile(f, spec, 0o644); err != nil {
		b.Fatal(err)
	}
	return f
}

func hexColor(c interface{ RGBA() (r, g, b, a uint32) }) string {
	r, g, bl, a := c.RGBA()
	if a == 0 {
		return ""
	}
	return fmt.Sprintf("#%02x%02x%02x", r*0xffff/a>>8, g*0xffff/a>>8, bl*0xffff/a>>8)
}

// timeProcess runs a command to the end and returns its wall time and max
// RSS in MB.
func timeProcess(b *testing.B, name string, args ...string) (time.Duration, float64) {
	cmd := exec.Command(name, args...)
	t := time.Now()
	out, err := cmd.CombinedOutput()
	d := time.Since(t)
	if err != nil {
		b.Fatalf("%s %v: %v: %s", name, args, err, out)
	}
	ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	return d, float64(ru.Maxrss) / 1024
}

// BenchmarkRenderProcess runs `lantuctl render` (built here) and Mapnik
// (testdata/mapnik_once.py of layers/render, a fresh Python each time) as
// whole processes, back to back, on the demo blueprint of
// LANTU_BENCH_SCALE: a 5 km x 3 km centre view and the full extent at
// 1920x1080. It reports each one's time and max RSS and Mapnik's time over
// ours. Ours also draws labels and the DEM's relief, which Mapnik does not.
func BenchmarkRenderProcess(b *testing.B) {
	py := peertest.Tool(b, "/usr/bin/python3")
	if out, err := exec.Command(py, "-c", "import mapnik").CombinedOutput(); err != nil {
		peertest.Missing(b, "python3-mapnik: %v: %s", err, out)
	}
	path := renderBenchFile(b)
	bin := filepath.Join(b.TempDir(), "lantuctl")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		b.Fatalf("go build: %v: %s", err, out)
	}
	script, err := filepath.Abs(filepath.Join("..", "..", "layers", "render", "testdata", "mapnik_once.py"))
	if err != nil {
		b.Fatal(err)
	}
	for name, v := range benchViews(b, path) {
		b.Run(name, func(b *testing.B) {
			spec, png := mapnikSpec(b, path, v), filepath.Join(b.TempDir(), "out.png")
			bb := v.Bound()
			box := fmt.Sprintf("%f,%f,%f,%f", bb.Min[0], bb.Min[1], bb.Max[0], bb.Max[1])
			var ours, theirs runs
			for b.Loop() {
				ours.add(timeProcess(b, bin, "render", path, "--out", png, "--force", "--bbox", box))
				theirs.add(timeProcess(b, py, script, spec, png))
			}
			ours.report(b, "lantu")
			theirs.report(b, "mapnik")
			b.ReportMetric(theirs.sum.Seconds()/ours.sum.Seconds(), "mapnik/lantu")
		})
	}
}

// runs gathers the times and max RSS of one tool's processes.
type runs struct {
	sum, lo, hi time.Duration
	rss         float64
}

func (r *runs) add(d time.Duration, rss float64) {
	if r.sum == 0 || d < r.lo {
		r.lo = d
	}
	r.sum, r.hi, r.rss = r.sum+d, max(r.hi, d), max(r.rss, rss)
}

// report gives the fastest and slowest run and the max RSS.
func (r *runs) report(b *testing.B, name string) {
	b.ReportMetric(float64(r.lo.Milliseconds()), name+"-min-ms")
	b.ReportMetric(float64(r.hi.Milliseconds()), name+"-max-ms")
	b.ReportMetric(r.rss, name+"-MB")
}
