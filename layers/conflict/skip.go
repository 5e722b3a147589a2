package conflict

import (
	"context"
	"strings"
)

// SkipNoLayer starts the Skipped reason of a rule that names a layer the
// blueprint lacks (a user's rules run on another GeoPackage, say); the
// missing layers follow it.
const SkipNoLayer = "rule skipped: no layer in this blueprint:"

// SkipUnusable starts the Skipped reason of a rule whose layer holds data
// the engine cannot use (coordinates outside the layer's CRS); the layers
// follow it. The run is incomplete, and RuleResult.Unusable is set; the
// source says why each layer is unusable (Blueprint.Problems).
const SkipUnusable = "rule skipped: unusable layer:"

// layerProblemer is implemented by sources that know when a layer's data
// cannot be used.
type layerProblemer interface {
	// LayerProblem is nil, or why the layer's geometry cannot be used.
	LayerProblem(layer string) error
}

// LayerProblem reports a layer whose extent lies outside its CRS's valid
// area (layers.ErrOutsideCRS), checked from the file for a layer not
// indexed.
func (s blueprintSource) LayerProblem(layer string) error {
	if err := s.bp.CheckExtents(context.Background(), []string{layer}); err != nil {
		return err
	}
	if l := s.bp.Layer(layer); l != nil {
		return l.CRSProblem()
	}
	return nil
}

// ruleLayers are the layers a rule reads.
func ruleLayers(r *Rule) []string {
	if r.B.Layer == "" {
		return []string{r.A.Layer}
	}
	return []string{r.A.Layer, r.B.Layer}
}

// skipReason says why rule r cannot run on src ("" when it can), and
// whether the reason is unusable data.
func skipReason(src Source, r *Rule) (reason string, unusable bool) {
	var missing, bad []string
	lp, _ := src.(layerProblemer)
	for _, name := range ruleLayers(r) {
		if _, _, ok := src.Columns(name); !ok {
			missing = append(missing, name)
		} else if lp != nil && lp.LayerProblem(name) != nil {
			bad = append(bad, name)
		}
	}
	switch {
	case len(missing) > 0:
		return SkipNoLayer + " " + strings.Join(missing, ", "), false
	case len(bad) > 0:
		return SkipUnusable + " " + strings.Join(bad, ", "), true
	}
	return "", false
}

// ValidatePresent checks, as Validate does, the rules whose layers are all
// in sc; rules naming a missing layer are left for the run to skip.
func (s *RuleSet) ValidatePresent(sc Schema) error {
	for _, r := range s.Rules {
		present := true
		for _, name := range ruleLayers(r) {
			if _, _, ok := sc.Columns(name); !ok {
				present = false
			}
		}
		if !present {
			continue
		}
		if err := r.Validate(sc); err != nil {
			return err
		}
	}
	return nil
}

// skippedResult is the RuleResult of a rule that does not run.
func skippedResult(r *Rule, reason string, unusable bool) RuleResult {
	return RuleResult{ID: r.ID, Kind: r.Kind, Skipped: reason, Unusable: unusable}
}
