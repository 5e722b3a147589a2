package wire

import (
	"encoding/json"
	"fmt"
)

// Problem is an RFC 9457 problem details body (application/problem+json).
// Type is a URI naming the kind of problem (see the Problem* constants);
// Detail says what exactly is wrong, naming the field, feature or offset.
// The extension members say where: Collection, UID, Field, Offset (a byte
// offset in the request body).
type Problem struct {
	Type       string `json:"type"`
	Title      string `json:"title"`
	Status     int    `json:"status"`
	Detail     string `json:"detail,omitempty"`
	Instance   string `json:"instance,omitempty"`
	Collection string `json:"collection,omitempty"`
	UID        string `json:"uid,omitempty"`
	Field      string `json:"field,omitempty"`
	Offset     *int64 `json:"offset,omitempty"`
}

// Problem types: the last path element of Type.
const (
	ProblemBase         = "https://lantu.example/problems/"
	ProblemMalformed    = ProblemBase + "malformed-json"
	ProblemInvalid      = ProblemBase + "invalid-feature"
	ProblemGeometry     = ProblemBase + "invalid-geometry"
	ProblemCRS          = ProblemBase + "unsupported-crs"
	ProblemParameter    = ProblemBase + "invalid-parameter"
	ProblemCollection   = ProblemBase + "unknown-collection"
	ProblemFeature      = ProblemBase + "unknown-feature"
	ProblemUnauthorized = ProblemBase + "unauthorized"
	ProblemForbidden    = ProblemBase + "forbidden"
	ProblemPrecondition = ProblemBase + "precondition-failed"
	ProblemRequired     = ProblemBase + "precondition-required"
	ProblemTooLarge     = ProblemBase + "body-too-large"
	ProblemRateLimited  = ProblemBase + "rate-limited"
	ProblemMethod       = ProblemBase + "method-not-allowed"
	ProblemMediaType    = ProblemBase + "unsupported-media-type"
	ProblemNotFound     = ProblemBase + "not-found"
	ProblemInternal     = ProblemBase + "internal"
	ProblemUnavailable  = ProblemBase + "unavailable"
)

// Error makes a Problem usable as an error.
func (p *Problem) Error() string {
	if p.Detail != "" {
		return fmt.Sprintf("%d %s: %s", p.Status, p.Title, p.Detail)
	}
	return fmt.Sprintf("%d %s", p.Status, p.Title)
}

// Marshal encodes the problem; it cannot fail.
func (p *Problem) Marshal() []byte {
	b, _ := json.Marshal(p)
	return b
}
