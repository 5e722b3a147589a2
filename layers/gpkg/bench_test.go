package gpkg

import (
	"context"
	"math"
	"path/filepath"
	"testing"

	"github.com/paulmach/orb"
)

// benchPolygon is a 50-vertex ring around a Shenyang point in EPSG:4550.
func benchPolygon() orb.Polygon {
	ring := make(orb.Ring, 0, 51)
	for i := range 50 {
		a := 2 * math.Pi * float64(i) / 50
		ring = append(ring, orb.Point{41_500_000 + 100*math.Cos(a), 4_630_000 + 80*math.Sin(a)})
	}
	return orb.Polygon{append(ring, ring[0])}
}

func BenchmarkDecodeGeometry(b *testing.B) {
	blob, err := EncodeGeometry(benchPolygon(), 4550)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(blob)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := DecodeGeometry(blob); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "geoms/s")
}

func BenchmarkParseHeader(b *testing.B) {
	blob, _ := EncodeGeometry(benchPolygon(), 4550)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseHeader(blob); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEncodeGeometry(b *testing.B) {
	p := benchPolygon()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := EncodeGeometry(p, 4550); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "geoms/s")
}

// BenchmarkInsertRTree inserts polygons, one transaction per 10,000 rows,
// into an R-tree indexed table, so every row runs the insert trigger and the
// ST_ functions; "plain" is the same table without the index.
func BenchmarkInsertRTree(b *testing.B) {
	b.Run("indexed", func(b *testing.B) { benchInsert(b, true) })
	b.Run("plain", func(b *testing.B) { benchInsert(b, false) })
}

func benchInsert(b *testing.B, indexed bool) {
	ctx := context.Background()
	db, err := Create(filepath.Join(b.TempDir(), "bench.gpkg"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	if err := db.CreateTable(ctx, nil, TableSpec{Table: "t", GeomType: "POLYGON", SRSID: 4550}); err != nil {
		b.Fatal(err)
	}
	if indexed {
		if err := db.CreateSpatialIndex(ctx, nil, "t", "geom"); err != nil {
			b.Fatal(err)
		}
	}
	blob, _ := EncodeGeometry(benchPolygon(), 4550)
	tx, _ := db.W.Begin()
	stmt, err := tx.Prepare("INSERT INTO t (geom) VALUES (?)")
	if err != nil {
		b.Fatal(err)
	}
	n := 0
	for b.Loop() {
		if _, err := stmt.Exec(blob); err != nil {
			b.Fatal(err)
		}
		if n++; n%10_000 == 0 {
			stmt.Close()
			if err := tx.Commit(); err != nil {
				b.Fatal(err)
			}
			tx, _ = db.W.Begin()
			stmt, _ = tx.Prepare("INSERT INTO t (geom) VALUES (?)")
		}
	}
	stmt.Close()
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkCreateSpatialIndex builds the R-tree of a filled table (what a
// bulk load does at commit), reporting indexed rows/s.
func BenchmarkCreateSpatialIndex(b *testing.B) {
	const rows = 20_000
	ctx := context.Background()
	blob, _ := EncodeGeometry(benchPolygon(), 4550)
	for b.Loop() {
		b.StopTimer()
		db, err := Create(filepath.Join(b.TempDir(), "index.gpkg"))
		if err != nil {
			b.Fatal(err)
		}
		if err := db.CreateTable(ctx, nil, TableSpec{Table: "t", GeomType: "POLYGON", SRSID: 4550}); err != nil {
			b.Fatal(err)
		}
		if _, err := db.W.Exec(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i < ?)
			INSERT INTO t (geom) SELECT ? FROM n`, rows, blob); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if err := db.CreateSpatialIndex(ctx, nil, "t", "geom"); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		db.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(rows*b.N)/b.Elapsed().Seconds(), "rows/s")
}
