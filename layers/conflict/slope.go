package conflict

import (
	"context"
	"errors"

	"lantu/layers"
	"lantu/layers/terrain"
)

// TerrainSlope returns the slope source over bp's DEM (the catalog's XZ_DEM
// coverage), or nil when bp has no DEM: slope rules are then skipped with
// SkipNoDEM.
func TerrainSlope(ctx context.Context, bp *layers.Blueprint) (SlopeSource, error) {
	cov, err := terrain.OpenDEM(ctx, bp.DB())
	if errors.Is(err, terrain.ErrNoDEM) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return terrain.NewSteep(cov), nil
}
