package layerstyle

import (
	"math"

	"lantu/layers/catalog"
)

// readFilter reads an ogc:Filter into the attribute it tests and the
// classes it matches: PropertyIsEqualTo (an Or of them gives several
// values), a comparison, an And of comparisons, or PropertyIsBetween, all
// on one attribute. Any other filter gives "", nil: the rule is ignored.
func readFilter(f *node) (field string, classes []catalog.ValueClass) {
	if len(f.kids) != 1 {
		return "", nil
	}
	op := f.kids[0]
	switch op.name {
	case "PropertyIsEqualTo":
		if fd, lit, _, ok := operands(op); ok {
			return fd, []catalog.ValueClass{{Value: lit}}
		}
	case "Or":
		for _, k := range op.kids {
			fd, lit, _, ok := operands(k)
			if k.name != "PropertyIsEqualTo" || !ok || field != "" && fd != field {
				return "", nil
			}
			field, classes = fd, append(classes, catalog.ValueClass{Value: lit})
		}
		return field, classes
	case "PropertyIsBetween":
		return between(op)
	}
	r := catalog.ValueClass{Ranged: true, Min: math.Inf(-1), Max: math.Inf(1)}
	comparisons := []*node{op}
	if op.name == "And" {
		comparisons = op.kids
	}
	for _, c := range comparisons {
		fd, ok := bound(c, &r)
		if !ok || field != "" && fd != field {
			return "", nil
		}
		field = fd
	}
	if field == "" {
		return "", nil
	}
	return field, []catalog.ValueClass{r}
}

// operands reads a binary comparison's PropertyName and Literal; flipped
// when the literal comes first.
func operands(op *node) (field, literal string, flipped, ok bool) {
	if len(op.kids) != 2 {
		return "", "", false, false
	}
	a, b := op.kids[0], op.kids[1]
	if a.name == "Literal" && b.name == "PropertyName" {
		a, b, flipped = b, a, true
	}
	if a.name != "PropertyName" || b.name != "Literal" {
		return "", "", false, false
	}
	field, ok = fieldName(a.deepText())
	return field, b.deepText(), flipped, ok
}

// bound narrows r by one numeric comparison.
func bound(c *node, r *catalog.ValueClass) (string, bool) {
	field, lit, flipped, ok := operands(c)
	v, num := parseNumber(lit)
	if !ok || !num {
		return "", false
	}
	name := c.name
	if flipped { // 5 < x is x > 5
		name = map[string]string{
			"PropertyIsLessThan": "PropertyIsGreaterThan", "PropertyIsLessThanOrEqualTo": "PropertyIsGreaterThanOrEqualTo",
			"PropertyIsGreaterThan": "PropertyIsLessThan", "PropertyIsGreaterThanOrEqualTo": "PropertyIsLessThanOrEqualTo",
		}[name]
	}
	switch name {
	case "PropertyIsGreaterThan", "PropertyIsGreaterThanOrEqualTo":
		r.Min, r.MinOpen = v, name == "PropertyIsGreaterThan"
	case "PropertyIsLessThan", "PropertyIsLessThanOrEqualTo":
		r.Max, r.MaxOpen = v, name == "PropertyIsLessThan"
	default:
		return "", false
	}
	return field, true
}

// between reads PropertyIsBetween: a closed range.
func between(op *node) (string, []catalog.ValueClass) {
	field, ok := fieldName(op.child("PropertyName").deepText())
	lo, ok1 := parseNumber(op.child("LowerBoundary").deepText())
	hi, ok2 := parseNumber(op.child("UpperBoundary").deepText())
	if !ok || !ok1 || !ok2 {
		return "", nil
	}
	return field, []catalog.ValueClass{{Ranged: true, Min: lo, Max: hi}}
}
