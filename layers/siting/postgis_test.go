package siting

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"

	"lantu/layers/peer/peertest"
)

// TestAreasEqualPostGIS compares the layer rows with PostGIS's
// ST_Area(ST_Intersection(p, ST_Union(g))) over the same WKT.
func TestAreasEqualPostGIS(t *testing.T) {
	url := peertest.PostGIS(t)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		peertest.Missing(t, "PostGIS at LANTU_PG_URL not reachable: %v", err)
	}
	defer conn.Close(ctx)
	for _, q := range []string{
		"DROP TABLE IF EXISTS siting_layer",
		"CREATE TEMP TABLE siting_layer (code text, geom geometry)",
	} {
		if _, err := conn.Exec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range fixture {
		if _, err := conn.Exec(ctx, "INSERT INTO siting_layer VALUES ($1, ST_GeomFromText($2, 4550))", f.code, f.wkt); err != nil {
			t.Fatal(err)
		}
	}
	bp, uids := newFixture(t)
	for name, wkt := range proposals {
		t.Run(name, func(t *testing.T) {
			rep := review(t, bp, uids[name])
			for _, code := range []string{"GH_STBHHX", "GH_YJJBNT", "GH_CZKFBJ", "GH_LANX", "GH_GHYDYH"} {
				var want float64
				err := conn.QueryRow(ctx, `SELECT coalesce(ST_Area(ST_Intersection(ST_GeomFromText($1, 4550),
					(SELECT ST_Union(geom) FROM siting_layer WHERE code = $2))), 0)`, wkt, code).Scan(&want)
				if err != nil {
					t.Fatal(err)
				}
				if got := rep.LayerByCode(code).AreaM2; !near(got, want) {
					t.Errorf("%s: Lantu %.9f m², PostGIS %.9f m²", code, got, want)
				}
			}
		})
	}
}
