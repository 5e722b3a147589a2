package conflict

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"

	"lantu/layers/peer/peertest"
)

// randomSource builds n A polygons (irregular pentagons) and n/4 B polygons
// (larger irregular octagons) over a 10 km square, deterministically.
func randomSource(seed uint64, n int) *memSource {
	r := rand.New(rand.NewPCG(seed, 1))
	src := &memSource{srid: 4550, layers: map[string]*memLayer{"A": {cols: []string{"cls"}}, "B": {cols: []string{"cls"}}}}
	blob := func(k int, radius float64) orb.Polygon {
		cx, cy := 500000+r.Float64()*10000, 4600000+r.Float64()*10000
		ring := make(orb.Ring, 0, k+1)
		for i := range k {
			a := 2 * math.Pi * float64(i) / float64(k)
			d := radius * (0.6 + 0.4*r.Float64())
			ring = append(ring, orb.Point{cx + d*math.Cos(a), cy + d*math.Sin(a)})
		}
		return orb.Polygon{append(ring, ring[0])}
	}
	for i := range n {
		src.layers["A"].feats = append(src.layers["A"].feats, Feature{FID: int64(i + 1), UID: fmt.Sprint("a", i), Geom: blob(5, 80)})
	}
	for i := range n / 4 {
		src.layers["B"].feats = append(src.layers["B"].feats, Feature{FID: int64(i + 1), UID: fmt.Sprint("b", i), Geom: blob(8, 300)})
	}
	return src
}

// pgQueries compute the same overlays in PostGIS.
var pgQueries = map[string]string{
	KindExclusive: `SELECT coalesce(sum(ST_Area(ST_Intersection(a.geom, b.geom))),0) FROM lantu_a a JOIN lantu_b b ON ST_Intersects(a.geom, b.geom)`,
	KindWithin:    `SELECT coalesce(sum(ST_Area(coalesce(ST_Difference(a.geom, (SELECT ST_Union(b.geom) FROM lantu_b b WHERE ST_Intersects(a.geom, b.geom))), a.geom))),0) FROM lantu_a a`,
	KindSetback:   `SELECT coalesce(sum(ST_Area(ST_Intersection(a.geom, ST_Buffer(b.geom, 20, 8)))),0) FROM lantu_a a JOIN lantu_b b ON ST_DWithin(a.geom, b.geom, 20)`,
}

// connectPG connects to the test PostGIS (LANTU_PG_URL, set by
// `source .ci/pg-start`); an unset or unreachable server ends tb as
// peertest.Missing does: a skip outside CI, a failure under CI.
func connectPG(tb testing.TB) *pgx.Conn {
	tb.Helper()
	url := peertest.PostGIS(tb)
	conn, err := pgx.Connect(context.Background(), url)
	if err != nil {
		peertest.Missing(tb, "PostGIS at LANTU_PG_URL not reachable (`source .ci/pg-start` starts it): %v", err)
	}
	tb.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

// loadPG copies the source's layers as WKB into temporary tables.
func loadPG(tb testing.TB, conn *pgx.Conn, src *memSource) {
	ctx := context.Background()
	for _, name := range []string{"A", "B"} {
		table := "lantu_" + string(rune(name[0]+32))
		stmts := []string{
			"DROP TABLE IF EXISTS " + table,
			"CREATE TEMP TABLE " + table + " (fid bigint, wkb bytea)",
		}
		for _, s := range stmts {
			if _, err := conn.Exec(ctx, s); err != nil {
				tb.Fatal(err)
			}
		}
		rows := make([][]any, 0, len(src.layers[name].feats))
		for _, f := range src.layers[name].feats {
			b, _ := wkb.Marshal(f.Geom)
			rows = append(rows, []any{f.FID, b})
		}
		if _, err := conn.CopyFrom(ctx, pgx.Identifier{table}, []string{"fid", "wkb"}, pgx.CopyFromRows(rows)); err != nil {
			tb.Fatal(err)
		}
		for _, s := range []string{
			"ALTER TABLE " + table + " ADD COLUMN geom geometry(Polygon, 4550)",
			"UPDATE " + table + " SET geom = ST_SetSRID(ST_GeomFromWKB(wkb), 4550)",
			"CREATE INDEX ON " + table + " USING gist (geom)",
			"ANALYZE " + table,
		} {
			if _, err := conn.Exec(ctx, s); err != nil {
				tb.Fatal(err)
			}
		}
	}
}

func pgArea(tb testing.TB, conn *pgx.Conn, kind string) float64 {
	var area float64
	if err := conn.QueryRow(context.Background(), pgQueries[kind]).Scan(&area); err != nil {
		tb.Fatal(err)
	}
	return area
}

func kindRule(tb testing.TB, kind string) *RuleSet {
	body := "kind = \"" + kind + "\"\na = { layer = \"A\" }\nb = { layer = \"B\" }\n"
	if kind == KindSetback {
		body += "distance = 20\n"
	}
	set, err := ParseRules("pg.toml", []byte("[[rule]]\nid = \"R\"\n"+body))
	if err != nil {
		tb.Fatal(err)
	}
	return set
}

func TestAgainstPostGIS(t *testing.T) {
	conn := connectPG(t)
	src := randomSource(7, 2000)
	loadPG(t, conn, src)
	for _, kind := range []string{KindExclusive, KindWithin, KindSetback} {
		t.Run(kind, func(t *testing.T) {
			res, err := RunSource(context.Background(), src, kindRule(t, kind), Options{})
			if err != nil {
				t.Fatal(err)
			}
			got, want := totalArea(res.Patches), pgArea(t, conn, kind)
			rel := math.Abs(got-want) / want
			t.Logf("%s: Lantu %.3f m² in %d patches, PostGIS %.3f m², relative difference %.2g", kind, got, len(res.Patches), want, rel)
			// Buffers approximate arcs with segments; GEOS in both, same quadrant segments.
			if rel > 1e-6 {
				t.Errorf("areas differ by %.3g relative", rel)
			}
		})
	}
}

// BenchmarkVsPostGIS times one in-memory exclusive overlay against the
// same query in PostGIS. It leaves out opening the blueprint and storing
// the patches: BenchmarkPeerOverlay measures the whole process.
func BenchmarkVsPostGIS(b *testing.B) {
	conn := connectPG(b)
	src := randomSource(7, 20000)
	loadPG(b, conn, src)
	set := kindRule(b, KindExclusive)
	var lantu, pg time.Duration
	for b.Loop() {
		t0 := time.Now()
		if _, err := RunSource(context.Background(), src, set, Options{}); err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		pgArea(b, conn, KindExclusive)
		lantu, pg = lantu+t1.Sub(t0), pg+time.Since(t1)
	}
	b.ReportMetric(float64(lantu.Milliseconds())/float64(b.N), "lantu-ms")
	b.ReportMetric(float64(pg.Milliseconds())/float64(b.N), "postgis-ms")
	b.ReportMetric(pg.Seconds()/lantu.Seconds(), "x-faster")
}
