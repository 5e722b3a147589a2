package importpanel

import (
	"context"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"github.com/paulmach/orb"

	"lantu/app/i18n"
	"lantu/app/internal/uitest"
	"lantu/layers"
	"lantu/layers/crs"
	"lantu/layers/shapefile"
	"lantu/layers/transfer"
)

var update = flag.Bool("update", false, "rewrite the golden markup in testdata")

// fakeHost runs RunLong on the test goroutine; cancelAt > 0 cancels the
// work once its progress passes that fraction.
type fakeHost struct {
	win      fyne.Window
	bp       *layers.Blueprint
	err      error
	cancelAt float64
	reps     []*transfer.Report
	bounds   []orb.Bound
}

func (h *fakeHost) Window() fyne.Window          { return h.win }
func (h *fakeHost) Blueprint() *layers.Blueprint { return h.bp }
func (h *fakeHost) Imported(rep *transfer.Report, b orb.Bound) {
	h.reps, h.bounds = append(h.reps, rep), append(h.bounds, b)
}

func (h *fakeHost) RunLong(_ string, fn func(context.Context, func(string, float64)) error, done func()) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	h.err = fn(ctx, func(_ string, f float64) {
		if h.cancelAt > 0 && f >= h.cancelAt {
			cancel()
		}
	})
	if h.err == nil {
		done()
	}
}

// names are the GBK attribute values of the fixture.
var names = []string{"沈阳市", "大连市", "鞍山市", "抚顺市", "本溪市"}

// gbkShapefile writes n squares near (500000, 4600000) with a GBK 名称
// field (cycling through names) and a 编号 field; prj is the .prj's WKT
// ("" writes none).
func gbkShapefile(t *testing.T, n int, prj bool) string {
	t.Helper()
	f := &shapefile.File{ShapeType: shapefile.Polygon, Fields: []shapefile.Field{
		{Name: "名称", Type: shapefile.Character, Length: 40},
		{Name: "编号", Type: shapefile.Numeric, Length: 9},
	}}
	for i := range n {
		x, y := 500000+float64(i%50)*30, 4600000+float64(i/50)*30
		ring := orb.Ring{{x, y}, {x, y + 20}, {x + 20, y + 20}, {x + 20, y}, {x, y}}
		f.Records = append(f.Records, shapefile.Record{Geometry: orb.Polygon{ring}, Values: []any{names[i%len(names)], int64(i + 1)}})
	}
	if prj {
		def, err := crs.Lookup(4550)
		if err != nil {
			t.Fatal(err)
		}
		f.PRJ = def.WKT
	}
	path := filepath.Join(t.TempDir(), "城市.shp")
	if err := shapefile.Write(path, f, shapefile.WriteOptions{Encoding: "GBK"}); err != nil {
		t.Fatal(err)
	}
	return path
}

func blueprint(t *testing.T) *layers.Blueprint {
	t.Helper()
	bp, err := layers.Create(filepath.Join(t.TempDir(), "p.gpkg"), layers.CreateOptions{User: "规划师"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { bp.Close() })
	return bp
}

// open reads path as the menu does and returns the preview.
func open(t *testing.T, path string) (*preview, *fakeHost) {
	t.Helper()
	uitest.NewApp(t)
	i18n.Set(i18n.Zh)
	t.Cleanup(func() { i18n.Set(i18n.Zh) })
	h := &fakeHost{bp: blueprint(t)}
	h.win = test.NewWindow(nil)
	h.win.Resize(fyne.NewSize(1200, 760))
	var p *preview
	readSource(h, path, "", func(src *transfer.Source, sample []transfer.Feature) { p = newPreview(h, path, src, sample) })
	if p == nil {
		t.Fatalf("read %s: %v", path, h.err)
	}
	return p, h
}

func journal(t *testing.T, bp *layers.Blueprint) int {
	t.Helper()
	js, err := bp.Journal(context.Background(), 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	return len(js)
}

// column is the text of the sample table's column for field.
func column(p *preview, field string) []string {
	var out []string
	for c, f := range p.src.Fields {
		if f.Name != field {
			continue
		}
		rows, _ := p.tableSize()
		for r := range rows {
			o := p.table.CreateCell()
			p.tableCell(tableID(r, c), o)
			out = append(out, labelText(o))
		}
	}
	return out
}

// TestPreviewGBK: a GBK Shapefile's Chinese names show in the preview;
// choosing UTF-8 re-reads the file (the names no longer decode), GBK
// again brings them back.
func TestPreviewGBK(t *testing.T) {
	p, _ := open(t, gbkShapefile(t, 30, true))
	if p.enc.Selected != "GBK" {
		t.Errorf("encoding select = %q, want GBK", p.enc.Selected)
	}
	got := column(p, "名称")
	if len(got) != 20 || got[0] != "沈阳市" || got[1] != "大连市" {
		t.Fatalf("名称 column = %q, want 20 rows starting 沈阳市 大连市", got)
	}
	if !strings.Contains(p.count.Text, "30") || !strings.Contains(p.count.Text, "MULTIPOLYGON") {
		t.Errorf("count = %q", p.count.Text)
	}
	if !strings.Contains(p.crsText.Text, "EPSG:4550") {
		t.Errorf("crs = %q, want the reprojection to EPSG:4550 named", p.crsText.Text)
	}
	p.enc.SetSelected("UTF-8")
	if p.src.Encoding == "GBK" || p.enc.Selected != "UTF-8" {
		t.Fatalf("after choosing UTF-8 the source is %s", p.src.Encoding)
	}
	// The field names are GBK too: read as UTF-8 neither they nor the
	// values decode.
	if f := p.src.Fields[0].Name; f == "名称" {
		t.Errorf("read as UTF-8 the GBK field name still reads %q: not re-read", f)
	}
	if got := column(p, p.src.Fields[0].Name); len(got) == 0 || got[0] == "沈阳市" {
		t.Errorf("read as UTF-8 the GBK names read %q: not re-read", got)
	}
	p.enc.SetSelected("GBK")
	if got := column(p, "名称"); len(got) == 0 || got[0] != "沈阳市" {
		t.Errorf("read again as GBK: %q", got)
	}
}

// TestMappingReachesImport: into GL_XZFA (xmmc required), 名称 matches
// nothing, so the import refuses every feature; mapped to xmmc by the
// select, the features go in with their names, and 编号 set to "not
// imported" stays out.
func TestMappingReachesImport(t *testing.T) {
	p, h := open(t, gbkShapefile(t, 5, true))
	choose(t, p, "GL_XZFA")
	if sel := p.maps["名称"]; sel == nil || sel.Selected != i18n.T("import.no_field") {
		t.Fatalf("名称 pre-mapped to %v", sel)
	}
	p.maps["名称"].SetSelected(optionFor(t, p.maps["名称"], "xmmc"))
	p.maps["编号"].SetSelected(optionFor(t, p.maps["编号"], "bz"))
	p.start()
	if h.err != nil || len(h.reps) != 1 {
		t.Fatalf("import: %v", h.err)
	}
	rep := h.reps[0]
	if rep.Imported != 5 || len(rep.Refused) != 0 || !rep.Journal {
		t.Fatalf("imported %d, refused %v, journaled %v", rep.Imported, rep.Refused, rep.Journal)
	}
	got := map[string]string{}
	err := h.bp.Query(context.Background(), layers.Query{Layers: []string{"GL_XZFA"}, NoGeom: true}, func(f *layers.Feature) error {
		got[f.Attrs["xmmc"].(string)] = strings.TrimSpace(anyText(f.Attrs["bz"]))
		return nil
	})
	if err != nil || len(got) != 5 || got["沈阳市"] != "1" {
		t.Errorf("GL_XZFA xmmc -> bz = %v (%v), want 5 names, 沈阳市 -> 1", got, err)
	}
	if b := h.bounds[0]; b.Min[0] < 499999 || b.Max[0] > 500200 {
		t.Errorf("imported bound %v", b)
	}

	p.maps["编号"].SetSelected(i18n.T("import.no_field"))
	p.maps["名称"].SetSelected(i18n.T("import.no_field"))
	p.start()
	if rep := h.reps[len(h.reps)-1]; rep.Imported != 0 || len(rep.Refused) != 5 || !strings.Contains(rep.Refused[0].Reason, "xmmc") {
		t.Errorf("unmapped: imported %d, refused %v; want all refused for the empty xmmc", rep.Imported, rep.Refused)
	}
}

// TestNoCRSNeedsEPSG: a Shapefile without .prj cannot be imported until an
// EPSG code is entered; a code that is no CRS keeps Import disabled.
func TestNoCRSNeedsEPSG(t *testing.T) {
	p, h := open(t, gbkShapefile(t, 3, false))
	if !p.run.Disabled() || !p.epsg.Visible() {
		t.Fatalf("without a CRS: import enabled %v, EPSG entry shown %v", !p.run.Disabled(), p.epsg.Visible())
	}
	for _, bad := range []string{"abc", "999999"} {
		p.epsg.SetText(bad)
		if !p.run.Disabled() || p.crsErr.Text == "" {
			t.Errorf("EPSG %q: import enabled %v, error %q", bad, !p.run.Disabled(), p.crsErr.Text)
		}
	}
	p.epsg.SetText("EPSG:4550")
	if p.run.Disabled() {
		t.Fatalf("EPSG:4550 entered: import still disabled (%s)", p.crsErr.Text)
	}
	p.start()
	if h.err != nil || len(h.reps) != 1 || h.reps[0].Imported != 3 || !h.reps[0].Created {
		t.Fatalf("import as a new layer: %v %+v", h.err, h.reps)
	}
}

// TestCancelWritesNothing: cancelled half way, an import into an
// editable layer leaves the journal and the layer as they were.
func TestCancelWritesNothing(t *testing.T) {
	p, h := open(t, gbkShapefile(t, 1200, true))
	choose(t, p, "GL_XZFA")
	p.maps["名称"].SetSelected(optionFor(t, p.maps["名称"], "xmmc"))
	before := journal(t, h.bp)
	h.cancelAt = 0.3
	p.start()
	if !errors.Is(h.err, context.Canceled) || len(h.reps) != 0 {
		t.Fatalf("cancelled import: err %v, reports %d", h.err, len(h.reps))
	}
	if n := journal(t, h.bp); n != before {
		t.Errorf("journal %d rows after a cancelled import, %d before", n, before)
	}
	if n := h.bp.Layer("GL_XZFA").Count(); n != 0 {
		t.Errorf("GL_XZFA has %d features after a cancelled import", n)
	}
}

// TestGoldenPreview is the preview dialog's markup in Chinese.
func TestGoldenPreview(t *testing.T) {
	p, h := open(t, gbkShapefile(t, 8, true))
	p.show()
	assertGolden(t, "preview_zh.xml", h.win.Canvas())
}

func assertGolden(t *testing.T, name string, c fyne.Canvas) {
	t.Helper()
	if *update {
		path := filepath.Join("testdata", name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(test.RenderToMarkup(c)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	test.AssertRendersToMarkup(t, name, c)
}
