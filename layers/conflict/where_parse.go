package conflict

import (
	"fmt"
	"strconv"
)

// Expr is a parsed where filter: a boolean expression over a layer's
// attribute columns. An Expr is immutable and safe for concurrent use.
type Expr struct {
	Op    string  // "AND", "OR", "NOT", "CMP", "IN", "LIKE", "NULL"
	Args  []*Expr // operands of AND, OR, NOT
	Field string  // column of a predicate
	Cmp   string  // comparison operator of CMP: = != < <= > >=
	Neg   bool    // NOT IN, NOT LIKE, IS NOT NULL
	Vals  []Value // literal(s) of CMP, IN and LIKE
}

// Value is a literal of a where filter: a string or a number.
type Value struct {
	Str   string
	Num   float64
	IsNum bool
}

type parser struct {
	toks  []token
	pos   int
	depth int
}

// ParseWhere parses a where filter. An empty or blank filter yields a nil
// Expr, which selects every feature.
func ParseWhere(src string) (*Expr, error) {
	toks, err := lex(src)
	if err != nil {
		return nil, err
	}
	if len(toks) == 1 {
		return nil, nil
	}
	p := &parser{toks: toks}
	e, err := p.or()
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tEOF {
		return nil, fmt.Errorf("%w: unexpected %q at %d", ErrWhere, t.text, t.pos)
	}
	return e, nil
}

func (p *parser) peek() token { return p.toks[p.pos] }
func (p *parser) next() token { t := p.toks[p.pos]; p.pos++; return t }

func (p *parser) accept(kind tokKind, text string) bool {
	if t := p.peek(); t.kind == kind && t.text == text {
		p.pos++
		return true
	}
	return false
}

func (p *parser) expect(kind tokKind, text string) error {
	if !p.accept(kind, text) {
		t := p.peek()
		return fmt.Errorf("%w: expected %s at %d, found %q", ErrWhere, text, t.pos, t.text)
	}
	return nil
}

func (p *parser) or() (*Expr, error)  { return p.chain("OR", p.and) }
func (p *parser) and() (*Expr, error) { return p.chain("AND", p.not) }

func (p *parser) chain(op string, sub func() (*Expr, error)) (*Expr, error) {
	e, err := sub()
	if err != nil {
		return nil, err
	}
	for p.accept(tKeyword, op) {
		r, err := sub()
		if err != nil {
			return nil, err
		}
		e = &Expr{Op: op, Args: []*Expr{e, r}}
	}
	return e, nil
}

func (p *parser) not() (*Expr, error) {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > maxDepth {
		return nil, fmt.Errorf("%w: nested deeper than %d", ErrWhere, maxDepth)
	}
	if p.accept(tKeyword, "NOT") {
		e, err := p.not()
		if err != nil {
			return nil, err
		}
		return &Expr{Op: "NOT", Args: []*Expr{e}}, nil
	}
	if p.accept(tPunct, "(") {
		e, err := p.or()
		if err != nil {
			return nil, err
		}
		return e, p.expect(tPunct, ")")
	}
	return p.predicate()
}

func (p *parser) predicate() (*Expr, error) {
	t := p.next()
	if t.kind != tIdent {
		return nil, fmt.Errorf("%w: expected a column name at %d, found %q", ErrWhere, t.pos, t.text)
	}
	e := &Expr{Field: t.text}
	if op := p.peek(); op.kind == tOp {
		p.pos++
		e.Op, e.Cmp = "CMP", op.text
		if e.Cmp == "<>" {
			e.Cmp = "!="
		}
		v, err := p.literal()
		e.Vals = []Value{v}
		return e, err
	}
	if p.accept(tKeyword, "IS") {
		e.Op, e.Neg = "NULL", p.accept(tKeyword, "NOT")
		return e, p.expect(tKeyword, "NULL")
	}
	e.Neg = p.accept(tKeyword, "NOT")
	switch {
	case p.accept(tKeyword, "IN"):
		e.Op = "IN"
		return e, p.list(e)
	case p.accept(tKeyword, "LIKE"):
		e.Op = "LIKE"
		v, err := p.literal()
		if err == nil && v.IsNum {
			err = fmt.Errorf("%w: LIKE needs a text pattern on %q", ErrWhere, e.Field)
		}
		e.Vals = []Value{v}
		return e, err
	}
	n := p.peek()
	return nil, fmt.Errorf("%w: expected an operator after %q at %d, found %q", ErrWhere, e.Field, n.pos, n.text)
}

func (p *parser) list(e *Expr) error {
	if err := p.expect(tPunct, "("); err != nil {
		return err
	}
	for {
		v, err := p.literal()
		if err != nil {
			return err
		}
		e.Vals = append(e.Vals, v)
		if !p.accept(tPunct, ",") {
			return p.expect(tPunct, ")")
		}
	}
}

func (p *parser) literal() (Value, error) {
	neg := p.accept(tPunct, "-")
	t := p.next()
	switch {
	case t.kind == tNumber:
		f, err := strconv.ParseFloat(t.text, 64)
		if err != nil {
			return Value{}, fmt.Errorf("%w: bad number %q at %d", ErrWhere, t.text, t.pos)
		}
		if neg {
			f = -f
		}
		return Value{Num: f, IsNum: true}, nil
	case t.kind == tString && !neg:
		return Value{Str: t.text}, nil
	}
	return Value{}, fmt.Errorf("%w: expected a literal at %d, found %q", ErrWhere, t.pos, t.text)
}

// Fields lists the columns e refers to, in order of appearance, with repeats.
func (e *Expr) Fields() []string {
	if e == nil {
		return nil
	}
	if e.Field != "" {
		return []string{e.Field}
	}
	var out []string
	for _, a := range e.Args {
		out = append(out, a.Fields()...)
	}
	return out
}
