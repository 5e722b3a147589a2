package terrain

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"lantu/layers/peer/peertest"
)

// streamDEM is synthDEM tall enough for several streamed row blocks, with
// nodata on the rows either side of the block boundaries (the halos).
func streamDEM(w, h int) *Grid {
	g := synthDEM(w, h)
	for _, r := range []int{chunkRows - 1, chunkRows, chunkRows + 1, 2*chunkRows + 5, 256, 257} {
		if r < h {
			g.Data[r*w+r%w] = -9999
			g.Data[r*w+(3*r)%w] = -9999
		}
	}
	return g
}

// streamLayouts are gdal_translate creation options for the inputs
// DeriveFile must stream: strips and tiles, raw and compressed, block
// rows that do and do not divide the row blocks.
var streamLayouts = map[string][]string{
	"strips":          nil,
	"strips_lzw_7":    {"-co", "COMPRESS=LZW", "-co", "BLOCKYSIZE=7"},
	"tiled_lzw_64":    {"-co", "TILED=YES", "-co", "BLOCKXSIZE=64", "-co", "BLOCKYSIZE=64", "-co", "COMPRESS=LZW"},
	"tiled_deflate_p": {"-co", "TILED=YES", "-co", "COMPRESS=DEFLATE", "-co", "PREDICTOR=3"},
}

// deriveCase is one gdaldem invocation and the same derivation here.
type deriveCase struct {
	name string
	args []string
	p    Product
	o    Options
	tol  float64
}

func deriveCases() []deriveCase {
	mk := func(f func(*Options)) Options { o := DefaultOptions(); f(&o); return o }
	return []deriveCase{
		{"slope", []string{"slope"}, ProductSlope, DefaultOptions(), 0},
		{"slope_zt_edges", []string{"slope", "-alg", "ZevenbergenThorne", "-compute_edges"}, ProductSlope,
			mk(func(o *Options) { o.Alg = ZevenbergenThorne; o.ComputeEdges = true }), 0},
		{"aspect", []string{"aspect"}, ProductAspect, DefaultOptions(), 0},
		{"aspect_flat_edges", []string{"aspect", "-zero_for_flat", "-compute_edges"}, ProductAspect,
			mk(func(o *Options) { o.ZeroForFlat = true; o.ComputeEdges = true }), 0},
		{"hillshade", []string{"hillshade"}, ProductHillshade, DefaultOptions(), 0},
		{"hs_multi_edges", []string{"hillshade", "-multidirectional", "-compute_edges"}, ProductHillshade,
			mk(func(o *Options) { o.Multidirectional = true; o.ComputeEdges = true }), 1},
	}
}

// inMemory is the product p of g as the in-memory functions give it.
func inMemory(g *Grid, p Product, o Options) *Grid {
	switch p {
	case ProductSlope:
		return Slope(g, o)
	case ProductAspect:
		return Aspect(g, o)
	}
	return Hillshade(g, o)
}

// TestDeriveFileGdaldem: DeriveFile over every layout gives, cell for
// cell, what the in-memory functions give (written as GDAL rounds), and
// gdaldem's values: exactly, but for multidirectional shading (within 1).
func TestDeriveFileGdaldem(t *testing.T) {
	translate := peertest.Tool(t, "gdal_translate")
	peertest.Tool(t, "gdaldem")
	dir := t.TempDir()
	dem := streamDEM(300, 530)
	base := filepath.Join(dir, "base.tif")
	if err := WriteGeoTIFF(base, dem, Float32); err != nil {
		t.Fatal(err)
	}
	inputs := map[string]string{"single_strip": base}
	for name, co := range streamLayouts {
		inputs[name] = filepath.Join(dir, name+".tif")
		args := append(append([]string{"-q"}, co...), base, inputs[name])
		if out, err := exec.Command(translate, args...).CombinedOutput(); err != nil {
			t.Fatalf("gdal_translate %v: %v\n%s", args, err, out)
		}
	}
	for _, c := range deriveCases() {
		ref := gdaldemGrid(t, dir, base, c)
		want := inMemory(dem, c.p, c.o)
		for name, in := range inputs {
			t.Run(c.name+"/"+name, func(t *testing.T) {
				out := filepath.Join(dir, c.name+"_"+name+".tif")
				if err := DeriveFile(context.Background(), in, out, c.p, c.o); err != nil {
					t.Fatal(err)
				}
				got, err := ReadGeoTIFF(out)
				if err != nil {
					t.Fatal(err)
				}
				sameCells(t, want, got, c.p == ProductHillshade)
				compareGrids(t, ref, got, c.tol, false)
			})
		}
	}
}

func gdaldemGrid(t *testing.T, dir, in string, c deriveCase) *Grid {
	t.Helper()
	out := filepath.Join(dir, "gdaldem_"+c.name+".tif")
	args := append(append([]string{}, c.args...), "-q", in, out)
	if b, err := exec.Command("gdaldem", args...).CombinedOutput(); err != nil {
		t.Fatalf("gdaldem %s: %v\n%s", strings.Join(args, " "), err, b)
	}
	ref, err := ReadGeoTIFF(out)
	if err != nil {
		t.Fatal(err)
	}
	return ref
}

// sameCells fails unless got (read back from a file) holds want's values
// exactly, rounded to bytes when asByte, with the same georeferencing.
func sameCells(t *testing.T, want, got *Grid, asByte bool) {
	t.Helper()
	if got.Width != want.Width || got.Height != want.Height || got.HasNoData != want.HasNoData || got.NoData != want.NoData ||
		got.GeoTransform != want.GeoTransform || got.EPSG != want.EPSG {
		t.Fatalf("got %dx%d nodata %v/%v gt %v epsg %d, want %dx%d %v/%v %v %d", got.Width, got.Height, got.HasNoData, got.NoData,
			got.GeoTransform, got.EPSG, want.Width, want.Height, want.HasNoData, want.NoData, want.GeoTransform, want.EPSG)
	}
	for i, v := range want.Data {
		if asByte {
			v = float32(roundByte(v))
		}
		if g := got.Data[i]; g != v && !(g != g && v != v) {
			t.Fatalf("cell %d (row %d): %v, want %v", i, i/want.Width, g, v)
		}
	}
}

// TestDeriveFileKeepsGeoKeys: the stored fixtures' GeoKeys come back from
// every streamed product unchanged, and GDAL reads the input's CRS from it.
func TestDeriveFileKeepsGeoKeys(t *testing.T) {
	srsinfo := peertest.Tool(t, "gdalsrsinfo")
	dir := t.TempDir()
	for _, c := range crsCases {
		in := filepath.Join("testdata", "crs", c.file)
		dem, err := ReadGeoTIFF(in)
		if err != nil {
			t.Fatal(err)
		}
		want := wktOf(t, srsinfo, in)
		for _, p := range []Product{ProductSlope, ProductAspect, ProductHillshade} {
			out := filepath.Join(dir, string(p)+"_"+c.file)
			if err := DeriveFile(context.Background(), in, out, p, DefaultOptions()); err != nil {
				t.Fatal(err)
			}
			back, err := ReadGeoTIFF(out)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(back.GeoKeys, dem.GeoKeys) || back.EPSG != dem.EPSG || back.GeoTransform != dem.GeoTransform {
				t.Errorf("%s %s: keys %+v epsg %d gt %v, want %+v %d %v", c.file, p, back.GeoKeys, back.EPSG, back.GeoTransform,
					dem.GeoKeys, dem.EPSG, dem.GeoTransform)
			}
			if got := wktOf(t, srsinfo, out); got != want {
				t.Errorf("%s %s: CRS\n%s\nwant\n%s", c.file, p, got, want)
			}
		}
	}
}

// TestDeriveFileCancel: a cancel while rows are computed returns
// context.Canceled soon, with the output removed; an uncancelled run
// reports both stages to their totals.
func TestDeriveFileCancel(t *testing.T) {
	dir := t.TempDir()
	in, out := filepath.Join(dir, "dem.tif"), filepath.Join(dir, "slope.tif")
	g := synthDEM(600, 3000)
	if err := WriteGeoTIFF(in, g, Float32); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	last := 0
	ctx = WithProgress(ctx, func(stage string, done, total int) {
		if stage == "slope" && done > 0 {
			last = done
			cancel()
		}
	})
	err := DeriveFile(ctx, in, out, ProductSlope, DefaultOptions())
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
	if _, serr := os.Stat(out); !os.IsNotExist(serr) {
		t.Fatalf("output left behind after cancel: %v", serr)
	}
	if last == 0 || last > g.Height/4 {
		t.Fatalf("%d of %d rows done when it stopped", last, g.Height)
	}
	seen := map[string][2]int{}
	ctx = WithProgress(context.Background(), func(stage string, done, total int) { seen[stage] = [2]int{done, total} })
	if err := DeriveFile(ctx, in, out, ProductSlope, DefaultOptions()); err != nil {
		t.Fatal(err)
	}
	if seen["slope"] != [2]int{3000, 3000} || seen["read"][0] != seen["read"][1] || seen["read"][1] == 0 {
		t.Fatalf("progress %v, want slope 3000/3000 and read to its total", seen)
	}
}

// TestDeriveFileHostile: every hostile TIFF is refused as DecodeGeoTIFF
// refuses it, naming the file, and no output is left.
func TestDeriveFileHostile(t *testing.T) {
	dir := t.TempDir()
	for _, c := range hostileTIFFs(t) {
		t.Run(c.name, func(t *testing.T) {
			in, out := filepath.Join(dir, c.name+".tif"), filepath.Join(dir, c.name+"_slope.tif")
			if err := os.WriteFile(in, c.b, 0o644); err != nil {
				t.Fatal(err)
			}
			err := DeriveFile(context.Background(), in, out, ProductSlope, DefaultOptions())
			if !errors.Is(err, ErrFormat) && !errors.Is(err, ErrTooLarge) {
				t.Fatalf("%v: want ErrFormat or ErrTooLarge", err)
			}
			if !strings.Contains(err.Error(), in) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("%v: want the file name and %q", err, c.want)
			}
			if _, serr := os.Stat(out); !os.IsNotExist(serr) {
				t.Fatalf("output left behind: %v", serr)
			}
		})
	}
}

// TestDeriveFileAllocates: streaming a 2000 x 2000 DEM allocates a few
// row blocks, never the grid (16 MB in, 16 MB out), whether the input
// is read in place (raw strips) or decoded (Deflate tiles).
func TestDeriveFileAllocates(t *testing.T) {
	translate := peertest.Tool(t, "gdal_translate")
	dir := t.TempDir()
	base := filepath.Join(dir, "dem.tif")
	g := synthDEM(2000, 2000)
	if err := WriteGeoTIFF(base, g, Float32); err != nil {
		t.Fatal(err)
	}
	deflate := filepath.Join(dir, "deflate.tif")
	if out, err := exec.Command(translate, "-q", "-co", "TILED=YES", "-co", "COMPRESS=DEFLATE", base, deflate).CombinedOutput(); err != nil {
		t.Fatalf("gdal_translate: %v\n%s", err, out)
	}
	grid := uint64(4 * len(g.Data))
	for _, in := range []string{base, deflate} {
		if raceEnabled {
			// Pool items are dropped under -race: bound what is held at once.
			peak := peakHeapGrowth(t, func() error {
				return DeriveFile(context.Background(), in, filepath.Join(dir, "slope.tif"), ProductSlope, DefaultOptions())
			})
			t.Logf("%s (race): heap grew by at most %.1f MB for a %.1f MB grid", filepath.Base(in), float64(peak)/1e6, float64(grid)/1e6)
			if peak >= grid {
				t.Errorf("%s: heap grew by %d bytes at once, want less than the grid (%d)", in, peak, grid)
			}
			continue
		}
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		if err := DeriveFile(context.Background(), in, filepath.Join(dir, "slope.tif"), ProductSlope, DefaultOptions()); err != nil {
			t.Fatal(err)
		}
		runtime.ReadMemStats(&after)
		got := after.TotalAlloc - before.TotalAlloc
		// 3 input and 2 output row blocks of 256 rows at most, per goroutine buffers.
		limit := uint64(5*(256+2)*g.Width*4) + 4<<20
		t.Logf("%s: allocated %.1f MB for a %.1f MB grid (limit %.1f MB)", filepath.Base(in), float64(got)/1e6, float64(grid)/1e6, float64(limit)/1e6)
		if got > limit || got > grid {
			t.Errorf("%s: allocated %d bytes, want at most %d (the grid is %d)", in, got, limit, grid)
		}
	}
}

// TestDeriveFileASCII: a DEM read whole (.asc) gives the in-memory
// values, and the real fixtures (testdata/*.tif) stream to the same
// cells as they compute in memory.
func TestDeriveFileASCII(t *testing.T) {
	dir := t.TempDir()
	for _, in := range []string{"small.asc", "etopo20_northeast_china.tif", "terra_elev_lux.tif"} {
		src := filepath.Join("testdata", in)
		dem, err := ReadDEM(src)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range []Product{ProductSlope, ProductAspect, ProductHillshade} {
			out := filepath.Join(dir, string(p)+".tif")
			if err := DeriveFile(context.Background(), src, out, p, DefaultOptions()); err != nil {
				t.Fatal(err)
			}
			got, err := ReadGeoTIFF(out)
			if err != nil {
				t.Fatal(err)
			}
			sameCells(t, inMemory(dem, p, DefaultOptions()), got, p == ProductHillshade)
		}
	}
}

// peakHeapGrowth runs fn and returns the most the live heap grew above its
// start while fn ran, sampled every millisecond, with the GC run often.
func peakHeapGrowth(t *testing.T, fn func() error) uint64 {
	t.Helper()
	defer debug.SetGCPercent(debug.SetGCPercent(5)) // the heap then tracks what is live
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base, peak := ms.HeapAlloc, uint64(0)
	done := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				var m runtime.MemStats
				runtime.ReadMemStats(&m)
				if m.HeapAlloc > base && m.HeapAlloc-base > peak {
					peak = m.HeapAlloc - base
				}
			}
		}
	}()
	err := fn()
	close(done)
	<-sampled
	if err != nil {
		t.Fatal(err)
	}
	return peak
}
