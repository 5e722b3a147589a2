package conflict

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxDepth bounds the nesting of a where filter, so that hostile input
// cannot exhaust the stack.
const maxDepth = 64

// tokKind is the kind of a lexical token of a where filter.
type tokKind int

const (
	tEOF tokKind = iota
	tIdent
	tString
	tNumber
	tOp    // = != <> < <= > >=
	tPunct // ( ) , -
	tKeyword
)

type token struct {
	kind tokKind
	text string // keywords upper-cased; identifiers and strings unquoted
	pos  int
}

var keywords = map[string]bool{"AND": true, "OR": true, "NOT": true, "IN": true, "LIKE": true, "IS": true, "NULL": true}

// lex splits a where filter into tokens.
func lex(src string) ([]token, error) {
	var toks []token
	for i := 0; i < len(src); {
		r, w := utf8.DecodeRuneInString(src[i:])
		switch {
		case unicode.IsSpace(r):
			i += w
		case r == '\'' || r == '"':
			s, n, err := lexQuoted(src, i, byte(r))
			if err != nil {
				return nil, err
			}
			kind := tString
			if r == '"' {
				kind = tIdent
			}
			toks = append(toks, token{kind, s, i})
			i += n
		case r >= '0' && r <= '9' || r == '.':
			n := lexNumber(src[i:])
			if _, err := strconv.ParseFloat(src[i:i+n], 64); err != nil {
				return nil, fmt.Errorf("%w: bad number %q at %d", ErrWhere, src[i:i+n], i)
			}
			toks = append(toks, token{tNumber, src[i : i+n], i})
			i += n
		case r == '_' || unicode.IsLetter(r):
			n := lexIdent(src[i:])
			word := src[i : i+n]
			if up := strings.ToUpper(word); keywords[up] {
				toks = append(toks, token{tKeyword, up, i})
			} else {
				toks = append(toks, token{tIdent, word, i})
			}
			i += n
		default:
			t, err := lexSymbol(src, i)
			if err != nil {
				return nil, err
			}
			toks = append(toks, t)
			i += len(t.text)
		}
	}
	return append(toks, token{tEOF, "", len(src)}), nil
}

func lexQuoted(src string, start int, q byte) (string, int, error) {
	var b strings.Builder
	for i := start + 1; i < len(src); i++ {
		if src[i] != q {
			b.WriteByte(src[i])
			continue
		}
		if i+1 < len(src) && src[i+1] == q {
			b.WriteByte(q)
			i++
			continue
		}
		return b.String(), i + 1 - start, nil
	}
	return "", 0, fmt.Errorf("%w: unterminated quote at %d", ErrWhere, start)
}

func lexNumber(s string) int {
	n := 0
	for n < len(s) && (s[n] >= '0' && s[n] <= '9' || s[n] == '.' || s[n] == 'e' || s[n] == 'E' ||
		(n > 0 && (s[n] == '+' || s[n] == '-') && (s[n-1] == 'e' || s[n-1] == 'E'))) {
		n++
	}
	return n
}

func lexIdent(s string) int {
	n := 0
	for n < len(s) {
		r, w := utf8.DecodeRuneInString(s[n:])
		if r != '_' && !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			break
		}
		n += w
	}
	return n
}

func lexSymbol(src string, i int) (token, error) {
	for _, op := range []string{"<=", ">=", "<>", "!=", "=", "<", ">"} {
		if strings.HasPrefix(src[i:], op) {
			return token{tOp, op, i}, nil
		}
	}
	switch src[i] {
	case '(', ')', ',', '-':
		return token{tPunct, src[i : i+1], i}, nil
	}
	r, _ := utf8.DecodeRuneInString(src[i:])
	return token{}, fmt.Errorf("%w: unexpected %q at %d", ErrWhere, r, i)
}
