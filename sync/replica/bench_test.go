package replica

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"lantu/layers"
	"lantu/layers/peer/peertest"
	"lantu/sync/exchange"
	"lantu/sync/wire"
)

// BenchmarkPush10k pushes 10k local inserts with the code `lantuctl sync`
// runs (push, then the pull that follows), against an in-process SQLite
// exchange.
func BenchmarkPush10k(b *testing.B) {
	ctx := context.Background()
	e := newSQLiteEnv(b)
	const n = 10000
	var cpu time.Duration
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		bp := e.clone("admin", CloneOptions{Layers: []string{"GL_XZFA"}, User: fmt.Sprint("bench", i)})
		edits := make([]layers.Edit, n)
		for j := range edits {
			x, y := 500000+float64(j%100)*12, 4640000+float64(j/100)*12+float64(i)*2000
			edits[j] = layers.Edit{Op: layers.OpInsert, Layer: "GL_XZFA", Geom: orb.MultiPolygon{square(x, y, 10)},
				Attrs: map[string]any{"xmmc": fmt.Sprint("p", j)}}
		}
		if _, err := bp.Apply(ctx, edits...); err != nil {
			b.Fatal(err)
		}
		s, err := NewSyncer(ctx, bp, Options{})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		c0 := cpuTime()
		res, err := s.Sync(ctx, nil)
		cpu += cpuTime() - c0
		if err != nil || res.Applied != n {
			b.Fatalf("sync: %v, %+v", err, res.Applied)
		}
		b.StopTimer()
		bp.Close()
		os.Remove(bp.Path())
		b.StartTimer()
	}
	b.ReportMetric(n, "changes/op")
	b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/op")
}

// cpuTime is the CPU time (user and system) the process has used: the
// server's and the client's, both in this process. On a machine shared
// with other work it tells the cost that wall time hides.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// publishBig publishes n 50-vertex polygons (writeBig) as xz_dltb into a
// new SQLite exchange store, closed when b ends.
func publishBig(b *testing.B, n int) exchange.Store {
	b.Helper()
	src := filepath.Join(b.TempDir(), "big.gpkg")
	if err := writeBig(src, n); err != nil {
		b.Fatal(err)
	}
	s, err := exchange.OpenSQLite(context.Background(), filepath.Join(b.TempDir(), "ex.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	if _, err := exchange.Publish(context.Background(), s, src, []string{"XZ_DLTB"}, "bench"); err != nil {
		b.Fatal(err)
	}
	os.Remove(src)
	return s
}

// BenchmarkClone pulls a collection of LANTU_BENCH_FEATURES polygons
// (default 100k) of 50 vertices into a new replica (clone).
func BenchmarkClone(b *testing.B) {
	n := 100000
	if v, err := strconv.Atoi(os.Getenv("LANTU_BENCH_FEATURES")); err == nil && v > 0 {
		n = v
	}
	s := publishBig(b, n)
	e := newEnv(b, s)
	for i := 0; b.Loop(); i++ {
		bp := e.clone("admin", CloneOptions{Layers: []string{"XZ_DLTB"}, User: fmt.Sprint("clone", i)})
		b.StopTimer()
		if l := bp.Layer("XZ_DLTB"); l == nil {
			b.Fatal("no layer")
		}
		bp.Close()
		os.Remove(bp.Path())
		b.StartTimer()
	}
	b.ReportMetric(float64(n), "features/op")
}

// writeBig writes n 50-vertex polygons into XZ_DLTB.
func writeBig(path string, n int) error {
	bp, err := layers.Create(path, layers.CreateOptions{User: "bench"})
	if err != nil {
		return err
	}
	defer bp.Close()
	w, err := bp.Bulk(context.Background())
	if err != nil {
		return err
	}
	for i := range n {
		x, y := 400000+float64(i%500)*200, 4500000+float64(i/500)*200
		ring := make(orb.Ring, 0, 50)
		for k := range 49 {
			f := float64(k) / 49
			switch {
			case f < 0.25:
				ring = append(ring, orb.Point{x + 150*f*4, y})
			case f < 0.5:
				ring = append(ring, orb.Point{x + 150, y + 150*(f-0.25)*4})
			case f < 0.75:
				ring = append(ring, orb.Point{x + 150 - 150*(f-0.5)*4, y + 150})
			default:
				ring = append(ring, orb.Point{x, y + 150 - 150*(f-0.75)*4})
			}
		}
		ring = append(ring, ring[0])
		if err := w.Insert("XZ_DLTB", orb.MultiPolygon{{ring}}, map[string]any{"dlbm": "0101", "tbbh": strconv.Itoa(i)}); err != nil {
			w.Rollback()
			return err
		}
	}
	return w.Commit()
}

// BenchmarkCloneSnapshot clones a collection of LANTU_BENCH_SNAPSHOT
// 50-vertex polygons (default 1M) through its snapshot: the download (its
// SHA-256 checked), the decode and the writes, then the feed from its
// cursor. The server builds the snapshot file once before the timer
// (reported as build-s); each clone reuses it, as clones after the first
// do. Target: 1M features <= 30 s. The peer, in the same run after the
// timer: ogr2ogr reading the same snapshot over HTTP (GeoJSONSeq over
// /vsicurl/, the bearer token in GDAL_HTTP_HEADERS) into a GeoPackage,
// reported as peer-s and peer-cpu-s.
func BenchmarkCloneSnapshot(b *testing.B) {
	ctx := context.Background()
	n := 1000000
	if v, err := strconv.Atoi(os.Getenv("LANTU_BENCH_SNAPSHOT")); err == nil && v > 0 {
		n = v
	}
	s := publishBig(b, n)
	e := newEnv(b, s)
	e.srv.Config.Handler = exchange.NewServer(s, exchange.Options{Rate: -1, ReadRate: -1, SnapshotDir: b.TempDir()})
	c, err := NewClient(e.srv.URL, e.tokens["admin"], nil)
	if err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	warm := filepath.Join(b.TempDir(), "warm.geojsons")
	snap, err := c.DownloadSnapshot(ctx, "xz_dltb", 4550, warm)
	if err != nil {
		b.Fatal(err)
	}
	build := time.Since(start)
	snap.Remove()
	b.ResetTimer()
	var cpu time.Duration
	for i := 0; b.Loop(); i++ {
		c0 := cpuTime()
		bp := e.clone("admin", CloneOptions{Layers: []string{"XZ_DLTB"}, User: fmt.Sprint("snap", i), Sync: Options{SnapshotMin: 1}})
		cpu += cpuTime() - c0
		b.StopTimer()
		var got int
		bp.Read(ctx, func(tx *sql.Tx) error { return tx.QueryRowContext(ctx, `SELECT count(*) FROM xz_dltb`).Scan(&got) })
		if got != n+nPatches { // the env publishes the fixture's patches too
			b.Fatalf("%d features cloned, want %d", got, n+nPatches)
		}
		bp.Close()
		os.Remove(bp.Path())
		b.StartTimer()
	}
	b.StopTimer()
	b.ReportMetric(float64(n), "features/op")
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "features/s")
	b.ReportMetric(build.Seconds(), "build-s")
	b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/op")
	wall, pcpu := ogrSnapshot(b, e, n+nPatches)
	b.ReportMetric(wall.Seconds(), "peer-s")
	b.ReportMetric(pcpu.Seconds(), "peer-cpu-s")
}

// ogrSnapshot runs ogr2ogr from the env's xz_dltb snapshot into a new
// GeoPackage and checks it has want features; it returns its wall and CPU
// time.
func ogrSnapshot(b *testing.B, e *env, want int) (wall, cpu time.Duration) {
	ogr2ogr := peertest.Tool(b, "ogr2ogr")
	out := filepath.Join(b.TempDir(), "peer.gpkg")
	cmd := exec.Command(ogr2ogr, "-f", "GPKG", out, "GeoJSONSeq:/vsicurl/"+e.srv.URL+"/collections/xz_dltb/snapshot?crs="+url.QueryEscape(wire.CRSURI(4550)))
	cmd.Env = append(os.Environ(), "GDAL_HTTP_HEADERS=Authorization: Bearer "+e.tokens["admin"])
	start := time.Now()
	if msg, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("ogr2ogr: %v\n%s", err, msg)
	}
	wall = time.Since(start)
	cpu = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	info, err := exec.Command(filepath.Join(filepath.Dir(ogr2ogr), "ogrinfo"), "-so", "-al", out).CombinedOutput()
	if err != nil {
		b.Fatal(err)
	}
	if !strings.Contains(string(info), "Feature Count: "+strconv.Itoa(want)+"\n") {
		b.Fatalf("ogr2ogr wrote:\n%s\nwant %d features", info, want)
	}
	return wall, cpu
}
