package main

import (
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"testing"
)

// TestRenderLayerStyles: `lantuctl render` of a GeoPackage made in QGIS
// draws each table in its layer_styles default style: the category
// colours at the parcels' and roads' interiors, nothing for the values no
// category lists (lantu/layers/layerstyle/testdata, 1 m per pixel).
func TestRenderLayerStyles(t *testing.T) {
	paper := color.NRGBA{0xf4, 0xf3, 0xef, 255}
	cases := map[string][]struct {
		x, y int
		want color.NRGBA
	}{
		"categorized.gpkg": {{150, 450, color.NRGBA{230, 0, 0, 255}}, {450, 450, color.NRGBA{0, 90, 230, 255}},
			{150, 150, color.NRGBA{0, 170, 0, 255}}, {450, 150, paper}, {50, 350, color.NRGBA{200, 0, 0, 255}},
			{350, 50, color.NRGBA{120, 120, 120, 255}}, {50, 650, paper}},
		"sld.gpkg": {{150, 450, color.NRGBA{230, 0, 0, 255}}, {450, 150, paper}, {350, 50, color.NRGBA{0x33, 0x99, 0x33, 255}}},
	}
	for name, samples := range cases {
		t.Run(name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out.png")
			if err := runRoot("render", filepath.Join("..", "..", "layers", "layerstyle", "testdata", name), "--out", out,
				"--size", "700x700", "--bbox", "499900,4629900,500600,4630600", "--no-labels"); err != nil {
				t.Fatal(err)
			}
			f, err := os.Open(out)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			img, err := png.Decode(f)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range samples {
				if got := color.NRGBAModel.Convert(img.At(s.x, s.y)); got != s.want {
					t.Errorf("(%d,%d) is %v, want %v", s.x, s.y, got, s.want)
				}
			}
		})
	}
}
