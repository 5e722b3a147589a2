package terrain

import (
	"math"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"lantu/layers/peer/peertest"
)

// synthDEM is a hilly surface in EPSG:4550 with a few nodata holes.
func synthDEM(w, h int) *Grid {
	g := NewGrid(w, h, [6]float64{500000, 30, 0, 4650000, 0, -30}, 4550)
	g.HasNoData, g.NoData = true, -9999
	for r := 0; r < h; r++ {
		for c := 0; c < w; c++ {
			x, y := float64(c), float64(r)
			v := 50 + 40*math.Sin(x/7)*math.Cos(y/9) + 0.8*x + 0.3*y + 5*math.Sin(x*y/50)
			g.Data[r*w+c] = float32(v)
		}
	}
	for _, i := range []int{w*5 + 5, w*20 + 30, w*(h-1) + 3, 17} {
		if i < len(g.Data) {
			g.Data[i] = -9999
		}
	}
	return g
}

func TestLiveGdaldem(t *testing.T) {
	peertest.Tool(t, "gdaldem")
	dir := t.TempDir()
	in := filepath.Join(dir, "dem.tif")
	dem := synthDEM(64, 48)
	if err := WriteGeoTIFF(in, dem, Float32); err != nil {
		t.Fatal(err)
	}
	mk := func(f func(*Options)) Options { o := DefaultOptions(); f(&o); return o }
	cases := []struct {
		name string
		args []string
		run  func(*Grid, Options) *Grid
		o    Options
		tol  float64
	}{
		{"slope", []string{"slope"}, Slope, DefaultOptions(), 1e-3},
		{"slope_p", []string{"slope", "-p"}, Slope, mk(func(o *Options) { o.Percent = true }), 1e-3},
		{"slope_zt_edges", []string{"slope", "-alg", "ZevenbergenThorne", "-compute_edges"}, Slope,
			mk(func(o *Options) { o.Alg = ZevenbergenThorne; o.ComputeEdges = true }), 1e-3},
		{"slope_s", []string{"slope", "-s", "2"}, Slope, mk(func(o *Options) { o.Scale = 2 }), 1e-3},
		{"aspect_trig_edges", []string{"aspect", "-trigonometric", "-compute_edges"}, Aspect,
			mk(func(o *Options) { o.Trigonometric = true; o.ComputeEdges = true }), 1e-3},
		{"aspect_zt_flat", []string{"aspect", "-alg", "ZevenbergenThorne", "-zero_for_flat"}, Aspect,
			mk(func(o *Options) { o.Alg = ZevenbergenThorne; o.ZeroForFlat = true }), 1e-3},
		{"hs_z_az_alt", []string{"hillshade", "-z", "3", "-az", "120", "-alt", "30"}, Hillshade,
			mk(func(o *Options) { o.ZFactor, o.Azimuth, o.Altitude = 3, 120, 30 }), 1},
		{"hs_multi_edges", []string{"hillshade", "-multidirectional", "-compute_edges"}, Hillshade,
			mk(func(o *Options) { o.Multidirectional = true; o.ComputeEdges = true }), 1},
		{"hs_combined", []string{"hillshade", "-combined", "-z", "2"}, Hillshade,
			mk(func(o *Options) { o.Combined = true; o.ZFactor = 2 }), 1},
		{"hs_zt_multi", []string{"hillshade", "-alg", "ZevenbergenThorne", "-multidirectional"}, Hillshade,
			mk(func(o *Options) { o.Alg = ZevenbergenThorne; o.Multidirectional = true }), 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out := filepath.Join(dir, c.name+".tif")
			args := append(append([]string{}, c.args...), "-q", in, out)
			if b, err := exec.Command("gdaldem", args...).CombinedOutput(); err != nil {
				t.Fatalf("gdaldem %s: %v\n%s", strings.Join(args, " "), err, b)
			}
			ref, err := ReadGeoTIFF(out)
			if err != nil {
				t.Fatal(err)
			}
			if ref.GeoTransform != dem.GeoTransform || ref.EPSG != 4550 {
				t.Fatalf("gdaldem output georef %v EPSG %d, want %v 4550", ref.GeoTransform, ref.EPSG, dem.GeoTransform)
			}
			compareGrids(t, ref, c.run(dem, c.o), c.tol, c.args[0] == "hillshade")
		})
	}
}

// TestWriterMatchesGdalinfo checks that gdalinfo reports the same
// geotransform, CRS and nodata for our output as for gdaldem's.
func TestWriterMatchesGdalinfo(t *testing.T) {
	peertest.Tool(t, "gdalinfo")
	peertest.Tool(t, "gdaldem")
	dir := t.TempDir()
	in, ours, theirs := filepath.Join(dir, "dem.tif"), filepath.Join(dir, "ours.tif"), filepath.Join(dir, "theirs.tif")
	dem := synthDEM(40, 30)
	if err := WriteGeoTIFF(in, dem, Float32); err != nil {
		t.Fatal(err)
	}
	if err := WriteGeoTIFF(ours, Hillshade(dem, DefaultOptions()), Byte); err != nil {
		t.Fatal(err)
	}
	if b, err := exec.Command("gdaldem", "hillshade", "-q", in, theirs).CombinedOutput(); err != nil {
		t.Fatalf("gdaldem: %v\n%s", err, b)
	}
	a, b := gdalinfoSummary(t, ours), gdalinfoSummary(t, theirs)
	if a != b {
		t.Fatalf("gdalinfo differs:\nours:\n%s\ngdaldem:\n%s", a, b)
	}
	if !strings.Contains(a, "NoData Value=0") || !strings.Contains(a, `ID["EPSG",4550]`) || !strings.Contains(a, "Type=Byte") {
		t.Fatalf("unexpected gdalinfo summary:\n%s", a)
	}
}

func gdalinfoSummary(t *testing.T, path string) string {
	t.Helper()
	out, err := exec.Command("gdalinfo", "-checksum", path).CombinedOutput()
	if err != nil {
		t.Fatalf("gdalinfo %s: %v\n%s", path, err, out)
	}
	var keep []string
	for _, l := range strings.Split(string(out), "\n") {
		l = strings.TrimSpace(l)
		for _, p := range []string{"Size is", "Origin", "Pixel Size", "NoData", "Band 1", "Checksum", "ID[\"EPSG\"", "AREA_OR_POINT"} {
			if strings.HasPrefix(l, p) {
				if p == "Band 1" {
					l = l[strings.Index(l, "Type="):]
				}
				keep = append(keep, l)
			}
		}
	}
	return strings.Join(keep, "\n")
}
