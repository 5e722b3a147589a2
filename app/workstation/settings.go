package workstation

import (
	"os"
	"os/user"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"lantu/app/i18n"
)

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
