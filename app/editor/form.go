package editor

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"lantu/app/i18n"
	"lantu/layers/catalog"
)

// FieldError is one refused form value. A value; it unwraps to
// ErrAttribute.
type FieldError struct {
	Field catalog.Field
	Value string
	Why   string // in the user's language
}

func (e *FieldError) Error() string {
	return fmt.Sprintf("%s: %s", i18n.Pick(e.Field.NameZh, e.Field.NameEn), e.Why)
}

func (e *FieldError) Unwrap() error { return ErrAttribute }

// ParseAttrs checks the raw texts of an attribute form against the
// layer's catalog fields (integer, real, text, date as YYYY-MM-DD; required
// fields non-empty) and returns the values to store, empty optional fields
// as nil. Every refused field is reported, each naming the field in the
// user's language; the error wraps ErrAttribute. Fields the catalog does
// not list are refused.
func ParseAttrs(fields []catalog.Field, raw map[string]string) (map[string]any, error) {
	known := map[string]bool{}
	out := map[string]any{}
	var errs []error
	for _, f := range fields {
		known[f.Name] = true
		v, err := parseValue(f, strings.TrimSpace(raw[f.Name]))
		if err != nil {
			errs = append(errs, err)
			continue
		}
		out[f.Name] = v
	}
	for k := range raw {
		if !known[k] {
			errs = append(errs, fmt.Errorf("%w: %s %q", ErrAttribute, i18n.T("edit.err.unknown_field"), k))
		}
	}
	return out, errors.Join(errs...)
}

func parseValue(f catalog.Field, s string) (any, error) {
	bad := func(key string) error { return &FieldError{Field: f, Value: s, Why: fmt.Sprintf(i18n.T(key), s)} }
	if s == "" {
		if f.Required {
			return nil, &FieldError{Field: f, Why: i18n.T("edit.err.required")}
		}
		return nil, nil
	}
	switch f.Type {
	case "integer":
		v, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return nil, bad("edit.err.integer")
		}
		return v, nil
	case "real":
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return nil, bad("edit.err.real")
		}
		return v, nil
	case "date":
		d, err := time.Parse(time.DateOnly, s)
		if err != nil {
			return nil, bad("edit.err.date")
		}
		return d.Format(time.DateOnly), nil
	}
	return s, nil
}

// FormatValue is the form text of a stored value.
func FormatValue(f catalog.Field, v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case float64:
		if f.Type == "integer" {
			return strconv.FormatInt(int64(v), 10)
		}
		return strconv.FormatFloat(v, 'f', -1, 64)
	case []byte:
		return string(v)
	}
	s := fmt.Sprint(v)
	if f.Type == "date" && len(s) > 10 {
		s = s[:10]
	}
	return s
}

// Defaults are the form's initial texts for a new feature: the area in m²
// for a proposal's area field (mj), the user for an author field (zz).
func Defaults(def *catalog.Layer, m Measure, user string) map[string]string {
	out := map[string]string{}
	if def == nil {
		return out
	}
	for _, f := range def.Fields {
		switch {
		case f.Name == "mj" && f.Type == "real" && m.HasArea:
			out[f.Name] = strconv.FormatFloat(m.Area, 'f', 2, 64)
		case f.Name == "zz" && f.Type == "text":
			out[f.Name] = user
		}
	}
	return out
}
