package terrain

import (
	"math"
	"path/filepath"
	"testing"
)

func TestReadLux(t *testing.T) {
	g, err := ReadGeoTIFF(filepath.Join("testdata", "terra_elev_lux.tif"))
	if err != nil {
		t.Fatal(err)
	}
	if g.Width != 95 || g.Height != 90 || g.EPSG != 4326 || !g.HasNoData || g.NoData != -32768 {
		t.Fatalf("got %dx%d epsg %d nodata %v %v", g.Width, g.Height, g.EPSG, g.HasNoData, g.NoData)
	}
	if math.Abs(g.GeoTransform[0]-5.741666666666666) > 1e-12 || math.Abs(g.GeoTransform[5]+0.008333333333333) > 1e-12 {
		t.Fatalf("geotransform %v", g.GeoTransform)
	}
	lo, hi := float32(1e9), float32(-1e9)
	for _, v := range g.Data {
		if !g.IsNoData(v) {
			lo, hi = min(lo, v), max(hi, v)
		}
	}
	if lo != 141 || hi != 547 {
		t.Fatalf("range %v..%v, want 141..547", lo, hi)
	}
}

func TestGdaldemReference(t *testing.T) {
	dir := "testdata" // the DEM and GDAL's answers on it, see testdata/README.md
	dem, err := ReadGeoTIFF(filepath.Join(dir, "terra_elev_lux.tif"))
	if err != nil {
		t.Fatal(err)
	}
	o := DefaultOptions()
	o111 := o
	o111.Scale = 111120
	edges, zt := o111, o111
	edges.ComputeEdges = true
	zt.Alg = ZevenbergenThorne
	cases := []struct {
		ref  string
		got  *Grid
		tol  float64
		byte bool
	}{
		{"terra_elev_lux_slope.tif", Slope(dem, o111), 1e-3, false},
		{"terra_elev_lux_aspect.tif", Aspect(dem, o), 1e-3, false},
		{"terra_elev_lux_hillshade.tif", Hillshade(dem, o111), 1, true},
		{"terra_elev_lux_hillshade_edges.tif", Hillshade(dem, edges), 1, true},
		{"terra_elev_lux_hillshade_zt.tif", Hillshade(dem, zt), 1, true},
	}
	for _, c := range cases {
		t.Run(c.ref, func(t *testing.T) {
			ref, err := ReadGeoTIFF(filepath.Join(dir, "gdaldem_ref", c.ref))
			if err != nil {
				t.Fatal(err)
			}
			compareGrids(t, ref, c.got, c.tol, c.byte)
		})
	}
}

func compareGrids(t *testing.T, ref, got *Grid, tol float64, asByte bool) {
	t.Helper()
	if ref.Width != got.Width || ref.Height != got.Height || ref.NoData != got.NoData {
		t.Fatalf("shape/nodata differ: ref %dx%d nd %v, got %dx%d nd %v", ref.Width, ref.Height, ref.NoData, got.Width, got.Height, got.NoData)
	}
	maxd, bad := 0.0, 0
	for i, rv := range ref.Data {
		gv := got.Data[i]
		if asByte {
			gv = float32(roundByte(gv))
		}
		if ref.IsNoData(rv) != got.IsNoData(gv) {
			bad++
			continue
		}
		if ref.IsNoData(rv) {
			continue
		}
		maxd = math.Max(maxd, math.Abs(float64(rv-gv)))
	}
	if bad > 0 || maxd > tol {
		t.Fatalf("%d nodata mismatches, max abs diff %g (tolerance %g)", bad, maxd, tol)
	}
	t.Logf("max abs diff %g", maxd)
}
