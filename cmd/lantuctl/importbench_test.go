package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"lantu/layers/peer/peertest"
)

// BenchmarkImportProcess times whole processes back to back, as a user
// runs them: `lantuctl import FILE SRC --as NAME` against `ogr2ogr -f GPKG`
// on the same Shapefile, and `lantuctl export --format shp` of the
// imported layer against `ogr2ogr -f "ESRI Shapefile"` of it. It reports
// each process's wall time and max RSS. Skipped unless
// LANTU_BENCH_IMPORT=1; LANTU_BENCH_SHP names the Shapefile (e.g. 200,000
// xz_dltb polygons cut from a city demo with ogr2ogr -limit 200000).
//
//	LANTU_BENCH_IMPORT=1 LANTU_BENCH_SHP=/tmp/dltb200k.shp go test ./cmd/lantuctl -run X -bench ImportProcess -benchtime 3x
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
	sums := map[string]measured{}
	note := func(name string, m measured) {
		b.Logf("%-16s %6.2f s  %5.0f MB max RSS", name, m.wall.Seconds(), float64(m.rssKB)/1024)
		s := sums[name]
		s.wall += m.wall
		s.rssKB = max(s.rssKB, m.rssKB)
		sums[name] = s
	}
	for i := 0; i < b.N; i++ {
		bp := filepath.Join(dir, "bp.gpkg")
		if err := copyFile(base, bp); err != nil {
			b.Fatal(err)
		}
		note("lantuctl_import", benchRun(b, ctl, "import", bp, shp, "--as", "imp"))
		os.Remove(filepath.Join(dir, "ogr.gpkg"))
		note("ogr2ogr_gpkg", benchRun(b, ogr, "-f", "GPKG", filepath.Join(dir, "ogr.gpkg"), shp))
		note("lantuctl_export", benchRun(b, ctl, "export", bp, "--layer", "imp", "--format", "shp", "--force", "--out", filepath.Join(dir, "l.shp")))
		os.RemoveAll(filepath.Join(dir, "o"))
		note("ogr2ogr_shp", benchRun(b, ogr, "-f", "ESRI Shapefile", filepath.Join(dir, "o"), bp, "imp"))
		os.Remove(bp)
	}
	for name, s := range sums {
		b.ReportMetric(s.wall.Seconds()/float64(b.N), name+"_s")
		b.ReportMetric(float64(s.rssKB)/1024, name+"_maxMB")
	}
}

// measured is one process's wall time and max RSS.
type measured struct {
	wall  time.Duration
	rssKB int64
}

func benchRun(b *testing.B, name string, args ...string) measured {
	b.Helper()
	cmd := exec.Command(name, args...)
	start := time.Now()
	out, err := cmd.CombinedOutput()
	if err != nil {
		b.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
	m := measured{wall: time.Since(start)}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		m.rssKB = ru.Maxrss
	}
	return m
}
