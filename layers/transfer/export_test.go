package transfer

import (
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"lantu/layers"
	"lantu/layers/boundarytxt"
	"lantu/layers/outfile"
)

func square(x, y, s float64) orb.MultiPolygon {
	return orb.MultiPolygon{{{{x, y}, {x + s, y}, {x + s, y + s}, {x, y + s}, {x, y}}}}
}

// districtBlueprint has one district 210102 (a 1 km square) and three
// proposals: inside, straddling its east edge by half, outside.
func districtBlueprint(t *testing.T) *layers.Blueprint {
	t.Helper()
	bp := newBlueprint(t)
	ctx := context.Background()
	w, err := bp.Bulk(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Insert("XZ_QXXZQ", square(533000, 4629000, 1000), map[string]any{"xzqdm": "210102", "xzqmc": "和平区"}); err != nil {
		t.Fatal(err)
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	for _, p := range []struct {
		name, zt string
		g        orb.MultiPolygon
	}{{"内部", "报批", square(533100, 4629100, 100)}, {"跨界", "报批", square(533950, 4629100, 100)}, {"外部", "草案", square(535000, 4629100, 100)}} {
		if _, err := bp.Apply(ctx, layers.Edit{Op: layers.OpInsert, Layer: "GL_XZFA", Geom: p.g, Attrs: map[string]any{"xmmc": p.name, "zt": p.zt}}); err != nil {
			t.Fatal(err)
		}
	}
	return bp
}

// TestExportDistrictWhere: --district keeps the part inside the district
// (areas as GEOS cuts them), --where filters, and both go together.
func TestExportDistrictWhere(t *testing.T) {
	bp := districtBlueprint(t)
	dir := t.TempDir()
	cases := []struct {
		name, where, district string
		want                  map[string]float64 // xmmc -> area
		clipped, outside      int
	}{
		{"all", "", "", map[string]float64{"内部": 1e4, "跨界": 1e4, "外部": 1e4}, 0, 0},
		{"district", "", "210102", map[string]float64{"内部": 1e4, "跨界": 5e3}, 1, 1},
		{"where", "zt = '报批'", "", map[string]float64{"内部": 1e4, "跨界": 1e4}, 0, 0},
		{"both", "zt = '草案'", "210102", map[string]float64{}, 0, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out := filepath.Join(dir, c.name+".gpkg")
			rep, err := Export(context.Background(), bp, out, ExportOptions{Layer: "GL_XZFA", Where: c.where, District: c.district})
			if err != nil {
				t.Fatal(err)
			}
			if rep.Features != len(c.want) || rep.Clipped != c.clipped || rep.Outside != c.outside {
				t.Errorf("report %+v", rep)
			}
			src := readSource(t, out, ReadOptions{})
			for _, f := range src.Features {
				name, _ := f.Attrs["xmmc"].(string)
				if a, ok := c.want[name]; !ok || math.Abs(planar.Area(f.Geom)-a) > 1e-6 {
					t.Errorf("%s: area %v, want %v", name, planar.Area(f.Geom), a)
				}
			}
			if len(src.Features) != len(c.want) {
				t.Errorf("%d features exported", len(src.Features))
			}
		})
	}
	for _, bad := range []struct {
		opt  ExportOptions
		says string
	}{
		{ExportOptions{Layer: "GL_XZFA", Where: "nosuch = 1"}, "nosuch"},
		{ExportOptions{Layer: "GL_XZFA", Where: "zt = "}, "--where"},
		{ExportOptions{Layer: "GL_XZFA", District: "999999"}, "999999"},
		{ExportOptions{Layer: "NO_SUCH"}, "NO_SUCH"},
		{ExportOptions{Layer: "GL_XZFA", Format: "kml"}, "kml"},
		{ExportOptions{Layer: "GL_XZFA", Format: "txt", CRS: 4326}, "EPSG:4326"},
	} {
		if _, err := Export(context.Background(), bp, filepath.Join(dir, "bad.txt"), bad.opt); err == nil || !strings.Contains(err.Error(), bad.says) {
			t.Errorf("%+v: err = %v, want it to say %q", bad.opt, err, bad.says)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "bad.txt")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a failed export left a file: %v", err)
	}
	if _, err := Export(context.Background(), bp, filepath.Join(dir, "all.gpkg"), ExportOptions{Layer: "GL_XZFA"}); !errors.Is(err, outfile.ErrExists) {
		t.Errorf("existing output without Force: %v", err)
	}
	if _, err := Export(context.Background(), bp, bp.Path(), ExportOptions{Layer: "GL_XZFA", Force: true}); !errors.Is(err, outfile.ErrInput) {
		t.Errorf("export over the blueprint: %v", err)
	}
}

// TestTXTRoundTrip: a boundary-point file imported as proposals and
// exported as TXT in its own zone (EPSG:4529) gives back its coordinates.
func TestTXTRoundTrip(t *testing.T) {
	bp := newBlueprint(t)
	in := filepath.Join("testdata", "proposal.txt")
	rep, err := Import(context.Background(), bp, readSource(t, in, ReadOptions{}), ImportOptions{Layer: "GL_XZFA"})
	if err != nil || rep.Imported != 2 || rep.CRS != "EPSG:4529 (boundary-point file: zone 41 prefixed to the easting) -> EPSG:4550" {
		t.Fatalf("import %+v: %v", rep, err)
	}
	out := filepath.Join(t.TempDir(), "out.txt")
	if _, err := Export(context.Background(), bp, out, ExportOptions{Layer: "GL_XZFA", CRS: 4529, Encoding: "GBK"}); err != nil {
		t.Fatal(err)
	}
	a, _ := boundarytxt.Read(in, []byte(fileText(t, in)), boundarytxt.Options{})
	b, err := boundarytxt.Read(out, []byte(fileText(t, out)), boundarytxt.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if b.EPSG != 4529 || b.Encoding != "GB18030" || len(b.Parcels) != 2 {
		t.Fatalf("read back: epsg %d encoding %s %d parcels", b.EPSG, b.Encoding, len(b.Parcels))
	}
	worst := 0.0
	for i := range a.Parcels {
		worst = max(worst, hausdorff(t, a.Parcels[i].Geometry, b.Parcels[i].Geometry))
		if b.Parcels[i].Name != a.Parcels[i].Name || b.Parcels[i].LandCode != a.Parcels[i].LandCode {
			t.Errorf("parcel %d: %+v, want %+v", i, b.Parcels[i], a.Parcels[i])
		}
		if math.Abs(b.Parcels[i].Area*1e4-planar.Area(a.Parcels[i].Geometry)) > 1e-6 {
			t.Errorf("parcel %d: 面积 %v ha", i, b.Parcels[i].Area)
		}
	}
	if worst > 1e-8 { // an easting of 41,540,000 m has a float64 ulp of 7.5e-9 m
		t.Errorf("coordinates moved %g m", worst)
	}
	t.Logf("TXT round trip through EPSG:4550: worst Hausdorff distance %.3g m", worst)
}
