package demo

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
	"github.com/twpayne/go-geos"

	"lantu/layers"
)

// TestOverlayWorkload generates the small overlay workload twice and checks
// its counts, that it is deterministic, and that GEOS finds every polygon
// valid (the tessellations are coverages of simple polygons).
func TestOverlayWorkload(t *testing.T) {
	if testing.Short() {
		t.Skip("generates 32k features")
	}
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "o.gpkg")
	st, err := GenerateOverlay(ctx, path, "small", 1)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{"XZ_DLTB": 20000, "GH_CGYD": 5000, "GH_TGDL": 5000, "GH_YJJBNT": 2000,
		"GH_STBHHX": 50, "GH_CZKFBJ": 5, "GL_YDGHXK": 500}
	for code, n := range want {
		if got := st.Layers[code]; got < n*9/10 || got > n*11/10 {
			t.Errorf("%s: %d features, want about %d", code, got, n)
		}
	}
	bp, err := layers.Open(path, layers.OpenOptions{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer bp.Close()
	gctx := geos.NewContext()
	bad, verts := 0, 0
	err = bp.Query(ctx, layers.Query{Layers: []string{"XZ_DLTB", "GH_TGDL", "GH_YJJBNT", "GH_CZKFBJ"}}, func(f *layers.Feature) error {
		g, err := gctx.NewGeomFromWKB(wkbOf(t, f.Geom))
		if err != nil {
			return err
		}
		if !g.IsValid() {
			bad++
			if bad < 5 {
				t.Errorf("%s uid %s: %s", f.Layer.Code, f.UID, g.IsValidReason())
			}
		}
		verts += g.NumCoordinates()
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if bad > 0 {
		t.Errorf("%d invalid polygons", bad)
	}
	path2 := filepath.Join(t.TempDir(), "o2.gpkg")
	st2, err := GenerateOverlay(ctx, path2, "small", 1)
	if err != nil {
		t.Fatal(err)
	}
	if st2.Features != st.Features {
		t.Errorf("second run wrote %d features, first %d", st2.Features, st.Features)
	}
	t.Logf("%d features, %d vertices in the checked layers", st.Features, verts)
}

func wkbOf(t *testing.T, g orb.Geometry) []byte {
	b, err := wkb.Marshal(g)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
