package conflict

import (
	"context"
	"errors"
	"math"
	"path/filepath"
	"testing"

	"github.com/paulmach/orb"

	"lantu/layers"
)

// newBlueprint creates a blueprint of the default catalog holding WKT
// features: layer code -> list of {wkt, attrs}.
func newBlueprint(t testing.TB, feats map[string][][2]any) *layers.Blueprint {
	t.Helper()
	bp, err := layers.Create(filepath.Join(t.TempDir(), "bp.gpkg"), layers.CreateOptions{User: "tester"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { bp.Close() })
	w, err := bp.Bulk(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for code, list := range feats {
		for _, f := range list {
			attrs, _ := f[1].(map[string]any)
			if err := w.Insert(code, mustGeom(t, f[0].(string)), attrs); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	return bp
}

func TestDefaultRulesValidateAgainstCatalog(t *testing.T) {
	bp := newBlueprint(t, nil)
	set, err := DefaultRules()
	if err != nil {
		t.Fatal(err)
	}
	if err := set.Validate(BlueprintSource(bp)); err != nil {
		t.Fatal(err)
	}
	res, err := Run(context.Background(), bp, set, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Rules) != len(set.Rules) || len(res.Patches) != 0 {
		t.Errorf("empty blueprint: %d rule results, %d patches", len(res.Rules), len(res.Patches))
	}
}

func TestRunStoreReviewRecheck(t *testing.T) {
	ctx := context.Background()
	bp := newBlueprint(t, map[string][][2]any{
		"GH_STBHHX": {{square(0, 0, 100, 100), nil}},
		"GH_YJJBNT": {{square(50, 0, 150, 100), nil}, {square(0, 200, 100, 300), nil}},
		"XZ_QXXZQ":  {{square(-1000, -1000, 1000, 1000), map[string]any{"xzqdm": "210102"}}},
	})
	set, err := DefaultRules()
	if err != nil {
		t.Fatal(err)
	}
	opt := Options{Rules: []string{"CL-RED-FARM"}}
	res, err := Run(ctx, bp, set, opt)
	if err != nil {
		t.Fatal(err)
	}
	ps, err := LoadPatches(ctx, bp, Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != 1 || math.Abs(ps[0].Area-5000) > 1e-6 || ps[0].District != "210102" || ps[0].Status != StatusOpen ||
		len(res.Patches) != 1 || ps[0].Geom == nil {
		t.Fatalf("stored %+v, want one open 5000 m² patch in 210102", ps)
	}
	id := ps[0].ID
	if err := SetReview(ctx, bp, id, StatusWaived, "li", ""); !errors.Is(err, ErrStatus) {
		t.Errorf("waive without reason: %v", err)
	}
	if err := SetReview(ctx, bp, id, "maybe", "li", ""); !errors.Is(err, ErrStatus) {
		t.Errorf("bad status: %v", err)
	}
	if err := SetReview(ctx, bp, 999, StatusConfirmed, "li", ""); !errors.Is(err, ErrNoPatch) {
		t.Errorf("no patch: %v", err)
	}
	if err := SetReview(ctx, bp, id, StatusWaived, "li", "approved by the city council"); err != nil {
		t.Fatal(err)
	}
	// A tiny edit of the farmland keeps the patch (area within 1%) and its review.
	farm := bp.Layer("GH_YJJBNT")
	f1, err := bp.Feature(ctx, farm.Table, 1)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := bp.Apply(ctx, layers.Edit{Op: layers.OpUpdate, Layer: farm.Code, UID: f1.UID,
		Geom: mustGeom(t, square(50.2, 0, 150, 100))}); err != nil {
		t.Fatal(err)
	}
	st, err := Recheck(ctx, bp, set, opt)
	if err != nil {
		t.Fatal(err)
	}
	ps, _ = LoadPatches(ctx, bp, Filter{})
	if st.Journal != 1 || st.Features != 1 || len(ps) != 1 || ps[0].ID != id || ps[0].Status != StatusWaived ||
		math.Abs(ps[0].Area-4980) > 1e-6 {
		t.Fatalf("after small edit: stats %+v, patches %+v", st, ps)
	}
	// Moving the farmland away resolves the patch by change; a new overlap appears.
	if _, err := bp.Apply(ctx, layers.Edit{Op: layers.OpUpdate, Layer: farm.Code, UID: f1.UID,
		Geom: mustGeom(t, square(500, 500, 600, 600))}); err != nil {
		t.Fatal(err)
	}
	f2, _ := bp.Feature(ctx, farm.Table, 2)
	if _, err := bp.Apply(ctx, layers.Edit{Op: layers.OpUpdate, Layer: farm.Code, UID: f2.UID,
		Geom: mustGeom(t, square(0, 90, 100, 300))}); err != nil {
		t.Fatal(err)
	}
	if _, err := Recheck(ctx, bp, set, opt); err != nil {
		t.Fatal(err)
	}
	ps, _ = LoadPatches(ctx, bp, Filter{})
	if len(ps) != 2 || ps[0].Status != StatusResolvedByChange || ps[1].Status != StatusOpen || ps[1].Area != 1000 {
		t.Fatalf("after move: %+v", ps)
	}
	// A full re-run agrees with the incremental state.
	if _, err := Run(ctx, bp, set, opt); err != nil {
		t.Fatal(err)
	}
	again, _ := LoadPatches(ctx, bp, Filter{Status: []string{StatusOpen}})
	if len(again) != 1 || again[0].ID != ps[1].ID {
		t.Errorf("full re-run: %+v", again)
	}
	var reviews int
	bp.DB().R.QueryRow(`SELECT count(*) FROM lantu_reviews WHERE conflict_fid = ?`, id).Scan(&reviews)
	if reviews != 1 {
		t.Errorf("%d review rows, want 1", reviews)
	}
	box := orb.Bound{Min: orb.Point{0, 90}, Max: orb.Point{10, 95}}
	if got, _ := LoadPatches(ctx, bp, Filter{BBox: box}); len(got) != 1 {
		t.Errorf("bbox filter: %d patches", len(got))
	}
}
