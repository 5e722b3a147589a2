package render

import (
	"context"
	"image/color"
	"testing"

	"github.com/paulmach/orb"

	"lantu/layers/catalog"
)

// TestClassOnly: a style's own classes (catalog.Style.Classes, as
// layerstyle reads them) colour the features by value and range; a feature
// of no class, NULL included, is not drawn unless DrawUnclassed; a palette
// layer (ClassOnly unset) still draws its unclassed features in the fill.
func TestClassOnly(t *testing.T) {
	red, blue := color.NRGBA{230, 0, 0, 255}, color.NRGBA{0, 90, 230, 255}
	sq := func(x float64) string {
		return "POLYGON((" + ftoa(500000+x) + " 4600000," + ftoa(500080+x) + " 4600000," + ftoa(500080+x) + " 4600080," +
			ftoa(500000+x) + " 4600080," + ftoa(500000+x) + " 4600000))"
	}
	data := wktLayer(t, base, [3]string{sq(0), "R", ""}, [3]string{sq(100), "3.5", ""}, [3]string{sq(200), "X", ""}, [3]string{sq(300), "", ""})
	def := catalog.DefaultLayer("t", "POLYGON")
	def.ClassField = "c"
	def.Style = catalog.Style{Fill: color.NRGBA{0, 170, 0, 255}, Opacity: 1, Classes: []catalog.ValueClass{
		{Value: "R", Color: red}, {Ranged: true, Min: 3, Max: 4, Color: blue}}}
	view := Fit(orb.Bound{Min: loc(-10, -10), Max: loc(390, 90)}, 400, 100) // 1 m per pixel
	at := func(l *Layer, x int) color.NRGBA {
		img, err := New(LayerList{l}, Options{CacheBytes: -1}).Render(context.Background(), Request{View: view})
		if err != nil {
			t.Fatal(err)
		}
		return img.NRGBAAt(x+10, 50)
	}
	paper, green := DefaultBackground, color.NRGBA{0, 170, 0, 255}
	l := FromCatalog(nil, def, "t", "POLYGON", data)
	for _, c := range []struct {
		x    int
		want color.NRGBA
	}{{40, red}, {140, blue}, {240, paper}, {340, paper}} {
		if got := at(l, c.x); got != c.want {
			t.Errorf("class only, x %d: %v, want %v", c.x, got, c.want)
		}
	}
	hollow := *def
	hollow.Style.Fill, hollow.Style.Stroke, hollow.Style.Width = color.NRGBA{}, green, 4
	l = FromCatalog(nil, &hollow, "t", "POLYGON", data)
	if got, edge := at(l, 40), at(l, 1); got != paper || edge != red {
		t.Errorf("hollow class only: interior %v edge %v, want the paper and a %v outline", got, edge, red)
	}
	def.Style.DrawUnclassed = true
	l = FromCatalog(nil, def, "t", "POLYGON", data)
	if got, got2 := at(l, 240), at(l, 340); got != green || got2 != green {
		t.Errorf("draw unclassed: %v %v, want the fill %v", got, got2, green)
	}
	l.Style.ClassOnly = false
	l.Style.ClassColor = palette(map[string]string{"R": "#e60000"})
	if got := at(l, 340); got != green {
		t.Errorf("palette layer, NULL class: %v, want the fill %v", got, green)
	}
}
