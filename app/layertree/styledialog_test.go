package layertree

import (
	"context"
	"database/sql"
	"image/color"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"lantu/app/i18n"
	"lantu/app/internal/uitest"
	"lantu/layers"
	"lantu/layers/catalog"
	"lantu/layers/qgis"
)

// TestStyleDialogWritesTheStyle: the Style dialog opened from the menu of
// XZ_SM, with a new fill and width and OK, writes the style through
// qgis.WriteLayerStyle (the blueprint draws it and the default QML has the
// colour), the tree shows the new fill and OnRestyled is called; Reset
// brings the catalog fill back.
func TestStyleDialogWritesTheStyle(t *testing.T) {
	uitest.NewApp(t)
	i18n.Set(i18n.En)
	defer i18n.Set(i18n.Zh)
	bp, err := layers.Create(filepath.Join(t.TempDir(), "bp.gpkg"), layers.CreateOptions{User: "tester"})
	if err != nil {
		t.Fatal(err)
	}
	defer bp.Close()
	var entries []Entry
	for _, l := range bp.Layers() {
		entries = append(entries, Entry{Code: l.Code, Def: l.Def})
	}
	p := New(bp.Catalog(), entries, nil)
	restyled := make(chan string, 2)
	p.OnStyle = func(code string, s *catalog.Style) (*catalog.Layer, error) {
		err := qgis.ResetLayerStyle(context.Background(), bp, code)
		if s != nil {
			err = qgis.WriteLayerStyle(context.Background(), bp, code, *s)
		}
		return bp.Layer(code).CurrentDef(), err
	}
	p.OnRestyled = func(code string) { restyled <- code }
	w := test.NewWindow(p.Content())
	defer w.Close()
	w.Resize(fyne.NewSize(1000, 800))
	item := menuItem(t, p.Menu("XZ_SM"), "Style…")
	if item.Disabled {
		t.Fatal("Style… is disabled with OnStyle set")
	}
	item.Action()
	f := p.lastStyle
	if f == nil || f.code != "XZ_SM" {
		t.Fatal("the Style dialog did not open for XZ_SM")
	}
	pink := color.NRGBA{0xc8, 0x10, 0x7a, 0xff}
	f.setFill(pink)
	f.width.SetText("3")
	test.Tap(button(t, w.Canvas().Overlays().Top(), "OK"))
	waitRestyled(t, restyled)
	if d := bp.Layer("XZ_SM").CurrentDef(); d.Style.Fill != pink || d.Style.Width != 3 {
		t.Errorf("the blueprint draws XZ_SM with fill %v width %v, want %v 3", d.Style.Fill, d.Style.Width, pink)
	}
	if p.entries["XZ_SM"].Def.Style.Fill != pink {
		t.Error("the tree does not show the new fill")
	}
	var qml string
	if err := bp.Read(context.Background(), func(tx *sql.Tx) error {
		return tx.QueryRow(`SELECT styleQML FROM layer_styles WHERE f_table_name = 'xz_sm' AND useAsDefault`).Scan(&qml)
	}); err != nil || !strings.Contains(qml, `v="200,16,122,`) {
		t.Errorf("layer_styles' QML of xz_sm lacks the new fill (%v)", err)
	}
	item.Action()
	test.Tap(button(t, w.Canvas().Overlays().Top(), "Reset to catalog style"))
	waitRestyled(t, restyled)
	if got, want := bp.Layer("XZ_SM").CurrentDef().Style.Fill, bp.Catalog().Layer("XZ_SM").Style.Fill; got != want || p.entries["XZ_SM"].Def.Style.Fill != want {
		t.Errorf("after Reset XZ_SM is drawn in %v, want the catalog's %v", got, want)
	}
}

func waitRestyled(t *testing.T, ch chan string) {
	t.Helper()
	select {
	case code := <-ch:
		if code != "XZ_SM" {
			t.Fatalf("OnRestyled(%q), want XZ_SM", code)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("OnRestyled not called within 10 s")
	}
}

// button finds the button labelled text under o.
func button(t *testing.T, o fyne.CanvasObject, text string) *widget.Button {
	t.Helper()
	var found *widget.Button
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok && b.Text == text {
			found = b
		}
		if c, ok := o.(*fyne.Container); ok {
			for _, k := range c.Objects {
				walk(k)
			}
		} else if w, ok := o.(fyne.Widget); ok {
			for _, k := range test.TempWidgetRenderer(t, w).Objects() {
				walk(k)
			}
		}
	}
	if o != nil {
		walk(o)
	}
	if found == nil {
		t.Fatalf("no button %q in the dialog", text)
	}
	return found
}
