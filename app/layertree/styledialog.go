package layertree

import (
	"fmt"
	"image/color"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"lantu/app/i18n"
	"lantu/layers/catalog"
)

// styleForm is the Style dialog's content for one layer: what the user
// may edit of its style (fill, stroke, width, opacity). Used on the UI
// goroutine only.
type styleForm struct {
	code         string
	base         catalog.Style
	fill, stroke color.NRGBA
	fillBox      *canvas.Rectangle
	strokeBox    *canvas.Rectangle
	width        *widget.Entry
	opacity      *widget.Slider
	content      fyne.CanvasObject
}

func newStyleForm(code string, s catalog.Style) *styleForm {
	f := &styleForm{code: code, base: s, fill: s.Fill, stroke: s.Stroke,
		fillBox: swatch(s.Fill), strokeBox: swatch(s.Stroke), width: widget.NewEntry(), opacity: widget.NewSlider(0, 1)}
	f.width.SetText(strconv.FormatFloat(s.Width, 'f', -1, 64))
	f.width.Validator = func(t string) error {
		if v, err := strconv.ParseFloat(t, 64); err != nil || v < 0 || v > 100 {
			return fmt.Errorf("%s", i18n.T("style.width.bad"))
		}
		return nil
	}
	f.opacity.Step = 0.05
	f.opacity.SetValue(s.Opacity)
	return f
}

func swatch(c color.NRGBA) *canvas.Rectangle {
	r := canvas.NewRectangle(c)
	r.SetMinSize(fyne.NewSize(48, 20))
	r.StrokeColor, r.StrokeWidth = color.NRGBA{0x80, 0x80, 0x80, 0xff}, 1
	return r
}

func (f *styleForm) setFill(c color.NRGBA) {
	f.fill, f.fillBox.FillColor = c, c
	f.fillBox.Refresh()
}

func (f *styleForm) setStroke(c color.NRGBA) {
	f.stroke, f.strokeBox.FillColor = c, c
	f.strokeBox.Refresh()
}

// style is the edited style, or an error naming the bad field.
func (f *styleForm) style() (catalog.Style, error) {
	s := f.base
	w, err := strconv.ParseFloat(f.width.Text, 64)
	if err != nil || f.width.Validate() != nil {
		return s, fmt.Errorf("%s: %q", i18n.T("style.width.bad"), f.width.Text)
	}
	s.Fill, s.Stroke, s.Width, s.Opacity = f.fill, f.stroke, w, f.opacity.Value
	return s, nil
}

// build lays the form out; pick opens a colour picker for set.
func (f *styleForm) build(pick func(title string, c color.NRGBA, set func(color.NRGBA)), reset func()) fyne.CanvasObject {
	button := func(label string, box *canvas.Rectangle, get func() color.NRGBA, set func(color.NRGBA)) fyne.CanvasObject {
		b := widget.NewButton(i18n.T("style.choose"), func() { pick(label, get(), set) })
		return container.NewHBox(box, b)
	}
	form := widget.NewForm(
		widget.NewFormItem(i18n.T("style.fill"), button(i18n.T("style.fill"), f.fillBox, func() color.NRGBA { return f.fill }, f.setFill)),
		widget.NewFormItem(i18n.T("style.stroke"), button(i18n.T("style.stroke"), f.strokeBox, func() color.NRGBA { return f.stroke }, f.setStroke)),
		widget.NewFormItem(i18n.T("style.width"), f.width),
		widget.NewFormItem(i18n.T("style.opacity"), f.opacity),
	)
	f.content = container.NewVBox(form, widget.NewButton(i18n.T("style.reset"), reset))
	return f.content
}

// ShowStyle opens the Style dialog of layer code over the panel's window:
// fill and stroke colour (Fyne's advanced colour picker), line width and
// opacity, and a reset to the catalog style. OK or reset call OnStyle off
// the UI goroutine; when it succeeds the tree shows the new style and
// OnRestyled redraws the map, and an error is shown in a dialog.
func (p *Panel) ShowStyle(code string) {
	win := windowOf(p.content)
	e := p.entries[code]
	if win == nil || e == nil || p.OnStyle == nil {
		return
	}
	f := newStyleForm(code, e.Def.Style)
	var d dialog.Dialog
	pick := func(title string, c color.NRGBA, set func(color.NRGBA)) {
		cp := dialog.NewColorPicker(title, "", func(c color.Color) { set(color.NRGBAModel.Convert(c).(color.NRGBA)) }, win)
		cp.Advanced = true
		cp.SetColor(c)
		cp.Show()
	}
	content := f.build(pick, func() { d.Hide(); p.applyStyle(code, nil, win) })
	d = dialog.NewCustomConfirm(i18n.T("style.title")+" — "+layerNames(e.Def.NameZh, e.Def.NameEn), i18n.T("style.ok"), i18n.T("style.cancel"), content, func(ok bool) {
		if !ok {
			return
		}
		s, err := f.style()
		if err != nil {
			dialog.ShowError(err, win)
			return
		}
		p.applyStyle(code, &s, win)
	}, win)
	p.lastStyle = f
	d.Resize(fyne.NewSize(420, content.MinSize().Height+120))
	d.Show()
}

// applyStyle writes s (nil: reset) through OnStyle off the UI goroutine,
// then on it shows the result.
func (p *Panel) applyStyle(code string, s *catalog.Style, win fyne.Window) {
	on, post := p.OnStyle, p.post
	go func() {
		def, err := on(code, s)
		post(func() {
			if err != nil {
				if win != nil {
					dialog.ShowError(err, win)
				}
				return
			}
			p.Restyle(code, def)
		})
	}()
}

// Restyle shows layer code in def's style (its legend swatches) and calls
// OnRestyled.
func (p *Panel) Restyle(code string, def *catalog.Layer) {
	if e := p.entries[code]; e != nil && def != nil {
		e.Def = def
		p.Tree.Refresh()
	}
	if p.OnRestyled != nil {
		p.OnRestyled(code)
	}
}
