package editor

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"lantu/app/i18n"
	"lantu/layers/catalog"
	"lantu/layers/crs"
)

var formFields = []catalog.Field{
	{Name: "xmmc", Type: "text", NameZh: "项目名称", NameEn: "Project name", Required: true},
	{Name: "cs", Type: "integer", NameZh: "层数", NameEn: "Storeys"},
	{Name: "mj", Type: "real", NameZh: "面积", NameEn: "Area"},
	{Name: "pfsj", Type: "date", NameZh: "批复时间", NameEn: "Approved on"},
}

func TestParseAttrs(t *testing.T) {
	i18n.Set(i18n.En)
	defer i18n.Set(i18n.Zh)
	got, err := ParseAttrs(formFields, map[string]string{"xmmc": " 供热站 ", "cs": "12", "mj": "3600.5", "pfsj": "2026-11-30"})
	if err != nil {
		t.Fatal(err)
	}
	if got["xmmc"] != "供热站" || got["cs"] != int64(12) || got["mj"] != 3600.5 || got["pfsj"] != "2026-11-30" {
		t.Errorf("values %#v", got)
	}
	got, err = ParseAttrs(formFields, map[string]string{"xmmc": "x"})
	if err != nil || got["cs"] != nil || got["pfsj"] != nil {
		t.Errorf("empty optional fields: %#v %v", got, err)
	}
	for _, c := range []struct {
		raw  map[string]string
		want []string
	}{
		{map[string]string{}, []string{"Project name: is required"}},
		{map[string]string{"xmmc": "a", "cs": "1.5"}, []string{"Storeys: must be an integer", `"1.5"`}},
		{map[string]string{"xmmc": "a", "mj": "12a"}, []string{"Area: must be a number", `"12a"`}},
		{map[string]string{"xmmc": "a", "pfsj": "2026-13-01"}, []string{"Approved on: must be a date"}},
		{map[string]string{"cs": "x", "pfsj": "昨天"}, []string{"Project name", "Storeys", "Approved on"}},
		{map[string]string{"xmmc": "a", "uid": "x"}, []string{`"uid"`}},
	} {
		_, err := ParseAttrs(formFields, c.raw)
		if !errors.Is(err, ErrAttribute) {
			t.Errorf("%v: error %v does not wrap ErrAttribute", c.raw, err)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%v: %q lacks %q", c.raw, err, w)
			}
		}
	}
	i18n.Set(i18n.Zh)
	if _, err := ParseAttrs(formFields, map[string]string{"cs": "x"}); !strings.Contains(err.Error(), "项目名称") || !strings.Contains(err.Error(), "层数: 应为整数") {
		t.Errorf("zh: %v", err)
	}
}

func TestParseCoord(t *testing.T) {
	tr, err := crs.NewTransformer(crs.CGCS2000, crs.CGCS2000GK)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		in   string
		want orb.Point
	}{
		{"500010.5,4600020.25", orb.Point{500010.5, 4600020.25}},
		{"500010.5 4600020.25", orb.Point{500010.5, 4600020.25}},
		{"500010.5，4600020.25", orb.Point{500010.5, 4600020.25}},
	} {
		p, err := ParseCoord(c.in, tr)
		if err != nil || p != c.want {
			t.Errorf("%q = %v, %v", c.in, p, err)
		}
	}
	// on the central meridian 123°E the false easting is exact
	p, err := ParseCoord("123, 41.5°", tr)
	if err != nil || math.Abs(p[0]-500000) > 1e-6 {
		t.Errorf("lon/lat = %v, %v", p, err)
	}
	back, _ := tr.Inverse(p)
	if math.Abs(back[1]-41.5) > 1e-9 {
		t.Errorf("round trip %v", back)
	}
	for _, bad := range []string{"", "1", "1,2,3", "a,b", "NaN,1", "Inf,5"} {
		if _, err := ParseCoord(bad, tr); !errors.Is(err, ErrGeometry) {
			t.Errorf("%q: %v", bad, err)
		}
	}
	if _, err := ParseCoord("123,41", nil); !errors.Is(err, ErrGeometry) {
		t.Errorf("lon/lat without a transformer: %v", err)
	}
}

// FuzzParseCoord checks that any text gives a finite point or ErrGeometry.
func FuzzParseCoord(f *testing.F) {
	for _, s := range []string{"500010.5,4600020.25", "123,41.5", "1e309,1", "，", "-0,-0", "123.0°;41.0°"} {
		f.Add(s)
	}
	tr, err := crs.NewTransformer(crs.CGCS2000, crs.CGCS2000GK)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParseCoord(s, tr)
		if err != nil {
			if !errors.Is(err, ErrGeometry) {
				t.Fatalf("%q: %v", s, err)
			}
			return
		}
		if math.IsNaN(p[0]) || math.IsNaN(p[1]) || math.IsInf(p[0], 0) || math.IsInf(p[1], 0) {
			t.Fatalf("%q: %v", s, p)
		}
	})
}

// FuzzParseAttrs checks that any form text is stored as its type or
// refused with ErrAttribute.
func FuzzParseAttrs(f *testing.F) {
	f.Add("供热站", "12", "3600.5", "2026-11-30")
	f.Add("", "1.5", "12a", "2026-13-01")
	f.Fuzz(func(t *testing.T, a, b, c, d string) {
		got, err := ParseAttrs(formFields, map[string]string{"xmmc": a, "cs": b, "mj": c, "pfsj": d})
		if err != nil {
			if !errors.Is(err, ErrAttribute) {
				t.Fatal(err)
			}
			return
		}
		if _, ok := got["cs"].(int64); !ok && got["cs"] != nil {
			t.Fatalf("cs = %#v", got["cs"])
		}
	})
}
