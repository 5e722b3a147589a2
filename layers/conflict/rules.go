package conflict

import (
	"bytes"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path"
	"slices"
	"strings"

	"github.com/BurntSushi/toml"

	"lantu/assets"
)

// Kinds of rule.
const (
	KindExclusive  = "exclusive"  // A ∩ B
	KindWithin     = "within"     // A − ∪B
	KindSetback    = "setback"    // A ∩ buffer(B, distance)
	KindDifference = "difference" // two plans disagree on construction vs non-construction
	KindSlope      = "slope"      // A on terrain steeper than threshold
	KindAttribute  = "attribute"  // A and B classes incompatible at the same place
)

var kinds = []string{KindExclusive, KindWithin, KindSetback, KindDifference, KindSlope, KindAttribute}

// Selector names a layer (table or catalog code) and an optional where filter.
type Selector struct {
	Layer string `toml:"layer"`
	Where string `toml:"where"`
	expr  *Expr
}

// Expr is the parsed where filter (nil: every feature). Set by validation.
func (s Selector) Expr() *Expr { return s.expr }

// Rule is one conflict rule. Rules are values set up by ParseRules and read
// only afterwards: safe for concurrent use.
type Rule struct {
	ID        string   `toml:"id"`
	NameZh    string   `toml:"name_zh"`
	NameEn    string   `toml:"name_en"`
	Kind      string   `toml:"kind"`
	Severity  string   `toml:"severity"`
	A         Selector `toml:"a"`
	B         Selector `toml:"b"`
	MinArea   float64  `toml:"min_area"`  // m²; smaller patches are slivers
	MinWidth  float64  `toml:"min_width"` // m; thinner patches are slivers
	Distance  float64  `toml:"distance"`  // setback, m
	Threshold float64  `toml:"threshold"` // slope, degrees

	// Class fields of A and B (difference, attribute); default: the catalog's class field.
	AClassField string `toml:"a_class_field"`
	BClassField string `toml:"b_class_field"`
	// Difference: class-code prefixes that count as construction land on each side.
	AConstruction []string `toml:"a_construction"`
	BConstruction []string `toml:"b_construction"`
	// Attribute: A class prefix -> compatible B class prefixes; classes with no
	// entry are compatible when their first MatchPrefix characters agree.
	Compatible  map[string][]string `toml:"compatible"`
	MatchPrefix int                 `toml:"match_prefix"`

	File string `toml:"-"` // where the rule was read from
}

// RuleSet is an ordered list of rules.
type RuleSet struct {
	Rules []*Rule
}

// Schema is what rule validation needs to know about a blueprint.
type Schema interface {
	// Columns returns the attribute columns of a layer (by table or code), its
	// catalog class field and whether the layer exists.
	Columns(layer string) (cols []string, classField string, ok bool)
}

var severities = []string{"high", "medium", "low"}

// DefaultRules parses the embedded assets/rules/*.toml.
func DefaultRules() (*RuleSet, error) {
	return ParseRulesFS(assets.Sub("rules"))
}

// ParseRulesFS parses every *.toml in fsys, in name order.
func ParseRulesFS(fsys fs.FS) (*RuleSet, error) {
	names, err := fs.Glob(fsys, "*.toml")
	if err != nil {
		return nil, err
	}
	slices.Sort(names)
	set := &RuleSet{}
	for _, n := range names {
		b, err := fs.ReadFile(fsys, n)
		if err != nil {
			return nil, err
		}
		if err := set.add(path.Join("rules", n), b); err != nil {
			return nil, err
		}
	}
	return set, nil
}

// LoadRuleFiles parses user rule files; later rules with an id already seen
// replace the earlier one.
func (s *RuleSet) LoadRuleFiles(files ...string) error {
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return fmt.Errorf("%w: %v", ErrRule, err)
		}
		if err := s.add(f, b); err != nil {
			return err
		}
	}
	return nil
}

// ParseRules parses one TOML document of [[rule]] tables.
func ParseRules(file string, data []byte) (*RuleSet, error) {
	s := &RuleSet{}
	return s, s.add(file, data)
}

func (s *RuleSet) add(file string, data []byte) error {
	var doc struct {
		Rule []*Rule `toml:"rule"`
	}
	md, err := toml.NewDecoder(bytes.NewReader(data)).Decode(&doc)
	if err != nil {
		return fmt.Errorf("%w: %s: %v", ErrRule, file, err)
	}
	if un := md.Undecoded(); len(un) > 0 {
		return fmt.Errorf("%w: %s: unknown field %q", ErrRule, file, un[0].String())
	}
	for i, r := range doc.Rule {
		r.File = file
		if err := r.checkStatic(); err != nil {
			return fmt.Errorf("%s: rule %d (%q): %w", file, i+1, r.ID, err)
		}
		if j := s.index(r.ID); j >= 0 {
			s.Rules[j] = r
		} else {
			s.Rules = append(s.Rules, r)
		}
	}
	return nil
}

func (s *RuleSet) index(id string) int {
	return slices.IndexFunc(s.Rules, func(r *Rule) bool { return r.ID == id })
}

// Rule returns the rule with the id, or nil.
func (s *RuleSet) Rule(id string) *Rule {
	if i := s.index(id); i >= 0 {
		return s.Rules[i]
	}
	return nil
}

// Select keeps the rules with the given ids (all when ids is empty).
func (s *RuleSet) Select(ids []string) (*RuleSet, error) {
	if len(ids) == 0 {
		return s, nil
	}
	out := &RuleSet{}
	for _, id := range ids {
		r := s.Rule(id)
		if r == nil {
			return nil, fmt.Errorf("%w: no rule %q", ErrRule, id)
		}
		out.Rules = append(out.Rules, r)
	}
	return out, nil
}

// checkStatic validates what needs no blueprint: kind, fields, numbers, filters.
func (r *Rule) checkStatic() error {
	bad := func(field, format string, a ...any) error {
		return fmt.Errorf("%w: field %s: %s", ErrRule, field, fmt.Sprintf(format, a...))
	}
	switch {
	case strings.TrimSpace(r.ID) == "":
		return bad("id", "missing")
	case !slices.Contains(kinds, r.Kind):
		return bad("kind", "unknown kind %q (want one of %s)", r.Kind, strings.Join(kinds, ", "))
	case r.Severity != "" && !slices.Contains(severities, r.Severity):
		return bad("severity", "unknown severity %q (want high, medium or low)", r.Severity)
	case r.A.Layer == "":
		return bad("a.layer", "missing layer")
	case r.B.Layer == "" && r.Kind != KindSlope:
		return bad("b.layer", "missing layer")
	case r.Kind == KindDifference && (len(r.AConstruction) == 0 || len(r.BConstruction) == 0):
		return bad("a_construction", "a difference rule lists construction classes on both sides")
	}
	if err := r.checkNumbers(); err != nil {
		return err
	}
	if r.Severity == "" {
		r.Severity = "medium"
	}
	var err error
	if r.A.expr, err = ParseWhere(r.A.Where); err != nil {
		return bad("a.where", "%v", err)
	}
	if r.B.expr, err = ParseWhere(r.B.Where); err != nil {
		return bad("b.where", "%v", err)
	}
	return nil
}

// Limits of a rule's numbers: beyond them a rule is a typo, and NaN or
// infinite distances crash GEOS inside a buffer.
const (
	MaxDistance = 100e3 // m: distance and min_width
	MaxArea     = 1e11  // m² (100 000 km²): min_area
	MaxPrefix   = 64    // characters: match_prefix
)

// checkNumbers refuses non-finite, negative and absurd numbers, naming the field.
func (r *Rule) checkNumbers() error {
	for _, n := range []struct {
		field    string
		v, limit float64
	}{{"distance", r.Distance, MaxDistance}, {"min_width", r.MinWidth, MaxDistance}, {"min_area", r.MinArea, MaxArea},
		{"threshold", r.Threshold, 90}, {"match_prefix", float64(r.MatchPrefix), MaxPrefix}} {
		switch {
		case math.IsNaN(n.v) || math.IsInf(n.v, 0):
			return fmt.Errorf("%w: field %s: %g is not a finite number", ErrRule, n.field, n.v)
		case n.v < 0:
			return fmt.Errorf("%w: field %s: negative %g (want 0..%g)", ErrRule, n.field, n.v, n.limit)
		case n.v > n.limit:
			return fmt.Errorf("%w: field %s: %g is over the limit %g", ErrRule, n.field, n.v, n.limit)
		}
	}
	switch {
	case r.Kind == KindSetback && r.Distance == 0:
		return fmt.Errorf("%w: field distance: a setback needs a distance > 0", ErrRule)
	case r.Kind == KindSlope && !(r.Threshold > 0 && r.Threshold < 90):
		return fmt.Errorf("%w: field threshold: slope threshold %g outside (0, 90) degrees", ErrRule, r.Threshold)
	}
	return nil
}

// Validate checks every rule against a blueprint's layers and columns.
func (s *RuleSet) Validate(sc Schema) error {
	for _, r := range s.Rules {
		if err := r.Validate(sc); err != nil {
			return err
		}
	}
	return nil
}

// Validate checks the rule's layers, filter columns and class fields against sc.
func (r *Rule) Validate(sc Schema) error {
	if err := r.validateSide(sc, "a", r.A, &r.AClassField); err != nil {
		return err
	}
	if r.Kind == KindSlope && r.B.Layer == "" {
		return nil
	}
	return r.validateSide(sc, "b", r.B, &r.BClassField)
}

func (r *Rule) validateSide(sc Schema, side string, s Selector, classField *string) error {
	where := fmt.Sprintf("%s: rule %s", r.File, r.ID)
	cols, cf, ok := sc.Columns(s.Layer)
	if !ok {
		return fmt.Errorf("%w: %s: field %s.layer: no layer %q in this blueprint", ErrRule, where, side, s.Layer)
	}
	for _, f := range s.expr.Fields() {
		if !slices.Contains(cols, f) {
			return fmt.Errorf("%w: %s: field %s.where: layer %q has no attribute %q", ErrRule, where, side, s.Layer, f)
		}
	}
	if r.Kind != KindDifference && r.Kind != KindAttribute {
		return nil
	}
	if *classField == "" {
		*classField = cf
	}
	if *classField == "" || !slices.Contains(cols, *classField) {
		return fmt.Errorf("%w: %s: field %s_class_field: layer %q has no class attribute %q", ErrRule, where, side, s.Layer, *classField)
	}
	return nil
}
