package layertree

import (
	"testing"

	"fyne.io/fyne/v2"
	"github.com/paulmach/orb"

	"lantu/app/i18n"
	"lantu/layers/catalog"
)

func menuItem(t *testing.T, m *fyne.Menu, label string) *fyne.MenuItem {
	t.Helper()
	for _, it := range m.Items {
		if it.Label == label {
			return it
		}
	}
	t.Fatalf("no item %q in the menu", label)
	return nil
}

func TestLayerMenuActions(t *testing.T) {
	p, _ := newTestPanel(t)
	i18n.Set(i18n.Zh)
	box := orb.Bound{Min: orb.Point{1, 2}, Max: orb.Point{3, 4}}
	p.entries["XZ_QXXZQ"].Bound = box
	var zoomed orb.Bound
	var table, export string
	p.OnZoom = func(b orb.Bound) { zoomed = b }
	m := p.Menu("XZ_QXXZQ")
	if it := menuItem(t, m, "打开属性表"); !it.Disabled {
		t.Fatal("attribute table enabled without OnTable")
	}
	p.OnTable = func(code string) { table = code }
	p.OnExport = func(code string) { export = code }
	m = p.Menu("XZ_QXXZQ")
	menuItem(t, m, "缩放到图层").Action()
	menuItem(t, m, "打开属性表").Action()
	menuItem(t, m, "导出…").Action()
	if zoomed != box || table != "XZ_QXXZQ" || export != "XZ_QXXZQ" {
		t.Fatalf("zoomed %v, table %q, export %q", zoomed, table, export)
	}
}

func TestRasterLayerMenuHasNoTable(t *testing.T) {
	test := func(code string) *fyne.Menu {
		p, _ := newTestPanel(t)
		p.OnTable, p.OnExport = func(string) {}, func(string) {}
		return p.Menu(code)
	}
	cat, _ := catalog.Default()
	for _, l := range cat.Layers {
		if l.Geometry != "raster" {
			continue
		}
		m := test(l.Code)
		if !menuItem(t, m, "打开属性表").Disabled || !menuItem(t, m, "导出…").Disabled {
			t.Fatalf("raster layer %s offers a table or an export", l.Code)
		}
		return
	}
	t.Fatal("the catalog has no raster layer")
}

func TestLayerProperties(t *testing.T) {
	p, cat := newTestPanel(t)
	i18n.Set(i18n.Zh)
	e := p.entries["XZ_QXXZQ"]
	e.Count = 20790
	e.Bound = orb.Bound{Min: orb.Point{437000.5, 4560000}, Max: orb.Point{520000, 4670000.25}}
	p.Source, p.CRS = "/data/sy.gpkg", "EPSG:4550 CGCS2000 / 3-degree Gauss-Kruger CM 123E"
	got := map[string]string{}
	for _, kv := range p.Properties("XZ_QXXZQ") {
		got[kv[0]] = kv[1]
	}
	d := cat.Layer("XZ_QXXZQ")
	want := map[string]string{
		"名称":    d.NameZh + " · " + d.NameEn,
		"代码":    "XZ_QXXZQ",
		"数据表":   d.Table,
		"几何类型":  "面",
		"坐标系":   p.CRS,
		"要素数":   "20,790",
		"范围":    "437000.50, 4560000.00 : 520000.00, 4670000.25",
		"数据源":   "/data/sy.gpkg|layername=" + d.Table,
		"显示比例尺": scaleRange(d.MaxScale, d.MinScale),
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
}

func TestScaleRange(t *testing.T) {
	i18n.Set(i18n.Zh)
	for _, c := range []struct {
		max, min float64
		want     string
	}{
		{0, 0, "任意比例尺"},
		{500, 50000, "1:500 – 1:50,000"},
		{0, 250000, "1:250,000 及更大比例尺"},
		{2000, 0, "1:2,000 及更小比例尺"},
	} {
		if got := scaleRange(c.max, c.min); got != c.want {
			t.Errorf("scaleRange(%v, %v) = %q, want %q", c.max, c.min, got, c.want)
		}
	}
}

// A layer indexed after the tree was made gets its count: the properties
// (and the row) said 0 features for the township layer until then.
func TestSetCount(t *testing.T) {
	p, _ := newTestPanel(t)
	i18n.Set(i18n.Zh)
	p.entries["XZ_XZXZQ"].Count = 0
	p.SetCount("XZ_XZXZQ", 1234, orb.Bound{Max: orb.Point{1, 1}})
	for _, kv := range p.Properties("XZ_XZXZQ") {
		if kv[0] == "要素数" && kv[1] != "1,234" {
			t.Fatalf("count %q after SetCount", kv[1])
		}
	}
	if got := p.countText("l:XZ_XZXZQ"); got != "1234" {
		t.Fatalf("row count %q", got)
	}
}
