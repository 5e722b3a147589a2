package terrain

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"lantu/layers/gpkg"
)

// TestCoverageHostileTiles: a stored tile whose TIFF claims more pixels
// than the tile matrix allows (or than its bytes can hold) makes Read,
// At, Profile and Stats fail with an error naming table, zoom, row and
// column, instead of exhausting memory.
func TestCoverageHostileTiles(t *testing.T) {
	big := NewGrid(TileSize+1, TileSize, [6]float64{0, 1, 0, 0, 0, -1}, 0)
	bigTIFF, err := EncodeLZWGeoTIFF(big)
	if err != nil {
		t.Fatal(err)
	}
	var bigPNG bytes.Buffer
	if err := png.Encode(&bigPNG, image.NewGray16(image.Rect(0, 0, TileSize, TileSize+1))); err != nil {
		t.Fatal(err)
	}
	cases := map[string]struct {
		blob []byte
		want error
	}{
		"huge tile tags":   {hugeTileTIFF(), ErrFormat},
		"huge image tags":  {hugeImageTIFF(t), ErrTooLarge},
		"257 x 256 TIFF":   {bigTIFF, ErrTooLarge},
		"256 x 257 PNG":    {bigPNG.Bytes(), ErrTooLarge},
		"short deflate":    {float32Strip(8, 8, 8, deflate(t, rampPix(40))), ErrFormat},
		"RowsPerStrip = 0": {hostileByName(t, "rows_per_strip_zero"), ErrFormat},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			cov := storeCoverage(t, synthDEM(300, 200))
			l := cov.Levels[0]
			if _, err := cov.db.W.Exec(`UPDATE dem SET tile_data = ? WHERE zoom_level = ? AND tile_column = 1 AND tile_row = 0`, c.blob, l.Zoom); err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			x, y := cov.MinX+float64(TileSize+10)*l.CellX, cov.MaxY-10*l.CellY
			_, errRead := cov.Read(ctx, orb.Bound{Min: orb.Point{cov.MinX, y - 100}, Max: orb.Point{x, cov.MaxY}}, 0)
			_, _, errAt := cov.At(ctx, x, y)
			_, errProf := cov.Profile(ctx, orb.LineString{{cov.MinX + 15, y}, {x, y}})
			_, errStats := cov.Stats(ctx, orb.Polygon{{{x - 60, y - 60}, {x + 60, y - 60}, {x + 60, y + 5}, {x - 60, y + 5}, {x - 60, y - 60}}})
			for op, err := range map[string]error{"Read": errRead, "At": errAt, "Profile": errProf, "Stats": errStats} {
				if !errors.Is(err, c.want) || !strings.Contains(err.Error(), "coverage dem zoom 1 row 0 column 1") {
					t.Errorf("%s: %v, want %v naming coverage dem zoom 1 row 0 column 1", op, err, c.want)
				}
			}
		})
	}
}

func hostileByName(t *testing.T, name string) []byte {
	for _, c := range hostileTIFFs(t) {
		if c.name == name {
			return c.b
		}
	}
	t.Fatalf("no hostile TIFF %q", name)
	return nil
}

// TestImportReadOnly: importing into a read-only GeoPackage is an error
// naming the file, before any work (it used to panic on the nil writer).
func TestImportReadOnly(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ro.gpkg")
	db, err := gpkg.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	ro, err := gpkg.Open(path, true)
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	ctx := context.Background()
	for name, run := range map[string]func() error{
		"Import":          func() error { return Import(ctx, FileTarget(ro), "dem", synthDEM(40, 30), 4550) },
		"ImportCoverage":  func() error { return ImportCoverage(ctx, FileTarget(ro), "s", synthDEM(40, 30), 4550, SlopeMeta) },
		"ImportHillshade": func() error { return ImportHillshade(ctx, FileTarget(ro), "hs", synthDEM(40, 30), DefaultOptions()) },
	} {
		err := run()
		if !errors.Is(err, ErrReadOnly) || !strings.Contains(err.Error(), "opened read-only: "+ro.Path) {
			t.Errorf("%s: %v, want ErrReadOnly naming %s", name, err, ro.Path)
		}
	}
}

// TestImportUserDefinedCRS: a DEM whose CRS is no EPSG code cannot be
// stored as a coverage (whose srs_id must name one): an error, not a
// coverage with an undefined CRS.
func TestImportUserDefinedCRS(t *testing.T) {
	dem, err := ReadGeoTIFF(filepath.Join("testdata", "crs", "tmerc_krass.tif"))
	if err != nil {
		t.Fatal(err)
	}
	if dem.EPSG != 0 {
		t.Fatalf("fixture has EPSG %d", dem.EPSG)
	}
	db, err := gpkg.Create(filepath.Join(t.TempDir(), "u.gpkg"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := Import(context.Background(), FileTarget(db), "dem", dem, 4550); !errors.Is(err, ErrUnsupported) || !strings.Contains(err.Error(), "EPSG") {
		t.Fatalf("import of a user-defined CRS: %v", err)
	}
}

// TestASCIIWithPRJ: an .asc whose CRS sits in a .prj beside it is refused
// naming both files: the CRS could not be carried to a derived GeoTIFF.
func TestASCIIWithPRJ(t *testing.T) {
	dir := t.TempDir()
	asc := filepath.Join(dir, "dem.asc")
	src, err := os.ReadFile(filepath.Join("testdata", "small.asc"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(asc, src, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadDEM(asc); err != nil {
		t.Fatalf("without .prj: %v", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "dem.prj"), []byte(`PROJCS["x"]`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadDEM(asc); !errors.Is(err, ErrUnsupported) || !strings.Contains(err.Error(), "dem.prj") || !strings.Contains(err.Error(), asc) {
		t.Fatalf("with .prj: %v", err)
	}
}
