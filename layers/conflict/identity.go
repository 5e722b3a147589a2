package conflict

import (
	"context"
	"database/sql"
	"math"

	"github.com/paulmach/orb"
)

// A patch's identity across runs is its rule, its two features and class
// pair (the fingerprint), and its geometry within a tolerance: area within
// 1% (sameShape) and bounding-box centre within 5% of the box's diagonal
// (samePlace). A review decision belongs to that identity: it stays with
// the stored row, and when the patch is not found for a while (the row is
// resolved_by_change meanwhile) and then found again, the row's last
// decision in lantu_reviews comes back with it.

// placeTolerance is how far, as a share of the bounding box's diagonal, a
// patch's box centre may move and still be the same patch.
const placeTolerance = 0.05

// stored is an existing row as needed for matching.
type stored struct {
	fid         int64
	fingerprint string
	area        float64
	status      string
	box         *orb.Bound // nil: empty geometry
	used        bool
}

// storedSet is the stored rows a run may match, by fingerprint, with the
// review decisions read on first need. Used by one goroutine.
type storedSet struct {
	tx        *sql.Tx
	byFP      map[string][]*stored
	decisions map[int64]string // conflict fid -> last review status
}

// match is the unused stored row that is the same patch as p, the closest
// in area and place; nil when none (or s is nil).
func (s *storedSet) match(p *Patch) *stored {
	if s == nil {
		return nil
	}
	box := p.Geom.Bound()
	var best *stored
	bestScore := math.Inf(1)
	for _, o := range s.byFP[p.Fingerprint] {
		if o.used || !sameShape(o.area, p.Area) || !samePlace(o.box, box) {
			continue
		}
		score := math.Abs(o.area-p.Area) / math.Max(math.Max(o.area, p.Area), 1e-12)
		if o.box != nil {
			score += centreDistance(*o.box, box) / math.Max(diagonal(box), 1e-12)
		}
		if score < bestScore {
			best, bestScore = o, score
		}
	}
	return best
}

// statusOf is the status a matched row takes: the reviewer's last decision
// on it, open if none. A row's status is that decision except while the
// patch is not found (resolved_by_change), so this also mends rows that an
// older Lantu reopened.
func (s *storedSet) statusOf(ctx context.Context, o *stored) (string, error) {
	if s.decisions == nil {
		d, err := loadDecisions(ctx, s.tx)
		if err != nil {
			return "", err
		}
		s.decisions = d
	}
	if d := s.decisions[o.fid]; d != "" {
		return d, nil
	}
	return StatusOpen, nil
}

// loadDecisions reads the last review status of every reviewed patch.
func loadDecisions(ctx context.Context, tx *sql.Tx) (map[int64]string, error) {
	rows, err := tx.QueryContext(ctx, `SELECT conflict_fid, status, max(id) FROM lantu_reviews GROUP BY conflict_fid`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]string{}
	for rows.Next() {
		var fid, id int64
		var status string
		if err := rows.Scan(&fid, &status, &id); err != nil {
			return nil, err
		}
		out[fid] = status
	}
	return out, rows.Err()
}

// samePlace tells whether two patch boxes are where one patch is: centres
// within placeTolerance of the larger diagonal. A stored row without a box
// (empty geometry) matches anywhere.
func samePlace(stored *orb.Bound, b orb.Bound) bool {
	if stored == nil {
		return true
	}
	return centreDistance(*stored, b) <= placeTolerance*math.Max(diagonal(*stored), diagonal(b))
}

func centreDistance(a, b orb.Bound) float64 {
	ca, cb := a.Center(), b.Center()
	return math.Hypot(ca[0]-cb[0], ca[1]-cb[1])
}

func diagonal(b orb.Bound) float64 {
	return math.Hypot(b.Max[0]-b.Min[0], b.Max[1]-b.Min[1])
}
