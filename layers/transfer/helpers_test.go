package transfer

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
	"github.com/twpayne/go-geos"

	"lantu/layers"
	"lantu/layers/peer/peertest"
)

// Real data (sources and licences in ../gpkg/testdata/vector/README.md).
var (
	citiesJSON  = filepath.Join("..", "gpkg", "testdata", "vector", "liaoning_cities_echarts.geojson")
	riversJSON  = filepath.Join("..", "gpkg", "testdata", "vector", "shenyang_rivers_gshhg.geojson")
	outlineJSON = filepath.Join("..", "gpkg", "testdata", "vector", "shenyang_outline_echarts.geojson")
)

// ogr2ogr runs ogr2ogr with args and fails the test on error.
func ogr2ogr(t *testing.T, args ...string) {
	t.Helper()
	tool := peertest.Tool(t, "ogr2ogr")
	if out, err := exec.Command(tool, args...).CombinedOutput(); err != nil {
		t.Fatalf("ogr2ogr %v: %v\n%s", args, err, out)
	}
}

var fieldLine = regexp.MustCompile(`^([^\s:][^:]*): (?:String|Integer|Integer64|Real|Date|DateTime|Time|Binary|StringList|IntegerList|RealList)[ (]`)

var attrLine = regexp.MustCompile(`^\s+(\S+) \([A-Za-z0-9()]+\) = (.*)$`)

// ogrSQL runs an SQLite-dialect query with ogrinfo and returns its rows as
// field -> text.
func ogrSQL(t *testing.T, path, sql string) []map[string]string {
	t.Helper()
	tool := peertest.Tool(t, "ogrinfo")
	out, err := exec.Command(tool, "-ro", "-q", "-geom=NO", "-dialect", "SQLite", "-sql", sql, path).Output()
	if err != nil {
		t.Fatalf("ogrinfo %s %q: %v", path, sql, err)
	}
	var rows []map[string]string
	for _, line := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(line, "OGRFeature(") {
			rows = append(rows, map[string]string{})
			continue
		}
		if m := attrLine.FindStringSubmatch(line); m != nil && len(rows) > 0 {
			rows[len(rows)-1][m[1]] = m[2]
		}
	}
	return rows
}

// ogrSummary returns ogrinfo -so's feature count and field names.
func ogrSummary(t *testing.T, path string) (int, []string) {
	t.Helper()
	tool := peertest.Tool(t, "ogrinfo")
	out, err := exec.Command(tool, "-ro", "-so", "-al", path).Output()
	if err != nil {
		t.Fatalf("ogrinfo %s: %v", path, err)
	}
	n := -1
	var fields []string
	for _, line := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(line, "Feature Count: ") {
			n, _ = strconv.Atoi(strings.TrimPrefix(line, "Feature Count: "))
		} else if m := fieldLine.FindStringSubmatch(line); m != nil {
			fields = append(fields, m[1])
		}
	}
	return n, fields
}

func num(t *testing.T, s string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("not a number: %q", s)
	}
	return v
}

// newBlueprint creates an empty blueprint in EPSG:4550.
func newBlueprint(t *testing.T) *layers.Blueprint {
	t.Helper()
	bp, err := layers.Create(filepath.Join(t.TempDir(), "bp.gpkg"), layers.CreateOptions{User: "test"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { bp.Close() })
	return bp
}

// features returns a layer's features by fid order.
func features(t *testing.T, bp *layers.Blueprint, layer string) []*layers.Feature {
	t.Helper()
	var out []*layers.Feature
	err := bp.Query(context.Background(), layers.Query{Layers: []string{layer}}, func(f *layers.Feature) error {
		out = append(out, f)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// hausdorff is the Hausdorff distance between a and b, computed by GEOS.
func hausdorff(t *testing.T, a, b orb.Geometry) float64 {
	t.Helper()
	gctx := geos.NewContext()
	ga, gb := toGEOS(t, gctx, a), toGEOS(t, gctx, b)
	return ga.HausdorffDistance(gb)
}

func toGEOS(t *testing.T, gctx *geos.Context, g orb.Geometry) *geos.Geom {
	t.Helper()
	b, err := wkb.Marshal(g)
	if err != nil {
		t.Fatal(err)
	}
	gg, err := gctx.NewGeomFromWKB(b)
	if err != nil {
		t.Fatal(err)
	}
	return gg
}

// geosArea is the area of g by GEOS.
func geosArea(t *testing.T, g orb.Geometry) float64 {
	t.Helper()
	return toGEOS(t, geos.NewContext(), g).Area()
}

func readSource(t *testing.T, path string, opt ReadOptions) *Source {
	t.Helper()
	src, err := Read(path, opt)
	if err != nil {
		t.Fatal(err)
	}
	return src
}

func fileText(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
