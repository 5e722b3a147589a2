package conflict

import (
	"context"
	"math"
	"testing"

	"lantu/layers/terrain"
)

// TestSlopeRuleOnDEM stores a DEM with a 35° band across x 300..600 and
// runs SLOPE-FARM-25 with the blueprint's own terrain source: the farmland
// square over x 200..500 conflicts over x 300..500.
func TestSlopeRuleOnDEM(t *testing.T) {
	ctx := context.Background()
	bp := newBlueprint(t, map[string][][2]any{
		"GH_YJJBNT": {{square(200, 100, 500, 300), nil}, {square(700, 100, 800, 300), nil}},
	})
	set, err := DefaultRules()
	if err != nil {
		t.Fatal(err)
	}
	opt := Options{Rules: []string{"SLOPE-FARM-25"}}
	if opt.Slope, err = TerrainSlope(ctx, bp); err != nil || opt.Slope != nil {
		t.Fatalf("no DEM: source %v, err %v", opt.Slope, err)
	}
	res, err := Run(ctx, bp, set, opt)
	if err != nil || res.Rules[0].Skipped != SkipNoDEM {
		t.Fatalf("without a DEM: %+v, %v", res, err)
	}

	const cell = 10.0
	g := terrain.NewGrid(120, 60, [6]float64{0, cell, 0, 500, 0, -cell}, 4550)
	for r := 0; r < g.Height; r++ {
		for c := 0; c < g.Width; c++ {
			x := (float64(c) + 0.5) * cell
			g.Data[r*g.Width+c] = float32(math.Tan(35*math.Pi/180) * math.Max(0, math.Min(x, 600)-300))
		}
	}
	if err := terrain.Import(ctx, bp, terrain.DEMTable, g, bp.SRID()); err != nil {
		t.Fatal(err)
	}
	if opt.Slope, err = TerrainSlope(ctx, bp); err != nil || opt.Slope == nil {
		t.Fatalf("with a DEM: source %v, err %v", opt.Slope, err)
	}
	res, err = Run(ctx, bp, set, opt)
	if err != nil {
		t.Fatal(err)
	}
	// 200 m x 200 m, give or take the cells where the slope changes.
	if r := res.Rules[0]; r.Skipped != "" || r.Patches != 1 || math.Abs(r.Area-40000) > 2*cell*200 {
		t.Fatalf("slope rule: %+v, want one patch of about 40000 m²", r)
	}
}
