package replica

import (
	"errors"
	"fmt"
)

// Kind classifies an error so that callers can decide: retry later, show a
// conflict, or ask for another token.
type Kind int

// The kinds of Error.
const (
	Other      Kind = iota
	Transient       // the network or the server failed; trying again later may work
	Permission      // the token is refused (401, 403)
	Invalid         // the server or the blueprint refused the request as malformed
)

func (k Kind) String() string {
	switch k {
	case Transient:
		return "transient"
	case Permission:
		return "permission"
	case Invalid:
		return "invalid"
	}
	return "other"
}

// Error is a failed step of a sync: Op names it (push, pull xz_dltb,
// clone), Kind says what the caller can do about it.
type Error struct {
	Op   string
	Kind Kind
	Err  error
}

func (e *Error) Error() string { return "replica: " + e.Op + ": " + e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

// Sentinel errors, wrapped with %w.
var (
	ErrNoRemote   = errors.New("replica: no remote: clone the blueprint or give --server and --token")
	ErrNoConflict = errors.New("replica: no open conflict")
	ErrBadInput   = errors.New("replica: invalid input")
)

// KindOf is the Kind of err's *Error, Other when there is none.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return Other
}

func opErr(op string, k Kind, format string, a ...any) *Error {
	return &Error{Op: op, Kind: k, Err: fmt.Errorf(format, a...)}
}
