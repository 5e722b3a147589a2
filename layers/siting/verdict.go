package siting

import (
	"encoding/json"
	"fmt"
	"image/color"
)

// Verdict is the outcome of a rule, a layer or a whole review. It is a
// plain value, safe for concurrent use. Larger is worse.
type Verdict int

// The three verdicts.
const (
	Compliant          Verdict = iota // 合规
	NeedsJustification                // 需论证
	NonCompliant                      // 不合规
)

var verdictText = [...]struct{ code, zh, en string }{
	{"compliant", "合规", "compliant"},
	{"needs_justification", "需论证", "needs justification"},
	{"non_compliant", "不合规", "non-compliant"},
}

// Zh is the verdict in Chinese (合规, 需论证, 不合规).
func (v Verdict) Zh() string { return verdictText[v.clamp()].zh }

// Paper is the pale fill a verdict is shown on (the report's verdict box,
// the app's verdict badges): green, amber, red. Black or the light theme's
// text colour on it reads at well over WCAG AA contrast (4.5:1), which
// the saturated green, orange and red themselves as text do not.
func (v Verdict) Paper() color.NRGBA { return verdictPaper[v.clamp()] }

var verdictPaper = [...]color.NRGBA{{214, 240, 218, 255}, {253, 236, 200, 255}, {250, 210, 205, 255}}

// En is the verdict in English.
func (v Verdict) En() string { return verdictText[v.clamp()].en }

// Code is the verdict's machine name: compliant, needs_justification or
// non_compliant (what JSON carries).
func (v Verdict) Code() string { return verdictText[v.clamp()].code }

func (v Verdict) String() string { return v.Code() }

func (v Verdict) clamp() int { return int(max(Compliant, min(v, NonCompliant))) }

// MarshalJSON writes the verdict's Code.
func (v Verdict) MarshalJSON() ([]byte, error) { return json.Marshal(v.Code()) }

// UnmarshalJSON reads a verdict's Code.
func (v *Verdict) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	for i, t := range verdictText {
		if t.code == s {
			*v = Verdict(i)
			return nil
		}
	}
	return fmt.Errorf("%w: unknown verdict %q", ErrReport, s)
}

// verdictOf maps a rule's severity to the verdict when it is violated.
func verdictOf(violated bool, severity string) Verdict {
	switch {
	case !violated:
		return Compliant
	case severity == "high":
		return NonCompliant
	}
	return NeedsJustification
}

// Reason is one sentence of a verdict's explanation, in both languages.
type Reason struct {
	Zh string `json:"zh"`
	En string `json:"en"`
}
