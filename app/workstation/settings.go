package workstation

import (
	"fmt"
	"math"
	"os"
	"os/user"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"lantu/app/i18n"
	"lantu/layers/terrain"
)

// prefHillshade is the hillshade's opacity 0..1 (the layer tree's slider
// for XZ_STYY and Settings → 山体阴影…), kept across sessions and files.
const prefHillshade = "hillshade_opacity"

// defaultHillshade is the hillshade's opacity until the user sets one: a
// subtle multiply that leaves the fills readable.
const defaultHillshade = 0.6

// hillshadeOpacity is the hillshade opacity setting.
func (w *Workstation) hillshadeOpacity() float64 {
	return w.app.Preferences().FloatWithFallback(prefHillshade, defaultHillshade)
}

// setHillshadeOpacity stores the hillshade opacity setting.
func (w *Workstation) setHillshadeOpacity(op float64) {
	w.app.Preferences().SetFloat(prefHillshade, min(max(op, 0), 1))
}

// layerOpacity is the layer tree's opacity callback: the map takes it,
// and the hillshade's is remembered as a setting.
func (w *Workstation) layerOpacity(code string, op float64) {
	w.view.SetOpacity(code, op)
	if code == terrain.HillshadeLayer {
		w.setHillshadeOpacity(op)
	}
}

// restoreHillshade gives the tree's hillshade layer (and so the map) the
// hillshade opacity setting.
func (w *Workstation) restoreHillshade() {
	w.tree.SetOpacity(terrain.HillshadeLayer, w.hillshadeOpacity())
}

// hillshadeDialog sets the hillshade opacity with a slider, live.
func (w *Workstation) hillshadeDialog() {
	s := widget.NewSlider(0, 100)
	s.SetValue(math.Round(w.hillshadeOpacity() * 100))
	val := widget.NewLabel("")
	show := func(v float64) { val.SetText(fmt.Sprintf("%.0f%%", v)) }
	show(s.Value)
	s.OnChanged = func(v float64) {
		show(v)
		if w.tree != nil {
			w.tree.SetOpacity(terrain.HillshadeLayer, v/100)
		} else {
			w.setHillshadeOpacity(v / 100)
		}
	}
	hint := widget.NewLabel(i18n.T("hillshade.hint"))
	hint.Wrapping = fyne.TextWrapWord
	body := container.NewVBox(container.NewBorder(nil, nil, nil, val, s), hint)
	d := dialog.NewCustom(i18n.T("hillshade.title"), i18n.T("hillshade.close"), body, w.win)
	d.Resize(fyne.NewSize(420, d.MinSize().Height))
	d.Show()
}

// prefUser is the user-name setting: the name a blueprint records with
// reviews and edits (layers.OpenOptions.User).
const prefUser = "user_name"

// userName is the user-name setting, or the operating system's account
// when it is unset; "" when neither is known (the blueprint then picks).
func (w *Workstation) userName() string {
	if u := strings.TrimSpace(w.app.Preferences().String(prefUser)); u != "" {
		return u
	}
	return osAccount()
}

// osAccount is the login name of the user running the program.
func osAccount() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	for _, k := range []string{"USER", "USERNAME", "LOGNAME"} {
		if v := os.Getenv(k); v != "" {
			return v
		}
	}
	return ""
}

// setUserName stores the user-name setting; "" goes back to the account.
func (w *Workstation) setUserName(name string) {
	w.app.Preferences().SetString(prefUser, strings.TrimSpace(name))
}

// userDialog asks for the user name.
func (w *Workstation) userDialog() {
	e := widget.NewEntry()
	e.SetText(w.userName())
	e.SetPlaceHolder(osAccount())
	hint := widget.NewLabel(i18n.T("user.hint"))
	hint.Wrapping = fyne.TextWrapWord
	items := []*widget.FormItem{widget.NewFormItem(i18n.T("user.title"), e), widget.NewFormItem("", hint)}
	d := dialog.NewForm(i18n.T("user.title"), i18n.T("user.ok"), i18n.T("user.cancel"), items, func(ok bool) {
		if ok {
			w.setUserName(e.Text)
		}
	}, w.win)
	d.Resize(fyne.NewSize(460, d.MinSize().Height))
	d.Show()
}
