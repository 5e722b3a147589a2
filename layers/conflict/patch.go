package conflict

import (
	"github.com/paulmach/orb"
)

// Ref is one feature a patch comes from.
type Ref struct {
	Layer string         `json:"layer"`
	FID   int64          `json:"fid"`
	UID   string         `json:"uid"`
	Attrs map[string]any `json:"attrs,omitempty"` // key attributes (class, name)
}

// Review states of a patch.
const (
	StatusOpen             = "open"
	StatusConfirmed        = "confirmed"
	StatusWaived           = "waived"
	StatusResolved         = "resolved"
	StatusResolvedByChange = "resolved_by_change"
)

// Patch is one conflict patch (图斑). A Patch is a value; copies are
// independent except for the shared geometry and attribute maps, which are
// never modified after creation.
type Patch struct {
	ID          int64            `json:"id"` // fid in lantu_conflicts; 0 before storage
	RuleID      string           `json:"rule_id"`
	Severity    string           `json:"severity"`
	Kind        string           `json:"kind"`
	A           Ref              `json:"a"`
	B           Ref              `json:"b"` // empty for within (the whole union of B) and slope
	ClassPair   string           `json:"class_pair,omitempty"`
	District    string           `json:"district,omitempty"`
	Area        float64          `json:"area_m2"`
	Perimeter   float64          `json:"perimeter_m"`
	Geom        orb.MultiPolygon `json:"-"`
	SRID        int              `json:"srid"` // CRS of Geom
	Centroid    orb.Point        `json:"-"`
	Status      string           `json:"status"`
	Reviewer    string           `json:"reviewer,omitempty"`
	ReviewedAt  string           `json:"reviewed_at,omitempty"`
	Comment     string           `json:"comment,omitempty"`
	FirstSeen   string           `json:"first_seen,omitempty"`
	LastSeen    string           `json:"last_seen,omitempty"`
	Fingerprint string           `json:"fingerprint,omitempty"`
}

// key identifies a patch across runs: rule and features.
func (p *Patch) key() string {
	return p.RuleID + "|" + p.A.UID + "|" + p.B.UID + "|" + p.ClassPair
}

// sameShape tells whether two patches with the same key are the same patch:
// areas within 1% (tolerant of tiny geometry edits).
func sameShape(a, b float64) bool {
	d := a - b
	if d < 0 {
		d = -d
	}
	return d <= 0.01*max(a, b)
}
