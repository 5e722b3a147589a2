package terrain

import (
	"context"
	"errors"
	"fmt"
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"lantu/layers/gpkg"
)

// DEMTable is the blueprint table of the catalog's DEM layer (XZ_DEM).
const DEMTable = "xz_dem"

// ErrNoDEM is returned when a blueprint has no DEM coverage.
var ErrNoDEM = errors.New("terrain: no DEM in this blueprint")

// OpenDEM opens the blueprint's DEM coverage, or returns an error wrapping
// ErrNoDEM when it has none.
func OpenDEM(ctx context.Context, db *gpkg.DB) (*Coverage, error) {
	var n int
	if err := db.R.QueryRowContext(ctx, `SELECT count(*) FROM gpkg_contents WHERE table_name = ? AND data_type = '2d-gridded-coverage'`, DEMTable).Scan(&n); err != nil {
		return nil, fmt.Errorf("terrain: %s: %w", db.Path, err)
	}
	if n == 0 {
		return nil, fmt.Errorf("%w: %s has no %s coverage", ErrNoDEM, db.Path, DEMTable)
	}
	return OpenCoverage(ctx, db, DEMTable)
}

// Steep finds the land steeper than a threshold on a DEM coverage: the
// slope rule's terrain source. It is safe for concurrent use.
type Steep struct {
	cov *Coverage
}

// NewSteep returns a Steep over cov.
func NewSteep(cov *Coverage) *Steep { return &Steep{cov: cov} }

// maxSteepCells bounds one Steep read (about 400 MB of float32).
const maxSteepCells = 100_000_000

// Steep returns the cells within bbox whose Horn slope (degrees, as gdaldem
// computes it) exceeds threshold, as polygons in the coverage's CRS: each
// 4-connected patch of cells is one polygon whose rings follow the cell
// edges, so areas are exact multiples of the cell area.
func (s *Steep) Steep(ctx context.Context, bbox orb.Bound, threshold float64) (orb.MultiPolygon, error) {
	l := s.cov.Levels[0]
	if (bbox.Max[0]-bbox.Min[0])/l.CellX*(bbox.Max[1]-bbox.Min[1])/l.CellY > maxSteepCells {
		return nil, fmt.Errorf("%w: steep areas over %.0f x %.0f m at %.0f m cells", ErrTooLarge, bbox.Max[0]-bbox.Min[0], bbox.Max[1]-bbox.Min[1], l.CellX)
	}
	g, err := s.cov.Read(ctx, bbox.Pad(2*l.CellX), 0)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	o := DefaultOptions()
	o.ComputeEdges = true
	slope := Slope(g, o)
	mask := make([]bool, g.Width*g.Height)
	gt := g.GeoTransform
	for r := 0; r < g.Height; r++ {
		y := gt[3] + (float64(r)+0.5)*gt[5]
		if y < bbox.Min[1] || y > bbox.Max[1] {
			continue
		}
		for c := 0; c < g.Width; c++ {
			x := gt[0] + (float64(c)+0.5)*gt[1]
			v := slope.Data[r*g.Width+c]
			mask[r*g.Width+c] = x >= bbox.Min[0] && x <= bbox.Max[0] && !slope.IsNoData(v) && float64(v) > threshold
		}
	}
	return traceMask(mask, g.Width, g.Height, gt), nil
}

// corner is a cell corner: column and row of the corner grid.
type corner struct{ c, r int }

// traceMask turns the true cells of a w x h mask into polygons following the
// cell edges: foreground cells are 4-connected (cells meeting at a corner
// only are separate polygons), holes are inner rings.
func traceMask(mask []bool, w, h int, gt [6]float64) orb.MultiPolygon {
	at := func(c, r int) bool { return c >= 0 && r >= 0 && c < w && r < h && mask[r*w+c] }
	// Directed boundary edges between cell corners, foreground on the left
	// as seen on screen (rows grow downwards), keyed by their start corner.
	out := map[corner][]corner{}
	add := func(a, b corner) { out[a] = append(out[a], b) }
	for r := 0; r < h; r++ {
		for c := 0; c < w; c++ {
			if !mask[r*w+c] {
				continue
			}
			if !at(c, r-1) {
				add(corner{c + 1, r}, corner{c, r})
			}
			if !at(c-1, r) {
				add(corner{c, r}, corner{c, r + 1})
			}
			if !at(c, r+1) {
				add(corner{c, r + 1}, corner{c + 1, r + 1})
			}
			if !at(c+1, r) {
				add(corner{c + 1, r + 1}, corner{c + 1, r})
			}
		}
	}
	var rings []orb.Ring
	for len(out) > 0 {
		var start corner
		for k := range out {
			start = k
			break
		}
		rings = append(rings, walkRing(out, start, gt))
	}
	return assembleRings(rings)
}

// walkRing follows boundary edges from start until it closes, taking the
// left turn at corners where two patches meet diagonally, and drops the
// edges it uses. Collinear corners are left out.
func walkRing(out map[corner][]corner, start corner, gt [6]float64) orb.Ring {
	pt := func(k corner) orb.Point {
		return orb.Point{gt[0] + float64(k.c)*gt[1], gt[3] + float64(k.r)*gt[5]}
	}
	var ring orb.Ring
	cur, prevDir := start, corner{0, 0}
	for {
		nexts := out[cur]
		i := 0
		if len(nexts) > 1 {
			// A saddle: turn left (foreground side) to keep patches 4-connected.
			left := corner{prevDir.r, -prevDir.c}
			for k, n := range nexts {
				if (corner{n.c - cur.c, n.r - cur.r}) == left {
					i = k
				}
			}
		}
		next := nexts[i]
		if len(nexts) == 1 {
			delete(out, cur)
		} else {
			out[cur] = append(nexts[:i:i], nexts[i+1:]...)
		}
		dir := corner{next.c - cur.c, next.r - cur.r}
		if dir != prevDir {
			ring = append(ring, pt(cur))
		}
		prevDir, cur = dir, next
		if cur == start {
			break
		}
	}
	// The start corner is kept only if the ring turns there.
	if len(ring) > 1 {
		first := ring[0]
		d0 := orb.Point{ring[1][0] - first[0], ring[1][1] - first[1]}
		last := ring[len(ring)-1]
		dl := orb.Point{first[0] - last[0], first[1] - last[1]}
		if d0[0]*dl[1]-d0[1]*dl[0] == 0 {
			ring = ring[1:]
		}
	}
	return append(ring, ring[0])
}

// assembleRings sorts traced rings into polygons: counter-clockwise rings
// (in map coordinates) are shells, clockwise ones holes of the smallest
// shell that holds them.
func assembleRings(rings []orb.Ring) orb.MultiPolygon {
	type shell struct {
		poly orb.Polygon
		box  orb.Bound
		area float64
	}
	var shells []*shell
	var holes []orb.Ring
	for _, r := range rings {
		if a := planar.Area(r); a > 0 {
			shells = append(shells, &shell{poly: orb.Polygon{r}, box: r.Bound(), area: a})
		} else {
			holes = append(holes, r)
		}
	}
	for _, h := range holes {
		// A point just inside the hole's first edge lies in the shell's
		// interior, never on its boundary.
		p := orb.Point{(h[0][0] + h[1][0]) / 2, (h[0][1] + h[1][1]) / 2}
		var best *shell
		for _, s := range shells {
			if s.box.Contains(p) && planar.RingContains(s.poly[0], p) && (best == nil || s.area < best.area) {
				best = s
			}
		}
		if best != nil {
			best.poly = append(best.poly, h)
		}
	}
	mp := make(orb.MultiPolygon, 0, len(shells))
	for _, s := range shells {
		mp = append(mp, s.poly)
	}
	return mp
}

// steepArea is the total area of mp (shells minus holes), for tests.
func steepArea(mp orb.MultiPolygon) float64 {
	a := 0.0
	for _, p := range mp {
		for _, r := range p {
			a += planar.Area(r)
		}
	}
	return math.Abs(a)
}
