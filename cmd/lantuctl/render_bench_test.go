package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"lantu/layers"
	"lantu/layers/peer"
	"lantu/layers/peer/peertest"
	"lantu/layers/render"
)

// renderBenchFile is the demo blueprint of LANTU_BENCH_SCALE (default
// small) that `lantuctl bench` uses, generated once into
// $TMPDIR/lantu-bench/demo-<scale>.gpkg; LANTU_BENCH_FILE names another
// blueprint instead (e.g. the overlay workload, demo.CachedOverlay).
func renderBenchFile(b *testing.B) string {
	if path := os.Getenv("LANTU_BENCH_FILE"); path != "" {
		return path
	}
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
	d, rss, _ := timeCmd(b, exec.Command(name, args...))
	return d, rss
}

// timeCmd runs cmd to the end under /usr/bin/time and returns its wall
// time, max RSS in MB and standard output. (The rusage of a direct child
// would not do: Go starts children sharing this process's memory until
// exec, so their max RSS starts at this process's.)
func timeCmd(b *testing.B, cmd *exec.Cmd) (time.Duration, float64, []byte) {
	timer := peertest.Tool(b, "time")
	rssFile := filepath.Join(b.TempDir(), "rss")
	cmd.Args = append([]string{timer, "-f", "%M", "-o", rssFile}, cmd.Args...)
	cmd.Path = timer
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	t := time.Now()
	out, err := cmd.Output()
	d := time.Since(t)
	if err != nil {
		b.Fatalf("%v: %v: %s%s", cmd.Args, err, out, stderr.Bytes())
	}
	kb, err := os.ReadFile(rssFile)
	if err != nil {
		b.Fatal(err)
	}
	rss, err := strconv.ParseFloat(strings.TrimSpace(string(kb)), 64)
	if err != nil {
		b.Fatalf("time -f %%M wrote %q: %v", kb, err)
	}
	return d, rss / 1024, out
}

// qgisOnce runs testdata/qgis_once.py (QGIS 3.22's Python, offscreen) on
// spec and returns its whole-process time and max RSS and the render-only
// time it prints.
func qgisOnce(b *testing.B, py, spec, png string) (time.Duration, float64, time.Duration) {
	cmd := exec.Command(py, filepath.Join("testdata", "qgis_once.py"), spec, png)
	cmd.Env = peer.QGISEnv()
	d, rss, out := timeCmd(b, cmd)
	var res struct {
		Render float64 `json:"render_seconds"`
		Layers int     `json:"layers"`
	}
	if err := json.Unmarshal(bytes.TrimSpace(out), &res); err != nil || res.Render <= 0 {
		b.Fatalf("qgis_once.py: no render time in %q: %v", out, err)
	}
	return d, rss, time.Duration(res.Render * float64(time.Second))
}

// BenchmarkRenderProcess runs `lantuctl render` (built here), Mapnik
// (testdata/mapnik_once.py of layers/render) and QGIS 3.22
// (testdata/qgis_once.py, QgsMapRendererParallelJob), each a fresh process,
// back to back, on the demo blueprint of LANTU_BENCH_SCALE: a 5 km x 3 km
// centre view and the full extent at 1920x1080, Mapnik and QGIS given the
// same layers with one style each. It reports each one's time and max RSS,
// QGIS's render-only time, and the peers' times over ours. Ours also draws
// labels and the DEM's relief, which the peers do not.
func BenchmarkRenderProcess(b *testing.B) {
	py := peertest.Tool(b, "/usr/bin/python3")
	if out, err := exec.Command(py, "-c", "import mapnik").CombinedOutput(); err != nil {
		peertest.Missing(b, "python3-mapnik: %v: %s", err, out)
	}
	qpy := peertest.PythonQGIS(b)
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
			var ours, mapnik, qgis runs
			var qgisRender time.Duration
			for b.Loop() {
				ours.add(timeProcess(b, bin, "render", path, "--out", png, "--force", "--bbox", box))
				mapnik.add(timeProcess(b, py, script, spec, png))
				d, rss, r := qgisOnce(b, qpy, spec, png)
				qgis.add(d, rss)
				if qgisRender == 0 || r < qgisRender {
					qgisRender = r
				}
			}
			ours.report(b, "lantu")
			mapnik.report(b, "mapnik")
			qgis.report(b, "qgis")
			b.ReportMetric(float64(qgisRender.Milliseconds()), "qgis-render-only-ms")
			b.ReportMetric(mapnik.sum.Seconds()/ours.sum.Seconds(), "mapnik/lantu")
			b.ReportMetric(qgis.sum.Seconds()/ours.sum.Seconds(), "qgis/lantu")
			load, _ := os.ReadFile("/proc/loadavg")
			b.Logf("%s: lantu %v (%.0f MB), mapnik %v (%.0f MB) = %.2fx, qgis %v (%.0f MB, render only %v) = %.2fx; load %s",
				name, ours.lo, ours.rss, mapnik.lo, mapnik.rss, mapnik.sum.Seconds()/ours.sum.Seconds(),
				qgis.lo, qgis.rss, qgisRender, qgis.sum.Seconds()/ours.sum.Seconds(), bytes.Fields(load)[:3])
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
