package conflict

import (
	"context"
	"fmt"
	"math"
	"strings"

	"github.com/paulmach/orb"
	"github.com/twpayne/go-geos"
)

// bGeom is a B feature parsed into one worker's GEOS context.
type bGeom struct {
	g    *geos.Geom
	prep *geos.PrepGeom
}

// worker owns one GEOS context; both operands of every operation live in it.
type worker struct {
	e     *ruleRun
	gctx  *geos.Context
	bs    []*bGeom // by B index: nil until parsed, or when it has no area
	done  []bool   // B parsed
	cands []int32  // candidates scratch
	clip  clipper
	// key attributes, shared by a feature's patches: of the A feature
	// aRefOf, and of B by index (nil until made)
	aRef    map[string]any
	aRefOf  *Feature
	bRefs   []map[string]any
	aBoxes  []box     // the A ring's edge boxes
	scratch []Patch   // one A feature's patches, copied out by work
	keys    []edgeKey // simplicity test scratch
}

// work runs the worker over chunks of A until none are left, handing each
// chunk's patches to chunkDone, which gives back the slice to append the
// next chunk's to.
func (e *ruleRun) work(ctx context.Context, next func() (int, int, bool), chunkDone func([]Patch) []Patch) error {
	w := &worker{e: e, gctx: geos.NewContext(), bs: make([]*bGeom, len(e.b)), done: make([]bool, len(e.b)),
		bRefs: make([]map[string]any, len(e.b))}
	for _, i := range e.eager {
		if _, err := w.bGEOS(i); err != nil {
			return err
		}
	}
	var out []Patch
	for {
		lo, hi, ok := next()
		if !ok {
			return nil
		}
		for i := lo; i < hi; i++ {
			if err := ctx.Err(); err != nil {
				return err
			}
			ps, err := w.featureA(&e.a[i])
			if err != nil {
				return err
			}
			out = append(out, ps...)
			w.scratch = ps[:0]
		}
		out = chunkDone(out)
	}
}

// bGEOS returns B feature i in the worker's GEOS context, parsing (and
// buffering, for setbacks) it on first use; nil when it has no area. A
// go-geos panic on it is an error naming it.
func (w *worker) bGEOS(i int) (bg *bGeom, err error) {
	if w.done[i] {
		return w.bs[i], nil
	}
	w.done[i] = true
	r, f := w.e.rule, &w.e.b[i]
	g, rep, err := w.geom(r.B.Layer, f, w.e.bRings[i].ring != nil)
	if err != nil {
		return nil, err
	}
	w.e.addRepair(rep)
	if g == nil {
		return nil, nil
	}
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("%w: layer %q fid %d: GEOS refused it: %v", ErrGeometry, r.B.Layer, f.FID, v)
		}
	}()
	if r.Kind == KindSetback {
		g = g.Buffer(r.Distance, 8)
	}
	w.bs[i] = &bGeom{g: g, prep: g.Prepare()}
	return w.bs[i], nil
}

// geom converts a feature at the GEOS boundary. GEOS throws on NaN and
// infinite coordinates (and go-geos then panics), so they are refused
// first; any other go-geos panic while reading, validating or repairing the
// feature also becomes an error naming the layer and the feature. valid
// says the Go side has proved it valid (a goRing), so GEOS need not check.
func (w *worker) geom(layer string, f *Feature, valid bool) (g *geos.Geom, rep *Repair, err error) {
	if !finite(f.Geom) {
		return nil, nil, fmt.Errorf("%w: layer %q fid %d: a coordinate is NaN or infinite", ErrGeometry, layer, f.FID)
	}
	defer func() {
		if v := recover(); v != nil {
			g, rep, err = nil, nil, fmt.Errorf("%w: layer %q fid %d: GEOS refused it: %v", ErrGeometry, layer, f.FID, v)
		}
	}()
	return toGEOS(w.gctx, layer, f, valid)
}

// finite tells whether every coordinate of g is a finite number.
func finite(g orb.Geometry) bool {
	switch g := g.(type) {
	case orb.Point:
		return isFinite(g[0]) && isFinite(g[1])
	case orb.MultiPoint:
		return all(g, finite)
	case orb.LineString:
		return all(g, finite)
	case orb.Ring:
		return all(g, finite)
	case orb.MultiLineString:
		return all(g, finite)
	case orb.Polygon:
		return all(g, finite)
	case orb.MultiPolygon:
		return all(g, finite)
	case orb.Collection:
		return all(g, finite)
	}
	return true
}

func isFinite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

func all[T orb.Geometry](list []T, ok func(orb.Geometry) bool) bool {
	for _, x := range list {
		if !ok(x) {
			return false
		}
	}
	return true
}

// featureA computes the patches of one A feature. A GEOS failure on one
// feature (a topology exception on repaired input) is recorded as a repair
// and the feature is skipped, never taking the run down.
func (w *worker) featureA(f *Feature) (ps []Patch, err error) {
	r := w.e.rule
	defer func() {
		if v := recover(); v != nil {
			w.e.addRepair(&Repair{r.A.Layer, f.FID, fmt.Sprint("overlay failed: ", v), "skipped"})
			ps, err = nil, nil
		}
	}()
	if r.Kind != KindWithin && r.MinWidth == 0 { // parsed into GEOS only if a pair needs it
		if g, ok := makeGoRing(f.Geom, w.aBoxes, &w.keys); ok {
			w.aBoxes = g.boxes
			return w.pairs(f, nil, &g)
		}
	}
	if !finite(f.Geom) {
		return nil, fmt.Errorf("%w: layer %q fid %d: a coordinate is NaN or infinite", ErrGeometry, r.A.Layer, f.FID)
	}
	a, rep, err := w.geom(r.A.Layer, f, false)
	w.e.addRepair(rep)
	if err != nil || a == nil {
		return nil, err
	}
	if r.Kind == KindWithin {
		return w.within(f, a)
	}
	return w.pairs(f, a, nil)
}

// pairs emits A ∩ B for each B meeting A whose classes conflict. When both
// are simple valid rings (ag, B's goRing), the intersection is computed in
// Go: by Sutherland-Hodgman when one is convex, else by Greiner-Hormann
// (clip.go); degenerate pairs and all others go to GEOS, A being parsed
// (when a is nil) on the first such pair. A GEOS failure skips the feature
// (featureA).
func (w *worker) pairs(f *Feature, a *geos.Geom, ag *goRing) ([]Patch, error) {
	out := w.scratch[:0]
	var bb orb.Bound
	if ag != nil {
		bb = ag.bound().bound()
	} else {
		bb = f.Geom.Bound()
	}
	w.cands = w.e.candidates(bb, w.cands)
	sameLayer := w.e.rule.A.Layer == w.e.rule.B.Layer
	for _, bi := range w.cands {
		bf := &w.e.b[bi]
		if sameLayer && bf.FID == f.FID {
			continue
		}
		pair, ok := w.e.classConflict(f, bf)
		if !ok {
			continue
		}
		if br := &w.e.bRings[bi]; ag != nil && br.ring != nil {
			if p, some, done := w.goPair(f, int(bi), ag, br, pair); done {
				if some {
					out = append(out, p)
				}
				continue
			}
		}
		if a == nil {
			g, rep, err := w.geom(w.e.rule.A.Layer, f, ag != nil)
			w.e.addRepair(rep)
			if err != nil || g == nil {
				return nil, err
			}
			a = g
		}
		p, err := w.geosPair(f, bf, a, int(bi), pair)
		if err != nil {
			return nil, err
		}
		if p != nil {
			out = append(out, *p)
		}
	}
	return out, nil
}

// goPair intersects two simple rings in Go; done is false when the
// configuration is degenerate and GEOS must decide, some false when there
// is no patch (the interiors do not meet, or a sliver).
func (w *worker) goPair(f *Feature, bi int, a, b *goRing, pair string) (p Patch, some, done bool) {
	if len(b.holes) > 0 {
		mp, m, ok := w.clip.holedClip(a, b)
		if !ok {
			return p, false, false
		}
		p, some = w.goPatch(f, bi, mp, m, pair)
		return p, some, true
	}
	if b.convex || a.convex {
		var clipped []orb.Point
		var ok bool
		if b.convex {
			clipped, ok = clipConvex(a.ring, b.ring)
		} else {
			clipped, ok = clipConvex(b.ring, a.ring)
		}
		if ok {
			if clipped == nil {
				return p, false, true
			}
			var m measures
			m.area, m.perimeter, m.centroid = ringMeasures(clipped)
			ring := w.clip.slab.points(len(clipped) + 1)
			ring[copy(ring, clipped)] = clipped[0]
			p, some = w.goPatch(f, bi, orb.MultiPolygon{{ring}}, m, pair)
			return p, some, true
		}
	}
	rings, m, ok := w.clip.clip(a, b)
	if !ok {
		return p, false, false
	}
	p, some = w.goPatch(f, bi, ringPolygons(rings), m, pair)
	return p, some, true
}

// geosPair is A ∩ B by GEOS (nil: they do not meet, or a sliver).
func (w *worker) geosPair(f, bf *Feature, a *geos.Geom, bi int, pair string) (*Patch, error) {
	b, err := w.bGEOS(bi)
	if err != nil || b == nil {
		return nil, err
	}
	if !b.prep.Intersects(a) {
		return nil, nil
	}
	inter := a
	if !b.prep.Covers(a) {
		inter = a.Intersection(b.g)
	}
	return w.patch(f, bi, inter, pair)
}

// within emits the part of A outside the union of the B features meeting it.
func (w *worker) within(f *Feature, a *geos.Geom) ([]Patch, error) {
	var meet []*geos.Geom
	w.cands = w.e.candidates(geosBound(a), w.cands)
	for _, bi := range w.cands {
		b, err := w.bGEOS(int(bi))
		if err != nil {
			return nil, err
		}
		if b == nil {
			continue
		}
		if b.prep.Covers(a) {
			return nil, nil
		}
		if b.prep.Intersects(a) {
			meet = append(meet, b.g)
		}
	}
	rest := a
	if len(meet) > 0 {
		u := w.gctx.NewCollection(geos.TypeIDGeometryCollection, cloneAll(meet)).UnaryUnion()
		rest = a.Difference(u)
	}
	p, err := w.patch(f, -1, rest, "")
	if p == nil || err != nil {
		return nil, err
	}
	return []Patch{*p}, nil
}

func cloneAll(gs []*geos.Geom) []*geos.Geom {
	out := make([]*geos.Geom, len(gs))
	for i, g := range gs {
		out[i] = g.Clone()
	}
	return out
}

// patch turns an overlay result into a Patch (with B feature bi, or none
// when bi < 0), or nil when it is a sliver.
func (w *worker) patch(a *Feature, bi int, g *geos.Geom, pair string) (*Patch, error) {
	r := w.e.rule
	g = polygonal(w.gctx, g)
	if g == nil || g.IsEmpty() {
		return nil, nil
	}
	area := g.Area()
	if area <= 0 || area < r.MinArea {
		return nil, nil
	}
	if r.MinWidth > 0 && g.Buffer(-r.MinWidth/2, 4).IsEmpty() {
		return nil, nil
	}
	mp, err := toMultiPolygon(g)
	if err != nil {
		return nil, fmt.Errorf("layer %q fid %d: %w", r.A.Layer, a.FID, err)
	}
	c := g.Centroid()
	p := &Patch{
		RuleID: r.ID, Severity: r.Severity, Kind: r.Kind, ClassPair: pair,
		A: w.refA(a), B: Ref{Layer: r.B.Layer},
		Area: area, Perimeter: g.Length(), Geom: mp, SRID: w.e.src.SRID(), Status: StatusOpen,
	}
	p.Centroid[0], p.Centroid[1] = c.X(), c.Y()
	if bi >= 0 {
		p.B = w.refB(bi)
	}
	if r.Kind == KindSlope {
		p.B = Ref{Layer: fmt.Sprintf("slope>%g°", r.Threshold)}
	}
	return p, nil
}

// ringPolygons makes each of rings (none: nil) a polygon.
func ringPolygons(rings []orb.Ring) orb.MultiPolygon {
	if len(rings) == 0 {
		return nil
	}
	mp := make(orb.MultiPolygon, len(rings))
	polys := make([]orb.Ring, len(rings))
	for i, ring := range rings {
		polys[i] = ring
		mp[i] = polys[i : i+1 : i+1]
	}
	return mp
}

// goPatch is patch for the polygons of a Go overlay (their measures m):
// none when there are none, or too small.
func (w *worker) goPatch(a *Feature, bi int, mp orb.MultiPolygon, m measures, pair string) (Patch, bool) {
	r := w.e.rule
	if len(mp) == 0 || m.area <= 0 || m.area < r.MinArea {
		return Patch{}, false
	}
	p := Patch{
		RuleID: r.ID, Severity: r.Severity, Kind: r.Kind, ClassPair: pair,
		A: w.refA(a), B: w.refB(bi),
		Area: m.area, Perimeter: m.perimeter, Geom: mp, SRID: w.e.src.SRID(),
		Status: StatusOpen, Centroid: m.centroid,
	}
	if r.Kind == KindSlope {
		p.B = Ref{Layer: fmt.Sprintf("slope>%g°", r.Threshold)}
	}
	return p, true
}

// keyFields are the attributes kept with a patch's features, besides the class.
var keyFields = []string{"mc", "xmmc", "dkbh", "pzwh", "xzqdm"}

// refA is the Ref of the A feature being checked, made once per feature.
func (w *worker) refA(f *Feature) Ref {
	r := w.e.rule
	if w.aRef == nil || w.aRefOf != f {
		w.aRef, w.aRefOf = w.e.ref(r.A.Layer, f, r.AClassField).Attrs, f
	}
	return Ref{Layer: r.A.Layer, FID: f.FID, UID: f.UID, Attrs: w.aRef}
}

// refB is the Ref of B feature i, made once per worker.
func (w *worker) refB(i int) Ref {
	r, f := w.e.rule, &w.e.b[i]
	if w.bRefs[i] == nil {
		w.bRefs[i] = w.e.ref(r.B.Layer, f, r.BClassField).Attrs
	}
	return Ref{Layer: r.B.Layer, FID: f.FID, UID: f.UID, Attrs: w.bRefs[i]}
}

// refFields are the attributes a rule reads of a layer: its class field
// and the key fields patches keep.
func refFields(classField string) []string {
	return append([]string{classField}, keyFields...)
}

func (e *ruleRun) ref(layer string, f *Feature, classField string) Ref {
	attrs := map[string]any{}
	for _, k := range refFields(classField) {
		if v, ok := f.Attrs[k]; ok && k != "" && v != nil {
			attrs[k] = v
		}
	}
	return Ref{Layer: layer, FID: f.FID, UID: f.UID, Attrs: attrs}
}

// classConflict tells whether the pair conflicts under the rule's class
// mapping, and the class pair to record. Kinds without classes always do.
func (e *ruleRun) classConflict(a, b *Feature) (string, bool) {
	r := e.rule
	if r.Kind != KindDifference && r.Kind != KindAttribute {
		return "", true
	}
	ac, bc := toText(a.Attrs[r.AClassField]), toText(b.Attrs[r.BClassField])
	pair := ac + "→" + bc
	if r.Kind == KindDifference {
		return pair, hasAnyPrefix(ac, r.AConstruction) != hasAnyPrefix(bc, r.BConstruction)
	}
	return pair, !r.compatible(ac, bc)
}

func hasAnyPrefix(s string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// compatible looks up A's class by longest prefix in the mapping; without
// an entry, classes agree when their first MatchPrefix characters do.
func (r *Rule) compatible(ac, bc string) bool {
	best := ""
	for k := range r.Compatible {
		if strings.HasPrefix(ac, k) && len(k) > len(best) {
			best = k
		}
	}
	if best != "" {
		return hasAnyPrefix(bc, r.Compatible[best])
	}
	if n := r.MatchPrefix; n > 0 && len(ac) >= n && len(bc) >= n {
		return ac[:n] == bc[:n]
	}
	return ac == bc
}
