package render

import (
	"context"
	"fmt"

	"github.com/paulmach/orb"
)

// printTB reports fixture errors on standard output.
type printTB struct{}

func (printTB) Helper()                           {}
func (printTB) Fatalf(format string, args ...any) { fmt.Printf(format+"\n", args...) }

// A frame of one polygon layer with a Chinese label, at 1:5000.
func ExampleRenderer_Render() {
	var t printTB
	parcels := wktLayer(t, orb.Point{500000, 4600000},
		[3]string{"POLYGON((500000 4600000,500300 4600000,500300 4600200,500000 4600200,500000 4600000))", "0701", "居住用地"})
	src := LayerList{{Code: "landuse", Kind: Polygon, Visible: true, Labels: true, Data: parcels,
		Style: Style{Fill: rgb("#ffe38c"), Stroke: rgb("#8a8a8a"), Width: 1}}}
	r := New(src, Options{CacheBytes: 16 << 20})
	view := AtScale(orb.Point{500150, 4600100}, 5000, 400, 300)
	img, err := r.Render(context.Background(), Request{View: view, Labels: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	x, y := view.ToPixel(orb.Point{500150, 4600100})
	fmt.Println(img.Bounds().Dx(), img.Bounds().Dy(), x, y)
	fmt.Println(img.NRGBAAt(110, 150)) // inside the parcel, left of the label
	// Output:
	// 400 300 200 150
	// {255 227 140 255}
}
