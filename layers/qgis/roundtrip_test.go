package qgis

import (
	"errors"
	"slices"
	"testing"

	"lantu/layers/layerstyle"
)

// TestLayerstyleReadsSingleSymbols: Lantu's own reader of layer_styles
// (layers/layerstyle) reads the single-symbol QML written here back to the
// catalog's look: fills, line colours, widths and dashes, point symbols,
// scale ranges and label fields. (It takes a fill symbol's outline from its
// SimpleFill, and the outline is a SimpleLine layer here, so it can be
// dashed and follow the scale; the categorized styles classify by an
// expression, which it refuses with ErrUnsupported.)
func TestLayerstyleReadsSingleSymbols(t *testing.T) {
	cat := defaultCatalog(t)
	read, unsupported := 0, 0
	for _, l := range vectorLayers(cat) {
		st, err := layerstyle.ParseQML([]byte(QML(cat, l, l.Style)))
		if paletteOf(cat, l, l.Style) != nil {
			if !errors.Is(err, layerstyle.ErrUnsupported) {
				t.Errorf("%s: categorized by an expression: %v", l.Code, err)
			}
			unsupported++
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", l.Code, err)
			continue
		}
		read++
		lk, d := resolve(l.Geometry, l.Style), st.Draw
		if st.MinScale != l.MinScale || st.MaxScale != l.MaxScale || st.LabelField != l.LabelField {
			t.Errorf("%s: scales %g..%g label %q, want %g..%g %q", l.Code, st.MinScale, st.MaxScale, st.LabelField, l.MinScale, l.MaxScale, l.LabelField)
		}
		switch l.Geometry {
		case "line":
			if d.Stroke != lk.stroke || d.Width != lk.width || !slices.Equal(d.Dash, lk.dash) && len(lk.dash) > 0 {
				t.Errorf("%s: line %v %g %v, want %v %g %v", l.Code, d.Stroke, d.Width, d.Dash, lk.stroke, lk.width, lk.dash)
			}
		case "point":
			fill, outline := lk.markerColors()
			if lk.symbol == "cross" { // drawn without an outline, as Lantu draws it
				outline = d.Stroke
			}
			if d.Fill != fill || d.Stroke != outline || d.Size != lk.size || d.Symbol != lk.symbol && lk.symbol != "cross" {
				t.Errorf("%s: marker %s %v/%v %g, want %s %v/%v %g", l.Code, d.Symbol, d.Fill, d.Stroke, d.Size, lk.symbol, fill, outline, lk.size)
			}
		default:
			if d.Fill != lk.fill {
				t.Errorf("%s: fill %v, want %v", l.Code, d.Fill, lk.fill)
			}
		}
	}
	t.Logf("layerstyle read %d single-symbol styles back; %d categorized ones it refuses", read, unsupported)
}
