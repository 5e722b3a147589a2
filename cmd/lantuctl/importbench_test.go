package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"lantu/layers/peer/peertest"
)

// BenchmarkImportProcess times whole processes back to back, as a user
// runs them, for a Shapefile, the same features as GeoJSON and as a
// GeoPackage (both made from the Shapefile with ogr2ogr before the clock
// starts): `lantuctl import FILE SRC --as imp` against `ogr2ogr -f GPKG`
// of SRC, then `lantuctl export` of the imported layer to each format
// against `ogr2ogr` of it (both in the blueprint's CRS). It reports each
// process's wall time, CPU time (user + system) and max RSS. Skipped
// unless LANTU_BENCH_IMPORT=1; LANTU_BENCH_SHP names the Shapefile (e.g.
// 200,000 xz_dltb polygons cut from a city demo with ogr2ogr -limit
// 200000); LANTU_BENCH_FORMATS=shp limits the formats.
//
//	LANTU_BENCH_IMPORT=1 LANTU_BENCH_SHP=/tmp/dltb200k.shp go test ./cmd/lantuctl -run '^$' -bench ImportProcess -benchtime 3x
func BenchmarkImportProcess(b *testing.B) {
	if os.Getenv("LANTU_BENCH_IMPORT") != "1" {
		b.Skip("set LANTU_BENCH_IMPORT=1 (and LANTU_BENCH_SHP) to compare with ogr2ogr")
	}
	shp := os.Getenv("LANTU_BENCH_SHP")
	if shp == "" {
		b.Fatal("LANTU_BENCH_SHP: name a Shapefile to import")
	}
	ogr := peertest.Tool(b, "ogr2ogr")
	dir := b.TempDir()
	ctl := filepath.Join(dir, "lantuctl")
	if out, err := exec.Command("go", "build", "-o", ctl, ".").CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	base := filepath.Join(dir, "tiny.gpkg")
	benchRun(b, ctl, "demo", "--scale", "tiny", "--out", base)
	sources := benchSources(b, ogr, dir, shp)
	sums := map[string]measured{}
	note := func(name string, m measured) {
		b.Logf("%-22s %6.2f s wall %6.2f s CPU %5.0f MB max RSS", name, m.wall.Seconds(), m.cpu.Seconds(), float64(m.rssKB)/1024)
		s := sums[name]
		s.wall, s.cpu = s.wall+m.wall, s.cpu+m.cpu
		s.rssKB = max(s.rssKB, m.rssKB)
		sums[name] = s
	}
	for i := 0; i < b.N; i++ {
		for _, s := range sources {
			bp := filepath.Join(dir, "bp.gpkg")
			if err := copyFile(base, bp); err != nil {
				b.Fatal(err)
			}
			note("lantuctl_import_"+s.format, benchRun(b, ctl, "import", bp, s.path, "--as", "imp"))
			os.Remove(filepath.Join(dir, "ogr.gpkg"))
			note("ogr2ogr_import_"+s.format, benchRun(b, ogr, "-f", "GPKG", filepath.Join(dir, "ogr.gpkg"), s.path))
			out := filepath.Join(dir, "out", "l."+s.format)
			os.RemoveAll(filepath.Dir(out))
			os.MkdirAll(filepath.Dir(out), 0o755)
			note("lantuctl_export_"+s.format, benchRun(b, ctl, "export", bp, "--layer", "imp", "--crs", "EPSG:4550", "--force", "--out", out))
			os.RemoveAll(filepath.Dir(out))
			os.MkdirAll(filepath.Dir(out), 0o755)
			note("ogr2ogr_export_"+s.format, benchRun(b, ogr, "-f", s.driver, out, bp, "imp"))
			os.Remove(bp)
		}
	}
	for name, s := range sums {
		b.ReportMetric(s.wall.Seconds()/float64(b.N), name+"_s")
		b.ReportMetric(s.cpu.Seconds()/float64(b.N), name+"_cpu_s")
		b.ReportMetric(float64(s.rssKB)/1024, name+"_maxMB")
	}
}

// benchSource is one input of BenchmarkImportProcess.
type benchSource struct{ format, driver, path string }

// benchSources are the Shapefile and its GeoJSON and GeoPackage copies,
// limited by LANTU_BENCH_FORMATS.
func benchSources(b *testing.B, ogr, dir, shp string) []benchSource {
	all := []benchSource{{"shp", "ESRI Shapefile", shp},
		{"geojson", "GeoJSON", filepath.Join(dir, "src.geojson")}, {"gpkg", "GPKG", filepath.Join(dir, "src.gpkg")}}
	want := os.Getenv("LANTU_BENCH_FORMATS")
	var out []benchSource
	for _, s := range all {
		if want != "" && !slices.Contains(strings.Split(want, ","), s.format) {
			continue
		}
		if s.format != "shp" {
			benchRun(b, ogr, "-f", s.driver, s.path, shp)
		}
		out = append(out, s)
	}
	return out
}

// measured is one process's wall time, CPU time and max RSS.
type measured struct {
	wall, cpu time.Duration
	rssKB     int64
}

func benchRun(b *testing.B, name string, args ...string) measured {
	b.Helper()
	cmd := exec.Command(name, args...)
	start := time.Now()
	out, err := cmd.CombinedOutput()
	if err != nil {
		b.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
	m := measured{wall: time.Since(start), cpu: cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		m.rssKB = ru.Maxrss
	}
	return m
}
