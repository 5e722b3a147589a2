package catalog

import (
	"errors"
	"image/color"
	"strings"
	"testing"
	"testing/fstest"
)

func TestDefaultCatalog(t *testing.T) {
	c, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Layers) != 189 {
		t.Fatalf("catalog has %d layers, want 189", len(c.Layers))
	}
	var rootNames []string
	for _, g := range c.Groups {
		rootNames = append(rootNames, g.Name)
	}
	if got := strings.Join(rootNames, ","); got != "现状,规划,管理,指标" {
		t.Errorf("roots %s", got)
	}
	perRoot := map[string]int{}
	for i, l := range c.Layers {
		perRoot[l.Group[0]]++
		if l.Order != i {
			t.Errorf("%s: order %d at position %d", l.Code, l.Order, i)
		}
		if c.Layer(l.Code) != l || c.Layer(l.Table) != l {
			t.Errorf("%s: lookup by code or table fails", l.Code)
		}
	}
	for root, n := range map[string]int{"现状": 50, "规划": 70, "管理": 40, "指标": 4} {
		if perRoot[root] < n {
			t.Errorf("root %s has %d layers, want at least %d", root, perRoot[root], n)
		}
	}
	// The layers conflict rules and the demo rely on.
	for _, code := range []string{"GH_STBHHX", "GH_YJJBNT", "GH_CZKFBJ", "GH_LX", "GH_LANX", "GH_ZX", "GH_HX",
		"XZ_DLTB", "GH_CGYD", "GH_TGYTFQ", "GH_JSYDGZQ", "GH_KGDK", "GH_GHYDYH", "GL_NZY", "GL_YDGHXK", "XZ_DZZHYFQ", "GL_XZFA", "XZ_QXXZQ", "XZ_DEM"} {
		if c.Layer(code) == nil {
			t.Errorf("layer %s missing", code)
		}
	}
	if l := c.Layer("XZ_DLTB"); c.Palette(l) == nil || l.ClassField != "dlbm" {
		t.Errorf("XZ_DLTB palette/class field: %+v", l)
	}
	if !c.Layer("GL_XZFA").Editable || c.Layer("GH_STBHHX").Editable {
		t.Errorf("editable flags wrong")
	}
	// The attribute form refuses a proposal without a name, a note without text.
	for _, want := range []struct{ layer, field string }{{"GL_XZFA", "xmmc"}, {"GL_PZD", "nr"}} {
		l := c.Layer(want.layer)
		if l == nil || len(l.Fields) == 0 || l.Fields[0].Name != want.field || !l.Fields[0].Required || l.Fields[1].Required {
			t.Errorf("%s: field %s should be the one required: %+v", want.layer, want.field, l)
		}
	}
}

func TestPaletteLookup(t *testing.T) {
	c, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	p := c.Palettes["ydyh"]
	for _, tc := range []struct {
		code         string
		want         color.NRGBA
		construction bool
		ok           bool
	}{
		{"01", color.NRGBA{245, 248, 220, 255}, false, true},
		{"0103", color.NRGBA{245, 248, 220, 255}, false, true},
		{"03", color.NRGBA{104, 177, 103, 255}, false, true},
		{"0701", color.NRGBA{255, 255, 45, 255}, true, true},
		{"070199", color.NRGBA{255, 255, 45, 255}, true, true}, // falls back to 0701
		{"99", color.NRGBA{}, false, false},
		{"", color.NRGBA{}, false, false},
	} {
		got, ok := p.Color(tc.code)
		if got != tc.want || ok != tc.ok || p.Construction(tc.code) != tc.construction {
			t.Errorf("Color(%q) = %v %v construction %v", tc.code, got, ok, p.Construction(tc.code))
		}
	}
}

const goodLayer = `
[[layer]]
code = "GH_T"
table = "gh_t"
name_zh = "测试"
name_en = "Test"
group = ["规划", "测试组"]
geometry = "polygon"
role = "plan"
source = "exchange"
class_field = "dm"
fields = [{ name = "dm", type = "text", name_zh = "代码", name_en = "Code" }]
[layer.style]
fill = "#112233"
palette = "p"
`

const goodPalette = `
[[palette]]
name = "p"
  [[palette.class]]
  code = "01"
  color = "#F5F8DC"
`

func TestValidation(t *testing.T) {
	for _, tc := range []struct {
		name, files, want string
	}{
		{"ok", goodPalette + goodLayer, ""},
		{"duplicate code", goodPalette + goodLayer + strings.Replace(goodLayer, `table = "gh_t"`, `table = "gh_u"`, 1), "duplicate code"},
		{"duplicate table", goodPalette + goodLayer + strings.Replace(goodLayer, `code = "GH_T"`, `code = "GH_U"`, 1), "used twice"},
		{"unknown palette", goodLayer, `unknown palette "p"`},
		{"bad colour", goodPalette + strings.Replace(goodLayer, "#112233", "#11223", 1), "bad colour"},
		{"bad palette colour", strings.Replace(goodPalette, "#F5F8DC", "green", 1) + goodLayer, "bad colour"},
		{"bad geometry", goodPalette + strings.Replace(goodLayer, `"polygon"`, `"blob"`, 1), "unknown geometry"},
		{"bad root", goodPalette + strings.Replace(goodLayer, `"规划", "测试组"`, `"其他", "测试组"`, 1), "must start with"},
		{"class field missing", goodPalette + strings.Replace(goodLayer, `class_field = "dm"`, `class_field = "xx"`, 1), "not among its fields"},
		{"inverted scales", goodPalette + strings.Replace(goodLayer, `source = "exchange"`, "source = \"exchange\"\nmin_scale = 1000\nmax_scale = 5000", 1), "inverted"},
		{"reserved field", goodPalette + strings.Replace(goodLayer, `name = "dm"`, `name = "uid"`, 1), "reserved"},
		{"unknown key", goodPalette + strings.Replace(goodLayer, `role = "plan"`, "role = \"plan\"\ncolour = 1", 1), "unknown key"},
		{"toml syntax", goodLayer + "[[", "test.toml"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse(fstest.MapFS{"test.toml": {Data: []byte(tc.files)}})
			if tc.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) || !errors.Is(err, ErrInvalid) {
				t.Errorf("got %v, want an ErrInvalid mentioning %q", err, tc.want)
			}
			if err != nil && !strings.Contains(err.Error(), "test.toml") {
				t.Errorf("error does not name the file: %v", err)
			}
		})
	}
}

func TestDefaultLayer(t *testing.T) {
	for _, tc := range []struct{ gt, want string }{{"MULTIPOLYGON", "polygon"}, {"LINESTRING", "line"}, {"POINT", "point"}, {"GEOMETRY", "polygon"}} {
		l := DefaultLayer("0", tc.gt)
		if l.Geometry != tc.want || l.Group[0] != ImportedGroup || l.Table != "0" {
			t.Errorf("%s: %+v", tc.gt, l)
		}
	}
}
