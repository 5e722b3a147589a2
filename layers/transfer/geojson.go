package transfer

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"regexp"
	"slices"
	"strconv"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

// openGeoJSON opens a FeatureCollection as a streamed Source: a first pass
// here, one feature at a time, finds the fields (in the order they first
// appear, typed from every value), the geometry kinds, the count and the
// extent. Its CRS is CRS84 (EPSG:4326 in lon/lat order) by RFC 7946, unless
// a legacy crs member names an EPSG code. A lone Feature is read whole.
func openGeoJSON(path string) (*Source, error) {
	sc := &geojsonScan{kinds: map[string]string{}, geoms: geomKinds{}}
	head, err := walkGeoJSON(context.Background(), path, sc.add)
	if err != nil {
		return nil, err
	}
	if !head.collection {
		if head.Type != "Feature" {
			return nil, fmt.Errorf("%w: %s: type %q is not a FeatureCollection or Feature", ErrInput, path, head.Type)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("transfer: %w", err)
		}
		return parseGeoJSON(path, data)
	}
	crs, err := geojsonCRS(path, head.CRS)
	if err != nil {
		return nil, err
	}
	src := &Source{Path: path, Format: "geojson", CRS: crs, Encoding: "UTF-8"}
	order := sc.order
	if sc.idField && !slices.Contains(order, "id") {
		order = append([]string{"id"}, order...)
	}
	src.Fields = fieldsOfKinds(sc.kinds, order)
	src.stream = &stream{count: sc.n, geomType: sc.geoms.geomType(), bound: sc.bound, coords: sc.coords,
		each: func(ctx context.Context, fn func(Feature) error) error {
			_, err := walkGeoJSON(ctx, path, func(f Feature) error {
				f.order, f.idField = nil, false // the scan's business only
				return fn(f)
			})
			return err
		}}
	return src, nil
}

// geojsonScan is what the first pass over a GeoJSON file gathers.
type geojsonScan struct {
	n       int
	kinds   map[string]string
	order   []string
	seen    map[string]bool
	idField bool
	geoms   geomKinds
	bound   orb.Bound
	coords  bool
}

func (sc *geojsonScan) add(f Feature) error {
	sc.n++
	for k, v := range f.Attrs {
		sc.kinds[k] = widen(sc.kinds[k], kindOf(v))
	}
	for _, k := range f.order {
		if !sc.seen[k] {
			if sc.seen == nil {
				sc.seen = map[string]bool{}
			}
			sc.seen[k], sc.order = true, append(sc.order, k)
		}
	}
	sc.idField = sc.idField || f.idField
	sc.geoms.add(f.Geom)
	eachPoint(f.Geom, func(p orb.Point) {
		if !sc.coords {
			sc.bound, sc.coords = orb.Bound{Min: p, Max: p}, true
		}
		sc.bound = sc.bound.Extend(p)
	})
	return nil
}

// geojsonHead is what walkGeoJSON saw outside the features.
type geojsonHead struct {
	Type       string
	CRS        json.RawMessage
	collection bool // a features member was walked
}

// walkGeoJSON decodes the features of the FeatureCollection at path one
// at a time and hands each to fn; the other members of the top-level
// object are returned in the head.
func walkGeoJSON(ctx context.Context, path string, fn func(Feature) error) (geojsonHead, error) {
	var head geojsonHead
	file, err := os.Open(path)
	if err != nil {
		return head, fmt.Errorf("transfer: %w", err)
	}
	defer file.Close()
	dec := json.NewDecoder(bufio.NewReaderSize(file, 1<<20))
	bad := func(err error) error {
		return fmt.Errorf("%w: %s: not JSON (near byte %d): %v", ErrInput, path, dec.InputOffset(), err)
	}
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return head, bad(fmt.Errorf("want an object, got %v %v", t, err))
	}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return head, bad(err)
		}
		switch t {
		case "features":
			head.collection = true
			if err := walkFeatures(ctx, path, dec, fn); err != nil {
				return head, err
			}
			continue
		case "type":
			err = dec.Decode(&head.Type)
		case "crs":
			err = dec.Decode(&head.CRS)
		default:
			var skip json.RawMessage
			err = dec.Decode(&skip)
		}
		if err != nil {
			return head, bad(err)
		}
	}
	return head, nil
}

// walkFeatures decodes the features array, one feature at a time.
func walkFeatures(ctx context.Context, path string, dec *json.Decoder, fn func(Feature) error) error {
	if t, err := dec.Token(); err != nil || t != json.Delim('[') {
		return fmt.Errorf("%w: %s: features is not an array (near byte %d)", ErrInput, path, dec.InputOffset())
	}
	for i := 0; dec.More(); i++ {
		if i%256 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return fmt.Errorf("%w: %s: feature %d: not JSON (near byte %d): %v", ErrInput, path, i+1, dec.InputOffset(), err)
		}
		ft, err := decodeFeature(i, raw)
		if err != nil {
			return fmt.Errorf("%w: %s: %v", ErrInput, path, err)
		}
		if err := fn(ft); err != nil {
			return err
		}
	}
	_, err := dec.Token() // ]
	return err
}

// decodeFeature decodes feature i (0-based) of a collection.
func decodeFeature(i int, raw json.RawMessage) (Feature, error) {
	f, err := geojson.UnmarshalFeature(raw)
	if err != nil {
		return Feature{}, fmt.Errorf("feature %d: %v", i+1, err)
	}
	ft := featureOf(i, f)
	ft.order = propertyKeys(raw)
	return ft, checkFinite(ft)
}

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

// propertyKeys are the keys of a feature's properties in file order.
func propertyKeys(raw json.RawMessage) []string {
	var f struct {
		Properties json.RawMessage `json:"properties"`
	}
	if json.Unmarshal(raw, &f) != nil {
		return nil
	}
	return objectKeys(f.Properties, nil)
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
		idField = idField || ft.idField
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
