package layerstyle_test

import (
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/paulmach/orb"

	"lantu/layers/peer/peertest"
	"lantu/layers/render"
)

// The fixtures' extent drawn at 1 m per pixel: map x 499900 is pixel 0,
// map y 4630600 pixel row 0.
var (
	fixtureBox  = orb.Bound{Min: orb.Point{499900, 4629900}, Max: orb.Point{500600, 4630600}}
	fixtureSize = 700
	paper       = rgba(0xf4, 0xf3, 0xef, 255)
)

// sample is a pixel that must show a colour: feature interiors, away from
// outlines, labels and other features.
type sample struct {
	what string
	x, y int
	want color.NRGBA
}

// Interiors: parcels R (150,450), C (450,450), G (150,150), X (450,150);
// the main road at (50,350), the minor one at (350,50), the track at
// (50,650); a well on parcel R at (200,500).
var renderWants = map[string][]sample{
	"single.gpkg": {
		// 255,204,0 at layer opacity 0.8 over the paper.
		{"parcel", 150, 450, rgba(253, 212, 48, 255)}, {"parcel", 450, 150, rgba(253, 212, 48, 255)},
		{"road", 50, 350, rgba(0, 102, 204, 255)}, {"track", 50, 650, rgba(0, 102, 204, 255)},
		{"well", 200, 500, rgba(204, 0, 204, 255)},
	},
	"categorized.gpkg": {
		{"R", 150, 450, rgba(230, 0, 0, 255)}, {"C", 450, 450, rgba(0, 90, 230, 255)},
		{"G", 150, 150, rgba(0, 170, 0, 255)}, {"X (no category)", 450, 150, paper},
		{"main", 50, 350, rgba(200, 0, 0, 255)}, {"minor", 350, 50, rgba(120, 120, 120, 255)},
		{"track (no category)", 50, 650, paper},
		// Each class its own width: main 1.2 mm (4.5 px, rows 347.7 to
		// 352.3), minor 0.6 mm (2.3 px, columns 348.9 to 351.1).
		{"main, 1 px in from its edge", 50, 351, rgba(200, 0, 0, 255)}, {"beside minor", 352, 50, paper},
	},
	"graduated.gpkg": {
		{"1.5 ha", 150, 450, rgba(255, 255, 178, 255)}, {"3 ha", 450, 450, rgba(254, 141, 60, 255)},
		{"6 ha", 150, 150, rgba(189, 0, 38, 255)}, {"9 ha", 450, 150, rgba(189, 0, 38, 255)},
	},
	"sld.gpkg": {
		{"R", 150, 450, rgba(230, 0, 0, 255)}, {"C", 450, 450, rgba(0, 90, 230, 255)},
		{"G", 150, 150, rgba(0, 170, 0, 255)}, {"X (no rule)", 450, 150, paper},
		{"main", 50, 350, rgba(0xcc, 0x66, 0, 255)}, {"minor", 350, 50, rgba(0x33, 0x99, 0x33, 255)},
		{"track (no rule)", 50, 650, paper},
	},
}

// renderLantu draws every layer of a fixture as lantuctl render does.
func renderLantu(t *testing.T, name string) image.Image {
	t.Helper()
	bp := open(t, filepath.Join("testdata", name))
	img, err := render.New(render.FromBlueprint(bp), render.Options{}).Render(context.Background(),
		render.Request{View: render.Fit(fixtureBox, fixtureSize, fixtureSize)})
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// renderQGIS draws a fixture with QGIS from its layer_styles
// (testdata/qgis_render.py).
func renderQGIS(t *testing.T, python, name string) image.Image {
	t.Helper()
	out := filepath.Join(t.TempDir(), "qgis.png")
	b := fixtureBox
	cmd := exec.Command(python, filepath.Join("testdata", "qgis_render.py"), filepath.Join("testdata", name), out,
		fmt.Sprintf("%g,%g,%g,%g", b.Min[0], b.Min[1], b.Max[0], b.Max[1]), fmt.Sprintf("%dx%d", fixtureSize, fixtureSize))
	cmd.Env = append(os.Environ(), "QT_QPA_PLATFORM=offscreen")
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("qgis_render.py %s: %v\n%s", name, err, msg)
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
	return img
}

// qgisPython is a Python that imports QGIS's bindings, or ends t.
func qgisPython(t *testing.T) string {
	py := peertest.PythonGDAL(t)
	cmd := exec.Command(py, "-c", "import qgis.core")
	cmd.Env = append(os.Environ(), "QT_QPA_PLATFORM=offscreen")
	if msg, err := cmd.CombinedOutput(); err != nil {
		peertest.Missing(t, "%s cannot import qgis.core (apt-get install python3-qgis): %v %s", py, err, msg)
	}
	return py
}

func checkSamples(t *testing.T, who string, img image.Image, samples []sample, tol int) {
	t.Helper()
	for _, s := range samples {
		got := color.NRGBAModel.Convert(img.At(s.x, s.y)).(color.NRGBA)
		if !closeTo(got, s.want, tol) {
			t.Errorf("%s: %s at (%d,%d) is %v, want %v", who, s.what, s.x, s.y, got, s.want)
		}
	}
}

func closeTo(a, b color.NRGBA, tol int) bool {
	d := func(x, y uint8) bool { return int(x)-int(y) <= tol && int(y)-int(x) <= tol }
	return d(a.R, b.R) && d(a.G, b.G) && d(a.B, b.B) && d(a.A, b.A)
}

// TestRenderedColours draws each fixture with Lantu and checks the class
// colours at feature interiors (and nothing where QGIS draws nothing).
func TestRenderedColours(t *testing.T) {
	for name, samples := range renderWants {
		t.Run(name, func(t *testing.T) { checkSamples(t, "lantu", renderLantu(t, name), samples, 2) })
	}
}

// TestRenderedLikeQGIS draws each fixture with QGIS 3.22 from the same
// layer_styles and checks that QGIS shows the same colours at the same
// pixels, so the expected colours are QGIS's and not only Lantu's reading.
func TestRenderedLikeQGIS(t *testing.T) {
	if testing.Short() {
		t.Skip("QGIS takes seconds to start")
	}
	py := qgisPython(t)
	for name, samples := range renderWants {
		t.Run(name, func(t *testing.T) { checkSamples(t, "qgis", renderQGIS(t, py, name), samples, 2) })
	}
}
