package conflict

import (
	"math"
	"strconv"
	"strings"

	"lantu/layers/gpkg"
)

// SQL renders e as an SQLite boolean expression with quoted identifiers and
// escaped literals. A nil Expr renders as the empty string.
func (e *Expr) SQL() string {
	if e == nil {
		return ""
	}
	var b strings.Builder
	e.writeSQL(&b)
	return b.String()
}

func (e *Expr) writeSQL(b *strings.Builder) {
	switch e.Op {
	case "AND", "OR":
		b.WriteByte('(')
		e.Args[0].writeSQL(b)
		b.WriteString(" " + e.Op + " ")
		e.Args[1].writeSQL(b)
		b.WriteByte(')')
		return
	case "NOT":
		b.WriteString("(NOT ")
		e.Args[0].writeSQL(b)
		b.WriteByte(')')
		return
	}
	b.WriteString(gpkg.QuoteIdent(e.Field))
	switch e.Op {
	case "CMP":
		b.WriteString(" " + e.Cmp + " " + e.Vals[0].sql())
	case "NULL":
		b.WriteString(map[bool]string{false: " IS NULL", true: " IS NOT NULL"}[e.Neg])
	case "IN", "LIKE":
		if e.Neg {
			b.WriteString(" NOT")
		}
		b.WriteString(" " + e.Op + " ")
		if e.Op == "LIKE" {
			b.WriteString(e.Vals[0].sql())
			return
		}
		parts := make([]string, len(e.Vals))
		for i, v := range e.Vals {
			parts[i] = v.sql()
		}
		b.WriteString("(" + strings.Join(parts, ", ") + ")")
	}
}

func (v Value) sql() string {
	if v.IsNum {
		return strconv.FormatFloat(v.Num, 'g', -1, 64)
	}
	return "'" + strings.ReplaceAll(v.Str, "'", "''") + "'"
}

// tri is SQL's three-valued logic: false, true, unknown (NULL).
type tri int8

const (
	triFalse tri = iota
	triTrue
	triNull
)

func triOf(b bool) tri {
	if b {
		return triTrue
	}
	return triFalse
}

// Match reports whether attrs satisfies e with SQL semantics (a comparison
// with NULL is unknown, and unknown does not match). A nil Expr matches all.
func (e *Expr) Match(attrs map[string]any) bool {
	return e == nil || e.eval(attrs) == triTrue
}

func (e *Expr) eval(attrs map[string]any) tri {
	switch e.Op {
	case "AND":
		l, r := e.Args[0].eval(attrs), e.Args[1].eval(attrs)
		if l == triFalse || r == triFalse {
			return triFalse
		}
		return max(l, r)
	case "OR":
		l, r := e.Args[0].eval(attrs), e.Args[1].eval(attrs)
		if l == triTrue || r == triTrue {
			return triTrue
		}
		return max(l, r)
	case "NOT":
		switch v := e.Args[0].eval(attrs); v {
		case triNull:
			return triNull
		default:
			return triOf(v == triFalse)
		}
	}
	return e.evalPredicate(attrs[e.Field])
}

func boolMask(b bool) tri {
	if b {
		return 1
	}
	return 0
}

func (e *Expr) evalPredicate(v any) tri {
	if e.Op == "NULL" {
		return triOf((v == nil) != e.Neg)
	}
	if v == nil {
		return triNull
	}
	switch e.Op {
	case "CMP":
		return triOf(cmpMatches(e.Cmp, compare(v, e.Vals[0])))
	case "IN":
		in := false
		for _, lit := range e.Vals {
			in = in || compare(v, lit) == 0
		}
		return triOf(in != e.Neg)
	case "LIKE":
		return triOf(like(toText(v), e.Vals[0].Str) != e.Neg)
	}
	return triNull
}

func cmpMatches(op string, c int) bool {
	switch op {
	case "=":
		return c == 0
	case "!=":
		return c != 0
	case "<":
		return c < 0
	case "<=":
		return c <= 0
	case ">":
		return c > 0
	}
	return c >= 0
}

// compare orders an attribute value against a literal: numerically when both
// read as numbers, else as text (as SQLite does for typed columns).
func compare(v any, lit Value) int {
	if f, ok := toNumber(v); ok {
		if lit.IsNum {
			return cmpFloat(f, lit.Num)
		}
		if g, err := strconv.ParseFloat(strings.TrimSpace(lit.Str), 64); err == nil {
			return cmpFloat(f, g)
		}
		return -1 // SQLite: numbers sort before text
	}
	s := toText(v)
	if lit.IsNum {
		return strings.Compare(s, strconv.FormatFloat(lit.Num, 'f', -1, 64))
	}
	return strings.Compare(s, lit.Str)
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func toNumber(v any) (float64, bool) {
	switch x := v.(type) {
	case int64:
		return float64(x), true
	case int:
		return float64(x), true
	case float64:
		return x, !math.IsNaN(x)
	case bool:
		return float64(boolMask(x)), true
	}
	return 0, false
}

func toText(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case []byte:
		return string(x)
	}
	if f, ok := toNumber(v); ok {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	return ""
}

// like matches s against an SQL LIKE pattern: % any run, _ one character,
// ASCII letters case-insensitive.
func like(s, pat string) bool {
	sr, pr := []rune(asciiLower(s)), []rune(asciiLower(pat))
	// Dynamic programming over pattern positions: reach[j] = pattern[:j] matches s[:i].
	reach := make([]bool, len(pr)+1)
	reach[0] = true
	for j := 1; j <= len(pr) && pr[j-1] == '%'; j++ {
		reach[j] = true
	}
	for _, c := range sr {
		next := make([]bool, len(pr)+1)
		for j := 1; j <= len(pr); j++ {
			switch pr[j-1] {
			case '%':
				next[j] = next[j-1] || reach[j]
			case '_':
				next[j] = reach[j-1]
			default:
				next[j] = reach[j-1] && pr[j-1] == c
			}
		}
		reach = next
	}
	return reach[len(pr)]
}

func asciiLower(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'A' && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}, s)
}
