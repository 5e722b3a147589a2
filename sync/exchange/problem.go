package exchange

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"lantu/sync/wire"
)

// problemf makes a problem of a type, status and detail.
func problemf(status int, typ, format string, args ...any) *wire.Problem {
	return &wire.Problem{Type: typ, Title: http.StatusText(status), Status: status, Detail: fmt.Sprintf(format, args...)}
}

// writeProblem sends p as application/problem+json.
func writeProblem(w http.ResponseWriter, r *http.Request, p *wire.Problem) {
	if p.Instance == "" && r != nil {
		p.Instance = r.URL.Path
	}
	h := w.Header()
	h.Set("Content-Type", wire.MediaProblem)
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(p.Status)
	w.Write(p.Marshal())
}

// decodeProblem turns a JSON decoding error into a problem naming the
// offset (syntax) or field (type) that is wrong.
func decodeProblem(err error, what string) *wire.Problem {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return problemf(http.StatusRequestEntityTooLarge, wire.ProblemTooLarge, "%s: the body is larger than %d bytes", what, tooBig.Limit)
	case errors.As(err, &syn):
		p := problemf(http.StatusBadRequest, wire.ProblemMalformed, "%s: malformed JSON at byte %d: %v", what, syn.Offset, syn)
		p.Offset = &syn.Offset
		return p
	case errors.As(err, &typ):
		p := problemf(http.StatusBadRequest, wire.ProblemMalformed, "%s: field %q: JSON %s where %s is wanted (byte %d)", what, typ.Field, typ.Value, typ.Type, typ.Offset)
		p.Field, p.Offset = typ.Field, &typ.Offset
		return p
	case errors.Is(err, errEmptyBody):
		return problemf(http.StatusBadRequest, wire.ProblemMalformed, "%s: empty body", what)
	}
	typName := wire.ProblemInvalid
	if isGeometryError(err) {
		typName = wire.ProblemGeometry
	}
	return problemf(http.StatusBadRequest, typName, "%s: %v", what, err)
}

var errEmptyBody = errors.New("exchange: empty body")

// isGeometryError tells a geometry decoding error from other feature errors.
func isGeometryError(err error) bool {
	return errors.Is(err, wire.ErrDecode) && containsAny(err.Error(), "geometry")
}
