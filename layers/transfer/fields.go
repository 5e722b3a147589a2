package transfer

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
)

// inferFields types each attribute from its values: integer when all are
// int64 (or bool), real when all are numbers, date when all are times, text
// otherwise. Fields follow order, then any other names sorted.
func inferFields(fs []Feature, order []string) []Field {
	kinds := map[string]string{}
	for _, f := range fs {
		for k, v := range f.Attrs {
			kinds[k] = widen(kinds[k], kindOf(v))
		}
	}
	return fieldsOfKinds(kinds, order)
}

// fieldsOfKinds are the fields of the given kinds: those in order first,
// then the others by name.
func fieldsOfKinds(kinds map[string]string, order []string) []Field {
	names := slices.Clone(order)
	for _, k := range slices.Sorted(maps.Keys(kinds)) {
		if !slices.Contains(names, k) {
			names = append(names, k)
		}
	}
	var out []Field
	for _, n := range names {
		if k, ok := kinds[n]; ok {
			if k == "" {
				k = "text" // only nulls
			}
			out = append(out, Field{n, k})
		}
	}
	return out
}

func kindOf(v any) string {
	switch v.(type) {
	case nil:
		return ""
	case int64, int, bool:
		return "integer"
	case float64:
		return "real"
	case time.Time:
		return "date"
	}
	return "text"
}

// widen is the type holding values of kinds a and b.
func widen(a, b string) string {
	switch {
	case a == "" || a == b:
		return b
	case b == "":
		return a
	case (a == "integer" && b == "real") || (a == "real" && b == "integer"):
		return "real"
	}
	return "text"
}

// convert turns v into a value of a field of type typ; ok is false when it
// does not fit (the caller names the feature and field).
func convert(v any, typ string) (any, bool) {
	if v == nil {
		return nil, true
	}
	switch typ {
	case "text":
		return textOf(v), true
	case "integer":
		return toInt(v)
	case "real":
		return toReal(v)
	case "date":
		return toDate(v)
	}
	return nil, false
}

func textOf(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case time.Time:
		return v.Format("2006-01-02")
	}
	return fmt.Sprint(v)
}

func toInt(v any) (any, bool) {
	switch v := v.(type) {
	case int64:
		return v, true
	case int:
		return int64(v), true
	case bool:
		if v {
			return int64(1), true
		}
		return int64(0), true
	case float64:
		if v == float64(int64(v)) {
			return int64(v), true
		}
	case string:
		s := strings.TrimSpace(v)
		if s == "" {
			return nil, true
		}
		n, err := strconv.ParseInt(s, 10, 64)
		return n, err == nil
	}
	return nil, false
}

func toReal(v any) (any, bool) {
	switch v := v.(type) {
	case float64:
		return v, true
	case int64:
		return float64(v), true
	case int:
		return float64(v), true
	case bool: // a field of booleans and reals is real, as one of booleans is integer
		if v {
			return 1.0, true
		}
		return 0.0, true
	case string:
		s := strings.TrimSpace(v)
		if s == "" {
			return nil, true
		}
		f, err := strconv.ParseFloat(s, 64)
		return f, err == nil
	}
	return nil, false
}

func toDate(v any) (any, bool) {
	switch v := v.(type) {
	case time.Time:
		return v.Format("2006-01-02"), true
	case string:
		s := strings.TrimSpace(v)
		if s == "" {
			return nil, true
		}
		for _, layout := range []string{"2006-01-02", "2006/01/02", "20060102", time.RFC3339, "2006-01-02T15:04:05.000Z"} {
			if t, err := time.Parse(layout, s); err == nil {
				return t.Format("2006-01-02"), true
			}
		}
	}
	return nil, false
}
