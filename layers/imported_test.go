package layers

import (
	"context"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"

	"lantu/layers/peer/peertest"
)

// TestOpenGDALGeoPackage opens GeoPackages written by ogr2ogr from the real
// vector data in testdata/vector (sources and licences in its README) and
// checks that every table becomes an imported layer with the
// feature count ogrinfo reports.
func TestOpenGDALGeoPackage(t *testing.T) {
	ogr2ogr, ogrinfo := peertest.Tool(t, "ogr2ogr"), peertest.Tool(t, "ogrinfo")
	path := filepath.Join(t.TempDir(), "ogr.gpkg")
	for i, src := range []string{"shenyang_rivers_gshhg.geojson", "liaoning_cities_echarts.geojson", "shenyang_outline_echarts.geojson"} {
		args := []string{"-f", "GPKG", path, filepath.Join("testdata", "vector", src), "-nln", []string{"rivers", "0", "外 轮廓"}[i]}
		if i > 0 {
			args = append([]string{"-update"}, args...)
		}
		if out, err := exec.Command(ogr2ogr, args...).CombinedOutput(); err != nil {
			t.Fatalf("ogr2ogr %s: %v\n%s", src, err, out)
		}
	}
	out, err := exec.Command(ogrinfo, "-al", "-so", "-ro", path).CombinedOutput()
	if err != nil {
		t.Fatalf("ogrinfo: %v\n%s", err, out)
	}
	want := map[string]int{}
	re := regexp.MustCompile(`(?m)^Layer name: (.*)\n(?:.*\n)*?Feature Count: (\d+)`)
	for _, m := range re.FindAllStringSubmatch(string(out), -1) {
		want[m[1]], _ = strconv.Atoi(m[2])
	}
	if len(want) != 3 {
		t.Fatalf("ogrinfo listed %v", want)
	}
	bp, err := Open(path, OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer bp.Close()
	for name, n := range want {
		l := bp.Layer(name)
		if l == nil {
			t.Errorf("layer %q missing", name)
			continue
		}
		if !l.Imported || l.Count() != n {
			t.Errorf("layer %q: imported=%v count=%d, ogrinfo says %d", name, l.Imported, l.Count(), n)
		}
		got := 0
		if err := bp.Query(context.Background(), Query{Layers: []string{name}}, func(*Feature) error { got++; return nil }); err != nil || got != n {
			t.Errorf("query %q: %d features, %v", name, got, err)
		}
	}
	if l := bp.Layer("rivers"); l != nil && l.Editable() {
		t.Errorf("a GDAL table without uid/version columns must not be editable")
	}
}
