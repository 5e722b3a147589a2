package syncpanel

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"lantu/app/i18n"
	"lantu/layers"
	"lantu/sync/replica"
)

// Sync runs Syncer.Sync behind the workstation's progress dialog (Cancel
// stops it; what was done is kept), then shows what it did and the
// replica's new state. A failed sync is shown in the panel, not as a
// dialog: its Result still counts what was done.
func (p *Panel) Sync() {
	bp, s := p.bp, p.syncer
	if s == nil {
		return
	}
	p.syncBtn.Disable()
	var res replica.Result
	var serr error
	var snap snapshot
	p.h.RunLong(i18n.T("sync.running"), func(ctx context.Context, report func(string, float64)) error {
		res, serr = s.Sync(ctx, progress(report))
		snap = p.read(context.WithoutCancel(ctx), s, bp)
		return nil
	}, func() {
		p.syncBtn.Enable()
		p.synced(bp, res, serr, snap)
	})
}

// synced shows a sync's result and the state after it.
func (p *Panel) synced(bp *layers.Blueprint, res replica.Result, serr error, snap snapshot) {
	if p.bp != bp {
		return
	}
	p.last = resultText(res, serr)
	if serr == nil || replica.KindOf(serr) != replica.Transient {
		p.reach = 1
	} else {
		p.reach = -1
	}
	p.setSnapshot(bp, snap)
	p.h.SetMessage(strings.SplitN(p.last, "\n", 2)[0])
	if res.Pulled+res.Merged > 0 {
		var codes []string
		for _, l := range bp.Layers() {
			codes = append(codes, l.Code)
		}
		p.h.RefreshLayers(codes)
	}
}

// progress maps the sync's phases onto the progress bar: push to 40 %,
// pull to 90 %, the planning check to the end.
func progress(report func(string, float64)) replica.Progress {
	spans := map[string][2]float64{"push": {0, 0.4}, "pull": {0.4, 0.9}, "check": {0.9, 1}}
	return func(phase string, done, total int) {
		sp, ok := spans[phase]
		if !ok {
			sp = [2]float64{0, 1}
		}
		f := sp[0]
		if total > 0 {
			f += (sp[1] - sp[0]) * float64(min(done, total)) / float64(total)
		}
		report(fmt.Sprintf("%s %d/%d", i18n.T("sync.phase."+phase), done, total), f)
	}
}

// maxPatches is how many new patches a result lists by name; the
// conflicts panel lists them all.
const maxPatches = 5

// resultText says what a sync did, the new patches and its error.
func resultText(res replica.Result, serr error) string {
	s := fmt.Sprintf(i18n.T("sync.result"), res.Pushed, res.Applied, res.Merged, res.Conflicts, res.Rejected, res.Pulled)
	if res.Checked > 0 || len(res.Patches) > 0 {
		s += "\n" + fmt.Sprintf(i18n.T("sync.patches"), len(res.Patches))
		for i, pt := range res.Patches {
			if i == maxPatches {
				s += "\n" + fmt.Sprintf(i18n.T("sync.more_patches"), len(res.Patches)-i)
				break
			}
			s += "\n" + fmt.Sprintf(i18n.T("sync.patch"), pt.ID, pt.Rule, pt.ALayer+" "+pt.AUID, pt.BLayer+" "+pt.BUID)
		}
	}
	switch {
	case errors.Is(serr, context.Canceled):
		s += "\n" + i18n.T("sync.cancelled")
	case serr != nil:
		s += "\n" + fmt.Sprintf(i18n.T("sync.failed"), serr)
	}
	return s
}

// reconnect checks the server at once, then every interval until ctx ends. When the
// server answers after it did not (or after a failed last sync,
// wasOffline) and local changes are pending, it syncs by itself. Every
// check also refreshes the panel's state.
func (p *Panel) reconnect(ctx context.Context, bp *layers.Blueprint, s *replica.Syncer, url string, wasOffline bool) {
	t := time.NewTicker(p.interval)
	defer t.Stop()
	for first := true; ; first = false {
		if !first {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
		up := p.probe(ctx, url)
		if ctx.Err() != nil {
			return
		}
		st, err := s.Status(ctx)
		if up && wasOffline && err == nil && st.Pending > 0 && !st.Syncing {
			res, serr := s.Sync(ctx, nil)
			if ctx.Err() != nil {
				return
			}
			snap := p.read(ctx, s, bp)
			p.post(func() {
				p.synced(bp, res, serr, snap)
				if serr == nil {
					p.h.SetMessage(i18n.T("sync.auto"))
				}
			})
			wasOffline = serr != nil && replica.KindOf(serr) == replica.Transient
			continue
		}
		wasOffline = !up
		snap := p.read(ctx, s, bp)
		p.post(func() {
			if p.bp != bp || snap.seq < p.snap.seq {
				return
			}
			p.reach = map[bool]int{true: 1, false: -1}[up]
			if len(snap.conflicts) != len(p.snap.conflicts) { // the list changed: show it anew
				p.setSnapshot(bp, snap)
				return
			}
			p.snap.status, p.snap.rejected, p.snap.seq = snap.status, snap.rejected, snap.seq
			p.state.SetText(stateText(p.snap, p.reach))
			p.showRejected()
		})
	}
}

// probe is a cheap GET of the server's landing page: any answer below
// 500 means it is up.
func (p *Panel) probe(ctx context.Context, url string) bool {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(url, "/")+"/", nil)
	if err != nil {
		return false
	}
	resp, err := p.client.Do(req)
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode < 500
}
