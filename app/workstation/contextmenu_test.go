package workstation

import (
	"fmt"
	"math"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"github.com/paulmach/orb"

	"lantu/app/i18n"
	"lantu/app/internal/uitest"
	"lantu/app/layertree"
	"lantu/layers"
	"lantu/layers/crs"
	"lantu/layers/peer/peertest"
	"lantu/layers/render"
)

// menuWorkstation is a window showing smallBlueprint's tree and CRS
// without a renderer; its tables' updates go through ui.
func menuWorkstation(t *testing.T, ui *uitest.UI) *Workstation {
	t.Helper()
	uitest.NewApp(t)
	i18n.Set(i18n.Zh)
	w := New(fyne.CurrentApp())
	t.Cleanup(w.win.Close)
	w.tables.post = ui.Post(t)
	w.bp = smallBlueprint(t)
	w.ll, _ = crs.NewTransformer(w.bp.SRID(), crs.CGCS2000)
	w.tree = layertree.New(w.bp.Catalog(), entriesOf(w.bp), nil)
	w.wireTreeMenu()
	w.tables.reset(w.bp)
	return w
}

func item(t *testing.T, m *fyne.Menu, label string) *fyne.MenuItem {
	t.Helper()
	var labels []string
	for _, it := range m.Items {
		if strings.HasPrefix(it.Label, label) {
			return it
		}
		labels = append(labels, it.Label)
	}
	t.Fatalf("no item %q in %q", label, labels)
	return nil
}

// The map menu's copy items put the point on the clipboard: in EPSG:4550
// metres to the centimetre, and as CGCS2000 lon/lat equal to GDAL's
// gdaltransform to 1e-7 degrees.
func TestMapMenuCopiesCoordinates(t *testing.T) {
	w := menuWorkstation(t, &uitest.UI{})
	p := orb.Point{500400.5, 4600500.25}
	m := w.mapMenu(p)
	cp := item(t, m, "复制坐标")
	if cp.ChildMenu == nil || len(cp.ChildMenu.Items) != 3 {
		t.Fatalf("copy submenu %v", cp.ChildMenu)
	}
	clip := fyne.CurrentApp().Clipboard()
	item(t, cp.ChildMenu, "EPSG:4550").Action()
	if got := clip.Content(); got != "500400.50, 4600500.25" {
		t.Fatalf("EPSG:4550 copied %q", got)
	}
	item(t, cp.ChildMenu, "经纬度").Action()
	var lon, lat float64
	if _, err := fmt.Sscanf(clip.Content(), "%f, %f", &lon, &lat); err != nil {
		t.Fatalf("lon/lat copied %q: %v", clip.Content(), err)
	}
	ref := gdalTransform(t, p)
	if math.Abs(lon-ref[0]) > 1.5e-7 || math.Abs(lat-ref[1]) > 1.5e-7 {
		t.Fatalf("lon/lat %v, %v; gdaltransform %v", lon, lat, ref)
	}
	item(t, cp.ChildMenu, "全部").Action()
	if got := clip.Content(); !strings.HasPrefix(got, "EPSG:4550: 500400.50, 4600500.25\n经纬度 EPSG:4490: 123.") {
		t.Fatalf("both copied %q", got)
	}
}

// gdalTransform is GDAL's EPSG:4550 -> EPSG:4490 of p, lon first.
func gdalTransform(t *testing.T, p orb.Point) orb.Point {
	t.Helper()
	cmd := exec.Command(peertest.Tool(t, "gdaltransform"), "-s_srs", "EPSG:4550", "-t_srs", "EPSG:4490", "-output_xy")
	cmd.Stdin = strings.NewReader(fmt.Sprintf("%.3f %.3f\n", p[0], p[1]))
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("gdaltransform: %v", err)
	}
	var ref orb.Point
	if _, err := fmt.Sscanf(string(out), "%f %f", &ref[0], &ref[1]); err != nil {
		t.Fatalf("gdaltransform said %q: %v", out, err)
	}
	return ref
}

// Zoom in / out here keep the point under the click where it was.
func TestMapMenuZoomsAroundPoint(t *testing.T) {
	w := menuWorkstation(t, &uitest.UI{})
	w.view.Resize(fyne.NewSize(400, 300))
	w.view.SetView(orb.Point{501000, 4600500}, 10)
	p := orb.Point{501500, 4600800}
	x0, y0 := w.view.View().ToPixel(p)
	item(t, w.mapMenu(p), "在此放大").Action()
	if res := w.view.View().Res; math.Abs(res-5) > 1e-9 {
		t.Fatalf("zoomed in to %v map units a pixel, want 5", res)
	}
	x1, y1 := w.view.View().ToPixel(p)
	if math.Abs(x1-x0) > 1e-6 || math.Abs(y1-y0) > 1e-6 {
		t.Fatalf("point moved from %v,%v to %v,%v", x0, y0, x1, y1)
	}
	item(t, w.mapMenu(p), "在此缩小").Action()
	if res := w.view.View().Res; math.Abs(res-10) > 1e-9 {
		t.Fatalf("zoomed out to %v, want 10", res)
	}
}

// The layer menu's "open attribute table" docks the table under the map,
// once per layer, and its selection is the map's highlight both ways.
func TestTreeMenuOpensSyncedTable(t *testing.T) {
	ui := &uitest.UI{}
	w := menuWorkstation(t, ui)
	ui.Do(func() {
		item(t, w.tree.Menu(districtLayer), "打开属性表").Action()
		item(t, w.tree.Menu(districtLayer), "打开属性表").Action()
		if len(w.tables.open) != 1 || len(w.tables.tabs.Items) != 1 {
			t.Fatalf("%d tables, %d tabs after opening one layer twice", len(w.tables.open), len(w.tables.tabs.Items))
		}
		if w.tables.center.Objects[0] != w.tables.split {
			t.Fatal("the table is not docked under the map")
		}
	})
	tb := w.tables.open[districtLayer]
	ui.Eventually(t, "the rows", func() bool { s, _ := tb.Rows(); return s == 2 })
	ui.Do(func() {
		w.SelectFeatures(districtLayer, []int64{2})
		if got := w.view.Highlight(); !slices.Equal(got, []render.FeatureRef{{Layer: districtLayer, FID: 2}}) {
			t.Fatalf("highlight %v", got)
		}
		fs, err := Identify(t.Context(), w.bp, []string{districtLayer}, orb.Point{500400, 4600500}, 1)
		if err != nil || len(fs) != 1 {
			t.Fatalf("identify: %v %v", fs, err)
		}
		w.setMapSelection(w.identified(fs))
		w.tables.mapSelected(w.mapSel)
		if got := tb.Selection(); !slices.Equal(got, []int64{1}) {
			t.Fatalf("table selection %v after identifying fid 1 on the map", got)
		}
	})
	// An edit of the layer reloads its table, keeping the selection.
	sq := orb.Polygon{{{502000, 4600000}, {503000, 4600000}, {503000, 4601000}, {502000, 4601000}, {502000, 4600000}}}
	if _, err := w.bp.Apply(t.Context(), layers.Edit{Op: layers.OpInsert, Layer: districtLayer, Geom: sq,
		Attrs: map[string]any{"xzqmc": "大东区", "xzqdm": "210104"}}); err != nil {
		t.Fatal(err)
	}
	ui.Eventually(t, "the new row", func() bool { s, _ := tb.Rows(); return s == 3 })
	ui.Do(func() {
		if got := tb.Selection(); !slices.Equal(got, []int64{1}) {
			t.Fatalf("selection %v after the reload", got)
		}
	})
}

// Rows picked in the attribute table are the selection the export dialog
// offers: every selected feature, not only the one identified last.
func TestSelectedFeaturesAreTheMapSelection(t *testing.T) {
	ui := &uitest.UI{}
	w := menuWorkstation(t, ui)
	ui.Do(func() {
		w.SelectFeatures(districtLayer, []int64{1, 2})
		fs := w.SelectedFeatures()
		if len(fs) != 2 || fs[0].FID != 1 || fs[1].FID != 2 || fs[0].UID == "" || fs[1].UID == "" {
			t.Fatalf("selected features %v, want fids 1 and 2 with their uids", fs)
		}
		w.SelectFeatures(districtLayer, nil)
		if fs := w.SelectedFeatures(); len(fs) != 0 {
			t.Fatalf("%d selected after clearing", len(fs))
		}
	})
}
