package terrainpanel

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sync"

	"github.com/paulmach/orb"

	"lantu/layers/terrain"
)

// maxCells bounds the DEM cells read for one profile or statistic; larger
// areas use a coarser pyramid level.
const maxCells = 4 << 20

// gridFor reads the finest level of cov over b that stays within
// maxCells.
// A nil grid without an error means b misses the coverage.
func gridFor(ctx context.Context, cov *terrain.Coverage, b orb.Bound) (*terrain.Grid, error) {
	if !b.Intersects(coverageBound(cov)) {
		return nil, nil
	}
	cell := 0.0
	for _, l := range cov.Levels {
		cols := (b.Max[0]-b.Min[0])/l.CellX + 2*terrain.TileSize
		rows := (b.Max[1]-b.Min[1])/l.CellY + 2*terrain.TileSize
		cell = l.CellX
		if cols*rows <= maxCells {
			break
		}
	}
	return cov.Read(ctx, b, cell)
}

// probe answers elevation and slope at points from a grid read around the
// view, refreshed only when the cursor leaves it or the zoom changes. It is
// safe for concurrent use.
type probe struct {
	mu  sync.Mutex
	cov *terrain.Coverage
	g   *terrain.Grid
	res float64 // the view resolution g was read for
}

// reading is the answer of a probe.
type reading struct {
	Elevation, Slope float64
	OK               bool
}

// at returns the elevation and Horn slope (degrees) at p for a view of
// resolution res whose bound is view.
func (pr *probe) at(ctx context.Context, p orb.Point, view orb.Bound, res float64) (reading, error) {
	pr.mu.Lock()
	defer pr.mu.Unlock()
	if pr.cov == nil {
		return reading{}, nil
	}
	if !view.Contains(p) || !(res > 0) {
		res = math.Max(res, pr.cov.Levels[0].CellX)
		view = orb.Bound{Min: p, Max: p}.Pad(128 * res)
	}
	if pr.g == nil || pr.res != res || !inside(pr.g, p, 2) {
		pad := 0.25 * math.Max(view.Max[0]-view.Min[0], view.Max[1]-view.Min[1])
		g, err := pr.cov.Read(ctx, view.Extend(p).Pad(pad), res)
		if errors.Is(err, terrain.ErrFormat) {
			return reading{}, nil // the view misses the coverage
		}
		if err != nil {
			return reading{}, fmt.Errorf("terrain panel: elevation at %.1f, %.1f: %w", p[0], p[1], err)
		}
		pr.g, pr.res = g, res
	}
	v, ok := pr.g.Value(p[0], p[1])
	if !ok {
		return reading{}, nil
	}
	return reading{Elevation: v, Slope: slopeAt(pr.g, p), OK: true}, nil
}

// inside reports whether p lies at least margin cells inside g.
func inside(g *terrain.Grid, p orb.Point, margin float64) bool {
	gt := g.GeoTransform
	c := (p[0] - gt[0]) / gt[1]
	r := (p[1] - gt[3]) / gt[5]
	return c >= margin && r >= margin && c <= float64(g.Width)-margin && r <= float64(g.Height)-margin
}

// slopeAt is the Horn slope of the cell under p, from its 3 x 3 window.
func slopeAt(g *terrain.Grid, p orb.Point) float64 {
	gt := g.GeoTransform
	c := int(math.Floor((p[0] - gt[0]) / gt[1]))
	r := int(math.Floor((p[1] - gt[3]) / gt[5]))
	if c < 1 || r < 1 || c >= g.Width-1 || r >= g.Height-1 {
		return 0
	}
	w := terrain.NewGrid(3, 3, [6]float64{0, gt[1], 0, 0, 0, gt[5]}, g.EPSG)
	w.HasNoData, w.NoData = g.HasNoData, g.NoData
	for k := 0; k < 9; k++ {
		w.Data[k] = g.At(c-1+k%3, r-1+k/3)
	}
	o := terrain.DefaultOptions()
	o.ComputeEdges = true
	s := terrain.Slope(w, o).Data[4]
	if s == terrain.SlopeNoData {
		return 0
	}
	return float64(s)
}

// coverageBound is the map area of the coverage's finest level.
func coverageBound(cov *terrain.Coverage) orb.Bound {
	l := cov.Levels[0]
	w, h := float64(l.MatrixWidth*terrain.TileSize)*l.CellX, float64(l.MatrixHeight*terrain.TileSize)*l.CellY
	return orb.Bound{Min: orb.Point{cov.MinX, cov.MaxY - h}, Max: orb.Point{cov.MinX + w, cov.MaxY}}
}
