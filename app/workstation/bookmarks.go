package workstation

import (
	"context"
	"errors"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/paulmach/orb"

	"lantu/app/i18n"
	"lantu/app/mapview"
	"lantu/layers"
	"lantu/layers/bookmarks"
)

// bookmarkMenu is the toolbar's 书签 Bookmarks button: save the current
// view under a name, go to a saved view, delete one. The bookmarks are kept
// in the blueprint (layers/bookmarks) and read when the menu opens. Use it
// on the UI goroutine; reads and writes run on their own goroutines and
// publish through post.
type bookmarkMenu struct {
	win     fyne.Window
	view    *mapview.MapView
	bp      func() *layers.Blueprint // the blueprint shown, or nil
	message func(string)
	post    func(func())

	button *widget.Button
	list   []bookmarks.Bookmark // as last read
	listed func()               // called after each read of the list, or nil
}

func newBookmarkMenu(win fyne.Window, view *mapview.MapView, bp func() *layers.Blueprint, message func(string), post func(func())) *bookmarkMenu {
	b := &bookmarkMenu{win: win, view: view, bp: bp, message: message, post: post}
	// Icon only, as the zoom buttons: the toolbar must fit a 1024 px window
	// in English; the View menu names it.
	b.button = widget.NewButtonWithIcon("", theme.ListIcon(), b.open)
	b.button.Importance = widget.LowImportance
	return b
}

// bookmarkButton is the toolbar's bookmark button.
func (w *Workstation) bookmarkButton() fyne.CanvasObject {
	w.marks = newBookmarkMenu(w.win, w.view, func() *layers.Blueprint { return w.bp }, w.setMessage, fyne.Do)
	w.marks.listed = func() { w.win.SetMainMenu(w.menu()) }
	return w.marks.button
}

// loadBookmarks reads the bookmarks of a blueprint just shown, for the
// View menu.
func (w *Workstation) loadBookmarks(bp *layers.Blueprint) {
	if w.marks != nil {
		w.marks.list = nil
		w.marks.reload(bp, nil)
	}
}

// bookmarkMenuItems are the View menu's bookmarks: the same menu as the
// toolbar button's (which a narrow window may hide), as last read.
func (w *Workstation) bookmarkMenuItems() []*fyne.MenuItem {
	if w.marks == nil || w.bp == nil {
		return nil
	}
	item := fyne.NewMenuItem(i18n.T("bookmark.button"), nil)
	item.ChildMenu = fyne.NewMenu("", w.marks.items()...)
	return []*fyne.MenuItem{fyne.NewMenuItemSeparator(), item}
}

// open reads the bookmarks, then pops up the menu under the button.
func (b *bookmarkMenu) open() {
	bp := b.bp()
	if bp == nil {
		return
	}
	b.reload(bp, b.popUp)
}

// reload reads the bookmarks of bp off the UI goroutine, then calls then.
func (b *bookmarkMenu) reload(bp *layers.Blueprint, then func()) {
	go func() {
		list, err := bookmarks.List(context.Background(), bp)
		b.post(func() {
			if err != nil {
				dialog.ShowError(err, b.win)
				return
			}
			if b.bp() != bp {
				return
			}
			b.list = list
			if b.listed != nil {
				b.listed()
			}
			if then != nil {
				then()
			}
		})
	}()
}

// items are the menu: save, the bookmarks (go to), delete (a submenu).
func (b *bookmarkMenu) items() []*fyne.MenuItem {
	out := []*fyne.MenuItem{fyne.NewMenuItem(i18n.T("bookmark.save"), b.askName)}
	if len(b.list) == 0 {
		none := fyne.NewMenuItem(i18n.T("bookmark.none"), nil)
		none.Disabled = true
		return append(out, fyne.NewMenuItemSeparator(), none)
	}
	out = append(out, fyne.NewMenuItemSeparator())
	del := fyne.NewMenuItem(i18n.T("bookmark.delete"), nil)
	del.ChildMenu = fyne.NewMenu("")
	for _, bm := range b.list {
		out = append(out, fyne.NewMenuItem(bm.Name, func() { b.goTo(bm) }))
		del.ChildMenu.Items = append(del.ChildMenu.Items, fyne.NewMenuItem(bm.Name, func() { b.confirmDelete(bm.Name) }))
	}
	return append(out, fyne.NewMenuItemSeparator(), del)
}

func (b *bookmarkMenu) popUp() {
	c := fyne.CurrentApp().Driver().CanvasForObject(b.button)
	if c == nil {
		return
	}
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(b.button).Add(fyne.NewPos(0, b.button.Size().Height))
	widget.ShowPopUpMenuAtPosition(fyne.NewMenu("", b.items()...), c, pos)
}

// goTo shows a bookmark's view.
func (b *bookmarkMenu) goTo(bm bookmarks.Bookmark) {
	b.view.SetView(orb.Point{bm.X, bm.Y}, bm.Res)
	b.message(fmt.Sprintf(i18n.T("bookmark.went"), bm.Name))
}

// askName asks for the new bookmark's name.
func (b *bookmarkMenu) askName() {
	name := widget.NewEntry()
	name.SetPlaceHolder(i18n.T("bookmark.name_hint"))
	name.Validator = func(s string) error { _, err := bookmarks.CleanName(s); return err }
	items := []*widget.FormItem{widget.NewFormItem(i18n.T("bookmark.name"), name)}
	d := dialog.NewForm(i18n.T("bookmark.save_title"), i18n.T("bookmark.ok"), i18n.T("bookmark.cancel"), items, func(ok bool) {
		if ok {
			b.save(name.Text, false)
		}
	}, b.win)
	d.Resize(fyne.NewSize(360, d.MinSize().Height))
	d.Show()
	b.win.Canvas().Focus(name)
}

// save stores the current view as name; a name in use asks to replace it.
func (b *bookmarkMenu) save(name string, replace bool) {
	bp := b.bp()
	if bp == nil {
		return
	}
	v := b.view.View()
	bm := bookmarks.Bookmark{Name: name, X: v.Center[0], Y: v.Center[1], Res: v.Res}
	go func() {
		saved, err := bookmarks.Save(context.Background(), bp, bm, replace)
		b.post(func() { b.saved(bp, saved, err) })
	}()
}

func (b *bookmarkMenu) saved(bp *layers.Blueprint, bm bookmarks.Bookmark, err error) {
	switch {
	case errors.Is(err, bookmarks.ErrExists):
		dialog.ShowConfirm(i18n.T("bookmark.save_title"), fmt.Sprintf(i18n.T("bookmark.replace"), bm.Name), func(ok bool) {
			if ok {
				b.save(bm.Name, true)
			}
		}, b.win)
	case errors.Is(err, layers.ErrReadOnly):
		dialog.ShowError(fmt.Errorf("%s\n%w", i18n.T("bookmark.readonly"), err), b.win)
	case err != nil:
		dialog.ShowError(err, b.win)
	default:
		b.message(fmt.Sprintf(i18n.T("bookmark.saved"), bm.Name))
		b.reload(bp, nil)
	}
}

// confirmDelete asks, then deletes the bookmark.
func (b *bookmarkMenu) confirmDelete(name string) {
	dialog.ShowConfirm(i18n.T("bookmark.delete"), fmt.Sprintf(i18n.T("bookmark.delete_q"), name), func(ok bool) {
		if ok {
			b.delete(name)
		}
	}, b.win)
}

func (b *bookmarkMenu) delete(name string) {
	bp := b.bp()
	if bp == nil {
		return
	}
	go func() {
		err := bookmarks.Delete(context.Background(), bp, name)
		b.post(func() {
			if err != nil {
				dialog.ShowError(err, b.win)
				return
			}
			b.message(fmt.Sprintf(i18n.T("bookmark.deleted"), name))
			b.reload(bp, nil)
		})
	}()
}
