package layerstyle_test

import (
	"database/sql"
	"errors"
	"image/color"
	"os"
	"path/filepath"
	"testing"

	"lantu/layers"
	"lantu/layers/catalog"
	"lantu/layers/gpkg"
	"lantu/layers/layerstyle"
)

// copyFixture copies a testdata GeoPackage to a temporary file and runs
// stmts on the copy.
func copyFixture(t *testing.T, name string, stmts ...string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open(gpkg.DriverName, "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	return path
}

func open(t *testing.T, path string) *layers.Blueprint {
	t.Helper()
	bp, err := layers.Open(path, layers.OpenOptions{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { bp.Close() })
	return bp
}

func styleProblems(bp *layers.Blueprint) []layers.Problem {
	var out []layers.Problem
	for _, p := range bp.Problems() {
		if p.Kind == layers.StyleUnused {
			out = append(out, p)
		}
	}
	return out
}

// TestOpenUsesLayerStyles: an imported table with a default style gets it
// (classes, class field, labels), with no problem listed.
func TestOpenUsesLayerStyles(t *testing.T) {
	bp := open(t, filepath.Join("testdata", "categorized.gpkg"))
	l := bp.Layer("parcels")
	if l == nil || !l.Imported {
		t.Fatalf("parcels: %+v", l)
	}
	if d := l.Def; d.ClassField != "landuse" || len(d.Style.Classes) != 3 || d.Group[0] != catalog.ImportedGroup {
		t.Errorf("parcels def: class field %q, %d classes, group %v", d.ClassField, len(d.Style.Classes), d.Group)
	}
	if ps := styleProblems(bp); len(ps) != 0 {
		t.Errorf("problems %v", ps)
	}
	bp = open(t, filepath.Join("testdata", "single.gpkg"))
	if d := bp.Layer("parcels").Def; d.LabelField != "name" || d.Style.Fill != rgba(255, 204, 0, 204) {
		t.Errorf("single parcels: label field %q fill %v", d.LabelField, d.Style.Fill)
	}
}

// TestDefaultStyleChoice: the useAsDefault row wins over a newer one; with
// none marked default the newest wins.
func TestDefaultStyleChoice(t *testing.T) {
	newer := `INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, f_geometry_column, styleName,
		styleQML, useAsDefault, update_time) SELECT '', '', 'parcels', 'geom', 'newer', replace(styleQML, 'categorizedSymbol', 'singleSymbol'),
		0, '2030-01-01T00:00:00.000Z' FROM layer_styles WHERE f_table_name = 'parcels'`
	path := copyFixture(t, "categorized.gpkg", newer)
	if d := open(t, path).Layer("parcels").Def; len(d.Style.Classes) != 3 {
		t.Errorf("with a default and a newer style: %d classes, want the default's 3", len(d.Style.Classes))
	}
	path = copyFixture(t, "categorized.gpkg", newer, `UPDATE layer_styles SET useAsDefault = 0`)
	d := open(t, path).Layer("parcels").Def
	if len(d.Style.Classes) != 0 || d.Style.Fill != (catalog.Style{Fill: rgba(230, 0, 0, 255)}).Fill {
		t.Errorf("with no default: %d classes fill %v, want the newest (single symbol 230,0,0)", len(d.Style.Classes), d.Style.Fill)
	}
}

// TestBadStyleIsAProblem: a malformed style, an unreadable layer_styles
// and a class field the table lacks are listed problems, and the layers
// keep the generic style; the other styles are still used.
func TestBadStyleIsAProblem(t *testing.T) {
	generic := catalog.DefaultLayer("parcels", "POLYGON").Style
	cases := []struct {
		name, stmt, table string
		want              error
		roadsStyled       bool
	}{
		{"malformed QML", `UPDATE layer_styles SET styleQML = '<qgis><renderer-v2 type="singleSymbol">' WHERE f_table_name = 'parcels'`, "parcels", layerstyle.ErrMalformed, true},
		{"missing class column", `UPDATE layer_styles SET styleQML = replace(styleQML, 'attr="landuse"', 'attr="nosuch"') WHERE f_table_name = 'parcels'`, "parcels", layerstyle.ErrUnsupported, true},
		{"unreadable layer_styles", `ALTER TABLE layer_styles RENAME COLUMN f_table_name TO table_name`, "layer_styles", nil, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			bp := open(t, copyFixture(t, "categorized.gpkg", c.stmt))
			ps := styleProblems(bp)
			if len(ps) != 1 || ps[0].Table != c.table || c.want != nil && !errors.Is(ps[0].Err, c.want) {
				t.Fatalf("problems %v, want one for %s wrapping %v", ps, c.table, c.want)
			}
			if d := bp.Layer("parcels").Def; d.Style.Fill != generic.Fill || d.Style.Classes != nil || d.ClassField != "" {
				t.Errorf("parcels style %+v, want the generic one", d.Style)
			}
			if got := len(bp.Layer("roads").Def.Style.Classes) == 2; got != c.roadsStyled {
				t.Errorf("roads styled %v, want %v", got, c.roadsStyled)
			}
			t.Log(ps[0])
		})
	}
}

func rgba(r, g, b, a uint8) color.NRGBA { return color.NRGBA{r, g, b, a} }
