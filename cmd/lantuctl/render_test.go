package main

import (
	"context"
	"errors"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"github.com/paulmach/orb"
	"github.com/spf13/pflag"

	"lantu/layers"
	"lantu/layers/render"
)

// renderFixture creates a blueprint with a few parcels in the first
// default-visible polygon layer of the catalog and returns its path.
func renderFixture(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "render.gpkg")
	bp, err := layers.Create(path, layers.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer bp.Close()
	var target *layers.Layer
	for _, l := range bp.Layers() {
		if l.Def != nil && l.Def.Visible && l.Def.Geometry == "polygon" {
			target = l
			break
		}
	}
	if target == nil {
		t.Fatal("the catalog has no default-visible polygon layer")
	}
	w, err := bp.Bulk(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for k := 0; k < 4; k++ {
		x := 500000 + float64(k)*300
		poly := orb.Polygon{{{x, 4600000}, {x + 250, 4600000}, {x + 250, 4600200}, {x, 4600200}, {x, 4600000}}}
		if err := w.Insert(target.Code, poly, nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	return path
}

// runRoot runs lantuctl with args, then resets the flags of the command it
// ran (cobra keeps flag values between executions).
func runRoot(args ...string) error {
	root.SetArgs(args)
	err := root.ExecuteContext(context.Background())
	if cmd, _, ferr := root.Find(args); ferr == nil {
		cmd.Flags().VisitAll(func(f *pflag.Flag) {
			if sv, ok := f.Value.(pflag.SliceValue); ok {
				_ = sv.Replace(nil) // Set("[]") would append the text "[]"
			} else {
				_ = f.Value.Set(f.DefValue)
			}
			f.Changed = false
		})
	}
	return err
}

func TestRenderCommand(t *testing.T) {
	gpkg := renderFixture(t)
	dir := t.TempDir()
	cases := []struct {
		name  string
		args  []string
		usage bool // want a usage error
		w, h  int  // size of the PNG, when it succeeds
	}{
		{"full extent", []string{"--size", "320x200"}, false, 320, 200},
		{"bbox", []string{"--size", "200x100", "--bbox", "500000,4600000,501200,4600200"}, false, 200, 100},
		{"center scale no labels", []string{"--size", "160x120", "--center", "500500,4600100", "--scale", "5000", "--no-labels"}, false, 160, 120},
		{"bbox in lon/lat", []string{"--size", "100x100", "--crs", "EPSG:4490", "--bbox", "122.9,41.5,123.1,41.6"}, false, 100, 100},
		{"all layers", []string{"--size", "64x64", "--layers", "all"}, false, 64, 64},
		{"bad size", []string{"--size", "big"}, true, 0, 0},
		{"inverted bbox", []string{"--bbox", "2,2,1,1"}, true, 0, 0},
		{"center without scale", []string{"--center", "1,2"}, true, 0, 0},
		{"unknown layer", []string{"--layers", "no_such_layer"}, true, 0, 0},
		{"bad crs", []string{"--crs", "WGS84", "--bbox", "1,1,2,2"}, true, 0, 0},
	}
	for k, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out := filepath.Join(dir, "out"+string(rune('a'+k))+".png")
			err := runRoot(append([]string{"render", gpkg, "--out", out}, c.args...)...)
			var ue usageError
			if c.usage {
				if !errors.As(err, &ue) {
					t.Fatalf("err = %v, want a usage error", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			img := readPNGFile(t, out)
			if img.Bounds().Dx() != c.w || img.Bounds().Dy() != c.h {
				t.Errorf("PNG is %v, want %dx%d", img.Bounds(), c.w, c.h)
			}
		})
	}
}

// TestRenderCommandDraws checks the full-extent frame shows the parcels.
func TestRenderCommandDraws(t *testing.T) {
	out := filepath.Join(t.TempDir(), "a.png")
	if err := runRoot("render", renderFixture(t), "--out", out, "--size", "200x100"); err != nil {
		t.Fatal(err)
	}
	img := readPNGFile(t, out)
	bg := render.DefaultBackground
	drawn := 0
	for y := 0; y < 100; y++ {
		for x := 0; x < 200; x++ {
			r, g, b, _ := img.At(x, y).RGBA()
			if uint8(r>>8) != bg.R || uint8(g>>8) != bg.G || uint8(b>>8) != bg.B {
				drawn++
			}
		}
	}
	if drawn < 200*100/4 {
		t.Errorf("only %d of %d pixels differ from the background", drawn, 200*100)
	}
}

func readPNGFile(t *testing.T, path string) image.Image {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return img
}
