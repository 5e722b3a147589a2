package layers

import (
	"math/rand"
	"slices"
	"testing"
)

// TestSpIndexMatchesBruteForce packs random boxes, deletes some, inserts
// more, and compares every search with a linear scan.
func TestSpIndexMatchesBruteForce(t *testing.T) {
	rnd := rand.New(rand.NewSource(3))
	box := func() [4]float32 {
		x, y := rnd.Float32()*10000, rnd.Float32()*10000
		return [4]float32{x, y, x + rnd.Float32()*300, y + rnd.Float32()*300}
	}
	for _, n := range []int{0, 1, 15, 16, 17, 257, 5000} {
		var boxes [][4]float32
		var slots []int32
		for i := range n {
			boxes, slots = append(boxes, box()), append(slots, int32(i))
		}
		all := slices.Clone(boxes)
		var x spIndex
		x.packed.build(boxes, slots)
		x.n = n
		dead := make([]bool, n)
		for i := 0; i < n; i += 7 {
			dead[i] = true
			x.remove(all[i], int32(i))
		}
		for i := range 50 {
			b := box()
			all, dead = append(all, b), append(dead, i%5 == 0)
			x.insert(b, int32(len(all)-1))
			if i%5 == 0 {
				x.remove(b, int32(len(all)-1))
			}
		}
		for q := range 200 {
			qb := box()
			qb[2], qb[3] = qb[0]+float32(q*10), qb[1]+float32(q*10)
			var got, want []int32
			x.search(qb, dead, func(s int32) bool { got = append(got, s); return true })
			for i, b := range all {
				if !dead[i] && b[0] <= qb[2] && b[2] >= qb[0] && b[1] <= qb[3] && b[3] >= qb[1] {
					want = append(want, int32(i))
				}
			}
			slices.Sort(got)
			if !slices.Equal(got, want) {
				t.Fatalf("n=%d query %v: got %d slots, want %d", n, qb, len(got), len(want))
			}
		}
		live := 0
		for _, d := range dead {
			if !d {
				live++
			}
		}
		if x.n != live {
			t.Errorf("n=%d: live count %d, want %d", n, x.n, live)
		}
	}
}

func TestHilbertIsABijection(t *testing.T) {
	seen := map[uint32]bool{}
	for x := uint32(0); x < 64; x++ {
		for y := uint32(0); y < 64; y++ {
			d := hilbert16(x<<10, y<<10)
			if seen[d] {
				t.Fatalf("(%d,%d) repeats index %d", x, y, d)
			}
			seen[d] = true
		}
	}
	if hilbert16(0, 0) != 0 {
		t.Errorf("origin has index %d", hilbert16(0, 0))
	}
}
