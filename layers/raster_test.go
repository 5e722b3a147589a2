package layers_test

import (
	"context"
	"path/filepath"
	"testing"

	"lantu/layers"
	"lantu/layers/terrain"
)

// TestRasters opens coverage and tile tables as raster layers: catalog ones
// by table name, others as imported.
func TestRasters(t *testing.T) {
	path := filepath.Join(t.TempDir(), "r.gpkg")
	bp, err := layers.Create(path, layers.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	dem := terrain.NewGrid(300, 200, [6]float64{500000, 30, 0, 4600000, 0, -30}, 4550)
	for i := range dem.Data {
		dem.Data[i] = float32(50 + i%300)
	}
	ctx := context.Background()
	for _, table := range []string{"xz_dem", "survey_dem"} {
		if err := terrain.Import(ctx, bp, table, dem, 4550); err != nil {
			t.Fatal(err)
		}
	}
	if err := terrain.ImportHillshade(ctx, bp, "xz_styy", dem, terrain.DefaultOptions()); err != nil {
		t.Fatal(err)
	}
	bp.Close()
	bp, err = layers.Open(path, layers.OpenOptions{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer bp.Close()
	for _, tc := range []struct {
		key, code, dataType string
		imported            bool
	}{
		{"XZ_DEM", "XZ_DEM", "2d-gridded-coverage", false},
		{"xz_styy", "XZ_STYY", "tiles", false},
		{"survey_dem", "survey_dem", "2d-gridded-coverage", true},
	} {
		r := bp.Raster(tc.key)
		if r == nil {
			t.Fatalf("%s: no raster layer; have %v", tc.key, bp.Rasters())
		}
		if r.Code != tc.code || r.DataType != tc.dataType || r.Imported != tc.imported || r.Tiles != 3 || r.Levels != 2 || r.SRID != 4550 {
			t.Errorf("%s: %+v", tc.key, *r)
		}
		if r.Extent.Min[0] != 500000 || r.Extent.Max[1] != 4600000 {
			t.Errorf("%s: extent %v", tc.key, r.Extent)
		}
	}
	if got := bp.Rasters(); len(got) != 3 || got[2].Table != "survey_dem" {
		t.Errorf("raster order: %v", got)
	}
	if bp.Layer("xz_dem") != nil {
		t.Error("a raster table is listed as a vector layer")
	}
}
