package conflict

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"lantu/layers"
	"lantu/layers/demo"
	"lantu/layers/peer/peertest"
)

// The whole-process comparison with PostGIS on the overlay workload
// (demo.GenerateOverlay): `lantuctl check FILE --rules five.toml --json` as
// a user runs it (open, five overlays, patches stored) against PostGIS
// running the same five overlays on the same data loaded with ogr2ogr, the
// patches written to unlogged tables, with two parallel workers. Heavy, so
// it runs only when LANTU_BENCH_SCALE is small or city:
//
//	LANTU_BENCH_SCALE=small go test ./layers/conflict/ -run '^$' -bench PeerOverlay -benchtime 1x -v
//
// LANTU_BENCH_RUNS (default 1) repeats both back to back; LANTU_BENCH_SEED
// (default 1) picks the workload.

// pgOverlay is one rule of five.toml in SQL: the patches as (area) rows.
type pgOverlay struct{ id, sql string }

const pgConstruction = `(left(a.ydxz,1) = ANY(ARRAY['R','A','B','M','W','S','U','G'])) <>
	(left(b.ydyhdm,2) = ANY(ARRAY['07','08','09','10','11','12','13','14','15','16']))`

// pgFive mirrors testdata/overlay/five.toml; the min-area filters are
// Lantu's. OFFSET 0 keeps PostgreSQL from inlining the subquery, which
// would compute each overlay once per use of its result.
var pgFive = []pgOverlay{
	{"STATUS-PLAN", pgPairs("xz_dltb", "gh_cgyd", "TRUE", 1)},
	{"DIFF-CG-TG", pgPairs("gh_cgyd", "gh_tgdl", "b.ydyhdm NOT LIKE '17%' AND "+pgConstruction, 200)},
	{"FARM-UDB", pgPairs("gh_yjjbnt", "gh_czkfbj", "TRUE", 50)},
	{"RED-FARM", pgPairs("gh_stbhhx", "gh_yjjbnt", "TRUE", 50)},
	{"IN-PERMIT-UDB", `SELECT a_fid, g, area FROM (SELECT a_fid, g, ST_Area(g) AS area FROM (
		SELECT a.fid AS a_fid, ST_CollectionExtract(coalesce(ST_Difference(a.geom,
			(SELECT ST_Union(b.geom) FROM gh_czkfbj b WHERE ST_Intersects(a.geom, b.geom))), a.geom), 3) AS g
		FROM gl_ydghxk a OFFSET 0) s OFFSET 0) s WHERE area >= 20 AND area > 0`},
}

func pgPairs(a, b, cond string, minArea float64) string {
	return fmt.Sprintf(`SELECT a_fid, b_fid, g, area FROM (
		SELECT a_fid, b_fid, g, ST_Area(g) AS area FROM (
			SELECT a.fid AS a_fid, b.fid AS b_fid, ST_CollectionExtract(ST_Intersection(a.geom, b.geom), 3) AS g
			FROM %s a JOIN %s b ON ST_Intersects(a.geom, b.geom) WHERE %s OFFSET 0) s OFFSET 0) s
		WHERE area >= %g AND area > 0`, a, b, cond, minArea)
}

// checkOut is what BenchmarkPeerOverlay reads of `lantuctl check --json`.
type checkOut struct {
	Rules   map[string]RuleResult `json:"rules"`
	Patches int                   `json:"patches"`
	Seconds float64               `json:"seconds"`
	Open    float64               `json:"open_seconds"`
	Store   float64               `json:"store_seconds"`
}

// BenchmarkPeerOverlay is the whole-process comparison with PostGIS on the
// overlay workload: `LANTU_BENCH_SCALE=small|city go test ./layers/conflict
// -run '^$' -bench PeerOverlay -benchtime 1x -v` (small by default;
// LANTU_BENCH_RUNS repeats the pair, LANTU_BENCH_SEED picks the workload).
func BenchmarkPeerOverlay(b *testing.B) {
	var t testing.TB = b
	scale := getenv("LANTU_BENCH_SCALE", "small")
	if scale != "small" && scale != "city" {
		b.Fatalf("LANTU_BENCH_SCALE=%q: small or city", scale)
	}
	seed, _ := strconv.ParseUint(getenv("LANTU_BENCH_SEED", "1"), 10, 64)
	runs, _ := strconv.Atoi(getenv("LANTU_BENCH_RUNS", "1"))
	ogr := peertest.Tool(t, "ogr2ogr")
	conn := connectPG(t)
	ctx := context.Background()
	t0 := time.Now()
	src, err := demo.CachedOverlay(ctx, scale, seed)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("workload %s (seed %d): %s, ready in %.1f s", scale, seed, src, time.Since(t0).Seconds())
	bin := buildLantuctl(t)
	rules, _ := filepath.Abs("testdata/overlay/five.toml")
	loadOverlayPG(t, ogr, src)
	if _, err := conn.Exec(ctx, "SET max_parallel_workers_per_gather = 2"); err != nil {
		t.Fatal(err)
	}
	for run := range max(1, runs) {
		ours, oursCPU, oursRSS, out := runCheck(t, bin, src, rules)
		pg, pgCPU, pgRSS, pgAreas := runPGFive(t, conn)
		t.Logf("run %d (load %s): lantuctl check %.2f s wall, %.2f s CPU (max RSS %d MB, %d patches) | PostGIS %.2f s wall, %.2f s CPU in the backend (max RSS %d MB) | PostGIS/ours %.2fx wall, %.2fx CPU",
			run+1, loadAvg(), ours.Seconds(), oursCPU.Seconds(), oursRSS>>10, out.Patches, pg.Seconds(), pgCPU.Seconds(), pgRSS>>10,
			pg.Seconds()/ours.Seconds(), pgCPU.Seconds()/oursCPU.Seconds())
		t.Logf("  ours: open %.2f s, check %.2f s, of which store %.2f s (wall; a first run stores as the overlays go)",
			out.Open, out.Seconds, out.Store)
		for _, q := range pgFive {
			r := out.Rules[q.id]
			want := pgAreas[q.id]
			rel := math.Abs(r.Area-want.area) / math.Max(want.area, 1)
			t.Logf("  %-14s ours %8d patches %16.3f m² %9.1f ms | PostGIS %8d patches %16.3f m² %9.1f ms | rel %.2g",
				q.id, r.Patches, r.Area, r.Millis, want.n, want.area, want.ms, rel)
			if rel > 1e-6 {
				t.Errorf("%s: area %.3f m², PostGIS %.3f m² (relative %.3g)", q.id, r.Area, want.area, rel)
			}
		}
	}
}

// buildLantuctl builds cmd/lantuctl into the test's temporary folder.
func buildLantuctl(t testing.TB) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "lantuctl")
	cmd := exec.Command("go", "build", "-o", bin, "lantu/cmd/lantuctl")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build lantuctl: %v\n%s", err, out)
	}
	return bin
}

// runCheck runs lantuctl check on a fresh copy of src: the wall and CPU
// time of the process, its max RSS in KiB, and its JSON report.
func runCheck(t testing.TB, bin, src, rules string) (time.Duration, time.Duration, int64, checkOut) {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "bp.gpkg")
	if err := copyFile(src, dst); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(bin, "check", dst, "--rules", rules, "--json")
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	took := time.Since(start)
	if err != nil {
		t.Fatalf("lantuctl check: %v\n%s", err, stderr.String())
	}
	var out checkOut
	if err := json.Unmarshal(stdout.Bytes(), &out); err != nil {
		t.Fatalf("lantuctl check --json: %v\n%s", err, stdout.String())
	}
	rss := int64(0)
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		rss = ru.Maxrss
	}
	os.Remove(dst)
	return took, cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime(), rss, out
}

// loadOverlayPG loads the workload's seven layers into PostGIS with ogr2ogr,
// each with a GiST index, and analyzes them.
func loadOverlayPG(t testing.TB, ogr, src string) {
	t.Helper()
	start := time.Now()
	args := []string{"-f", "PostgreSQL", "PG:" + pgConnString(peertest.PostGIS(t)), src,
		"-overwrite", "-lco", "GEOMETRY_NAME=geom", "-lco", "FID=fid", "-lco", "SPATIAL_INDEX=GIST",
		"-nlt", "PROMOTE_TO_MULTI", "-preserve_fid", "--config", "PG_USE_COPY", "YES",
		"xz_dltb", "gh_cgyd", "gh_tgdl", "gh_yjjbnt", "gh_stbhhx", "gh_czkfbj", "gl_ydghxk"}
	if out, err := exec.Command(ogr, args...).CombinedOutput(); err != nil {
		t.Fatalf("ogr2ogr into PostGIS: %v\n%s", err, out)
	}
	conn := connectPG(t)
	for _, tb := range []string{"xz_dltb", "gh_cgyd", "gh_tgdl", "gh_yjjbnt", "gh_stbhhx", "gh_czkfbj", "gl_ydghxk"} {
		if _, err := conn.Exec(context.Background(), "ANALYZE "+tb); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("PostGIS load (ogr2ogr + ANALYZE): %.1f s", time.Since(start).Seconds())
}

// pgConnString turns a postgres:// URL into the key=value form GDAL reads.
func pgConnString(url string) string {
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		return url
	}
	return fmt.Sprintf("host=%s port=%d dbname=%s user=%s password=%s", cfg.Host, cfg.Port, cfg.Database, cfg.User, cfg.Password)
}

type pgRule struct {
	n    int
	area float64
	ms   float64
}

// runPGFive runs the five overlays, writing each rule's patches to an
// unlogged table: the total wall time, the backend's CPU time and peak RSS
// (KiB; both from /proc, parallel workers not counted) and per rule the
// patches and area.
func runPGFive(t testing.TB, conn *pgx.Conn) (time.Duration, time.Duration, int64, map[string]pgRule) {
	t.Helper()
	ctx := context.Background()
	out := map[string]pgRule{}
	var pid int
	if err := conn.QueryRow(ctx, "SELECT pg_backend_pid()").Scan(&pid); err != nil {
		t.Fatal(err)
	}
	cpu0 := procCPU(pid)
	start := time.Now()
	for _, q := range pgFive {
		t0 := time.Now()
		table := "lantu_out_" + strings.ToLower(strings.ReplaceAll(q.id, "-", "_"))
		if _, err := conn.Exec(ctx, "DROP TABLE IF EXISTS "+table); err != nil {
			t.Fatal(err)
		}
		if _, err := conn.Exec(ctx, "CREATE UNLOGGED TABLE "+table+" AS "+q.sql); err != nil {
			t.Fatalf("%s: %v", q.id, err)
		}
		var r pgRule
		if err := conn.QueryRow(ctx, "SELECT count(*), coalesce(sum(area),0) FROM "+table).Scan(&r.n, &r.area); err != nil {
			t.Fatal(err)
		}
		r.ms = float64(time.Since(t0).Microseconds()) / 1000
		out[q.id] = r
	}
	took := time.Since(start)
	return took, procCPU(pid) - cpu0, vmHWM(pid), out
}

// procCPU is a process's user+system time from /proc/PID/stat (0 when
// unreadable), at the usual 100 ticks a second.
func procCPU(pid int) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 13 {
		return 0
	}
	u, _ := strconv.ParseInt(f[11], 10, 64)
	k, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(u+k) * 10 * time.Millisecond
}

// vmHWM reads a process's peak resident set in KiB (0 when unreadable).
func vmHWM(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmHWM:" {
			v, _ := strconv.ParseInt(f[1], 10, 64)
			return v
		}
	}
	return 0
}

func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	return strings.Join(strings.Fields(string(b))[:3], " ")
}

// BenchmarkOverlayWorkload is what lantuctl check does on the overlay
// workload, in process, for profiling: open a fresh copy, run five.toml,
// store the patches. LANTU_BENCH_SCALE picks the size (default small).
func BenchmarkOverlayWorkload(b *testing.B) {
	ctx := context.Background()
	src, err := demo.CachedOverlay(ctx, benchScale(), 1)
	if err != nil {
		b.Fatal(err)
	}
	set, err := ParseRulesFS(os.DirFS("testdata/overlay"))
	if err != nil {
		b.Fatal(err)
	}
	var open, run time.Duration
	for b.Loop() {
		b.StopTimer()
		dst := filepath.Join(b.TempDir(), "bp.gpkg")
		if err := copyFile(src, dst); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		t0 := time.Now()
		bp, err := layers.Open(dst, layers.OpenOptions{})
		if err != nil {
			b.Fatal(err)
		}
		if err := bp.WaitLoaded(ctx); err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		if _, err := Run(ctx, bp, set, Options{}); err != nil {
			b.Fatal(err)
		}
		open, run = open+t1.Sub(t0), run+time.Since(t1)
		bp.Close()
	}
	b.ReportMetric(open.Seconds()/float64(b.N), "open-s")
	b.ReportMetric(run.Seconds()/float64(b.N), "run-s")
}
