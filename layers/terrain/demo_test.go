package terrain

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/paulmach/orb"
)

func TestDemoDEM(t *testing.T) {
	etopo := filepath.Join("testdata", "etopo20_northeast_china.tif")
	// About 60 x 40 km around Shenyang in EPSG:4550.
	b := orb.Bound{Min: orb.Point{500000, 4606000}, Max: orb.Point{560000, 4646000}}
	g, err := DemoDEM(context.Background(), b, 120, 7, etopo)
	if err != nil {
		t.Fatal(err)
	}
	g2, err := DemoDEM(context.Background(), b, 120, 7, etopo)
	if err != nil {
		t.Fatal(err)
	}
	for i := range g.Data {
		if g.Data[i] != g2.Data[i] {
			t.Fatalf("cell %d differs between runs: %v vs %v", i, g.Data[i], g2.Data[i])
		}
	}
	west := g.Stats(orb.Polygon{orb.Ring{{500000, 4606000}, {510000, 4606000}, {510000, 4646000}, {500000, 4646000}, {500000, 4606000}}}, nil)
	east := g.Stats(orb.Polygon{orb.Ring{{550000, 4606000}, {560000, 4606000}, {560000, 4646000}, {550000, 4646000}, {550000, 4606000}}}, nil)
	if west.Min < 35 || west.Max > 70 || east.Max < 300 || east.Max > 1000 {
		t.Fatalf("west %.0f..%.0f m, east max %.0f m", west.Min, west.Max, east.Max)
	}
	t.Logf("west %.0f..%.0f m, east %.0f..%.0f m", west.Min, west.Max, east.Min, east.Max)
}

func TestDemoDEMOutside(t *testing.T) {
	etopo := filepath.Join("testdata", "etopo20_northeast_china.tif")
	b := orb.Bound{Min: orb.Point{41400000, 4606000}, Max: orb.Point{41401000, 4607000}}
	if _, err := DemoDEM(context.Background(), b, 100, 1, etopo); err == nil {
		t.Fatal("bounds far outside the relief grid accepted")
	}
}
