package conflictpanel

import (
	"github.com/paulmach/orb"

	"lantu/layers"
	"lantu/layers/conflict"
)

// ShowPatches replaces the list with patches freshly loaded from bp (after
// a live re-check of an edit) and returns how many are new (active now,
// not before) and how many were cleared (active before, now resolved or
// gone). The new patches are outlined on the map unless a patch is
// selected; a selected patch that was cleared is unselected and its
// outline removed. Patches of another blueprint than the panel's are
// ignored (0, 0). Call on the UI goroutine.
func (p *Panel) ShowPatches(bp *layers.Blueprint, ps []conflict.Patch) (added, cleared int) {
	if bp == nil || p.bp != bp {
		return 0, 0
	}
	before := activeIDs(p.patches)
	now := activeIDs(ps)
	var rings []orb.Ring
	for _, pt := range ps {
		if now[pt.ID] && !before[pt.ID] {
			added++
			for _, poly := range pt.Geom {
				rings = append(rings, poly...)
			}
		}
	}
	for id := range before {
		if !now[id] {
			cleared++
		}
	}
	if p.sel != nil && !now[p.sel.ID] {
		p.sel = nil
		p.h.Map().SetHighlight(nil)
		p.h.Map().SetMarks(nil)
		p.showDetail()
		p.tellSelection()
	}
	if p.sel == nil && (added > 0 || cleared > 0) {
		p.h.Map().SetMarks(rings)
	} else if p.sel != nil {
		p.sel = patchByID(ps, p.sel.ID)
	}
	p.setPatches(ps)
	return added, cleared
}

// activeIDs are the ids of the patches still to be dealt with: open,
// confirmed or waived (not resolved, by hand or by a change).
func activeIDs(ps []conflict.Patch) map[int64]bool {
	m := make(map[int64]bool, len(ps))
	for _, pt := range ps {
		if pt.Status != conflict.StatusResolved && pt.Status != conflict.StatusResolvedByChange {
			m[pt.ID] = true
		}
	}
	return m
}

// patchByID returns a pointer to the patch with id in ps (which the panel
// keeps), or nil.
func patchByID(ps []conflict.Patch, id int64) *conflict.Patch {
	for i := range ps {
		if ps[i].ID == id {
			return &ps[i]
		}
	}
	return nil
}
