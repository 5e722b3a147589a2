// Package syncpanel is the workstation's Sync (同步) dock panel for a
// replica blueprint (package sync/replica): it shows the remembered
// server, online/offline, pending local changes, open conflicts, the last
// sync and its error; runs a sync off the UI goroutine behind the
// workstation's progress dialog and shows what it did; lists the changes
// the server rejected and the open conflicts, shows a conflict's base,
// mine and theirs side by side with both geometries outlined on the map
// and resolves it; and, while the blueprint is open, checks the server
// every 30 s and syncs by itself when it comes back with changes pending.
package syncpanel

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"lantu/app/i18n"
	"lantu/app/mapview"
	"lantu/layers"
	"lantu/layers/conflict"
	"lantu/sync/replica"
)

// Host is what the panel needs from the workstation. The panel calls it on
// the UI goroutine only. A Host that also has a method Do(func()) gets the
// panel's updates from its workers through Do instead of fyne.Do.
type Host interface {
	Map() *mapview.MapView
	RunLong(title string, fn func(ctx context.Context, report func(stage string, frac float64)) error, done func())
	SetMessage(s string)
	// RefreshLayers drops the map's cached tiles of the layers (catalog
	// codes) and redraws, after a sync or resolve wrote them.
	RefreshLayers(codes []string)
}

// Interval is how often the reconnect loop checks the server.
const Interval = 30 * time.Second

// snapshot is what a worker read of the replica: status, rejected
// entries and open conflicts. It is a value handed to the UI goroutine.
type snapshot struct {
	status    replica.Status
	rejected  []replica.EntryResult
	conflicts []replica.ConflictRecord
	err       error
	seq       int64 // order of the reads: a read started later is newer
}

// Panel is the Sync tab. Use it on the UI goroutine only; its syncs,
// resolutions, reads and the reconnect loop run on their own goroutines
// and publish through post.
type Panel struct {
	h        Host
	post     func(func())
	interval time.Duration
	client   *http.Client // the reconnect loop's probe

	bp     *layers.Blueprint
	syncer *replica.Syncer // nil: no blueprint or not a replica
	remote replica.Remote
	stop   context.CancelFunc // stops the reconnect loop
	reach  int                // probe: 1 online, -1 offline, 0 not known
	snap   snapshot
	reads  atomic.Int64 // numbers the snapshot reads (any goroutine)
	sel    int          // selected conflict index, -1 none
	last   string

	root      fyne.CanvasObject
	info      *widget.Label
	state     *widget.Label
	result    *widget.Label
	syncBtn   *widget.Button
	rejected  *fyne.Container
	conflicts *widget.List
	detail    *fyne.Container
	mineBtn   *widget.Button
	theirsBtn *widget.Button
	body      *fyne.Container
	scroll    *container.Scroll
}

// New builds the panel.
func New(h Host) *Panel {
	p := &Panel{h: h, post: fyne.Do, interval: Interval, sel: -1,
		client: &http.Client{Timeout: 5 * time.Second}}
	if d, ok := h.(interface{ Do(func()) }); ok {
		p.post = d.Do
	}
	p.build()
	return p
}

// ID, Title and Content make the panel a dock tab.
func (p *Panel) ID() string                 { return "sync" }
func (p *Panel) Title() string              { return i18n.T("tab.sync") }
func (p *Panel) Content() fyne.CanvasObject { return p.root }

func (p *Panel) build() {
	p.info = wrapped(i18n.T("sync.no_blueprint"))
	p.state = wrapped("")
	p.result = wrapped("")
	p.syncBtn = widget.NewButton(i18n.T("sync.run"), p.Sync)
	p.syncBtn.Importance = widget.HighImportance
	refresh := widget.NewButton(i18n.T("sync.refresh"), p.Refresh)
	p.rejected = container.NewVBox()
	p.conflicts = widget.NewList(func() int { return len(p.snap.conflicts) },
		func() fyne.CanvasObject { return truncated("") },
		func(i widget.ListItemID, o fyne.CanvasObject) {
			o.(*widget.Label).SetText(conflictRow(p.snap.conflicts[i]))
		})
	p.conflicts.OnSelected = p.selectConflict
	p.detail = container.NewVBox()
	p.mineBtn = widget.NewButton(i18n.T("sync.take_mine"), func() { p.Resolve(replica.TakeMine) })
	p.theirsBtn = widget.NewButton(i18n.T("sync.take_theirs"), func() { p.Resolve(replica.TakeTheirs) })
	lists := container.NewVBox(p.result, widget.NewSeparator(), bold(i18n.T("sync.rejected")), p.rejected,
		widget.NewSeparator(), bold(i18n.T("sync.conflicts")))
	conflictBox := container.NewBorder(nil, container.NewVBox(p.detail, container.NewGridWithColumns(2, p.mineBtn, p.theirsBtn)),
		nil, nil, container.NewGridWrap(fyne.NewSize(340, 160), p.conflicts))
	p.body = container.NewVBox(p.state, container.NewGridWithColumns(2, p.syncBtn, refresh), lists, conflictBox)
	p.scroll = container.NewVScroll(p.body)
	p.root = container.NewBorder(p.info, nil, nil, nil, p.scroll)
	p.show()
}

// SetBlueprint stops the reconnect loop of the blueprint before, forgets
// its state and, if bp is a replica, reads its state and starts the loop.
func (p *Panel) SetBlueprint(bp *layers.Blueprint) {
	if p.stop != nil {
		p.stop()
		p.stop = nil
	}
	p.bp, p.syncer, p.remote, p.reach, p.snap, p.sel, p.last = bp, nil, replica.Remote{}, 0, snapshot{}, -1, ""
	p.h.Map().SetMarks(nil)
	p.show()
	if bp == nil {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	p.stop = cancel
	go p.open(ctx, bp)
}

// open finds the replica's remote and syncer, publishes them with a
// first snapshot and runs the reconnect loop until ctx ends.
func (p *Panel) open(ctx context.Context, bp *layers.Blueprint) {
	r, err := replica.LoadRemote(ctx, bp, replica.RemoteName)
	var s *replica.Syncer
	if err == nil {
		opt := replica.Options{}
		opt.Rules, _ = conflict.DefaultRules() // without rules a sync still syncs; it names no patches
		s, err = replica.NewSyncer(ctx, bp, opt)
	}
	var snap snapshot
	if err == nil {
		snap = p.read(ctx, s, bp)
	}
	p.post(func() {
		if p.bp != bp {
			return
		}
		switch {
		case errors.Is(err, replica.ErrNoRemote):
		case err != nil:
			p.last = fmt.Sprintf(i18n.T("sync.failed"), err)
		default:
			p.syncer, p.remote, p.snap = s, r, snap
		}
		p.show()
	})
	if s != nil {
		p.reconnect(ctx, bp, s, r.URL, snap.status.LastError != "")
	}
}

// read takes a snapshot of the replica's state; safe on any goroutine.
func (p *Panel) read(ctx context.Context, s *replica.Syncer, bp *layers.Blueprint) snapshot {
	snap := snapshot{seq: p.reads.Add(1)}
	if snap.status, snap.err = s.Status(ctx); snap.err != nil {
		return snap
	}
	if snap.rejected, snap.err = replica.Results(ctx, bp, 50, replica.ResultRejected); snap.err != nil {
		return snap
	}
	snap.conflicts, snap.err = replica.Conflicts(ctx, bp, false)
	return snap
}

// Refresh re-reads the replica's state off the UI goroutine.
func (p *Panel) Refresh() {
	bp, s := p.bp, p.syncer
	if s == nil {
		return
	}
	go func() {
		snap := p.read(context.Background(), s, bp)
		p.post(func() { p.setSnapshot(bp, snap) })
	}()
}

// setSnapshot shows a snapshot read of bp, if bp is still shown and no
// newer read is shown already.
func (p *Panel) setSnapshot(bp *layers.Blueprint, snap snapshot) {
	if p.bp != bp || snap.seq < p.snap.seq {
		return
	}
	p.snap, p.sel = snap, -1
	p.conflicts.UnselectAll()
	p.h.Map().SetMarks(nil)
	p.show()
}

// show puts the panel's state in its widgets.
func (p *Panel) show() {
	isReplica := p.syncer != nil
	switch {
	case p.bp == nil:
		p.info.SetText(i18n.T("sync.no_blueprint"))
	case !isReplica:
		p.info.SetText(i18n.T("sync.not_replica"))
	default:
		p.info.SetText(fmt.Sprintf(i18n.T("sync.server"), p.remote.URL))
	}
	if !isReplica {
		p.body.Hide()
		if p.last != "" {
			p.info.SetText(p.info.Text + "\n" + p.last)
		}
		return
	}
	p.body.Show()
	p.state.SetText(stateText(p.snap, p.reach))
	p.result.SetText(p.last)
	p.showRejected()
	p.conflicts.Refresh()
	p.showDetail()
}

// stateText is the status block: online, pending, conflicts, last sync
// and error.
func stateText(snap snapshot, reach int) string {
	st := snap.status
	online := st.Online
	if reach != 0 {
		online = reach > 0
	}
	s := i18n.T("sync.offline")
	if online {
		s = i18n.T("sync.online")
	}
	last := st.LastSync
	if last == "" {
		last = i18n.T("sync.never")
	} else if t, err := time.Parse(time.RFC3339, last); err == nil {
		last = t.Local().Format("2006-01-02 15:04:05")
	}
	s += "\n" + fmt.Sprintf(i18n.T("sync.pending"), st.Pending) + "\n" +
		fmt.Sprintf(i18n.T("sync.open_conflicts"), st.OpenConflicts) + "\n" + fmt.Sprintf(i18n.T("sync.last_sync"), last)
	if st.LastError != "" {
		s += "\n" + fmt.Sprintf(i18n.T("sync.last_error"), st.LastError)
	}
	if snap.err != nil {
		s += "\n" + snap.err.Error()
	}
	return s
}

func (p *Panel) showRejected() {
	var rows []fyne.CanvasObject
	for _, e := range p.snap.rejected {
		rows = append(rows, wrapped(fmt.Sprintf(i18n.T("sync.rejected_row"), e.Layer, e.UID, e.JournalID, e.Reason)))
	}
	if len(rows) == 0 {
		rows = append(rows, widget.NewLabel(i18n.T("sync.none")))
	}
	p.rejected.Objects = rows
	p.rejected.Refresh()
	p.scroll.Refresh()
}

func wrapped(s string) *widget.Label {
	l := widget.NewLabel(s)
	l.Wrapping = fyne.TextWrapWord
	return l
}

func bold(s string) *widget.Label {
	l := widget.NewLabel(s)
	l.TextStyle.Bold = true
	return l
}

// ShowPatches is the workstation's call after each live re-check, which
// follows every committed change to the blueprint: the panel takes it as
// its cue to re-read the pending count and conflicts. It lists no
// patches (added and cleared are 0).
func (p *Panel) ShowPatches(bp *layers.Blueprint, _ []conflict.Patch) (added, cleared int) {
	if bp == p.bp {
		p.Refresh()
	}
	return 0, 0
}
