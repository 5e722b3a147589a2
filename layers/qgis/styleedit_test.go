package qgis_test

import (
	"context"
	"image/color"
	"os"
	"path/filepath"
	"testing"

	"lantu/layers"
	"lantu/layers/peer/peertest"
	"lantu/layers/qgis"
)

// TestQGISReadsAStyleEditedInLantu: after WriteLayerStyle, QGIS 3.22 draws
// xz_sm in the new fill both in the stored project and when the layer is
// added on its own (its layer_styles default); Lantu draws it on reopen;
// the file passes GDAL's validator. ResetLayerStyle brings the catalog
// colour back in all three.
func TestQGISReadsAStyleEditedInLantu(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), demoName+".gpkg")
	copyFile(t, tinyDemo(t), path)
	bp, err := layers.Open(path, layers.OpenOptions{Lazy: true})
	if err != nil {
		t.Fatal(err)
	}
	cat := bp.Catalog()
	st := cat.Layer("XZ_SM").Style
	catFill := st.Fill
	st.Fill, st.Opacity = color.NRGBA{0xc8, 0x10, 0x7a, 0xff}, 1
	if err := qgis.WriteLayerStyle(ctx, bp, "XZ_SM", st); err != nil {
		t.Fatal(err)
	}
	bp.Close()
	peertest.ValidateGPKG(t, path)
	checkSM(t, "after the edit", path, "#c8107a")
	bp, err = layers.Open(path, layers.OpenOptions{Lazy: true})
	if err != nil {
		t.Fatal(err)
	}
	defer bp.Close()
	if got := bp.Layer("XZ_SM").Def.Style.Fill; got != st.Fill {
		t.Errorf("Lantu reopened xz_sm with fill %v, want %v", got, st.Fill)
	}
	if err := qgis.ResetLayerStyle(ctx, bp, "XZ_SM"); err != nil {
		t.Fatal(err)
	}
	if got := bp.Layer("XZ_SM").CurrentDef().Style.Fill; got != catFill {
		t.Errorf("after the reset Lantu draws xz_sm in %v, want the catalog's %v", got, catFill)
	}
	checkSM(t, "after the reset", path, hexRGB(catFill))
}

// checkSM runs check_project.py with xz_sm as the layer added on its own.
func checkSM(t *testing.T, when, path, want string) {
	t.Helper()
	var pc projectCheck
	runQGIS(t, &pc, "check_project.py", path, demoName, "xz_sm", "{}")
	project, alone := pc.Layers["xz_sm_blueprint"].Renderer, pc.Alone.Renderer
	t.Logf("%s: QGIS project %s %s, alone %s %s", when, project.Type, project.Color, alone.Type, alone.Color)
	if project.Type != "singleSymbol" || project.Color != want {
		t.Errorf("%s: the project's xz_sm is %s %s, want singleSymbol %s", when, project.Type, project.Color, want)
	}
	if !pc.Alone.Valid || alone.Type != "singleSymbol" || alone.Color != want {
		t.Errorf("%s: xz_sm added on its own is %s %s, want singleSymbol %s", when, alone.Type, alone.Color, want)
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		t.Fatal(err)
	}
}
