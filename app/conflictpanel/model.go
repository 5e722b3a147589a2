package conflictpanel

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"lantu/layers/conflict"
)

// GroupBy is what the patch list is grouped by (a value).
type GroupBy int

// The groupings.
const (
	ByRule GroupBy = iota
	BySeverity
	ByDistrict
)

// Group is one heading of the list with its patches, largest first.
type Group struct {
	Key     string
	Title   string
	Patches []conflict.Patch
	Area    float64 // m²
	Open    int
}

// View is the list's settings: grouping, filters and order (a value).
type View struct {
	By       GroupBy
	Status   string // "" = any
	Severity string // "" = any
	Text     string // matched against rule, district, class pair and layers
	Ascend   bool   // smallest area first
}

// Names turns keys into titles (rule names, district names); missing
// entries fall back to the key.
type Names struct {
	Rules     map[string]string
	Districts map[string]string
	Severity  map[string]string
}

func (n Names) of(m map[string]string, k string) string {
	if v := m[k]; v != "" {
		return v
	}
	if k == "" {
		return "—"
	}
	return k
}

// Arrange filters patches by v and groups them, groups in rule-set order
// (or severity, or district code), patches by area.
func Arrange(patches []conflict.Patch, v View, names Names, ruleOrder []string) []Group {
	byKey := map[string]*Group{}
	var keys []string
	text := strings.ToLower(strings.TrimSpace(v.Text))
	for _, p := range patches {
		if !v.match(p, text, names) {
			continue
		}
		k := v.key(p)
		g := byKey[k]
		if g == nil {
			g = &Group{Key: k}
			byKey[k] = g
			keys = append(keys, k)
		}
		g.Patches = append(g.Patches, p)
		g.Area += p.Area
		if p.Status == conflict.StatusOpen {
			g.Open++
		}
	}
	order := groupOrder(v.By, ruleOrder)
	slices.SortFunc(keys, func(a, b string) int {
		if c := cmp.Compare(order(a), order(b)); c != 0 {
			return c
		}
		return strings.Compare(a, b)
	})
	out := make([]Group, 0, len(keys))
	for _, k := range keys {
		g := byKey[k]
		slices.SortStableFunc(g.Patches, func(a, b conflict.Patch) int {
			if v.Ascend {
				return cmp.Compare(a.Area, b.Area)
			}
			return cmp.Compare(b.Area, a.Area)
		})
		g.Title = v.title(k, names)
		out = append(out, *g)
	}
	return out
}

func (v View) key(p conflict.Patch) string {
	switch v.By {
	case BySeverity:
		return p.Severity
	case ByDistrict:
		return p.District
	}
	return p.RuleID
}

func (v View) title(k string, n Names) string {
	switch v.By {
	case BySeverity:
		return n.of(n.Severity, k)
	case ByDistrict:
		return n.of(n.Districts, k)
	}
	return n.of(n.Rules, k)
}

func (v View) match(p conflict.Patch, text string, n Names) bool {
	if v.Status != "" && p.Status != v.Status && !(v.Status == conflict.StatusResolved && p.Status == conflict.StatusResolvedByChange) {
		return false
	}
	if v.Severity != "" && p.Severity != v.Severity {
		return false
	}
	if text == "" {
		return true
	}
	hay := strings.ToLower(strings.Join([]string{p.RuleID, n.Rules[p.RuleID], p.District, n.Districts[p.District],
		p.ClassPair, p.A.Layer, p.B.Layer, p.Comment}, " "))
	return strings.Contains(hay, text)
}

// groupOrder ranks group keys: rules in rule-set order, severities high to
// low, districts by code.
func groupOrder(by GroupBy, ruleOrder []string) func(string) int {
	switch by {
	case ByRule:
		return func(k string) int {
			if i := slices.Index(ruleOrder, k); i >= 0 {
				return i
			}
			return len(ruleOrder)
		}
	case BySeverity:
		return func(k string) int { return slices.Index([]string{"high", "medium", "low"}, k) + 1 }
	}
	return func(string) int { return 0 }
}

// Counts sums the patches by review state.
type Counts struct {
	All, Open, Confirmed, Waived, Resolved int
}

// Count tallies patches.
func Count(patches []conflict.Patch) Counts {
	c := Counts{All: len(patches)}
	for _, p := range patches {
		switch p.Status {
		case conflict.StatusOpen:
			c.Open++
		case conflict.StatusConfirmed:
			c.Confirmed++
		case conflict.StatusWaived:
			c.Waived++
		default:
			c.Resolved++
		}
	}
	return c
}

// FormatArea writes an area in m² with 亩 beside it.
func FormatArea(m2 float64) string {
	const mu = 10000.0 / 15
	switch {
	case m2 >= 1e6:
		return fmt.Sprintf("%.2f km² (%.0f 亩)", m2/1e6, m2/mu)
	case m2 >= 1e4:
		return fmt.Sprintf("%.2f ha (%.1f 亩)", m2/1e4, m2/mu)
	}
	return fmt.Sprintf("%.0f m² (%.2f 亩)", m2, m2/mu)
}
