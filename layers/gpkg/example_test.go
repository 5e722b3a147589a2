package gpkg_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/paulmach/orb"

	"lantu/layers/gpkg"
)

// A new GeoPackage with one indexed feature table, read back.
func Example() {
	dir, err := os.MkdirTemp("", "gpkg-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	ctx := context.Background()
	db, err := gpkg.Create(filepath.Join(dir, "规划 plan.gpkg"))
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	spec := gpkg.TableSpec{Table: "地块", GeomType: "POLYGON", SRSID: 4550,
		Columns: []gpkg.Column{{Name: "code", Type: "TEXT"}}}
	if err := db.CreateTable(ctx, nil, spec); err != nil {
		log.Fatal(err)
	}
	if err := db.CreateSpatialIndex(ctx, nil, "地块", "geom"); err != nil {
		log.Fatal(err)
	}
	blob, err := gpkg.EncodeGeometry(orb.Polygon{{{41500000, 4630000}, {41500100, 4630000}, {41500100, 4630100}, {41500000, 4630000}}}, 4550)
	if err != nil {
		log.Fatal(err)
	}
	if _, err := db.W.ExecContext(ctx, `INSERT INTO "地块" (geom, code) VALUES (?, '0701')`, blob); err != nil {
		log.Fatal(err)
	}
	if err := db.UpdateExtent(ctx, nil, "地块"); err != nil {
		log.Fatal(err)
	}
	layers, err := db.Layers(ctx)
	if err != nil {
		log.Fatal(err)
	}
	for _, l := range layers {
		fmt.Println(l.Table, l.GeomType, l.SRSID, l.PK, l.RTree, l.Extent.Min, l.Extent.Max)
	}
	// Output: 地块 POLYGON 4550 fid true [4.15e+07 4.63e+06] [4.15001e+07 4.6301e+06]
}
