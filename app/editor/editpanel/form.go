package editpanel

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"lantu/app/editor"
	"lantu/app/i18n"
	"lantu/layers/catalog"
)

// Form is the attribute form of a new feature: one entry per catalog
// field, labelled in the user's language, with the area shown and an
// error line naming every refused field. Use it on the UI goroutine only.
type Form struct {
	Fields  []catalog.Field
	Entries map[string]*widget.Entry
	Err     *widget.Label
	// OnSave is called with the raw texts; its error is shown and the form
	// stays open. OnCancel closes it.
	OnSave   func(raw map[string]string) error
	OnCancel func()
	root     fyne.CanvasObject
}

// NewForm builds the form for def, filled with initial texts.
func NewForm(def *catalog.Layer, m editor.Measure, initial map[string]string) *Form {
	f := &Form{Fields: def.Fields, Entries: map[string]*widget.Entry{}, Err: widget.NewLabel("")}
	f.Err.Wrapping, f.Err.Importance = fyne.TextWrapWord, widget.DangerImportance
	grid := container.New(layout2())
	for _, fd := range def.Fields {
		label := i18n.Pick(fd.NameZh, fd.NameEn)
		if fd.Required {
			label += i18n.T("edit.required_mark")
		}
		e := widget.NewEntry()
		e.SetText(initial[fd.Name])
		e.SetPlaceHolder(typeHint(fd.Type))
		e.OnSubmitted = func(string) { f.Save() }
		f.Entries[fd.Name] = e
		grid.Add(widget.NewLabel(label))
		grid.Add(e)
	}
	info := widget.NewLabel(measureLine(m))
	info.TextStyle.Monospace = true
	info.Hidden = info.Text == ""
	buttons := container.NewGridWithColumns(2,
		widget.NewButton(i18n.T("edit.cancel"), func() {
			if f.OnCancel != nil {
				f.OnCancel()
			}
		}),
		&widget.Button{Text: i18n.T("edit.save"), Importance: widget.HighImportance, OnTapped: func() { f.Save() }})
	f.root = container.NewVBox(info, grid, f.Err, buttons)
	return f
}

func layout2() fyne.Layout { return layout.NewFormLayout() }

// Content is the form's widget tree.
func (f *Form) Content() fyne.CanvasObject { return f.root }

// Raw is the texts typed so far.
func (f *Form) Raw() map[string]string {
	out := map[string]string{}
	for k, e := range f.Entries {
		out[k] = e.Text
	}
	return out
}

// Save hands the texts to OnSave and shows its error.
func (f *Form) Save() {
	if f.OnSave == nil {
		return
	}
	if err := f.OnSave(f.Raw()); err != nil {
		f.Err.SetText(err.Error())
		return
	}
	f.Err.SetText("")
}

func typeHint(t string) string {
	switch t {
	case "integer":
		return "123"
	case "real":
		return "12.5"
	case "date":
		return "YYYY-MM-DD"
	}
	return ""
}

func measureLine(m editor.Measure) string {
	switch {
	case m.HasArea:
		return fmt.Sprintf(i18n.T("edit.area"), m.Area, m.Mu(), m.Hectares())
	case m.HasLength:
		return fmt.Sprintf(i18n.T("edit.length"), m.Length)
	}
	return ""
}

// openForm shows the attribute form of a finished sketch in a dialog.
func (p *Panel) openForm(pd *editor.Pending) {
	f := NewForm(pd.Layer.Def, pd.Measure, editor.Defaults(pd.Layer.Def, pd.Measure, p.bp.User()))
	title := fmt.Sprintf(i18n.T("edit.form_title"), i18n.Pick(pd.Layer.Def.NameZh, pd.Layer.Def.NameEn))
	d := dialog.NewCustomWithoutButtons(title, container.NewVScroll(f.Content()), p.h.Window())
	close := func() {
		p.form = nil
		d.Hide()
	}
	f.OnSave = func(raw map[string]string) error {
		if _, err := p.sess.SavePending(raw); err != nil {
			return err
		}
		close()
		p.refresh()
		return nil
	}
	f.OnCancel = func() {
		close()
		p.sess.DiscardPending()
	}
	p.form = f
	d.Resize(fyne.NewSize(460, min(600, 210+float32(len(f.Fields))*44)))
	d.Show()
	if len(f.Fields) > 0 {
		p.h.Window().Canvas().Focus(f.Entries[f.Fields[0].Name])
	}
}

// Form is the attribute form open now, or nil.
func (p *Panel) Form() *Form { return p.form }
