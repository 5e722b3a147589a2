package main

import (
	"context"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"github.com/paulmach/orb"

	"lantu/layers"
	"lantu/layers/qgis"
)

// TestRenderDrawsAnEditedStyle: `lantuctl render` draws a water surface
// (XZ_SM) in the fill set through qgis.WriteLayerStyle, and in the
// catalog's again after qgis.ResetLayerStyle.
func TestRenderDrawsAnEditedStyle(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "sm.gpkg")
	bp, err := layers.Create(path, layers.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	w, err := bp.Bulk(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Insert("XZ_SM", orb.Polygon{{{500000, 4600000}, {500200, 4600000}, {500200, 4600200}, {500000, 4600200}, {500000, 4600000}}}, nil); err != nil {
		t.Fatal(err)
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	st := bp.Catalog().Layer("XZ_SM").Style
	magenta := color.NRGBA{0xc8, 0x10, 0x7a, 0xff}
	st.Fill, st.Opacity = magenta, 1
	if err := qgis.WriteLayerStyle(ctx, bp, "XZ_SM", st); err != nil {
		t.Fatal(err)
	}
	bp.Close()
	if got := renderCentre(t, path); got != magenta {
		t.Errorf("after the edit the water is %v, want %v", got, magenta)
	}
	bp, err = layers.Open(path, layers.OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := qgis.ResetLayerStyle(ctx, bp, "XZ_SM"); err != nil {
		t.Fatal(err)
	}
	bp.Close()
	if got := renderCentre(t, path); got == magenta || got.B < got.R {
		t.Errorf("after the reset the water is %v, want the catalog's light blue", got)
	}
}

// renderCentre renders the 200 m square at 1 m per pixel and returns the
// colour at its centre.
func renderCentre(t *testing.T, path string) color.NRGBA {
	t.Helper()
	out := filepath.Join(t.TempDir(), "out.png")
	if err := runRoot("render", path, "--out", out, "--size", "300x300", "--bbox", "499950,4599950,500250,4600250", "--no-labels"); err != nil {
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
	c := color.NRGBAModel.Convert(img.At(150, 150)).(color.NRGBA)
	t.Logf("centre %v", c)
	return c
}
