package layertree

// SetOpacity sets a layer's opacity 0..1 as the slider would (clamped),
// calling OnOpacity. A restored setting (the hillshade's) comes in here.
func (p *Panel) SetOpacity(code string, op float64) {
	if p.entries[code] == nil {
		return
	}
	op = min(max(op, 0), 1)
	p.opacity[code] = op
	if p.selected == code {
		p.slider.SetValue(op * 100) // calls OnOpacity through the slider
		return
	}
	if p.OnOpacity != nil {
		p.OnOpacity(code, op)
	}
}

// Opacity is a layer's opacity 0..1 (1 until set).
func (p *Panel) Opacity(code string) float64 {
	if op, ok := p.opacity[code]; ok {
		return op
	}
	return 1
}

// Opacities returns a copy of the opacities set (code -> 0..1); layers
// not in it are drawn opaque. For the print dialog.
func (p *Panel) Opacities() map[string]float64 {
	out := make(map[string]float64, len(p.opacity))
	for k, v := range p.opacity {
		out[k] = v
	}
	return out
}
