package render

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkt"

	"lantu/layers"
)

// TestBlueprintMatchesFixture stores WKT polygons (with a hole, a
// multipolygon, rings in both orientations) in a real blueprint and checks
// the frame drawn from its snapshot equals the one drawn from the
// in-memory fixture of the same WKT.
func TestBlueprintMatchesFixture(t *testing.T) {
	shapes := []string{
		"POLYGON((500020 4600020,500240 4600020,500240 4600200,500020 4600200,500020 4600020),(500080 4600070,500080 4600130,500140 4600130,500140 4600070,500080 4600070))",
		"MULTIPOLYGON(((500260 4600020,500400 4600020,500400 4600120,500260 4600120,500260 4600020)),((500300 4600150,500420 4600300,500480 4600150,500300 4600150)))",
		"POLYGON((500020 4600220,500040 4600340,500200 4600360,500240 4600220,500020 4600220))",
	}
	path := filepath.Join(t.TempDir(), "bp.gpkg")
	bp, err := layers.Create(path, layers.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer bp.Close()
	var target *layers.Layer
	for _, l := range bp.Layers() {
		if l.Def != nil && l.Def.Geometry == "polygon" {
			target = l
			break
		}
	}
	if target == nil {
		t.Fatal("the catalog has no polygon layer")
	}
	w, err := bp.Bulk(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var rows [][3]string
	for _, s := range shapes {
		g, err := wkt.Unmarshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Insert(target.Code, g, nil); err != nil {
			t.Fatal(err)
		}
		rows = append(rows, [3]string{s, "", ""})
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	style := Style{Fill: rgb("#ffe38c"), Stroke: rgb("#666666"), Width: 1.5}
	fromBP := FromBlueprint(bp)
	var bpLayer *Layer
	for _, l := range fromBP {
		if l.Code == target.Code {
			bpLayer = l
		}
	}
	if bpLayer == nil {
		t.Fatalf("FromBlueprint has no layer %s", target.Code)
	}
	bpLayer = &Layer{Code: "a", Kind: bpLayer.Kind, Visible: true, Style: style, Data: bpLayer.Data}
	fixture := &Layer{Code: "a", Kind: Polygon, Visible: true, Style: style, Data: wktLayer(t, orb.Point{500000, 4600000}, rows...)}
	v := sceneView()
	a, err := New(LayerList{bpLayer}, Options{}).Render(context.Background(), Request{View: v})
	if err != nil {
		t.Fatal(err)
	}
	b, err := New(LayerList{fixture}, Options{}).Render(context.Background(), Request{View: v})
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := diffPixels(a, b, 8); n != 0 {
		_ = writePNG("testdata/failed/blueprint.png", a)
		t.Errorf("%d pixels differ between the blueprint and the fixture", n)
	}
}
