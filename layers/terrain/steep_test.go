package terrain

import (
	"context"
	"errors"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkt"
	"github.com/twpayne/go-geos"

	"lantu/layers/gpkg"
)

// TestTraceMask traces masks drawn as text ('#' = steep) and checks the
// polygon count, the rings per polygon, the area and GEOS validity.
func TestTraceMask(t *testing.T) {
	gc := geos.NewContext()
	for _, tc := range []struct {
		name   string
		rows   []string
		polys  int
		rings  []int // rings per polygon, by descending area
		area   float64
		points int // vertices of the first shell, closing one included; 0: not checked
	}{
		{"empty", []string{"....", "...."}, 0, nil, 0, 0},
		{"one cell", []string{"...", ".#.", "..."}, 1, []int{1}, 1, 5},
		{"rectangle, collinear corners dropped", []string{"....", ".###", ".###"}, 1, []int{1}, 6, 5},
		{"diagonal cells are two patches", []string{"#.", ".#"}, 2, []int{1, 1}, 2, 5},
		{"saddle inside a shape", []string{"###.", "#.#.", "###.", "...#"}, 2, []int{2, 1}, 9, 5},
		{"ring with a hole and an island", []string{"#####", "#...#", "#.#.#", "#...#", "#####"}, 2, []int{2, 1}, 17, 5},
		{"L shape", []string{"#..", "#..", "###"}, 1, []int{1}, 5, 7},
		{"whole grid", []string{"##", "##"}, 1, []int{1}, 4, 5},
	} {
		w, h := len(tc.rows[0]), len(tc.rows)
		mask := make([]bool, w*h)
		for r, row := range tc.rows {
			for c, ch := range row {
				mask[r*w+c] = ch == '#'
			}
		}
		mp := traceMask(mask, w, h, [6]float64{1000, 1, 0, 2000, 0, -1})
		if len(mp) != tc.polys {
			t.Errorf("%s: %d polygons, want %d: %s", tc.name, len(mp), tc.polys, wkt.MarshalString(mp))
			continue
		}
		if a := steepArea(mp); math.Abs(a-tc.area) > 1e-9 {
			t.Errorf("%s: area %v, want %v", tc.name, a, tc.area)
		}
		sortByArea(mp)
		for i, want := range tc.rings {
			if len(mp[i]) != want {
				t.Errorf("%s: polygon %d has %d rings, want %d: %s", tc.name, i, len(mp[i]), want, wkt.MarshalString(mp))
			}
		}
		if tc.points > 0 && len(mp[0][0]) != tc.points {
			t.Errorf("%s: shell has %d points, want %d: %s", tc.name, len(mp[0][0]), tc.points, wkt.MarshalString(mp[0]))
		}
		if len(mp) > 0 {
			g, err := gc.NewGeomFromWKT(wkt.MarshalString(mp))
			if err != nil {
				t.Fatal(err)
			}
			if !g.IsValid() {
				t.Errorf("%s: invalid for GEOS (%s): %s", tc.name, g.IsValidReason(), wkt.MarshalString(mp))
			}
		}
	}
}

func sortByArea(mp orb.MultiPolygon) {
	for i := 1; i < len(mp); i++ {
		for j := i; j > 0 && steepArea(orb.MultiPolygon{mp[j]}) > steepArea(orb.MultiPolygon{mp[j-1]}); j-- {
			mp[j], mp[j-1] = mp[j-1], mp[j]
		}
	}
}

// TestSteepOnStoredDEM stores a DEM with a 35° slope between two plains and
// a 10° ramp, and asks for land over 25° and over 5°.
func TestSteepOnStoredDEM(t *testing.T) {
	const cell, w, h = 10.0, 120, 60
	g := NewGrid(w, h, [6]float64{500000, cell, 0, 4600000, 0, -cell}, 4550)
	steep, gentle := math.Tan(35*math.Pi/180), math.Tan(10*math.Pi/180)
	for r := 0; r < h; r++ {
		for c := 0; c < w; c++ {
			x := (float64(c) + 0.5) * cell
			var z float64
			switch {
			case x < 300: // plain
			case x < 600: // 35°
				z = (x - 300) * steep
			case x < 900: // plain above the slope
				z = 300 * steep
			default: // 10° ramp
				z = 300*steep + (x-900)*gentle
			}
			g.Data[r*w+c] = float32(z)
		}
	}
	path := filepath.Join(t.TempDir(), "steep.gpkg")
	db, err := gpkg.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	if _, err := OpenDEM(ctx, db); !errors.Is(err, ErrNoDEM) {
		t.Fatalf("no DEM yet: %v", err)
	}
	if err := Import(ctx, FileTarget(db), DEMTable, g, 4550); err != nil {
		t.Fatal(err)
	}
	cov, err := OpenDEM(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	s := NewSteep(cov)
	all := orb.Bound{Min: orb.Point{500000, 4599400}, Max: orb.Point{501200, 4600000}}
	for _, tc := range []struct {
		name          string
		box           orb.Bound
		threshold     float64
		wantW, slackW float64 // steep band width in metres, and the tolerance
	}{
		{"over 25°: the 35° slope", all, 25, 300, 2 * cell},
		{"over 5°: both slopes", all, 5, 300 + 300, 4 * cell},
		{"over 40°: nothing", all, 40, 0, 0},
		{"half the box", orb.Bound{Min: orb.Point{500000, 4599700}, Max: orb.Point{501200, 4600000}}, 25, 300, 2 * cell},
	} {
		mp, err := s.Steep(ctx, tc.box, tc.threshold)
		if err != nil {
			t.Fatal(err)
		}
		height := tc.box.Max[1] - tc.box.Min[1]
		got := steepArea(mp) / height
		if math.Abs(got-tc.wantW) > tc.slackW {
			t.Errorf("%s: steep band %.1f m wide, want %.0f ± %.0f (%d polygons)", tc.name, got, tc.wantW, tc.slackW, len(mp))
		}
		if b := mp.Bound(); len(mp) > 0 && (b.Min[1] < tc.box.Min[1]-cell || b.Max[1] > tc.box.Max[1]+cell) {
			t.Errorf("%s: polygons %v reach beyond the box %v", tc.name, b, tc.box)
		}
	}
	if _, err := s.Steep(ctx, orb.Bound{Min: orb.Point{0, 0}, Max: orb.Point{1e6, 1e6}}, 25); err == nil || !strings.Contains(err.Error(), "too large") {
		t.Errorf("a box of 10^10 cells: %v", err)
	}
}

func BenchmarkSteepDistrict(b *testing.B) {
	// A 30 x 30 km district at 30 m: one million cells of rolling hills.
	const n = 1000
	g := NewGrid(n, n, [6]float64{500000, 30, 0, 4630000, 0, -30}, 4550)
	for r := 0; r < n; r++ {
		for c := 0; c < n; c++ {
			g.Data[r*n+c] = float32(200 + 150*math.Sin(float64(c)/9)*math.Cos(float64(r)/11))
		}
	}
	path := filepath.Join(b.TempDir(), "steep.gpkg")
	db, err := gpkg.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	if err := Import(ctx, FileTarget(db), DEMTable, g, 4550); err != nil {
		b.Fatal(err)
	}
	cov, err := OpenDEM(ctx, db)
	if err != nil {
		b.Fatal(err)
	}
	s := NewSteep(cov)
	box := orb.Bound{Min: orb.Point{500000, 4600000}, Max: orb.Point{530000, 4630000}}
	var mp orb.MultiPolygon
	for b.Loop() {
		if mp, err = s.Steep(ctx, box, 25); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(mp)), "polygons")
	b.ReportMetric(steepArea(mp)/1e6, "km²")
}
