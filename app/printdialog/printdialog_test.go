package printdialog

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkt"

	"lantu/app/i18n"
	"lantu/app/internal/uitest"
	"lantu/layers"
	"lantu/layers/layout"
	"lantu/layers/outfile"
	"lantu/layers/render"
)

// fakeHost runs RunLong on the calling goroutine.
type fakeHost struct {
	win  fyne.Window
	bp   *layers.Blueprint
	view View
	err  error
	msgs []string
}

func (h *fakeHost) Window() fyne.Window                { return h.win }
func (h *fakeHost) Blueprint() *layers.Blueprint       { return h.bp }
func (h *fakeHost) PrintView() View                    { return h.view }
func (h *fakeHost) PrintAuthor() string                { return "李工" }
func (h *fakeHost) PrintRenderOptions() render.Options { return render.Options{} }
func (h *fakeHost) SetMessage(s string)                { h.msgs = append(h.msgs, s) }
func (h *fakeHost) RunLong(_ string, fn func(context.Context, func(string, float64)) error, done func()) {
	h.err = fn(context.Background(), func(string, float64) {})
	if h.err == nil {
		done()
	}
}

// newHost is a host over a blueprint of one 5 km square district at
// (500000, 4600000) in EPSG:4550, its window 1024 x 700.
func newHost(t *testing.T) *fakeHost {
	t.Helper()
	a := uitest.NewApp(t)
	path := filepath.Join(t.TempDir(), "和平规划.gpkg")
	bp, err := layers.Create(path, layers.CreateOptions{User: "tester"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { bp.Close() })
	w, err := bp.Bulk(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	g, _ := wkt.Unmarshal("POLYGON((500000 4600000,505000 4600000,505000 4605000,500000 4605000,500000 4600000))")
	if err := w.Insert("XZ_QXXZQ", g, map[string]any{"xzqdm": "210102", "xzqmc": "和平区"}); err != nil {
		t.Fatal(err)
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	win := a.NewWindow("test")
	win.Resize(fyne.NewSize(1024, 700))
	return &fakeHost{win: win, bp: bp, view: View{Center: orb.Point{502500, 4602500}, Scale: 43210, Layers: []string{"XZ_QXXZQ"}}}
}

func openDialog(t *testing.T, h *fakeHost, ui *uitest.UI) *printDialog {
	t.Helper()
	var d *printDialog
	ui.Do(func() {
		var err error
		if d, err = newDialog(h, ui.Do); err != nil {
			t.Fatal(err)
		}
	})
	return d
}

// TestDialogPrefilledFromTheView: the title is the blueprint's name, the
// author the user name, the scale the round one nearest the map's, the
// centre the map's, A3 landscape at 300 dpi; the preview arrives with the
// sheet's proportions.
func TestDialogPrefilledFromTheView(t *testing.T) {
	i18n.Set(i18n.Zh)
	h := newHost(t)
	var ui uitest.UI
	d := openDialog(t, h, &ui)
	ui.Do(func() {
		for name, c := range map[string][2]string{
			"title": {d.title.Text, "和平规划"}, "author": {d.author.Text, "李工"}, "scale": {d.scale.Text, "1:50,000"},
			"centre": {d.center.Text, "502500.0, 4602500.0"}, "paper": {d.paper.Selected, "A3"},
			"orientation": {d.orient.Selected, "横向"}, "dpi": {d.dpi.Selected, "300"},
		} {
			if c[0] != c[1] {
				t.Errorf("%s = %q, want %q", name, c[0], c[1])
			}
		}
		d.show()
	})
	ui.Eventually(t, "the preview", func() bool { return d.preview.Image.Bounds().Dx() > 1 })
	ui.Do(func() {
		b := d.preview.Image.Bounds()
		if r := float64(b.Dx()) / float64(b.Dy()); r < 1.40 || r > 1.43 {
			t.Errorf("preview %v: want A3 landscape's 420:297", b)
		}
		if d.status.Text != "" {
			t.Errorf("status %q after the preview", d.status.Text)
		}
		d.close()
	})
}

// TestDialogRefusesBadFields: a bad scale or centre is named in the
// status line and nothing is composed.
func TestDialogRefusesBadFields(t *testing.T) {
	i18n.Set(i18n.En)
	defer i18n.Set(i18n.Zh)
	h := newHost(t)
	var ui uitest.UI
	d := openDialog(t, h, &ui)
	for _, c := range []struct {
		set  func()
		want string
	}{
		{func() { d.scale.SetText("1:0") }, `Scale "1:0"`},
		{func() { d.scale.SetText("1:abc") }, `Scale "1:abc"`},
		{func() { d.scale.SetText("25000"); d.center.SetText("502500") }, `Centre "502500"`},
		{func() { d.center.SetText("1, 2"); d.date.SetText("15.3.2026") }, `Date "15.3.2026"`},
	} {
		ui.Do(func() {
			c.set()
			d.saveAs(".pdf")
			if !strings.Contains(d.status.Text, c.want) {
				t.Errorf("status %q, want it to name %s", d.status.Text, c.want)
			}
		})
	}
	ui.Do(func() {
		d.date.SetText("2026-03-15")
		spec, err := d.readSpec()
		if err != nil {
			t.Fatal(err)
		}
		if spec.Scale != 25000 || spec.Center != (orb.Point{1, 2}) {
			t.Errorf("spec %v at 1:%v", spec.Center, spec.Scale)
		}
		d.stopPreview()
	})
}

// TestExportWritesTheSheetNeverTheBlueprint: Export writes a PDF and a
// PNG through outfile; the blueprint as the target is refused and left as
// it was; a centre away from the data is refused by name.
func TestExportWritesTheSheetNeverTheBlueprint(t *testing.T) {
	h := newHost(t)
	var ui uitest.UI
	d := openDialog(t, h, &ui)
	spec := d.base
	spec.DPI = 50
	dir := t.TempDir()
	for _, name := range []string{"map.pdf", "map.png"} {
		path := filepath.Join(dir, name)
		d.Export(path, spec)
		if h.err != nil {
			t.Fatalf("%s: %v", name, h.err)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		magic := map[string][]byte{"map.pdf": []byte("%PDF-"), "map.png": []byte("\x89PNG")}[name]
		if !bytes.HasPrefix(b, magic) {
			t.Errorf("%s starts %q", name, b[:8])
		}
	}
	if len(h.msgs) != 2 || !strings.Contains(h.msgs[1], "map.png") {
		t.Errorf("messages %q", h.msgs)
	}
	before, _ := os.ReadFile(h.bp.Path())
	d.Export(h.bp.Path(), spec)
	if !errors.Is(h.err, outfile.ErrInput) {
		t.Errorf("export onto the blueprint: %v, want outfile.ErrInput", h.err)
	}
	if after, _ := os.ReadFile(h.bp.Path()); !bytes.Equal(before, after) {
		t.Error("the blueprint changed")
	}
	spec.Center = orb.Point{900000, 4600000}
	d.Export(filepath.Join(dir, "away.pdf"), spec)
	if !errors.Is(h.err, layout.ErrOutside) {
		t.Errorf("export away from the data: %v, want layout.ErrOutside", h.err)
	}
	if _, err := os.Stat(filepath.Join(dir, "away.pdf")); !os.IsNotExist(err) {
		t.Errorf("a refused export left a file: %v", err)
	}
}

func TestNoBlueprint(t *testing.T) {
	h := newHost(t)
	h.bp = nil
	if _, err := newDialog(h, fyne.Do); err == nil || !strings.Contains(err.Error(), i18n.T("print.no_blueprint")) {
		t.Errorf("no blueprint: %v", err)
	}
}

func TestParseScale(t *testing.T) {
	for in, want := range map[string]float64{"50000": 50000, "1:50,000": 50000, "1：25000": 25000, " 1 : 2,000 ": 2000} {
		if got, err := parseScale(in); err != nil || got != want {
			t.Errorf("parseScale(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	if got := fileName(`a/b:c`, ".pdf"); got != "a_b_c.pdf" {
		t.Errorf("fileName = %q", got)
	}
}
