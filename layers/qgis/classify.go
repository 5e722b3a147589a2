package qgis

import (
	"sort"
	"strconv"
	"strings"

	"lantu/layers/catalog"
)

// Lantu gives a class code without a class of its own the colour of its
// longest listed prefix ("070102" -> "0701" -> "07"), after trimming
// spaces. A categorized renderer matches values exactly, so the renderer
// classifies by an expression that maps each value to its longest listed
// prefix, and has one category per palette class:
//
//	CASE WHEN left(trim("f"), 4) IN ('0101', ...) THEN left(trim("f"), 4)
//	     WHEN left(trim("f"), 2) IN ('01', ...) THEN left(trim("f"), 2) END
//
// one WHEN per code length the palette lists, longest first. A value with
// no listed prefix is NULL and takes the layer's own style.

// classExpr is the QGIS expression mapping field's value to its palette
// class code.
func classExpr(field string, p *catalog.Palette) string {
	f := `trim(` + quoteField(field) + `)`
	var b strings.Builder
	b.WriteString("CASE")
	for _, g := range codesByLength(p) {
		lit := make([]string, len(g.codes))
		for i, c := range g.codes {
			lit[i] = quoteString(c)
		}
		part := "left(" + f + ", " + strconv.Itoa(g.n) + ")"
		b.WriteString(" WHEN " + part + " IN (" + strings.Join(lit, ", ") + ") THEN " + part)
	}
	b.WriteString(" END")
	return b.String()
}

// lengthGroup is the palette's codes of one length (in runes: left()
// counts characters).
type lengthGroup struct {
	n     int
	codes []string
}

// codesByLength groups the palette's codes by length, longest first,
// codes in palette order.
func codesByLength(p *catalog.Palette) []lengthGroup {
	idx := map[int]int{}
	var gs []lengthGroup
	for _, c := range p.Classes {
		n := len([]rune(c.Code))
		i, ok := idx[n]
		if !ok {
			i = len(gs)
			idx[n] = i
			gs = append(gs, lengthGroup{n: n})
		}
		gs[i].codes = append(gs[i].codes, c.Code)
	}
	sort.SliceStable(gs, func(i, j int) bool { return gs[i].n > gs[j].n })
	return gs
}

// longerCodes are the palette's codes that start with code and are longer:
// the classes that take a value away from code's class.
func longerCodes(p *catalog.Palette, code string) []string {
	var out []string
	for _, c := range p.Classes {
		if len(c.Code) > len(code) && strings.HasPrefix(c.Code, code) {
			out = append(out, c.Code)
		}
	}
	return out
}

// quoteField quotes a field name for a QGIS expression.
func quoteField(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// quoteString quotes a string literal for a QGIS expression.
func quoteString(s string) string { return `'` + strings.ReplaceAll(s, `'`, `''`) + `'` }
