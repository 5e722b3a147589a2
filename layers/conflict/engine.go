package conflict

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/paulmach/orb"
	"github.com/tidwall/rtree"
)

// SlopeSource gives the land steeper than a threshold. Terrain analysis
// implements it; the engine calls it from one goroutine at a time per rule.
type SlopeSource interface {
	// Steep returns the area within bbox steeper than threshold degrees, as
	// polygons in the blueprint's CRS.
	Steep(ctx context.Context, bbox orb.Bound, threshold float64) (orb.MultiPolygon, error)
}

// SkipNoDEM is the Skipped reason of a slope rule without terrain.
const SkipNoDEM = "slope rule skipped: no DEM in this blueprint"

// Options tune a run. The zero value runs every rule over the whole blueprint.
type Options struct {
	Rules    []string              // rule ids to run; empty: all
	District string                // district code: only patches whose centroid lies in it
	Progress func(done, total int) // called from the running goroutine; total = 1000 per run
	Slope    SlopeSource           // nil: slope rules are skipped
	Workers  int                   // default runtime.NumCPU()
	// DistrictLayer and DistrictField name the admin-division layer; defaults
	// XZ_QXXZQ and xzqdm. A missing layer leaves patches without a district.
	DistrictLayer, DistrictField string

	preA []Feature // incremental re-check: the A features to check, already loaded
}

// RuleResult sums up one rule's run.
type RuleResult struct {
	ID       string        `json:"id"`
	Kind     string        `json:"kind"`
	Patches  int           `json:"patches"`
	Area     float64       `json:"area_m2"`
	Duration time.Duration `json:"-"`
	Millis   float64       `json:"ms"`
	Skipped  string        `json:"skipped,omitempty"`
	// Unusable: the rule was skipped because a layer's data cannot be used
	// (SkipUnusable): its patches are missing from the result.
	Unusable bool `json:"unusable,omitempty"`
}

// Result is the outcome of a run. Patches are ordered by rule (in rule-set
// order), then A fid, then B fid.
type Result struct {
	Rules   []RuleResult `json:"rules"`
	Patches []Patch      `json:"-"`
	Repairs []Repair     `json:"repairs,omitempty"`
	// Store is the time Run took to store the patches (zero for RunSource).
	Store time.Duration `json:"-"`
}

const progressTotal = 1000

// RunSource checks rules against a Source without storing anything. A rule
// naming a layer the source lacks is skipped (SkipNoLayer), as is one whose
// layer's data cannot be used (SkipUnusable, RuleResult.Unusable).
func RunSource(ctx context.Context, src Source, rules *RuleSet, opt Options) (*Result, error) {
	rules, err := rules.Select(opt.Rules)
	if err != nil {
		return nil, err
	}
	if err := rules.ValidatePresent(src); err != nil {
		return nil, err
	}
	dist, err := loadDistricts(ctx, src, opt)
	if err != nil {
		return nil, err
	}
	res := &Result{}
	var perRule [][]Patch
	for i, r := range rules.Rules {
		if reason, unusable := skipReason(src, r); reason != "" {
			res.Rules = append(res.Rules, skippedResult(r, reason, unusable))
			continue
		}
		e := &ruleRun{rule: r, src: src, opt: opt, dist: dist, repairs: map[string]Repair{}}
		e.progress = func(frac float64) {
			if opt.Progress != nil {
				opt.Progress(int((float64(i)+frac)*progressTotal/float64(len(rules.Rules))), progressTotal)
			}
		}
		rr, patches, err := e.run(ctx)
		if err != nil {
			return nil, fmt.Errorf("rule %s: %w", r.ID, err)
		}
		res.Rules = append(res.Rules, rr)
		perRule = append(perRule, patches)
		res.Repairs = append(res.Repairs, e.sortedRepairs()...)
	}
	res.Patches = concat(perRule)
	if opt.Progress != nil {
		opt.Progress(progressTotal, progressTotal)
	}
	return res, nil
}

// concat joins the rules' patches into one slice of the exact size,
// releasing each rule's as it goes.
func concat(parts [][]Patch) []Patch {
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	if n == 0 {
		return nil
	}
	out := make([]Patch, 0, n)
	for i := range parts {
		out = append(out, parts[i]...)
		parts[i] = nil
	}
	return out
}

// ruleRun is the state of one rule's run.
type ruleRun struct {
	rule     *Rule
	src      Source
	opt      Options
	dist     *districts
	progress func(frac float64)
	a, b     []Feature
	mu       sync.Mutex
	repairs  map[string]Repair

	bRings []goRing                       // by B index (prep.go)
	bTree  *rtree.RTreeGN[float64, int32] // B's boxes
	eager  []int                          // B features each worker parses into GEOS up front
}

func (e *ruleRun) run(ctx context.Context) (RuleResult, []Patch, error) {
	start := time.Now()
	rr := RuleResult{ID: e.rule.ID, Kind: e.rule.Kind}
	if e.rule.Kind == KindSlope && e.opt.Slope == nil {
		rr.Skipped = SkipNoDEM
		return rr, nil, nil
	}
	if err := e.load(ctx); err != nil {
		return rr, nil, err
	}
	patches, err := e.overlay(ctx)
	if err != nil {
		return rr, nil, err
	}
	patches = e.dist.assign(patches, e.opt.District)
	for _, p := range patches {
		rr.Area += p.Area
	}
	rr.Patches = len(patches)
	rr.Duration = time.Since(start)
	rr.Millis = float64(rr.Duration.Microseconds()) / 1000
	return rr, patches, nil
}

// load reads A (within the district's box, if any) and B (within A's box).
func (e *ruleRun) load(ctx context.Context) error {
	var err error
	if e.opt.preA != nil {
		e.a = e.opt.preA
	} else if e.a, err = loadLayer(ctx, e.src, e.rule.A, e.dist.bound(e.opt.District)); err != nil {
		return err
	}
	if len(e.a) == 0 {
		return nil
	}
	box := featuresBound(e.a).Pad(e.rule.Distance)
	if e.rule.Kind == KindSlope {
		mp, err := e.opt.Slope.Steep(ctx, box, e.rule.Threshold)
		if err != nil {
			return fmt.Errorf("slope: %w", err)
		}
		if len(mp) > 0 {
			e.b = []Feature{{Geom: mp}}
		}
		return nil
	}
	e.b, err = loadLayer(ctx, e.src, e.rule.B, box)
	return err
}

func featuresBound(fs []Feature) orb.Bound {
	var b orb.Bound
	first := true
	for _, f := range fs {
		if f.Geom == nil {
			continue
		}
		if fb := geomBound(f.Geom); first {
			b, first = fb, false
		} else {
			b = b.Union(fb)
		}
	}
	return b
}

func (e *ruleRun) addRepair(r *Repair) {
	if r == nil {
		return
	}
	e.mu.Lock()
	e.repairs[fmt.Sprintf("%s|%d", r.Layer, r.FID)] = *r
	e.mu.Unlock()
}

func (e *ruleRun) sortedRepairs() []Repair {
	out := make([]Repair, 0, len(e.repairs))
	for _, r := range e.repairs {
		out = append(out, r)
	}
	slices.SortFunc(out, func(a, b Repair) int {
		if c := strings.Compare(a.Layer, b.Layer); c != 0 {
			return c
		}
		return cmpInt(a.FID, b.FID)
	})
	return out
}

// overlay splits A into chunks shared by the workers.
func (e *ruleRun) overlay(ctx context.Context) ([]Patch, error) {
	if len(e.a) == 0 {
		return nil, nil
	}
	if err := e.prepB(); err != nil {
		return nil, err
	}
	n := e.opt.Workers
	if n <= 0 {
		n = runtime.NumCPU()
	}
	const chunk = 64
	chunks := (len(e.a) + chunk - 1) / chunk
	n = min(n, chunks)
	var next, done atomic.Int64
	out := make([][]Patch, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for w := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out[w], errs[w] = e.work(ctx, func() (int, int, bool) {
				c := int(next.Add(1) - 1)
				if c >= chunks {
					return 0, 0, false
				}
				return c * chunk, min((c+1)*chunk, len(e.a)), true
			}, func() { e.progress(float64(done.Add(1)) / float64(chunks)) })
		}()
	}
	wg.Wait()
	total := 0
	for w := range n {
		if errs[w] != nil {
			return nil, errs[w]
		}
		total += len(out[w])
	}
	all := make([]Patch, 0, total) // one copy of a city's patches, not a doubling series
	for w := range n {
		all = append(all, out[w]...)
		out[w] = nil
	}
	slices.SortFunc(all, comparePatches)
	return all, nil
}

func comparePatches(a, b Patch) int {
	if c := cmpInt(a.A.FID, b.A.FID); c != 0 {
		return c
	}
	if c := cmpInt(a.B.FID, b.B.FID); c != 0 {
		return c
	}
	return strings.Compare(a.ClassPair, b.ClassPair)
}
