package wire

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/paulmach/orb"
)

// Property names the protocol keeps in a feature's properties next to the
// layer's own fields. They are read into Feature's fields, not Properties.
const (
	PropVersion   = "version"
	PropUpdatedAt = "updated_at"
	PropUpdatedBy = "updated_by"
)

// Feature is a GeoJSON Feature as the exchange sends and takes it: id is
// the feature's uid; properties hold the layer's fields plus version,
// updated_at and updated_by. Geometry is nil for a feature without one.
// Coordinates are in whatever CRS the message says (CRS84 unless told).
type Feature struct {
	UID        string
	Version    int64
	UpdatedAt  string // RFC 3339, UTC
	UpdatedBy  string
	Geometry   orb.Geometry
	Properties map[string]any // values: nil, bool, string, json.Number (when decoded), int64, float64
}

// MarshalJSON encodes f as a GeoJSON Feature with sorted property keys.
func (f *Feature) MarshalJSON() ([]byte, error) { return f.AppendJSON(nil) }

// AppendJSON appends f's GeoJSON encoding to b.
func (f *Feature) AppendJSON(b []byte) ([]byte, error) {
	b = append(b, `{"type":"Feature","id":`...)
	b = strconv.AppendQuote(b, f.UID)
	b = append(b, `,"geometry":`...)
	b = AppendGeometry(b, f.Geometry)
	b = append(b, `,"properties":{`...)
	keys := make([]string, 0, len(f.Properties))
	for k := range f.Properties {
		if !isSystemProp(k) {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		b = append(appendString(b, k), ':')
		var err error
		if b, err = appendValue(b, f.Properties[k]); err != nil {
			return nil, fmt.Errorf("wire: feature %s: property %q: %w", f.UID, k, err)
		}
		b = append(b, ',')
	}
	b = append(b, `"updated_at":`...)
	b = appendString(b, f.UpdatedAt)
	b = append(b, `,"updated_by":`...)
	b = appendString(b, f.UpdatedBy)
	b = append(b, `,"version":`...)
	b = strconv.AppendInt(b, f.Version, 10)
	return append(b, "}}"...), nil
}

func isSystemProp(k string) bool {
	return k == PropVersion || k == PropUpdatedAt || k == PropUpdatedBy
}

// rawFeature is the GeoJSON shape decoded before checking.
type rawFeature struct {
	Type       string          `json:"type"`
	ID         json.RawMessage `json:"id"`
	Geometry   json.RawMessage `json:"geometry"`
	Properties json.RawMessage `json:"properties"`
}

// UnmarshalJSON decodes a GeoJSON Feature and checks it: type Feature, an id
// that is a string or number (or none), a valid geometry (see
// DecodeGeometry) and properties that are an object of scalars. Errors
// wrap ErrDecode and say which member is wrong.
func (f *Feature) UnmarshalJSON(data []byte) error { return f.decode(data, eachMember) }

// decodeUnchecked is UnmarshalJSON for bytes not yet checked as JSON (a
// snapshot record): they are checked in the same walk, as json.Valid
// would check them, and the error wraps ErrDecode.
func (f *Feature) decodeUnchecked(data []byte) error { return f.decode(data, eachValidMember) }

func (f *Feature) decode(data []byte, each func([]byte, func(string, []byte) error) error) error {
	raw, err := splitFeature(data, each)
	if err != nil {
		return fmt.Errorf("%w: feature: %w", ErrDecode, err)
	}
	if raw.Type != "Feature" {
		return fmt.Errorf("%w: feature: type %q, want \"Feature\"", ErrDecode, raw.Type)
	}
	out := Feature{}
	uid, err := decodeID(raw.ID)
	if err != nil {
		return err
	}
	out.UID = uid
	if out.Geometry, err = decodeValidGeometry(raw.Geometry); err != nil {
		return fmt.Errorf("feature %s: %w", uid, err)
	}
	if err := out.decodeProperties(raw.Properties); err != nil {
		return fmt.Errorf("feature %s: %w", uid, err)
	}
	*f = out
	return nil
}

func decodeID(raw json.RawMessage) (string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return "", nil
	}
	if raw[0] == '"' {
		if s, ok := jsonString(raw); ok {
			return s, nil
		}
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return "", fmt.Errorf("%w: feature id: %w", ErrDecode, err)
		}
		return s, nil
	}
	var n json.Number
	if err := json.Unmarshal(raw, &n); err != nil {
		return "", fmt.Errorf("%w: feature id must be a string or number", ErrDecode)
	}
	return n.String(), nil
}

// splitFeature finds the members of a Feature object; the type must be a
// string.
func splitFeature(data []byte, each func([]byte, func(string, []byte) error) error) (rawFeature, error) {
	var raw rawFeature
	typed := true
	err := each(data, func(key string, val []byte) error {
		switch key {
		case "type":
			raw.Type, typed = jsonString(val)
		case "id":
			raw.ID = val
		case "geometry":
			raw.Geometry = val
		case "properties":
			raw.Properties = val
		}
		return nil
	})
	if err == nil && !typed {
		err = fmt.Errorf("%w: type is not a string", ErrDecode)
	}
	return raw, err
}

// decodeProperties reads the properties object (checked JSON, see
// walk.go); system properties go into f's fields. Values decode as
// encoding/json with UseNumber decodes them, without its reflection.
func (f *Feature) decodeProperties(raw json.RawMessage) error {
	f.Properties = map[string]any{}
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	if raw[0] != '{' {
		return fmt.Errorf("%w: properties: want an object", ErrDecode)
	}
	return eachMember(raw, func(k string, val []byte) error {
		v, err := scalar(val)
		if err != nil {
			return fmt.Errorf("%w: property %q is %w", ErrDecode, k, err)
		}
		return f.setProperty(k, v)
	})
}

// scalar decodes one JSON scalar: a string, a json.Number, a bool or nil.
func scalar(val []byte) (any, error) {
	if len(val) == 0 {
		return nil, fmt.Errorf("%w: empty value", ErrDecode)
	}
	switch val[0] {
	case '"':
		if bytes.IndexByte(val, '\\') < 0 && utf8.Valid(val) {
			return string(val[1 : len(val)-1]), nil
		}
		var s string
		err := json.Unmarshal(val, &s)
		return s, err
	case '{', '[':
		return nil, errNested
	case 't', 'f', 'n':
		switch string(val) {
		case "true":
			return true, nil
		case "false":
			return false, nil
		case "null":
			return nil, nil
		}
		return nil, fmt.Errorf("%w: %.20q is not a JSON value", ErrDecode, val)
	}
	return json.Number(string(val)), nil
}

// errNested is returned for a property value that is an object or array.
var errNested = errors.New("an object or array, want a string, number, boolean or null")

func (f *Feature) setProperty(k string, v any) error {
	switch v.(type) {
	case map[string]any, []any:
		return fmt.Errorf("%w: property %q is %w", ErrDecode, k, errNested)
	}
	switch k {
	case PropVersion:
		n, ok := v.(json.Number)
		i, err := n.Int64()
		if v != nil && (!ok || err != nil || i < 0) {
			return fmt.Errorf("%w: property %q must be a non-negative integer", ErrDecode, k)
		}
		f.Version = i
	case PropUpdatedAt, PropUpdatedBy:
		s, ok := v.(string)
		if v != nil && !ok {
			return fmt.Errorf("%w: property %q must be a string", ErrDecode, k)
		}
		if k == PropUpdatedAt {
			f.UpdatedAt = s
		} else {
			f.UpdatedBy = s
		}
	default:
		f.Properties[k] = v
	}
	return nil
}

// DecodeProperties decodes a JSON object of scalars (as a store keeps a
// feature's properties) as encoding/json with UseNumber decodes it into a
// map[string]any, without its reflection: strings, json.Number, bools and
// nils. The bytes are checked as JSON; an object holding an object or an
// array, or anything but an object, is an error wrapping ErrDecode (the
// caller may then decode it another way).
func DecodeProperties(b []byte) (map[string]any, error) {
	m := map[string]any{}
	err := eachValidMember(b, func(k string, val []byte) error {
		v, err := scalar(val)
		if err != nil {
			return fmt.Errorf("%w: property %q is %w", ErrDecode, k, err)
		}
		m[k] = v
		return nil
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}
