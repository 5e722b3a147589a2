package main

import (
	"bytes"
	"encoding/json"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"lantu/layers"
	"lantu/layers/terrain"
)

// terrainFixture writes a 60 x 60 plane of 10 m cells rising 1 m per metre
// to the east (45°).
func terrainFixture(t *testing.T) string {
	g := terrain.NewGrid(60, 60, [6]float64{500000, 10, 0, 4600600, 0, -10}, 4550)
	for i := range g.Data {
		g.Data[i] = float32(10 * (i % 60))
	}
	p := filepath.Join(t.TempDir(), "plane.tif")
	if err := terrain.WriteGeoTIFF(p, g, terrain.Float32); err != nil {
		t.Fatal(err)
	}
	return p
}

func runOut(t *testing.T, args ...string) (string, error) {
	var buf bytes.Buffer
	root.SetOut(&buf)
	defer root.SetOut(nil)
	err := runRoot(args...)
	return buf.String(), err
}

func TestTerrainDEMCommands(t *testing.T) {
	in := terrainFixture(t)
	dir := t.TempDir()
	cases := []struct {
		args []string
		want float32 // value at the centre
	}{
		{[]string{"terrain", "slope", in}, 45},
		{[]string{"terrain", "slope", "-p", in}, 100},
		{[]string{"terrain", "slope", "--alg", "ZevenbergenThorne", "--compute-edges", in}, 45},
		{[]string{"terrain", "aspect", in}, 270},
		{[]string{"terrain", "aspect", "--trigonometric", in}, 180},
		{[]string{"terrain", "hillshade", "-z", "1", "--az", "270", "--alt", "45", in}, 255},
		{[]string{"terrain", "hillshade", "--multidirectional", in}, 0},
	}
	for i, c := range cases {
		t.Run(strings.Join(c.args[1:], " "), func(t *testing.T) {
			out := filepath.Join(dir, c.args[1]+string(rune('a'+i))+".tif")
			if _, err := runOut(t, append(c.args, "--out", out)...); err != nil {
				t.Fatal(err)
			}
			g, err := terrain.ReadGeoTIFF(out)
			if err != nil {
				t.Fatal(err)
			}
			v := g.At(30, 30)
			if c.want != 0 && math.Abs(float64(v-c.want)) > 1e-3 {
				t.Fatalf("centre value %v, want %v", v, c.want)
			}
			if c.want == 0 && (v < 1 || v > 255) {
				t.Fatalf("hillshade value %v outside 1..255", v)
			}
		})
	}
}

func TestTerrainCommandErrors(t *testing.T) {
	in := terrainFixture(t)
	for _, args := range [][]string{
		{"terrain", "slope", in},
		{"terrain", "slope", "--alg", "Nope", in, "--out", "x.tif"},
		{"terrain", "profile", in, "--line", "POINT(1 2)"},
		{"terrain", "stats", in, "--polygon", "LINESTRING(0 0,1 1)"},
	} {
		var ue usageError
		if _, err := runOut(t, args...); err == nil || !asUsage(err, &ue) {
			t.Errorf("%v: got %v, want a usage error", args, err)
		}
	}
	if _, err := runOut(t, "terrain", "slope", filepath.Join(t.TempDir(), "missing.tif"), "--out", "x.tif"); err == nil || !strings.Contains(err.Error(), "missing.tif") {
		t.Errorf("missing input: %v", err)
	}
}

func asUsage(err error, ue *usageError) bool {
	u, ok := err.(usageError)
	*ue = u
	return ok
}

func TestTerrainProfileAndStats(t *testing.T) {
	in := terrainFixture(t)
	out, err := runOut(t, "terrain", "profile", in, "--line", "LINESTRING(500100 4600300,500300 4600300)", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var p terrain.ProfileResult
	if err := json.Unmarshal([]byte(out), &p); err != nil {
		t.Fatal(err)
	}
	if math.Abs(p.Ascent-200) > 1e-3 || p.Length != 200 {
		t.Fatalf("profile ascent %v length %v", p.Ascent, p.Length)
	}
	out, err = runOut(t, "terrain", "stats", in, "--polygon", "POLYGON((500100 4600100,500300 4600100,500300 4600300,500100 4600300,500100 4600100))")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "cells 400") || !strings.Contains(out, "100.0%") {
		t.Fatalf("stats output:\n%s", out)
	}
	out, err = runOut(t, "terrain", "profile", in, "--line", "LINESTRING(500100 4600300,500300 4600300)")
	if err != nil || !strings.Contains(out, "ascent 200.0 m") {
		t.Fatalf("profile table (%v):\n%s", err, out)
	}
}

func TestTerrainImportAndStoredStats(t *testing.T) {
	bpPath := filepath.Join(t.TempDir(), "bp.gpkg")
	bp, err := layers.Create(bpPath, layers.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	bp.Close()
	if out, err := runOut(t, "terrain", "import", bpPath, terrainFixture(t)); err != nil || !strings.Contains(out, "stored") {
		t.Fatalf("import (%v): %s", err, out)
	}
	out, err := runOut(t, "terrain", "stats", bpPath, "--json", "--polygon", "POLYGON((500100 4600100,500300 4600100,500300 4600300,500100 4600300,500100 4600100))")
	if err != nil {
		t.Fatal(err)
	}
	var s terrain.ZoneStats
	if err := json.Unmarshal([]byte(out), &s); err != nil {
		t.Fatal(err)
	}
	if s.Cells != 400 || math.Abs(s.ClassShare[4]-1) > 1e-9 {
		t.Fatalf("stored stats: %+v", s)
	}
}
