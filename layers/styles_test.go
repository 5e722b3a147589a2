package layers

import (
	"context"
	"database/sql"
	"errors"
	"image/color"
	"os"
	"path/filepath"
	"testing"

	"lantu/layers/catalog"
	"lantu/layers/peer/peertest"
)

// TestWriteStyleReopen: a style written through WriteStyle is the layer's
// CurrentDef at once and its Def after a reopen; the shared catalog is
// untouched, the palette of a palette layer stays, lantu_styles is an
// attributes table GDAL's validator accepts, and a reset (nil style)
// brings the catalog style back.
func TestWriteStyleReopen(t *testing.T) {
	ctx := context.Background()
	bp, path := newTestBlueprint(t)
	code := paletteLayer(t, bp.Catalog())
	catStyle := bp.Catalog().Layer(code).Style
	edit := catStyle
	edit.Fill, edit.Stroke, edit.Width, edit.Opacity, edit.Palette = color.NRGBA{0x12, 0x34, 0x56, 0xff}, color.NRGBA{1, 2, 3, 0xff}, 2.5, 0.7, ""
	called := false
	if err := bp.WriteStyle(ctx, code, &edit, func(*sql.Tx) error { called = true; return nil }); err != nil || !called {
		t.Fatalf("WriteStyle: %v (fn called %v)", err, called)
	}
	checkEdited(t, "after the write", bp.Layer(code).CurrentDef(), edit, catStyle.Palette)
	if got := bp.Catalog().Layer(code).Style.Fill; got != catStyle.Fill {
		t.Fatalf("the catalog's fill changed to %v", got)
	}
	bp.Close()
	peertest.ValidateGPKG(t, path)
	re, err := Open(path, OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer re.Close()
	checkEdited(t, "after a reopen", re.Layer(code).Def, edit, catStyle.Palette)
	if re.Layer(code).Def == re.Catalog().Layer(code) {
		t.Error("the reopened layer's Def is the shared catalog definition")
	}
	if err := re.WriteStyle(ctx, code, nil, func(*sql.Tx) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if d := re.Layer(code).CurrentDef(); d.Style.Fill != catStyle.Fill || d.Style.Width != catStyle.Width {
		t.Errorf("after the reset: fill %v width %v, want the catalog's %v %v", d.Style.Fill, d.Style.Width, catStyle.Fill, catStyle.Width)
	}
}

func checkEdited(t *testing.T, when string, d *catalog.Layer, edit catalog.Style, palette string) {
	t.Helper()
	s := d.Style
	if s.Fill != edit.Fill || s.Stroke != edit.Stroke || s.Width != edit.Width || s.Opacity != edit.Opacity {
		t.Errorf("%s: style %+v, want fill %v stroke %v width %v opacity %v", when, s, edit.Fill, edit.Stroke, edit.Width, edit.Opacity)
	}
	if s.Palette != palette {
		t.Errorf("%s: palette %q, want the catalog's %q", when, s.Palette, palette)
	}
}

func paletteLayer(t *testing.T, cat *catalog.Catalog) string {
	t.Helper()
	for _, l := range cat.Layers {
		if l.Style.Palette != "" && l.Geometry == "polygon" {
			return l.Code
		}
	}
	t.Fatal("the catalog has no palette polygon layer")
	return ""
}

// TestWriteStyleRollsBack: when fn fails nothing is recorded, and the
// layer is still drawn in its old style.
func TestWriteStyleRollsBack(t *testing.T) {
	ctx := context.Background()
	bp, path := newTestBlueprint(t)
	code := paletteLayer(t, bp.Catalog())
	edit := bp.Catalog().Layer(code).Style
	edit.Fill = color.NRGBA{9, 9, 9, 255}
	boom := errors.New("boom")
	if err := bp.WriteStyle(ctx, code, &edit, func(*sql.Tx) error { return boom }); !errors.Is(err, boom) {
		t.Fatalf("WriteStyle: %v, want fn's error", err)
	}
	if bp.Layer(code).CurrentDef().Style.Fill == edit.Fill {
		t.Error("a rolled-back style is drawn")
	}
	if err := bp.WriteStyle(ctx, "NO_SUCH", &edit, func(*sql.Tx) error { return nil }); !errors.Is(err, ErrStyle) {
		t.Errorf("WriteStyle of an unknown layer: %v, want ErrStyle", err)
	}
	bp.Close()
	re, err := Open(path, OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer re.Close()
	if re.Layer(code).Def.Style.Fill == edit.Fill {
		t.Error("a rolled-back style is stored")
	}
}

// TestBadStoredStyle: an unreadable lantu_styles row is a StyleUnused
// problem naming the table and code, and the layer opens in its catalog
// style.
func TestBadStoredStyle(t *testing.T) {
	ctx := context.Background()
	bp, path := newTestBlueprint(t)
	code := paletteLayer(t, bp.Catalog())
	edit := bp.Catalog().Layer(code).Style
	if err := bp.WriteStyle(ctx, code, &edit, func(tx *sql.Tx) error {
		_, err := tx.Exec(`UPDATE lantu_styles SET style = '{"fill":"red"}' WHERE code = ?`, code)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	bp.Close()
	re, err := Open(path, OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer re.Close()
	var found bool
	for _, p := range re.Problems() {
		if p.Kind == StyleUnused && p.Table == re.Layer(code).Table && errors.Is(p.Err, ErrStyle) {
			found = true
			t.Log(p)
		}
	}
	if !found {
		t.Errorf("no StyleUnused problem for %s: %v", code, re.Problems())
	}
	if re.Layer(code).Def != re.Catalog().Layer(code) {
		t.Error("a layer with an unreadable stored style is not in its catalog style")
	}
}

// FuzzDecodeStyle: DecodeStyle never panics, and what it accepts encodes
// and decodes to itself.
func FuzzDecodeStyle(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join("testdata", "styles", "*.json"))
	for _, s := range seeds {
		b, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b))
	}
	f.Fuzz(func(t *testing.T, text string) {
		s, err := DecodeStyle(catalog.Style{Palette: "p"}, text)
		if err != nil {
			if !errors.Is(err, ErrStyle) {
				t.Fatalf("error %v does not wrap ErrStyle", err)
			}
			return
		}
		again, err := DecodeStyle(catalog.Style{Palette: "p"}, EncodeStyle(s))
		if err != nil || EncodeStyle(again) != EncodeStyle(s) || again.Palette != "p" {
			t.Fatalf("round trip of %q: %v", text, err)
		}
	})
}
