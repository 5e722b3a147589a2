package qgis_test

import (
	"encoding/json"
	"math"
	"strings"
	"testing"

	"lantu/layers/catalog"
	"lantu/layers/peer/peertest"
	"lantu/layers/qgis"
	"lantu/layers/render"
)

// checkProject loads the demo's project in QGIS (check_project.py) and
// returns what QGIS made of it, with the class codes of probes classified
// by each palette layer's renderer.
func checkProject(t *testing.T, path string, probes map[string][]string) projectCheck {
	t.Helper()
	pj, err := json.Marshal(probes)
	if err != nil {
		t.Fatal(err)
	}
	var pc projectCheck
	runQGIS(t, &pc, "check_project.py", path, demoName, "xz_dltb", string(pj))
	return pc
}

// TestQGISOpensTheProject: QGIS 3.22 reads the project stored in the demo
// blueprint: the four roots, every catalog layer valid with the catalog's
// visibility, the land-use layers categorized with the catalog's classes
// and colours (codes classified by longest listed prefix), rasters
// multiplied at their opacity, and a layer added on its own gets the same
// default style from layer_styles.
func TestQGISOpensTheProject(t *testing.T) {
	path := tinyDemo(t)
	cat, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	probes := map[string][]string{}
	for _, code := range []string{"XZ_DLTB", "GH_GHYDYH"} {
		l := cat.Layer(code)
		for _, c := range cat.Palette(l).Classes {
			probes[l.Table] = append(probes[l.Table], c.Code, c.Code+"99", " "+c.Code+" ")
		}
		probes[l.Table] = append(probes[l.Table], "", "ZZ", "9")
	}
	pc := checkProject(t, path, probes)
	if !pc.Read || pc.CRS != "EPSG:4550" {
		t.Fatalf("QGIS read the project: %v, CRS %s", pc.Read, pc.CRS)
	}
	var roots []string
	for _, n := range pc.Tree.Children {
		roots = append(roots, n.Group)
	}
	if strings.Join(roots, " ") != "现状 规划 管理 指标" {
		t.Errorf("roots %q, want 现状 规划 管理 指标", roots)
	}
	tree := treeLayers(pc.Tree)
	want := cat.TreeOrder()
	t.Logf("QGIS: %d layers in the project, %d in the layer tree, catalog %d", len(pc.Layers), len(tree), len(want))
	if len(tree) != len(want) || len(pc.Layers) != len(want) {
		t.Fatalf("%d tree layers and %d map layers, want the catalog's %d", len(tree), len(pc.Layers), len(want))
	}
	for i, l := range want {
		n := tree[i]
		info := pc.Layers[n.Layer]
		if n.Layer != l.Table+"_blueprint" || n.Checked != l.Visible || !info.Valid || info.Name != l.NameZh {
			t.Errorf("tree layer %d: %s checked %v valid %v %q, want %s checked %v valid %q", i, n.Layer, n.Checked, info.Valid, info.Name, l.Table, l.Visible, l.NameZh)
		}
		checkScale(t, l, info)
	}
	for _, code := range []string{"XZ_DLTB", "GH_GHYDYH"} {
		l := cat.Layer(code)
		checkCategories(t, l.Table, pc.Layers[l.Table+"_blueprint"].Renderer, cat.Palette(l))
		checkClassified(t, l.Table, pc.Classified[l.Table], cat.Palette(l))
	}
	checkCategories(t, "xz_dltb added on its own", pc.Alone.Renderer, cat.Palette(cat.Layer("XZ_DLTB")))
	checkRasters(t, pc)
	if lbl := pc.Layers["xz_sjxzq_blueprint"]; !lbl.Labels || lbl.LabelField != "xzqmc" || lbl.LabelFont != qgis.LabelFont() {
		t.Errorf("city boundary labels: %v %q in %q, want xzqmc in %q", lbl.Labels, lbl.LabelField, lbl.LabelFont, qgis.LabelFont())
	}
	if e := pc.ViewExtent; !(400e3 < e[0] && e[0] < e[2] && e[2] < 650e3 && 4.5e6 < e[1] && e[1] < e[3] && e[3] < 4.9e6) {
		t.Errorf("default view extent %v is not Shenyang's in EPSG:4550", e)
	}
	peertest.ValidateGPKG(t, path)
}

// checkScale compares QGIS's scale range of a layer with the catalog's.
func checkScale(t *testing.T, l *catalog.Layer, info layerInfo) {
	t.Helper()
	if l.Geometry == "raster" {
		return
	}
	scaled := l.MinScale > 0 || l.MaxScale > 0
	if info.ScaleBased != scaled || (scaled && (info.MinScale != l.MinScale || info.MaxScale != l.MaxScale)) {
		t.Errorf("%s: QGIS scale range %v %g..%g, want %v %g..%g", l.Code, info.ScaleBased, info.MinScale, info.MaxScale, scaled, l.MinScale, l.MaxScale)
	}
}

// checkCategories: one category per palette class in the class colour
// muted as Lantu fills areas (render.Muted), with its Chinese name, then
// "all other values".
func checkCategories(t *testing.T, what string, r rendererInfo, p *catalog.Palette) {
	t.Helper()
	if r.Type != "categorizedSymbol" || len(r.Categories) != len(p.Classes)+1 {
		t.Errorf("%s: renderer %s with %d categories, want categorized with %d", what, r.Type, len(r.Categories), len(p.Classes)+1)
		return
	}
	for i, c := range p.Classes {
		got := r.Categories[i]
		if want := hexRGB(render.Muted(c.Color)); got.Value != c.Code || got.Label != c.NameZh || got.Color != want {
			t.Errorf("%s: category %d is %s %s %s, want %s %s %s", what, i, got.Value, got.Label, got.Color, c.Code, c.NameZh, want)
		}
	}
	t.Logf("QGIS: %s categorized by %d classes of %s", what, len(p.Classes), p.Name)
}

// checkClassified: QGIS's class of each probe code is Lantu's.
func checkClassified(t *testing.T, table string, got map[string]*string, p *catalog.Palette) {
	t.Helper()
	if len(got) == 0 {
		t.Errorf("%s: QGIS classified no probe codes", table)
	}
	for code, cls := range got {
		want := ""
		if c, ok := p.Lookup(code); ok {
			want = c.Code
		}
		g := ""
		if cls != nil {
			g = *cls
		}
		if g != want {
			t.Errorf("%s: QGIS classifies %q as %q, Lantu as %q", table, code, g, want)
		}
	}
}

// checkRasters: the terrain layers multiply (QPainter's Multiply is 13) at
// Lantu's strengths, above the vector layers; the hillshade goes where it
// would show its cells as blur.
func checkRasters(t *testing.T, pc projectCheck) {
	t.Helper()
	if hs := pc.Layers["xz_styy_blueprint"]; !hs.ScaleBased || hs.MaxScale <= 0 || hs.MinScale != 0 {
		t.Errorf("hillshade scale range %v %g..%g, want hidden close in", hs.ScaleBased, hs.MinScale, hs.MaxScale)
	}
	for table, op := range map[string]float64{"xz_styy": 0.45, "xz_dem": 0.55, "xz_pd": 0.75} {
		r := pc.Layers[table+"_blueprint"]
		if !r.Valid || r.Blend != 13 || math.Abs(r.RasterOpacity-op) > 1e-9 {
			t.Errorf("%s: valid %v blend %d opacity %g, want valid multiply %g", table, r.Valid, r.Blend, r.RasterOpacity, op)
		}
	}
	if len(pc.CustomOrder) < 3 || pc.CustomOrder[0] != "xz_styy_blueprint" {
		t.Errorf("draw order starts %v, want the hillshade on top", pc.CustomOrder[:min(3, len(pc.CustomOrder))])
	}
}
