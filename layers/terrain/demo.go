package terrain

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/paulmach/orb"

	"lantu/layers/crs"
)

// DemoDEM builds a deterministic synthetic DEM over bounds (EPSG:4550
// metres) with cells of about cell metres: the coarse real relief of the
// ETOPO grid at etopoPath (lon/lat) sampled bilinearly, plus fractal noise
// whose amplitude grows eastwards, so the west is a plain at 40-60 m and
// the east rises into hills of several hundred metres.
func DemoDEM(ctx context.Context, bounds orb.Bound, cell float64, seed int64, etopoPath string) (*Grid, error) {
	if !(cell > 0) || bounds.Max[0] <= bounds.Min[0] || bounds.Max[1] <= bounds.Min[1] {
		return nil, fmt.Errorf("%w: demo DEM bounds %v cell %v", ErrFormat, bounds, cell)
	}
	w, h := int(math.Ceil((bounds.Max[0]-bounds.Min[0])/cell)), int(math.Ceil((bounds.Max[1]-bounds.Min[1])/cell))
	if int64(w)*int64(h) > maxCells {
		return nil, fmt.Errorf("%w: demo DEM %d x %d", ErrTooLarge, w, h)
	}
	etopo, err := ReadGeoTIFF(etopoPath)
	if err != nil {
		return nil, err
	}
	base, err := etopoLattice(etopo, bounds, w, h, cell)
	if err != nil {
		return nil, err
	}
	g := NewGrid(w, h, [6]float64{bounds.Min[0], cell, 0, bounds.Min[1] + float64(h)*cell, 0, -cell}, crs.CGCS2000GK)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range runtime.NumCPU() {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := int(next.Add(1) - 1); r < h && ctx.Err() == nil; r = int(next.Add(1) - 1) {
				for c := 0; c < w; c++ {
					g.Data[r*w+c] = demoHeight(base, c, r, w, h, cell, seed)
				}
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return g, nil
}

const latticeStep = 32 // cells between ETOPO lattice nodes

// lattice holds ETOPO elevations at every latticeStep-th cell centre.
type lattice struct {
	n, m int
	v    []float64
}

func etopoLattice(etopo *Grid, b orb.Bound, w, h int, cell float64) (*lattice, error) {
	tr, err := crs.NewTransformer(crs.CGCS2000GK, crs.WGS84)
	if err != nil {
		return nil, err
	}
	l := &lattice{n: w/latticeStep + 2, m: h/latticeStep + 2}
	pts := make([]orb.Point, 0, l.n*l.m)
	for j := 0; j < l.m; j++ {
		for i := 0; i < l.n; i++ {
			x := b.Min[0] + (float64(i*latticeStep)+0.5)*cell
			y := b.Min[1] + float64(h)*cell - (float64(j*latticeStep)+0.5)*cell
			pts = append(pts, orb.Point{x, y})
		}
	}
	if err := tr.Points(pts); err != nil {
		return nil, fmt.Errorf("terrain: demo DEM transform: %w", err)
	}
	l.v = make([]float64, len(pts))
	inside := 0
	for k, p := range pts {
		v, ok := etopo.Value(p[0], p[1])
		if !ok {
			v = 50
		} else {
			inside++
		}
		l.v[k] = v
	}
	if inside == 0 {
		return nil, fmt.Errorf("%w: demo DEM bounds %v lie outside the relief grid", ErrFormat, b)
	}
	return l, nil
}

func (l *lattice) at(c, r int) float64 {
	fx, fy := float64(c)/latticeStep, float64(r)/latticeStep
	i, j := min(int(fx), l.n-2), min(int(fy), l.m-2)
	tx, ty := fx-float64(i), fy-float64(j)
	v := func(a, b int) float64 { return l.v[b*l.n+a] }
	return (1-ty)*((1-tx)*v(i, j)+tx*v(i+1, j)) + ty*((1-tx)*v(i, j+1)+tx*v(i+1, j+1))
}

func demoHeight(base *lattice, c, r, w, h int, cell float64, seed int64) float32 {
	east := float64(c) / float64(max(w-1, 1))
	x, y := float64(c)*cell, float64(r)*cell
	relief := math.Max(base.at(c, r), 0)
	hills := east * east * (250 + 0.8*relief) * (0.6 + fbm(x/4000, y/4000, seed, 5))
	plain := 45 + 8*fbm(x/9000, y/9000, seed+1, 3)
	// Sharp ridges in the eastern third, where slopes pass 25°.
	ridges := 0.0
	if e := (east - 0.65) / 0.35; e > 0 {
		ridges = e * 380 * (1 - math.Abs(2*fbm(x/1400, y/1400, seed+2, 3)-1))
	}
	return float32(plain + hills + ridges)
}

// fbm is deterministic fractal value noise in 0..1.
func fbm(x, y float64, seed int64, octaves int) float64 {
	sum, amp, norm := 0.0, 1.0, 0.0
	for o := 0; o < octaves; o++ {
		sum += amp * valueNoise(x, y, seed+int64(o)*7919)
		norm += amp
		amp *= 0.5
		x, y = x*2.03, y*2.03
	}
	return sum / norm
}

func valueNoise(x, y float64, seed int64) float64 {
	ix, iy := math.Floor(x), math.Floor(y)
	tx, ty := x-ix, y-iy
	tx, ty = tx*tx*(3-2*tx), ty*ty*(3-2*ty)
	a, b := hash2(int64(ix), int64(iy), seed), hash2(int64(ix)+1, int64(iy), seed)
	c, d := hash2(int64(ix), int64(iy)+1, seed), hash2(int64(ix)+1, int64(iy)+1, seed)
	return (1-ty)*((1-tx)*a+tx*b) + ty*((1-tx)*c+tx*d)
}

func hash2(x, y, seed int64) float64 {
	h := uint64(x)*0x9E3779B97F4A7C15 ^ uint64(y)*0xC2B2AE3D27D4EB4F ^ uint64(seed)*0x165667B19E3779F9
	h ^= h >> 33
	h *= 0xFF51AFD7ED558CCD
	h ^= h >> 33
	return float64(h>>11) / float64(1<<53)
}
