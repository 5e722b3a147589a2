package terrain

import (
	"context"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"lantu/layers/peer/peertest"
)

var benchDEMs sync.Map // size -> path of a Float32 GeoTIFF in a temp dir

// benchDEM writes a size x size Float32 GeoTIFF once per process.
func benchDEM(b *testing.B, size int) string {
	if p, ok := benchDEMs.Load(size); ok {
		return p.(string)
	}
	g := NewGrid(size, size, [6]float64{400000, 30, 0, 4700000, 0, -30}, 4550)
	for r := 0; r < size; r++ {
		for c := 0; c < size; c++ {
			x, y := float64(c), float64(r)
			g.Data[r*size+c] = float32(100 + 60*math.Sin(x/40)*math.Cos(y/55) + 0.02*x)
		}
	}
	dir, err := osMkdirTemp()
	if err != nil {
		b.Fatal(err)
	}
	p := filepath.Join(dir, fmt.Sprintf("dem%d.tif", size))
	if err := WriteGeoTIFF(p, g, Float32); err != nil {
		b.Fatal(err)
	}
	benchDEMs.Store(size, p)
	return p
}

// gdaldemSeconds times one gdaldem run on the same file.
func gdaldemSeconds(b *testing.B, in string, args ...string) float64 {
	out := filepath.Join(b.TempDir(), "gdaldem.tif")
	start := time.Now()
	cmd := exec.Command("gdaldem", append(append(args, "-q"), in, out)...)
	if msg, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("gdaldem: %v\n%s", err, msg)
	}
	return time.Since(start).Seconds()
}

// benchVsGdaldem times file-to-file runs (read, compute, write) against one
// gdaldem run on the same DEM and reports the time ratio ours/gdaldem.
func benchVsGdaldem(b *testing.B, size int, mode string) {
	peertest.Tool(b, "gdaldem")
	in := benchDEM(b, size)
	ref := gdaldemSeconds(b, in, mode)
	out := filepath.Join(b.TempDir(), "ours.tif")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		g, err := ReadGeoTIFF(in)
		if err != nil {
			b.Fatal(err)
		}
		if mode == "slope" {
			err = WriteGeoTIFF(out, Slope(g, DefaultOptions()), Float32)
		} else {
			err = WriteGeoTIFF(out, Hillshade(g, DefaultOptions()), Byte)
		}
		if err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	ours := b.Elapsed().Seconds() / float64(b.N)
	b.ReportMetric(ref*1e3, "gdaldem-ms")
	b.ReportMetric(ours/ref, "ratio")
}

func BenchmarkSlope2000(b *testing.B)      { benchVsGdaldem(b, 2000, "slope") }
func BenchmarkHillshade2000(b *testing.B)  { benchVsGdaldem(b, 2000, "hillshade") }
func BenchmarkSlope10000(b *testing.B)     { benchVsGdaldem(b, 10000, "slope") }
func BenchmarkHillshade10000(b *testing.B) { benchVsGdaldem(b, 10000, "hillshade") }

// BenchmarkSlopeCompute2000 times the in-memory kernel alone.
func BenchmarkSlopeCompute2000(b *testing.B) {
	g := NewGrid(2000, 2000, [6]float64{0, 30, 0, 0, 0, -30}, 4550)
	for i := range g.Data {
		g.Data[i] = float32(i%2000) * 0.3
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		Slope(g, DefaultOptions())
	}
}

// BenchmarkZonalStats is a ~500 km² district (a 24-gon of radius 12.6 km)
// on a 30 m DEM with the slope grid precomputed, as a stored DEM has.
func BenchmarkZonalStats(b *testing.B) {
	g := NewGrid(1000, 1000, [6]float64{0, 30, 0, 30000, 0, -30}, 4550)
	for i := range g.Data {
		g.Data[i] = float32(50 + 20*math.Sin(float64(i%1000)/30) + float64(i/1000)*0.05)
	}
	slope := Slope(g, DefaultOptions())
	var ring orb.Ring
	for k := 0; k <= 24; k++ {
		a := 2 * math.Pi * float64(k%24) / 24
		ring = append(ring, orb.Point{15000 + 12600*math.Cos(a), 15000 + 12600*math.Sin(a)})
	}
	poly := orb.Polygon{ring}
	b.ResetTimer()
	var s ZoneStats
	for i := 0; i < b.N; i++ {
		s = g.Stats(poly, slope)
	}
	b.ReportMetric(s.Area/1e6, "km²")
}

func osMkdirTemp() (string, error) { return os.MkdirTemp("", "terrain-bench") }

// BenchmarkDeriveFile times DeriveFile (what `lantuctl terrain` runs) on
// a LANTU_BENCH_TERRAIN_SIZE (default 4000) square DEM per input kind of
// BenchmarkWholeProcessVsGdaldem; profile with -cpuprofile.
func BenchmarkDeriveFile(b *testing.B) {
	translate := peertest.Tool(b, "gdal_translate")
	size := envInt("LANTU_BENCH_TERRAIN_SIZE", 4000)
	dir := b.TempDir()
	base := filepath.Join(dir, "base.tif")
	if err := WriteGeoTIFF(base, benchSurface(size), Float32); err != nil {
		b.Fatal(err)
	}
	for _, in := range processInputs {
		path := filepath.Join(dir, in.name+".tif")
		args := append(append([]string{"-q"}, in.co...), base, path)
		if out, err := exec.Command(translate, args...).CombinedOutput(); err != nil {
			b.Fatalf("gdal_translate %v: %v\n%s", args, err, out)
		}
		for _, p := range []Product{ProductSlope, ProductHillshade, ProductAspect} {
			b.Run(in.name+"/"+string(p), func(b *testing.B) {
				out := filepath.Join(dir, "out.tif")
				for b.Loop() {
					if err := DeriveFile(context.Background(), path, out, p, DefaultOptions()); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(size*size)/1e6*float64(b.N)/b.Elapsed().Seconds(), "Mcells/s")
			})
		}
	}
}
