package terrain

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/paulmach/orb"

	"lantu/layers/gpkg"
)

// TestCancelStopsSlope: cancelling while slope runs over a large DEM
// returns context.Canceled, and the rows reported done show it stopped
// far before the end, not after finishing.
func TestCancelStopsSlope(t *testing.T) {
	g := synthDEM(3000, 3000)
	for name, run := range map[string]func(context.Context, *Grid, Options) (*Grid, error){
		"slope": SlopeContext, "aspect": AspectContext, "hillshade": HillshadeContext,
	} {
		t.Run(name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			last := 0
			ctx = WithProgress(ctx, func(stage string, done, total int) {
				if stage != name || total != g.Height {
					t.Errorf("progress %q %d/%d, want stage %q of %d rows", stage, done, total, name, g.Height)
				}
				last = done
				if done > 0 {
					cancel()
				}
			})
			out, err := run(ctx, g, DefaultOptions())
			if !errors.Is(err, context.Canceled) || out != nil {
				t.Fatalf("got %v, %v; want no grid and context.Canceled", out != nil, err)
			}
			if last == 0 || last > g.Height/4 {
				t.Fatalf("%d of %d rows done when it stopped", last, g.Height)
			}
		})
	}
}

// TestProgressReachesTotal: an uncancelled run reports its stage up to
// the total, and gives the same grid as the plain function.
func TestProgressReachesTotal(t *testing.T) {
	g := synthDEM(300, 200)
	var done, total int
	ctx := WithProgress(context.Background(), func(stage string, d, n int) { done, total = d, n })
	out, err := SlopeContext(ctx, g, DefaultOptions())
	if err != nil || done != 200 || total != 200 {
		t.Fatalf("err %v, progress %d/%d", err, done, total)
	}
	want := Slope(g, DefaultOptions())
	for i, v := range want.Data {
		if out.Data[i] != v {
			t.Fatalf("cell %d: %v, want %v", i, out.Data[i], v)
		}
	}
}

// TestCancelledContext: every terrain function taking a context returns
// context.Canceled when it is already cancelled, writing nothing.
func TestCancelledContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	g := synthDEM(600, 300)
	dir := t.TempDir()
	tif := filepath.Join(dir, "dem.tif")
	if err := WriteGeoTIFF(tif, g, Float32); err != nil {
		t.Fatal(err)
	}
	db, err := gpkg.Create(filepath.Join(dir, "c.gpkg"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	line := orb.LineString{{500100, 4649000}, {510000, 4645000}}
	poly := orb.Polygon{{{500100, 4645000}, {510000, 4645000}, {510000, 4649000}, {500100, 4649000}, {500100, 4645000}}}
	for name, run := range map[string]func() error{
		"ReadDEMContext":  func() error { _, err := ReadDEMContext(ctx, tif); return err },
		"ProfileContext":  func() error { _, err := g.ProfileContext(ctx, line); return err },
		"StatsContext":    func() error { _, err := g.StatsContext(ctx, poly, nil); return err },
		"Import":          func() error { return Import(ctx, FileTarget(db), "dem", g, 4550) },
		"Import reproj":   func() error { return Import(ctx, FileTarget(db), "dem2", g, 4490) },
		"ImportHillshade": func() error { return ImportHillshade(ctx, FileTarget(db), "hs", g, DefaultOptions()) },
	} {
		if err := run(); !errors.Is(err, context.Canceled) {
			t.Errorf("%s: %v, want context.Canceled", name, err)
		}
	}
	var n int
	if err := db.R.QueryRow(`SELECT count(*) FROM gpkg_contents`).Scan(&n); err != nil || n != 0 {
		t.Errorf("%d tables stored after cancelled imports (%v)", n, err)
	}
}

// TestCancelImportMidway: cancelling during an import rolls it back.
func TestCancelImportMidway(t *testing.T) {
	db, err := gpkg.Create(filepath.Join(t.TempDir(), "m.gpkg"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	last, total := 0, 0
	ctx = WithProgress(ctx, func(stage string, done, n int) {
		last, total = done, n
		if done > 0 {
			cancel()
		}
	})
	if err := Import(ctx, FileTarget(db), "dem", synthDEM(1500, 1200), 4550); !errors.Is(err, context.Canceled) {
		t.Fatalf("import: %v", err)
	}
	if total == 0 || last >= total {
		t.Fatalf("import reported %d/%d tiles when cancelled", last, total)
	}
	var n int
	if err := db.R.QueryRow(`SELECT count(*) FROM gpkg_contents WHERE table_name = 'dem'`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("cancelled import left %d contents rows (%v)", n, err)
	}
}
