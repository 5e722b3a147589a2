package main

import (
	"bytes"
	"errors"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"lantu/layers/layout"
	"lantu/layers/outfile"
)

// TestPrintCommand prints the render fixture (four parcels at 500000,
// 4600000) as PDF and PNG, and refuses bad input by name.
func TestPrintCommand(t *testing.T) {
	gpkg := renderFixture(t)
	dir := t.TempDir()
	pdf, pngPath := filepath.Join(dir, "map.pdf"), filepath.Join(dir, "map.png")
	if err := runRoot("print", gpkg, "--out", pdf, "--bbox", "500000,4600000,501200,4600200", "--paper", "A4",
		"--landscape", "--dpi", "150", "--title", "测试"); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(pdf); err != nil || !bytes.HasPrefix(b, []byte("%PDF-")) {
		t.Fatalf("%s: %v", pdf, err)
	}
	if err := runRoot("print", gpkg, "--out", pngPath, "--center", "500600,4600100", "--scale", "5000",
		"--paper", "A4", "--dpi", "150"); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(pngPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cfg, err := png.DecodeConfig(f)
	if err != nil || cfg.Width != 1240 || cfg.Height != 1754 {
		t.Errorf("A4 portrait at 150 dpi: %dx%d (%v), want 1240x1754", cfg.Width, cfg.Height, err)
	}
	before, _ := os.ReadFile(gpkg)
	for _, c := range []struct {
		args []string
		is   error
		want string
	}{
		{[]string{"--out", gpkg, "--center", "500600,4600100", "--scale", "5000", "--force"}, outfile.ErrInput, "is an input"},
		{[]string{"--out", filepath.Join(dir, "a.pdf"), "--center", "500600,4600100", "--scale", "0"}, nil, "--center needs --scale"},
		{[]string{"--out", filepath.Join(dir, "a.pdf"), "--center", "500600,4600100", "--scale", "NaN"}, nil, "--center needs --scale"},
		{[]string{"--out", filepath.Join(dir, "a.pdf"), "--bbox", "500000,4600000,501200,4600200", "--scale", "NaN"}, layout.ErrSheet, "scale 1:NaN"},
		{[]string{"--out", filepath.Join(dir, "a.pdf"), "--bbox", "500000,4600000,501200,4600200", "--paper", "B4"}, layout.ErrSheet, `unknown paper "B4"`},
		{[]string{"--out", filepath.Join(dir, "a.pdf"), "--bbox", "600000,4600000,601000,4601000"}, layout.ErrOutside, "shows none of its data"},
		{[]string{"--out", filepath.Join(dir, "a.pdf"), "--district", "210102"}, layout.ErrSheet, `no district with xzqdm "210102"`},
		{[]string{"--out", filepath.Join(dir, "a.svg")}, nil, "want a .pdf or .png"},
		{[]string{"--out", pdf}, outfile.ErrExists, "--force"},
	} {
		err := runRoot(append([]string{"print", gpkg}, c.args...)...)
		if err == nil || c.is != nil && !errors.Is(err, c.is) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("print %q: %v, want %v naming %q", c.args, err, c.is, c.want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "a.pdf")); !os.IsNotExist(err) {
		t.Errorf("a refused print left a file: %v", err)
	}
	if after, _ := os.ReadFile(gpkg); !bytes.Equal(before, after) {
		t.Error("the blueprint changed")
	}
}
