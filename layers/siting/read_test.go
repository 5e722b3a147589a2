package siting

import (
	"context"
	"encoding/json"
	"image"
	"testing"

	"lantu/layers"
)

// TestLazyEqualsIndexed reviews every fixture proposal on a blueprint
// opened Lazy (read through the GeoPackage's R-trees, what `lantuctl
// siting` does) and on the indexed one: the reports and the report maps
// must be the same, and the Lazy review must build no index.
func TestLazyEqualsIndexed(t *testing.T) {
	bp, uids := newFixture(t)
	addDEM(t, bp)
	lazy, err := layers.Open(bp.Path(), layers.OpenOptions{ReadOnly: true, Lazy: true, User: "tester"})
	if err != nil {
		t.Fatal(err)
	}
	defer lazy.Close()
	for name, uid := range uids {
		t.Run(name, func(t *testing.T) {
			want, got := review(t, bp, uid), review(t, lazy, uid)
			want.File, got.File = "", ""
			wj, _ := json.Marshal(want)
			gj, _ := json.Marshal(got)
			if string(wj) != string(gj) {
				t.Errorf("Lazy review differs:\n got %s\nwant %s", gj, wj)
			}
			if name == "straddling" || name == "setback" {
				sameMaps(t, bp, lazy, want)
			}
		})
	}
	for _, l := range lazy.Layers() {
		if l.Indexed() {
			t.Fatalf("the Lazy reviews built the index of %s", l.Code)
		}
	}
}

// sameMaps renders the report maps from both blueprints and compares them pixel by pixel.
func sameMaps(t *testing.T, indexed, lazy *layers.Blueprint, rep *Report) {
	t.Helper()
	ctx := context.Background()
	wl, wd, _, err := reportMaps(ctx, indexed, rep, 700, 410)
	if err != nil {
		t.Fatal(err)
	}
	gl, gd, _, err := reportMaps(ctx, lazy, rep, 700, 410)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name      string
		got, want *image.NRGBA
	}{{"location", gl, wl}, {"detail", gd, wd}} {
		if n := diffPixels(c.got, c.want); n > 0 {
			t.Errorf("%s map: %d pixels differ between the Lazy and indexed blueprints", c.name, n)
		}
		if blank(c.want) {
			t.Errorf("%s map is blank", c.name)
		}
	}
}

func diffPixels(a, b *image.NRGBA) int {
	if a.Rect != b.Rect {
		return a.Rect.Dx() * a.Rect.Dy()
	}
	n := 0
	for i := 0; i < len(a.Pix); i += 4 {
		if a.Pix[i] != b.Pix[i] || a.Pix[i+1] != b.Pix[i+1] || a.Pix[i+2] != b.Pix[i+2] || a.Pix[i+3] != b.Pix[i+3] {
			n++
		}
	}
	return n
}

// blank reports whether img has a single colour.
func blank(img *image.NRGBA) bool {
	for i := 4; i < len(img.Pix); i += 4 {
		if [4]byte(img.Pix[i:i+4]) != [4]byte(img.Pix[0:4]) {
			return false
		}
	}
	return true
}
