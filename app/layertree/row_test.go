package layertree

import (
	"testing"

	"fyne.io/fyne/v2/widget"
)

// TestOutOfScaleGreyed: XZ_XZXZQ (乡镇行政区) shows up to 1:250,000 and
// XZ_JZW (建筑物) up to 1:25,000; their names grey out beyond, as in
// QGIS, and come back when the map zooms in.
func TestOutOfScaleGreyed(t *testing.T) {
	p, cat := newTestPanel(t)
	for _, code := range []string{"XZ_XZXZQ", "XZ_JZW"} {
		if cat.Layer(code).MinScale <= 0 {
			t.Fatalf("%s has no scale range: the test needs one", code)
		}
	}
	importance := func(code string) widget.Importance {
		r := newRow(p)
		r.bind("l:" + code)
		return r.label.Importance
	}
	cases := []struct {
		scale       float64
		town, house bool // greyed
	}{
		{1e6, true, true},
		{66000, false, true},
		{10000, false, false},
	}
	for _, c := range cases {
		p.SetScale(c.scale)
		for code, grey := range map[string]bool{"XZ_XZXZQ": c.town, "XZ_JZW": c.house} {
			want := widget.MediumImportance
			if grey {
				want = widget.LowImportance
			}
			if got := importance(code); got != want || p.OutOfScale(code) != grey {
				t.Errorf("1:%.0f %s: importance %v, out of scale %v; want greyed %v", c.scale, code, got, p.OutOfScale(code), grey)
			}
		}
		if got := importance("XZ_QXXZQ"); got != widget.MediumImportance {
			t.Errorf("1:%.0f: 区县行政区 (no scale range) greyed", c.scale)
		}
	}
}

// TestSetOpacity sets an opacity from outside (a restored setting): the
// callback hears it and the slider shows it once the layer is selected.
func TestSetOpacity(t *testing.T) {
	p, _ := newTestPanel(t)
	var code string
	var op float64
	p.OnOpacity = func(c string, o float64) { code, op = c, o }
	p.SetOpacity("XZ_STYY", 0.35)
	if code != "XZ_STYY" || op != 0.35 || p.Opacity("XZ_STYY") != 0.35 {
		t.Fatalf("OnOpacity(%q, %v), Opacity %v", code, op, p.Opacity("XZ_STYY"))
	}
	p.selectNode("l:XZ_STYY")
	if p.slider.Value != 35 {
		t.Errorf("slider at %v, want 35", p.slider.Value)
	}
	p.SetOpacity("XZ_STYY", 2)
	if op != 1 || p.slider.Value != 100 {
		t.Errorf("opacity 2: OnOpacity %v, slider %v; want clamped to 1", op, p.slider.Value)
	}
	if p.Opacity("XZ_DLTB") != 1 {
		t.Error("an unset opacity is not 1")
	}
}
