package terrain

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestHornSlopeRunMatchesKernel holds the Horn slope's row loop (folded
// divisions, a guard near float32 rounding boundaries) to the per-cell
// kernel bit for bit, in degrees and percent, over cell sizes in metres
// and degrees and surfaces from flat to cliffs.
func TestHornSlopeRunMatchesKernel(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	const w = 4001
	for _, gt := range [][6]float64{{0, 30, 0, 0, 0, -30}, {0, 1, 0, 0, 0, -1}, {0, 0.1, 0, 0, 0, -0.25},
		{0, 8.333e-4, 0, 0, 0, -8.333e-4}} {
		for _, percent := range []bool{false, true} {
			for _, relief := range []float32{0, 0.01, 1, 50, 1000} {
				o := DefaultOptions()
				o.Percent = percent
				p := slopeOp(gt, o)
				rows := make([][]float32, 3)
				for i := range rows {
					rows[i] = make([]float32, w)
					for c := range rows[i] {
						rows[i][c] = 100 + relief*float32(rng.NormFloat64())
					}
				}
				got := make([]float32, w)
				p.run(rows[0], rows[1], rows[2], got, 1, w-1)
				for c := 1; c < w-1; c++ {
					var win [9]float64
					for i := range 9 {
						win[i] = float64(rows[i/3][c-1+i%3])
					}
					if want := p.k(&win); math.Float32bits(got[c]) != math.Float32bits(want) {
						t.Fatalf("gt %v percent %v relief %v column %d: run %v, kernel %v", gt, percent, relief, c, got[c], want)
					}
				}
			}
		}
	}
}
