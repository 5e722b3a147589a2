package terrain

import (
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"lantu/layers/peer/peertest"
)

// processInputs are the input kinds of the whole-process comparison, as
// gdal_translate creation options.
var processInputs = []struct {
	name string
	co   []string
}{
	{"striped", nil},
	{"tiled_lzw", []string{"-co", "TILED=YES", "-co", "COMPRESS=LZW"}},
	{"tiled_deflate", []string{"-co", "TILED=YES", "-co", "COMPRESS=DEFLATE"}},
}

// runStat is one child process's wall time and peak resident memory.
type runStat struct {
	secs  float64
	cpu   float64 // user + system seconds
	rssMB float64
}

// BenchmarkWholeProcessVsGdaldem times `lantuctl terrain slope|hillshade|aspect`
// against gdaldem as a user runs them, back to back in the same run, on a
// synthetic DEM as uncompressed strips, LZW tiles and Deflate tiles; it
// logs time and max RSS of each child with the ratios and the load
// average, fails if ours takes more memory than gdaldem plus a block row
// per core, and compares the outputs value by value. It takes minutes and
// GBs of disk at the default size: `go test ./layers/terrain -run '^$'
// -bench WholeProcessVsGdaldem -benchtime 1x -v` (LANTU_BENCH_TERRAIN_SIZE,
// default 10000, and LANTU_BENCH_TERRAIN_RUNS, default 3, scale it;
// LANTU_BENCH_TERRAIN_INPUTS, e.g. "striped", and LANTU_BENCH_TERRAIN_MODES,
// e.g. "slope,aspect", keep only those).
func BenchmarkWholeProcessVsGdaldem(b *testing.B) {
	var t testing.TB = b
	translate := peertest.Tool(t, "gdal_translate")
	gdaldem := peertest.Tool(t, "gdaldem")
	size, runs := envInt("LANTU_BENCH_TERRAIN_SIZE", 10000), envInt("LANTU_BENCH_TERRAIN_RUNS", 3)
	dir := t.TempDir()
	ours := filepath.Join(dir, "lantuctl")
	if out, err := exec.Command("go", "build", "-o", ours, "lantu/cmd/lantuctl").CombinedOutput(); err != nil {
		t.Fatalf("go build lantuctl: %v\n%s", err, out)
	}
	base := filepath.Join(dir, "base.tif")
	if err := WriteGeoTIFF(base, benchSurface(size), Float32); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d x %d Float32, %d runs each, %d cores, load average at start %s", size, size, runs, runtime.NumCPU(), loadAvg())
	for _, in := range processInputs {
		if !envPicks("LANTU_BENCH_TERRAIN_INPUTS", in.name) {
			continue
		}
		path := filepath.Join(dir, in.name+".tif")
		args := append(append([]string{"-q"}, in.co...), base, path)
		if out, err := exec.Command(translate, args...).CombinedOutput(); err != nil {
			t.Fatalf("gdal_translate %v: %v\n%s", args, err, out)
		}
		for _, mode := range []string{"slope", "hillshade", "aspect"} {
			if !envPicks("LANTU_BENCH_TERRAIN_MODES", mode) {
				continue
			}
			compareProcesses(t, ours, gdaldem, path, in.name, mode, runs)
		}
		os.Remove(path)
	}
	t.Logf("load average at end %s", loadAvg())
}

// compareProcesses runs ours and gdaldem on in alternately, logs the
// figures and checks memory and values.
func compareProcesses(t testing.TB, ours, gdaldem, in, kind, mode string, runs int) {
	dir := filepath.Dir(in)
	a, b := filepath.Join(dir, "ours_"+mode+".tif"), filepath.Join(dir, "gdaldem_"+mode+".tif")
	var us, them []runStat
	for range runs {
		us = append(us, timeChild(t, ours, "terrain", mode, in, "--out", a, "--force"))
		os.Remove(b)
		them = append(them, timeChild(t, gdaldem, mode, "-q", in, b))
	}
	ratios := make([]float64, runs)
	for i := range runs {
		ratios[i] = us[i].secs / them[i].secs
	}
	cpu := func(r runStat) float64 { return r.cpu }
	t.Logf("%-13s %-9s ours %s s (CPU %s s), %4.0f MB | gdaldem %s s (CPU %s s), %4.0f MB | time ratio %s, CPU ratio %.2f, RSS ratio %.2f (load %s)",
		kind, mode, span(us, func(r runStat) float64 { return r.secs }), span(us, cpu), maxRSS(us),
		span(them, func(r runStat) float64 { return r.secs }), span(them, cpu), maxRSS(them), spanF(ratios),
		sum(us, cpu)/sum(them, cpu), maxRSS(us)/maxRSS(them), loadAvg())
	// Memory is not noisy: hold it to gdaldem's plus one row block per core.
	blockMB := float64(2*chunkRows*benchBlockWidth(in)*4) / 1e6
	if limit := maxRSS(them) + float64(runtime.NumCPU())*blockMB; maxRSS(us) > limit {
		t.Errorf("%s %s: max RSS %.0f MB, want at most %.0f (gdaldem's %.0f + %d x %.0f MB)", kind, mode,
			maxRSS(us), limit, maxRSS(them), runtime.NumCPU(), blockMB)
	}
	sameFiles(t, a, b, mode)
}

// sameFiles compares our output with gdaldem's cell by cell: slope and
// aspect equal, hillshade within 1 (gdaldem rounds a few cells on the
// other side of .5), as TestLiveGdaldem holds them.
func sameFiles(t testing.TB, a, b, mode string) {
	ga, err := ReadGeoTIFF(a)
	if err != nil {
		t.Fatal(err)
	}
	gb, err := ReadGeoTIFF(b)
	if err != nil {
		t.Fatal(err)
	}
	if ga.Width != gb.Width || ga.Height != gb.Height || ga.NoData != gb.NoData || ga.GeoTransform != gb.GeoTransform {
		t.Fatalf("%s: ours %dx%d nd %v gt %v, gdaldem %dx%d nd %v gt %v", mode, ga.Width, ga.Height, ga.NoData, ga.GeoTransform,
			gb.Width, gb.Height, gb.NoData, gb.GeoTransform)
	}
	differ, maxd := 0, 0.0
	for i, v := range gb.Data {
		if w := ga.Data[i]; w != v {
			differ++
			maxd = math.Max(maxd, math.Abs(float64(w-v)))
		}
	}
	t.Logf("%s: %d of %d cells differ from gdaldem's, max abs diff %g", mode, differ, len(gb.Data), maxd)
	if tol := map[bool]float64{true: 1}[mode == "hillshade"]; maxd > tol {
		t.Errorf("%s: %d cells differ from gdaldem's, max %g (tolerance %g)", mode, differ, maxd, tol)
	}
}

// timeChild runs name with args under /usr/bin/time -v and returns its
// wall time and max RSS. (The rusage of a child of this process would
// not do: Go starts children sharing this process's memory until exec,
// so their max RSS starts at this process's.)
func timeChild(t testing.TB, name string, args ...string) runStat {
	t.Helper()
	timer := peertest.Tool(t, "time")
	cmd := exec.Command(timer, append([]string{"-v", name}, args...)...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	start := time.Now()
	err := cmd.Run()
	secs := time.Since(start).Seconds()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, stderr.String())
	}
	st := runStat{secs: secs, rssMB: -1}
	for _, l := range strings.Split(stderr.String(), "\n") {
		k, v, ok := strings.Cut(strings.TrimSpace(l), ": ")
		f, perr := strconv.ParseFloat(strings.TrimSpace(v), 64)
		switch {
		case !ok || perr != nil:
		case k == "Maximum resident set size (kbytes)":
			st.rssMB = f * 1024 / 1e6
		case k == "User time (seconds)" || k == "System time (seconds)":
			st.cpu += f
		}
	}
	if st.rssMB < 0 {
		t.Fatalf("%s: no max RSS in the output of time -v:\n%s", name, stderr.String())
	}
	return st
}

// benchSurface is a smooth hilly size x size DEM in EPSG:4550, 30 m cells.
func benchSurface(size int) *Grid {
	g := NewGrid(size, size, [6]float64{400000, 30, 0, 4700000, 0, -30}, 4550)
	parallelChunks(size, func(r0, r1 int) {
		for r := r0; r < r1; r++ {
			for c := 0; c < size; c++ {
				x, y := float64(c), float64(r)
				g.Data[r*size+c] = float32(100 + 60*math.Sin(x/40)*math.Cos(y/55) + 0.02*x + 3*math.Sin(x*y/9000))
			}
		}
	})
	return g
}

// benchBlockWidth is the width of in (for the memory allowance).
func benchBlockWidth(in string) int {
	mf, err := mapFile(in)
	if err != nil {
		return 0
	}
	defer mf.Close()
	_, l, _, err := parseGeoTIFF(in, mf.data, 0, 0)
	if err != nil {
		return 0
	}
	return l.width
}

func sum(rs []runStat, f func(runStat) float64) float64 {
	s := 0.0
	for _, r := range rs {
		s += f(r)
	}
	return s
}

func maxRSS(rs []runStat) float64 {
	m := 0.0
	for _, r := range rs {
		m = math.Max(m, r.rssMB)
	}
	return m
}

func span(rs []runStat, f func(runStat) float64) string {
	v := make([]float64, len(rs))
	for i, r := range rs {
		v[i] = f(r)
	}
	return spanF(v)
}

func spanF(v []float64) string {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, x := range v {
		lo, hi = math.Min(lo, x), math.Max(hi, x)
	}
	return fmt.Sprintf("%.2f–%.2f", lo, hi)
}

func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	return strings.Join(strings.Fields(string(b))[:3], " ")
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

// envPicks reports whether the comma-separated list in the environment
// variable name holds v; an unset or empty list holds everything.
func envPicks(name, v string) bool {
	list := os.Getenv(name)
	return list == "" || slices.Contains(strings.Split(list, ","), v)
}
