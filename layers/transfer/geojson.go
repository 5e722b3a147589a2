package transfer

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

// featureOf is feature i of a collection as a Source feature.
func featureOf(i int, f *geojson.Feature) Feature {
	ft := Feature{Name: geojsonName(i, f), Geom: f.Geometry, Attrs: make(map[string]any, len(f.Properties)+1)}
	for k, v := range f.Properties {
		ft.Attrs[k] = jsonValue(v)
	}
	if _, has := f.Properties["id"]; f.ID != nil && !has {
		ft.Attrs["id"] = jsonValue(f.ID) // as GDAL does: the feature id is a field
		ft.idField = true
	}
	return ft
}

// objectKeys appends the keys of the JSON object r not yet in order.
func objectKeys(r json.RawMessage, order []string) []string {
	dec := json.NewDecoder(bytes.NewReader(r))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return order
	}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			break
		}
		if k, ok := t.(string); ok && !slices.Contains(order, k) {
			order = append(order, k)
		}
		var skip json.RawMessage
		if dec.Decode(&skip) != nil {
			break
		}
	}
	return order
}

// parseGeoJSON is readGeoJSON on bytes; name is used in errors.
func parseGeoJSON(name string, data []byte) (*Source, error) {
	var head struct {
		Type string          `json:"type"`
		CRS  json.RawMessage `json:"crs"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return nil, fmt.Errorf("%w: %s: not JSON: %v", ErrInput, name, err)
	}
	crs, err := geojsonCRS(name, head.CRS)
	if err != nil {
		return nil, err
	}
	var fc *geojson.FeatureCollection
	switch head.Type {
	case "FeatureCollection":
		fc, err = geojson.UnmarshalFeatureCollection(data)
	case "Feature":
		var f *geojson.Feature
		if f, err = geojson.UnmarshalFeature(data); err == nil {
			fc = &geojson.FeatureCollection{Features: []*geojson.Feature{f}}
		}
	default:
		return nil, fmt.Errorf("%w: %s: type %q is not a FeatureCollection or Feature", ErrInput, name, head.Type)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrInput, name, err)
	}
	src := &Source{Path: name, Format: "geojson", CRS: crs, Encoding: "UTF-8"}
	idField := false
	for i, f := range fc.Features {
		ft := featureOf(i, f)
		idField, ft.idField = idField || ft.idField, false
		if err := checkFinite(ft); err != nil {
			return nil, fmt.Errorf("%w: %s: %v", ErrInput, name, err)
		}
		src.Features = append(src.Features, ft)
	}
	order := propertyOrder(data)
	if idField && !slices.Contains(order, "id") {
		order = append([]string{"id"}, order...)
	}
	src.Fields = inferFields(src.Features, order)
	return src, nil
}

// geojsonName names feature i (0-based) as "feature N" (1-based), with its id.
func geojsonName(i int, f *geojson.Feature) string {
	if f.ID != nil {
		return fmt.Sprintf("feature %d (id %v)", i+1, f.ID)
	}
	return fmt.Sprintf("feature %d", i+1)
}

var epsgName = regexp.MustCompile(`(?i)^(?:urn:ogc:def:crs:EPSG:[0-9.]*:|EPSG:|http://www\.opengis\.net/def/crs/EPSG/0/)(\d+)$`)

// geojsonCRS reads the legacy crs member: {"type":"name","properties":{"name":...}}.
func geojsonCRS(name string, raw json.RawMessage) (CRS, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return CRS{EPSG: 4326, From: "RFC 7946 default CRS84"}, nil
	}
	var c struct {
		Type       string `json:"type"`
		Properties struct {
			Name string `json:"name"`
		} `json:"properties"`
	}
	if err := json.Unmarshal(raw, &c); err != nil || c.Type != "name" {
		return CRS{}, fmt.Errorf("%w: %s: crs member %s is not a named CRS", ErrNoCRS, name, raw)
	}
	switch c.Properties.Name {
	case "urn:ogc:def:crs:OGC:1.3:CRS84", "urn:ogc:def:crs:OGC::CRS84", "OGC:CRS84":
		return CRS{EPSG: 4326, From: "crs member CRS84"}, nil
	}
	m := epsgName.FindStringSubmatch(c.Properties.Name)
	if m == nil {
		return CRS{}, fmt.Errorf("%w: %s: crs %q names no EPSG code", ErrNoCRS, name, c.Properties.Name)
	}
	code, _ := strconv.Atoi(m[1])
	return CRS{EPSG: code, From: "crs member " + c.Properties.Name}, nil
}

// jsonValue maps a decoded JSON value to a Source value: numbers stay
// float64 (integral ones int64), objects and arrays become their JSON text.
func jsonValue(v any) any {
	switch v := v.(type) {
	case float64:
		if v == math.Trunc(v) && math.Abs(v) < 1<<53 {
			return int64(v)
		}
		return v
	case map[string]any, []any:
		b, _ := json.Marshal(v)
		return string(b)
	}
	return v
}

// propertyOrder returns property names in the order they first appear in
// the file, so fields keep the file's column order.
func propertyOrder(data []byte) []string {
	var fc struct {
		Features []struct {
			Properties json.RawMessage `json:"properties"`
		} `json:"features"`
		Properties json.RawMessage `json:"properties"`
	}
	if json.Unmarshal(data, &fc) != nil {
		return nil
	}
	raws := []json.RawMessage{fc.Properties}
	for _, f := range fc.Features {
		raws = append(raws, f.Properties)
	}
	var order []string
	for _, r := range raws {
		order = objectKeys(r, order)
	}
	return order
}

// checkFinite refuses NaN and infinite coordinates.
func checkFinite(f Feature) error {
	bad := false
	eachPoint(f.Geom, func(p orb.Point) {
		bad = bad || math.IsNaN(p[0]) || math.IsNaN(p[1]) || math.IsInf(p[0], 0) || math.IsInf(p[1], 0)
	})
	if bad {
		return fmt.Errorf("%s: coordinate is not a finite number", f.Name)
	}
	return nil
}

// eachPoint calls fn for every point of g.
func eachPoint(g orb.Geometry, fn func(orb.Point)) {
	switch g := g.(type) {
	case orb.Point:
		fn(g)
	case orb.MultiPoint:
		for _, p := range g {
			fn(p)
		}
	case orb.LineString:
		eachPoint(orb.MultiPoint(g), fn)
	case orb.Ring:
		eachPoint(orb.MultiPoint(g), fn)
	case orb.MultiLineString:
		for _, l := range g {
			eachPoint(orb.MultiPoint(l), fn)
		}
	case orb.Polygon:
		for _, r := range g {
			eachPoint(orb.MultiPoint(r), fn)
		}
	case orb.MultiPolygon:
		for _, p := range g {
			eachPoint(p, fn)
		}
	case orb.Collection:
		for _, c := range g {
			eachPoint(c, fn)
		}
	}
}
