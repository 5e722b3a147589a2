package render

import (
	"context"
	"image"
	"math/rand/v2"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"lantu/layers"
	"lantu/layers/peer/peertest"
)

// viewFixture writes the 3 km synthetic city (land use with classes,
// buildings, roads, labelled points) to a blueprint and returns its path.
func viewFixture(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "view.gpkg")
	if err := writeSyntheticBlueprint(path, syntheticCity(3000)); err != nil {
		t.Fatal(err)
	}
	return path
}

// indexedFrame draws req from a fully indexed open of path.
func indexedFrame(t *testing.T, path string, req Request) image.Image {
	t.Helper()
	bp, err := layers.Open(path, layers.OpenOptions{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer bp.Close()
	img, err := New(FromBlueprint(bp), Options{}).Render(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// viewFrame draws req from a lazy open of path through the R-tree reads,
// and returns what Warn heard.
func viewFrame(t *testing.T, path string, req Request) (image.Image, []string) {
	t.Helper()
	img, _, _, warned := viewFrames(t, path, req)
	return img, warned
}

// viewFrames is viewFrame that also draws, with the same renderer, the view
// panned onto the top-left corner of req's first tile: a frame made only
// of the tiles req drew (cached), so it shows whether those tiles are
// complete beyond req's view.
func viewFrames(t *testing.T, path string, req Request) (image.Image, image.Image, Request, []string) {
	t.Helper()
	bp, err := layers.Open(path, layers.OpenOptions{ReadOnly: true, Lazy: true})
	if err != nil {
		t.Fatal(err)
	}
	defer bp.Close()
	var warned []string
	src, err := FromBlueprintView(context.Background(), bp, req, ViewOptions{Warn: func(m string) { warned = append(warned, m) }})
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range bp.Layers() {
		if l.Indexed() {
			t.Fatalf("layer %s was indexed by a lazy open", l.Code)
		}
	}
	r := New(src, Options{})
	img, err := r.Render(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	o := req.View.ToMap(0, 0)
	fx, _ := snap(o[0] / req.View.Res)
	fy, _ := snap(-o[1] / req.View.Res)
	panned := req
	panned.View = req.View.Pan(-float64(fx-floorDiv(fx, TileSize)*TileSize), -float64(fy-floorDiv(fy, TileSize)*TileSize))
	pimg, err := r.Render(context.Background(), panned)
	if err != nil {
		t.Fatal(err)
	}
	if tiles, _ := r.CacheStats(); tiles == 0 {
		t.Fatal("no tiles cached")
	}
	return img, pimg, panned, warned
}

// assertSameFrame fails when a and b differ by more than the golden
// tolerance, writing a to testdata/failed/name.png.
func assertSameFrame(t *testing.T, name string, a, b image.Image) {
	t.Helper()
	if n, share := diffPixels(a, b, pixelTolerance); n != 0 {
		_ = writePNG(filepath.Join("testdata", "failed", name+".png"), a)
		t.Errorf("%s: %d pixels (%.3f%%) differ between the R-tree read and the index", name, n, 100*share)
	}
}

// drawnPixels counts the pixels that are not the background.
func drawnPixels(img image.Image) int {
	bg, n := DefaultBackground, 0
	r := img.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			cr, cg, cb, _ := img.At(x, y).RGBA()
			if uint8(cr>>8) != bg.R || uint8(cg>>8) != bg.G || uint8(cb>>8) != bg.B {
				n++
			}
		}
	}
	return n
}

// TestViewReadMatchesIndex draws views through the R-tree reads of a lazy
// open and through the in-memory index: the full extent, a zoomed view
// whose tiles cut features, one with highlights, and one with no
// features, which must show only the background.
func TestViewReadMatchesIndex(t *testing.T) {
	path := viewFixture(t)
	ext := syntheticExtent(3000)
	zoom := Viewport{Center: orb.Point{501234.5, 4601777.7}, Res: 0.6, W: 700, H: 500}
	cases := []struct {
		name  string
		req   Request
		empty bool
	}{
		{"full", Request{View: Fit(ext, 640, 480), Labels: true}, false},
		{"zoom", Request{View: zoom, Labels: true}, false},
		{"highlight", Request{View: zoom, Highlight: []FeatureRef{{Layer: "XZ_DLTB", FID: 700}, {Layer: "XZ_JZW", FID: 3}}}, false},
		{"no features", Request{View: Viewport{Center: orb.Point{520000, 4620000}, Res: 1, W: 300, H: 200}, Labels: true}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, pgot, panned, warned := viewFrames(t, path, c.req)
			if len(warned) > 0 {
				t.Errorf("warnings for a blueprint with R-trees: %q", warned)
			}
			name := "view_" + strings.ReplaceAll(c.name, " ", "_")
			assertSameFrame(t, name, got, indexedFrame(t, path, c.req))
			assertSameFrame(t, name+"_tiles", pgot, indexedFrame(t, path, panned))
			drawn := drawnPixels(got)
			if c.empty && drawn != 0 {
				t.Errorf("%d pixels drawn in a view with no features", drawn)
			}
			if !c.empty && drawn < c.req.View.W*c.req.View.H/10 {
				t.Errorf("only %d pixels drawn", drawn)
			}
		})
	}
}

// TestViewReadWithoutRTree copies the land use into a plain GeoPackage
// without a spatial index (ogr2ogr -lco SPATIAL_INDEX=NO): the view read
// scans the table, says so once, and draws what the index draws.
func TestViewReadWithoutRTree(t *testing.T) {
	ogr2ogr := peertest.Tool(t, "ogr2ogr")
	plain := filepath.Join(t.TempDir(), "plain.gpkg")
	cmd := exec.Command(ogr2ogr, "-f", "GPKG", "-lco", "SPATIAL_INDEX=NO", plain, viewFixture(t), "xz_dltb", "xz_dzzhd")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("ogr2ogr: %v: %s", err, out)
	}
	req := Request{View: Viewport{Center: orb.Point{501500, 4601500}, Res: 2, W: 600, H: 400}, Layers: []string{"xz_dltb", "xz_dzzhd"}, Labels: true}
	got, warned := viewFrame(t, plain, req)
	if len(warned) != 2 {
		t.Fatalf("want one warning per layer without an R-tree, got %q", warned)
	}
	for _, w := range warned {
		if !strings.Contains(w, "no R-tree") || !strings.Contains(w, "plain.gpkg") {
			t.Errorf("warning %q does not name the file and the missing R-tree", w)
		}
	}
	assertSameFrame(t, "view_no_rtree", got, indexedFrame(t, plain, req))
	if n := drawnPixels(got); n < req.View.W*req.View.H/4 {
		t.Errorf("only %d pixels drawn", n)
	}
}

// TestViewReadKeepsDrawOrder stores overlapping squares of different
// classes in fid order unrelated to their places: a zoomed view read
// through the R-tree must draw them in the index's order (its Hilbert
// order over the whole layer), so the same square ends on top.
func TestViewReadKeepsDrawOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	o := orb.Point{500000, 4600000}
	m := &memLayer{origin: o}
	classes := []string{"0701", "0702", "0901", "1001", "1401", "0801", "1101"}
	for k := 0; k < 600; k++ {
		w := 40 + rng.Float64()*200
		m.rect(rng.Float64()*3000, rng.Float64()*3000, w, w, classes[rng.IntN(len(classes))], "")
	}
	path := filepath.Join(t.TempDir(), "overlap.gpkg")
	if err := writeSyntheticBlueprint(path, LayerList{{Code: "landuse", Data: m}}); err != nil {
		t.Fatal(err)
	}
	req := Request{View: Viewport{Center: orb.Point{501100, 4601900}, Res: 0.5, W: 500, H: 400}, Layers: []string{"XZ_DLTB"}}
	got, _ := viewFrame(t, path, req)
	assertSameFrame(t, "view_overlap", got, indexedFrame(t, path, req))
}
