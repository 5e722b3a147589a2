package layertree

import "testing"

// TestOpacityIsTheSliders: what the slider set is what Opacities reports,
// and the copy it returns does not reach back into the panel.
func TestOpacityIsTheSliders(t *testing.T) {
	p, _ := newTestPanel(t)
	if got := p.Opacities(); len(got) != 0 {
		t.Errorf("before any change: %v", got)
	}
	p.selectNode("l:XZ_QXXZQ")
	p.slider.SetValue(40)
	got := p.Opacities()
	if got["XZ_QXXZQ"] != 0.4 || len(got) != 1 {
		t.Errorf("after the slider: %v, want XZ_QXXZQ 0.4", got)
	}
	got["XZ_QXXZQ"] = 1
	if p.Opacities()["XZ_QXXZQ"] != 0.4 {
		t.Error("the copy changed the panel")
	}
}
