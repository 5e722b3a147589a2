package conflict

import (
	"cmp"
	"context"
	"errors"
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
	Rules    []string // rule ids to run; empty: all
	District string   // district code: only patches whose centroid lies in it
	// Progress is called from the running goroutine; total = 1000 per run.
	// It and Slope must not write to the blueprint: a streamed Run holds
	// its writer while the rules run.
	Progress func(done, total int)
	Slope    SlopeSource // nil: slope rules are skipped
	Workers  int         // default runtime.NumCPU()
	// DistrictLayer and DistrictField name the admin-division layer; defaults
	// XZ_QXXZQ and xzqdm. A missing layer leaves patches without a district.
	DistrictLayer, DistrictField string

	// Discard: Run stores the patches without keeping them in
	// Result.Patches (left nil; Result.Rules has their counts and areas),
	// so a first run holds a few chunks of patches at a time, not all.
	Discard bool
	// Stream: a first Run (lantu_conflicts empty) stores the patches as the
	// rules find them, overlapping the store with the overlay: into a
	// staging table, in steps that free the blueprint's writer between
	// them, swapped in for lantu_conflicts at the end (store_stage.go).
	// For batch commands (lantuctl check); the app leaves it off.
	Stream bool

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
	// Store is the time Run took to store the patches (zero for
	// RunSource): streamed into an empty table, the time in the store's
	// statements while the rules ran plus the time after the last rule.
	Store time.Duration `json:"-"`
}

const progressTotal = 1000

// RunSource checks rules against a Source without storing anything. A rule
// naming a layer the source lacks is skipped (SkipNoLayer), as is one whose
// layer's data cannot be used (SkipUnusable, RuleResult.Unusable).
func RunSource(ctx context.Context, src Source, rules *RuleSet, opt Options) (*Result, error) {
	var parts [][]Patch
	res, err := runRules(ctx, src, rules, opt, &sink{take: func(ps []Patch, _ []encodedPatch) error {
		parts = append(parts, ps)
		return nil
	}})
	if err != nil {
		return nil, err
	}
	res.Patches = concat(parts)
	return res, nil
}

// sink takes the patches of a run chunk by chunk, rule after rule, each
// rule's in its final order (A fid, B fid, class pair), from the goroutine
// that called runRules.
type sink struct {
	take func(ps []Patch, enc []encodedPatch) error
	// encode: the workers encode each chunk for storage (enc, fingerprints;
	// srid is the blueprint's), else enc is nil.
	encode bool
	srid   int
	// recycle: take keeps neither ps nor enc, so their arrays are reused
	// for later chunks.
	recycle bool
	// ruleDone, when set, is called after each rule that ran.
	ruleDone func() error
}

// runRules runs the selected rules in order, handing their patches to sk;
// Result.Patches is left nil.
func runRules(ctx context.Context, src Source, rules *RuleSet, opt Options, sk *sink) (*Result, error) {
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
	shared := newSharedLayers(rules.Rules)
	for i, r := range rules.Rules {
		if reason, unusable := skipReason(src, r); reason != "" {
			res.Rules = append(res.Rules, skippedResult(r, reason, unusable))
			shared.done(r)
			continue
		}
		e := &ruleRun{rule: r, src: src, opt: opt, dist: dist, repairs: map[string]Repair{}, sink: sk, shared: shared}
		e.progress = func(frac float64) {
			if opt.Progress != nil {
				opt.Progress(int((float64(i)+frac)*progressTotal/float64(len(rules.Rules))), progressTotal)
			}
		}
		rr, err := e.run(ctx)
		shared.done(r)
		if err == nil && sk.ruleDone != nil {
			err = sk.ruleDone()
		}
		if err != nil {
			return nil, fmt.Errorf("rule %s: %w", r.ID, err)
		}
		res.Rules = append(res.Rules, rr)
		res.Repairs = append(res.Repairs, e.sortedRepairs()...)
	}
	if opt.Progress != nil {
		opt.Progress(progressTotal, progressTotal)
	}
	return res, nil
}

// concat joins the chunks' patches into one slice of the exact size,
// releasing each chunk's as it goes.
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
	sink     *sink
	shared   *sharedLayers // nil: every layer read for this rule alone
	found    RuleResult    // patches and area emitted so far

	bRings []goRing                       // by B index (prep.go)
	bTree  *rtree.RTreeGN[float64, int32] // B's boxes
	eager  []int                          // B features each worker parses into GEOS up front
}

func (e *ruleRun) run(ctx context.Context) (RuleResult, error) {
	start := time.Now()
	rr := RuleResult{ID: e.rule.ID, Kind: e.rule.Kind}
	if e.rule.Kind == KindSlope && e.opt.Slope == nil {
		rr.Skipped = SkipNoDEM
		return rr, nil
	}
	if err := e.load(ctx); err != nil {
		return rr, err
	}
	if err := e.overlay(ctx); err != nil {
		return rr, err
	}
	rr.Patches, rr.Area = e.found.Patches, e.found.Area
	rr.Duration = time.Since(start)
	rr.Millis = float64(rr.Duration.Microseconds()) / 1000
	return rr, nil
}

// load reads A (within the district's box, if any) and B (within A's box).
func (e *ruleRun) load(ctx context.Context) error {
	var err error
	if e.opt.preA != nil {
		e.a = e.opt.preA
	} else if e.a, err = e.shared.load(ctx, e.src, e.rule.A, e.dist.bound(e.opt.District), refFields(e.rule.AClassField)); err != nil {
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
	e.b, err = e.shared.load(ctx, e.src, e.rule.B, box, refFields(e.rule.BClassField))
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

// chunkRows is the A features in a chunk of work.
const chunkRows = 64

// chunkOut is one chunk's patches, ready for the sink.
type chunkOut struct {
	c   int // chunk index
	ps  []Patch
	enc []encodedPatch // when the sink encodes
}

// overlay splits A into chunks shared by the workers, handed out in order,
// and hands the chunks' patches to the sink in that order from this
// goroutine: at most a window of chunks is out (taken and not yet in the
// sink), so the patches held stay bounded however many the rule finds.
func (e *ruleRun) overlay(ctx context.Context) error {
	if len(e.a) == 0 {
		return nil
	}
	if err := e.prepB(); err != nil {
		return err
	}
	n := e.opt.Workers
	if n <= 0 {
		n = runtime.NumCPU()
	}
	chunks := (len(e.a) + chunkRows - 1) / chunkRows
	n = min(n, chunks)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	window := 4 * n
	tokens := make(chan struct{}, window) // one per chunk out
	results := make(chan chunkOut, window)
	free := make(chan chunkOut, window) // arrays to reuse (sink.recycle)
	errs := make([]error, n)
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if errs[w] = e.worker(ctx, chunks, &next, tokens, results, free); errs[w] != nil {
				cancel()
			}
		}()
	}
	go func() { wg.Wait(); close(results) }()
	done, err := e.consume(results, tokens, free, chunks)
	if err != nil {
		cancel()
	}
	for range results { // the workers stop
	}
	if err != nil {
		return err
	}
	for _, err := range errs {
		if err != nil && !errors.Is(err, context.Canceled) {
			return err
		}
	}
	if done < chunks {
		return cmp.Or(context.Cause(ctx), context.Canceled)
	}
	return nil
}

// worker runs one worker over the chunks it takes: it takes a token
// before each, and readies each chunk's patches (chunk) for the sink.
func (e *ruleRun) worker(ctx context.Context, chunks int, next *atomic.Int64, tokens chan struct{},
	results chan<- chunkOut, free chan chunkOut) error {
	c := 0
	bJSON := map[int64]string{} // B's attributes as encoded, by fid (encodeChunk)
	return e.work(ctx, func() (int, int, bool) {
		select {
		case tokens <- struct{}{}:
		case <-ctx.Done():
			return 0, 0, false
		}
		if c = int(next.Add(1) - 1); c >= chunks {
			<-tokens
			return 0, 0, false
		}
		return c * chunkRows, min((c+1)*chunkRows, len(e.a)), true
	}, func(ps []Patch) []Patch {
		var buf chunkOut
		select {
		case buf = <-free:
		default:
		}
		results <- e.chunk(c, ps, buf.enc, bJSON)
		return buf.ps
	})
}

// chunk readies chunk c's patches in the worker that found them: sorted,
// given their districts (those outside Options.District dropped) and, when
// the sink stores them, encoded into enc's array.
func (e *ruleRun) chunk(c int, ps []Patch, enc []encodedPatch, bJSON map[int64]string) chunkOut {
	sortChunk(ps)
	ps = e.dist.assign(ps, e.opt.District)
	out := chunkOut{c: c, ps: ps}
	if e.sink.encode {
		out.enc = encodeChunk(enc, ps, e.sink.srid, bJSON)
	}
	return out
}

// consume hands the chunks to the sink in chunk order as they come, and
// returns how many it handed. A chunk's token is given back when it is in
// the sink, and its arrays are offered for reuse when the sink keeps none.
func (e *ruleRun) consume(results <-chan chunkOut, tokens chan struct{}, free chan<- chunkOut, chunks int) (int, error) {
	pending := map[int]chunkOut{}
	want := 0
	for out := range results {
		pending[out.c] = out
		for {
			o, ok := pending[want]
			if !ok {
				break
			}
			delete(pending, want)
			want++
			<-tokens
			if err := e.emit(o, free); err != nil {
				return want, err
			}
			e.progress(float64(want) / float64(chunks))
		}
	}
	return want, nil
}

// emit gives one chunk to the sink and counts it.
func (e *ruleRun) emit(o chunkOut, free chan<- chunkOut) error {
	for i := range o.ps {
		e.found.Area += o.ps[i].Area
	}
	e.found.Patches += len(o.ps)
	if len(o.ps) > 0 {
		if err := e.sink.take(o.ps, o.enc); err != nil {
			return err
		}
	}
	if e.sink.recycle {
		clear(o.ps)
		clear(o.enc)
		select {
		case free <- chunkOut{ps: o.ps[:0], enc: o.enc[:0]}:
		default:
		}
	}
	return nil
}

// sortChunk sorts a chunk's patches (comparePatches): a worker finds them
// in A's order, so only each A feature's run is sorted, unless they are not.
func sortChunk(ps []Patch) {
	if !slices.IsSortedFunc(ps, func(a, b Patch) int { return cmpInt(a.A.FID, b.A.FID) }) {
		slices.SortFunc(ps, comparePatches)
		return
	}
	for lo := 0; lo < len(ps); {
		hi := lo + 1
		for hi < len(ps) && ps[hi].A.FID == ps[lo].A.FID {
			hi++
		}
		if hi-lo > 1 {
			slices.SortFunc(ps[lo:hi], comparePatches)
		}
		lo = hi
	}
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
