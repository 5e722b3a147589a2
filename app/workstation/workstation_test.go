package workstation

import (
	"context"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkt"

	"lantu/layers"
)

// smallBlueprint has two district polygons and one road line.
func smallBlueprint(t *testing.T) *layers.Blueprint {
	t.Helper()
	bp, err := layers.Create(filepath.Join(t.TempDir(), "small.gpkg"), layers.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { bp.Close() })
	w, err := bp.Bulk(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []struct {
		layer, wkt string
		attrs      map[string]any
	}{
		{districtLayer, "POLYGON((500000 4600000,501000 4600000,501000 4601000,500000 4601000,500000 4600000))", map[string]any{"xzqmc": "和平区", "xzqdm": "210102"}},
		{districtLayer, "POLYGON((501000 4600000,502000 4600000,502000 4601000,501000 4601000,501000 4600000))", map[string]any{"xzqmc": "沈河区", "xzqdm": "210103"}},
	} {
		g, err := wkt.Unmarshal(f.wkt)
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Insert(f.layer, g, f.attrs); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	return bp
}

func TestIdentify(t *testing.T) {
	bp := smallBlueprint(t)
	for _, c := range []struct {
		name string
		at   orb.Point
		want []string
	}{
		{"inside the west district", orb.Point{500400, 4600500}, []string{"和平区"}},
		{"inside the east district", orb.Point{501600, 4600200}, []string{"沈河区"}},
		{"on the shared edge", orb.Point{501000.5, 4600500}, []string{"沈河区", "和平区"}},
		{"outside both", orb.Point{503000, 4600500}, nil},
		{"in the box but outside the ring", orb.Point{499999, 4599999}, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			fs, err := Identify(context.Background(), bp, []string{districtLayer}, c.at, 0.5)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, f := range fs {
				got = append(got, f.Attrs["xzqmc"].(string))
			}
			if len(got) != len(c.want) {
				t.Fatalf("got %v, want %v", got, c.want)
			}
			for _, w := range c.want {
				found := false
				for _, g := range got {
					found = found || g == w
				}
				if !found {
					t.Fatalf("got %v, want %v", got, c.want)
				}
			}
		})
	}
}

func TestIdentifyHiddenLayers(t *testing.T) {
	bp := smallBlueprint(t)
	fs, err := Identify(context.Background(), bp, nil, orb.Point{500400, 4600500}, 1)
	if err != nil || len(fs) != 0 {
		t.Fatalf("no visible layers gave %d features, err %v", len(fs), err)
	}
}

// TestIdentifySkipsRasterLayers: a ticked DEM or hillshade has no
// features and must not fail the pick of the vector layers.
func TestIdentifySkipsRasterLayers(t *testing.T) {
	bp := smallBlueprint(t)
	fs, err := Identify(context.Background(), bp, []string{"XZ_STYY", "XZ_DEM", districtLayer}, orb.Point{500400, 4600500}, 1)
	if err != nil || len(fs) != 1 || fs[0].Attrs["xzqmc"] != "和平区" {
		t.Fatalf("got %d features, err %v", len(fs), err)
	}
}

func TestMeasure(t *testing.T) {
	sq := []orb.Point{{500000, 4600000}, {500100, 4600000}, {500100, 4600100}, {500000, 4600100}}
	a := Measure(sq, true, nil)
	if a.Planar != 10000 || a.Perimeter != 400 {
		t.Fatalf("area %v perimeter %v, want 10000 and 400", a.Planar, a.Perimeter)
	}
	if mu := a.Planar / SquareMetresPerMu; math.Abs(mu-15) > 1e-9 {
		t.Fatalf("1 ha = %v mu, want 15", mu)
	}
	d := Measure(sq[:3], false, nil)
	if d.Planar != 200 {
		t.Fatalf("length %v, want 200", d.Planar)
	}
	if got := Measure(sq[:2], true, nil); got.Planar != 0 {
		t.Fatalf("two-point area %v", got.Planar)
	}
}

// TestDrawnAt keeps the layers the first frame draws at a scale: buildings
// only from 1:25000, land use at every scale, rasters and unknown codes never.
func TestDrawnAt(t *testing.T) {
	bp := smallBlueprint(t)
	codes := []string{"XZ_JZW", "XZ_DLTB", "XZ_STYY", "NO_SUCH"}
	for _, tc := range []struct {
		scale float64
		want  string
	}{{1e6, "XZ_DLTB"}, {10000, "XZ_JZW XZ_DLTB"}} {
		if got := strings.Join(drawnAt(bp, codes, tc.scale), " "); got != tc.want {
			t.Errorf("1:%.0f: %q, want %q", tc.scale, got, tc.want)
		}
	}
}
