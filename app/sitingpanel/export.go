package sitingpanel

import (
	"context"
	"errors"
	"fmt"
	"lantu/app/internal/savefile"
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"lantu/app/i18n"
	"lantu/layers"
	"lantu/layers/outfile"
	"lantu/layers/siting"
)

// exportDialog asks where to save the report in format, then exports it.
func (p *Panel) exportDialog(format string) {
	if p.rep == nil {
		return
	}
	d := savefile.NewDialog(func(path string) {
		p.Export(path, format)
	}, p.h.Window())
	d.SetFileName(fileName(p.rep, format))
	startIn(d, p.bp)
	d.Resize(fyne.NewSize(800, 560))
	d.Show()
}

// startIn opens a file dialog in the blueprint's folder.
func startIn(d *dialog.FileDialog, bp *layers.Blueprint) {
	if bp == nil {
		return
	}
	if dir, err := storage.ListerForURI(storage.NewFileURI(filepath.Dir(bp.Path()))); err == nil {
		d.SetLocation(dir)
	}
}

// fileName suggests a report file name: 选址审查_<project>.<format>.
func fileName(rep *siting.Report, format string) string {
	name := strings.Map(func(r rune) rune {
		if strings.ContainsRune(`/\:*?"<>|`, r) || r < ' ' {
			return '_'
		}
		return r
	}, title(rep))
	return i18n.T("siting.file") + "_" + name + "." + format
}

// Export writes the shown report to path in format (through
// layers/outfile: a failed write leaves no half file) and attaches it to
// the proposal, off the UI goroutine; the list of reports is reloaded. On
// a read-only blueprint the file is written and the message says it was
// not attached.
func (p *Panel) Export(path, format string) {
	bp, rep := p.bp, p.rep
	if bp == nil || rep == nil {
		return
	}
	go func() {
		ctx := context.Background()
		attachErr, err := exportReport(ctx, bp, rep, path, format)
		var list []siting.StoredReport
		if err == nil {
			list, err = siting.Reports(ctx, bp, rep.UID)
		}
		p.post(func() { p.exported(bp, rep, path, list, attachErr, err) })
	}()
}

// exportReport renders and writes the report, then attaches it; the
// attach error is returned apart, since the file is written all the same.
func exportReport(ctx context.Context, bp *layers.Blueprint, rep *siting.Report, path, format string) (attachErr, err error) {
	data, err := siting.Render(ctx, bp, rep, format)
	if err != nil {
		return nil, err
	}
	dst, err := outfile.Create(path, outfile.Options{Inputs: []string{bp.Path()}, Force: true})
	if err != nil {
		return nil, err
	}
	defer dst.Abort()
	if err := os.WriteFile(dst.Path(), data, 0o644); err != nil {
		return nil, fmt.Errorf("%w: %s: %v", outfile.ErrWrite, path, err)
	}
	if err := dst.Commit(); err != nil {
		return nil, err
	}
	_, attachErr = siting.Attach(ctx, bp, rep, format, data)
	return attachErr, nil
}

// exported shows the outcome of Export on the UI goroutine.
func (p *Panel) exported(bp *layers.Blueprint, rep *siting.Report, path string, list []siting.StoredReport, attachErr, err error) {
	switch {
	case err != nil:
		dialog.ShowError(err, p.h.Window())
		return
	case errors.Is(attachErr, layers.ErrReadOnly):
		p.h.SetMessage(fmt.Sprintf(i18n.T("siting.saved_ro"), path))
	case attachErr != nil:
		dialog.ShowError(attachErr, p.h.Window())
	default:
		p.h.SetMessage(fmt.Sprintf(i18n.T("siting.saved"), path))
	}
	if p.bp == bp && p.rep == rep {
		p.list = list
		p.showList()
	}
}

// showList lists the reports attached to the proposal, newest first, each
// with a button to save a copy.
func (p *Panel) showList() {
	p.reports.RemoveAll()
	if len(p.list) == 0 {
		p.reports.Add(wrapped(i18n.T("siting.no_earlier")))
	}
	for _, r := range p.list {
		l := widget.NewLabel(listText(r))
		l.Truncation = fyne.TextTruncateEllipsis
		id, format := r.ID, r.Format
		save := widget.NewButtonWithIcon("", theme.DocumentSaveIcon(), func() { p.saveStored(id, format) })
		save.Importance = widget.LowImportance
		row, _ := badge(l, r.Verdict)
		p.reports.Add(container.NewBorder(nil, nil, nil, save, row))
	}
	p.reports.Refresh()
}

// listText is one row of the earlier reports.
func listText(r siting.StoredReport) string {
	return fmt.Sprintf("%s · %s · %s · %s · %d KB", r.CreatedAt.Local().Format("2006-01-02 15:04"),
		strings.ToUpper(r.Format), verdictText(r.Verdict), dash(r.CreatedBy), (r.Size+1023)/1024)
}

// saveStored saves a copy of a stored report where the user picks.
func (p *Panel) saveStored(id int64, format string) {
	bp := p.bp
	if bp == nil {
		return
	}
	d := savefile.NewDialog(func(path string) {
		go func() {
			err := saveCopy(context.Background(), bp, id, path)
			p.post(func() {
				if err != nil {
					dialog.ShowError(err, p.h.Window())
					return
				}
				p.h.SetMessage(fmt.Sprintf(i18n.T("siting.copied"), path))
			})
		}()
	}, p.h.Window())
	if p.rep != nil {
		d.SetFileName(fileName(p.rep, format))
	}
	startIn(d, bp)
	d.Resize(fyne.NewSize(800, 560))
	d.Show()
}

// saveCopy writes the bytes of stored report id to path.
func saveCopy(ctx context.Context, bp *layers.Blueprint, id int64, path string) error {
	data, err := siting.ReportData(ctx, bp, id)
	if err != nil {
		return err
	}
	dst, err := outfile.Create(path, outfile.Options{Inputs: []string{bp.Path()}, Force: true})
	if err != nil {
		return err
	}
	defer dst.Abort()
	if err := os.WriteFile(dst.Path(), data, 0o644); err != nil {
		return fmt.Errorf("%w: %s: %v", outfile.ErrWrite, path, err)
	}
	return dst.Commit()
}
