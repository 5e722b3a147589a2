package i18n

import "testing"

func TestFromEnv(t *testing.T) {
	for _, c := range []struct {
		all, lang string
		want      Lang
	}{
		{"", "en_US.UTF-8", En},
		{"", "zh_CN.UTF-8", Zh},
		{"", "C.UTF-8", Zh},
		{"en_GB.UTF-8", "zh_CN.UTF-8", En},
		{"", "", Zh},
	} {
		t.Setenv("LC_ALL", c.all)
		t.Setenv("LC_MESSAGES", "")
		t.Setenv("LANG", c.lang)
		if got := FromEnv(); got != c.want {
			t.Errorf("LC_ALL=%q LANG=%q: %v, want %v", c.all, c.lang, got, c.want)
		}
	}
}

func TestT(t *testing.T) {
	defer Set(Zh)
	Set(Zh)
	if got := T("tab.layers"); got != "图层" {
		t.Errorf("zh tab.layers = %q", got)
	}
	Set(En)
	if got := T("tab.layers"); got != "Layers" {
		t.Errorf("en tab.layers = %q", got)
	}
	if got := T("no.such.key"); got != "no.such.key" {
		t.Errorf("unknown key = %q", got)
	}
	if got := Pick("区县", ""); got != "区县" {
		t.Errorf("Pick with no English = %q", got)
	}
}

func TestEveryKeyTranslated(t *testing.T) {
	for k, v := range table {
		if v[0] == "" || v[1] == "" {
			t.Errorf("%s: %q", k, v)
		}
	}
}
