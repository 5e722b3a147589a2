package render

import (
	"context"
	"testing"

	"github.com/paulmach/orb"
)

// TestVisibilityRedrawsOnlyTouchedTiles switches one layer off and on: only
// the tiles it touches are drawn again, and the frames equal fresh renders.
func TestVisibilityRedrawsOnlyTouchedTiles(t *testing.T) {
	ctx := context.Background()
	ls := sceneLayers(t)
	r := New(ls, Options{})
	all := []string{"landuse", "farmland", "eco", "roads", "boundary", "poi"}
	noEco := []string{"landuse", "farmland", "roads", "boundary", "poi"}
	view := Viewport{Center: loc(256, 192), Res: 0.5, W: 1024, H: 768} // 5 x 4 tiles
	if _, err := r.Render(ctx, Request{View: view, Layers: all}); err != nil {
		t.Fatal(err)
	}
	n0, _ := r.CacheStats()
	off, err := r.Render(ctx, Request{View: view, Layers: noEco})
	if err != nil {
		t.Fatal(err)
	}
	n1, _ := r.CacheStats()
	on, err := r.Render(ctx, Request{View: view, Layers: all})
	if err != nil {
		t.Fatal(err)
	}
	n2, _ := r.CacheStats()
	if redrawn := n1 - n0; redrawn <= 0 || redrawn >= n0/2 {
		t.Errorf("switching eco off drew %d of %d tiles again", redrawn, n0)
	}
	t.Logf("tiles: %d drawn, %d drawn again after eco off, %d after eco on", n0, n1-n0, n2-n1)
	if n2 != n1 {
		t.Errorf("switching eco back on drew %d tiles, want 0", n2-n1)
	}
	for name, c := range map[string]struct {
		layers []string
		img    []byte
	}{"off": {noEco, off.Pix}, "on": {all, on.Pix}} {
		fresh, err := New(ls, Options{}).Render(ctx, Request{View: view, Layers: c.layers})
		if err != nil {
			t.Fatal(err)
		}
		diff := 0
		for i := range fresh.Pix {
			if fresh.Pix[i] != c.img[i] {
				diff++
			}
		}
		if diff != 0 {
			t.Errorf("%s: %d bytes differ from a fresh render", name, diff)
		}
	}
	// An edit to a layer that was absent from a shared tile still drops it.
	before, _ := r.CacheStats()
	r.Invalidate("eco", orb.Bound{Min: loc(10, 10), Max: loc(20, 20)})
	if after, _ := r.CacheStats(); after >= before {
		t.Errorf("invalidating eco over a tile it never drew kept every tile (%d)", after)
	}
}
