package transfer

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"slices"
	"strconv"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

// orderedFeatures is how many features of a GeoJSON file give the fields
// their order (the order their properties are written in); fields first
// seen later follow by name.
const orderedFeatures = 1000

// openGeoJSON opens a FeatureCollection as a streamed Source: a first pass
// here, one feature at a time and without building geometries, finds the
// fields (typed from every value), the geometry kinds, the count and the
// extent. Its CRS is CRS84 (EPSG:4326 in lon/lat order) by RFC 7946, unless
// a legacy crs member names an EPSG code. A lone Feature is read whole.
func openGeoJSON(path string) (*Source, error) {
	sc := &geojsonScan{path: path, kinds: map[string]string{}, seen: map[string]bool{}, geoms: geomKinds{}}
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
			_, err := walkGeoJSON(ctx, path, func(i int, dec *json.Decoder) error {
				ft, err := decodeFeature(i, dec)
				if err != nil {
					return fmt.Errorf("%w: %s: %v", ErrInput, path, err)
				}
				return fn(ft)
			})
			return err
		}}
	return src, nil
}

// decodeFeature decodes feature i (0-based) of a collection from dec.
func decodeFeature(i int, dec *json.Decoder) (Feature, error) {
	var f fastFeature
	if err := dec.Decode(&f); err != nil {
		return Feature{}, fmt.Errorf("feature %d (near byte %d): %v", i+1, dec.InputOffset(), err)
	}
	gf := &geojson.Feature{ID: f.ID, Properties: f.Properties}
	if f.Geometry != nil && string(*f.Geometry) != "null" {
		g, err := parseGeometry(*f.Geometry)
		if err != nil {
			return Feature{}, fmt.Errorf("feature %d (near byte %d): geometry: %v", i+1, dec.InputOffset(), err)
		}
		gf.Geometry = g
	}
	ft := featureOf(i, gf)
	ft.idField = false // the scan's business
	return ft, checkFinite(ft)
}

// geojsonScan is what the first pass over a GeoJSON file gathers.
type geojsonScan struct {
	path    string
	n       int
	kinds   map[string]string
	order   []string
	seen    map[string]bool
	idField bool
	geoms   geomKinds
	bound   orb.Bound
	coords  bool
}

// scanFeature is a feature as the first pass reads it: the geometry's
// type and its coordinates unparsed.
type scanFeature struct {
	ID       any `json:"id"`
	Geometry *struct {
		Type        string          `json:"type"`
		Coordinates json.RawMessage `json:"coordinates"`
		Geometries  json.RawMessage `json:"geometries"`
	} `json:"geometry"`
	Properties map[string]any `json:"properties"`
}

// add reads feature i from dec into the scan.
func (sc *geojsonScan) add(i int, dec *json.Decoder) error {
	var raw json.RawMessage
	if err := dec.Decode(&raw); err != nil {
		return fmt.Errorf("%w: %s: feature %d: not JSON (near byte %d): %v", ErrInput, sc.path, i+1, dec.InputOffset(), err)
	}
	var f scanFeature
	if err := json.Unmarshal(raw, &f); err != nil {
		return fmt.Errorf("%w: %s: feature %d: %v", ErrInput, sc.path, i+1, err)
	}
	sc.n++
	_, hasID := f.Properties["id"]
	sc.idField = sc.idField || (f.ID != nil && !hasID)
	for k, v := range f.Properties {
		sc.kinds[k] = widen(sc.kinds[k], kindOf(jsonValue(v)))
	}
	if f.ID != nil && !hasID {
		sc.kinds["id"] = widen(sc.kinds["id"], kindOf(jsonValue(f.ID)))
	}
	sc.addKeys(i, raw, f.Properties)
	return sc.addGeometry(i, raw, f)
}

// addKeys records property names not seen before: in file order within
// the first orderedFeatures features, by name after.
func (sc *geojsonScan) addKeys(i int, raw json.RawMessage, props map[string]any) {
	fresh := false
	for k := range props {
		fresh = fresh || !sc.seen[k]
	}
	if !fresh {
		return
	}
	keys := slices.Sorted(maps.Keys(props))
	if i < orderedFeatures {
		var p struct {
			Properties json.RawMessage `json:"properties"`
		}
		if json.Unmarshal(raw, &p) == nil {
			keys = objectKeys(p.Properties, nil)
		}
	}
	for _, k := range keys {
		if !sc.seen[k] {
			sc.seen[k], sc.order = true, append(sc.order, k)
		}
	}
}

// addGeometry notes the geometry's kind and extends the extent by its
// coordinates, read straight from the JSON numbers; a collection of
// geometries is decoded whole.
func (sc *geojsonScan) addGeometry(i int, raw json.RawMessage, f scanFeature) error {
	if f.Geometry == nil {
		return nil
	}
	if f.Geometry.Type == "GeometryCollection" {
		full, err := geojson.UnmarshalFeature(raw)
		if err != nil {
			return fmt.Errorf("%w: %s: feature %d: %v", ErrInput, sc.path, i+1, err)
		}
		sc.geoms.add(full.Geometry)
		eachPoint(full.Geometry, sc.extend)
		return nil
	}
	sc.geoms.add(kindGeometry[f.Geometry.Type])
	if err := eachPosition(f.Geometry.Coordinates, sc.extend); err != nil {
		return fmt.Errorf("%w: %s: feature %d: coordinates: %v", ErrInput, sc.path, i+1, err)
	}
	return nil
}

func (sc *geojsonScan) extend(p orb.Point) {
	if !sc.coords {
		sc.bound, sc.coords = orb.Bound{Min: p, Max: p}, true
	}
	sc.bound = sc.bound.Extend(p)
}

// kindGeometry stands for each GeoJSON geometry type in geomKinds.
var kindGeometry = map[string]orb.Geometry{"Point": orb.Point{}, "MultiPoint": orb.MultiPoint{},
	"LineString": orb.LineString{}, "MultiLineString": orb.MultiLineString{},
	"Polygon": orb.Polygon{}, "MultiPolygon": orb.MultiPolygon{}}

// eachPosition calls fn with the first two numbers of every innermost
// array of a coordinates member: its positions, at whatever depth.
func eachPosition(raw json.RawMessage, fn func(orb.Point)) error {
	var nums []float64
	depth, innermost := 0, true
	for i := 0; i < len(raw); i++ {
		switch c := raw[i]; {
		case c == '[':
			depth, innermost, nums = depth+1, true, nums[:0]
		case c == ']':
			if innermost && len(nums) >= 2 {
				fn(orb.Point{nums[0], nums[1]})
			}
			depth, innermost = depth-1, false
		case c == '-' || (c >= '0' && c <= '9'):
			j := i + 1
			for j < len(raw) && isNumberByte(raw[j]) {
				j++
			}
			v, err := strconv.ParseFloat(string(raw[i:j]), 64)
			if err != nil {
				return err
			}
			nums, i = append(nums, v), j-1
		}
	}
	if depth != 0 {
		return fmt.Errorf("unbalanced brackets")
	}
	return nil
}

func isNumberByte(c byte) bool {
	return c >= '0' && c <= '9' || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-'
}

// geojsonHead is what walkGeoJSON saw outside the features.
type geojsonHead struct {
	Type       string
	CRS        json.RawMessage
	collection bool // a features member was walked
}

// walkGeoJSON walks the FeatureCollection at path, handing the decoder to
// elem at each feature (elem decodes it); the other members of the
// top-level object are returned in the head.
func walkGeoJSON(ctx context.Context, path string, elem func(i int, dec *json.Decoder) error) (geojsonHead, error) {
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
			if err := walkFeatures(ctx, path, dec, elem); err != nil {
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
	if t, err := dec.Token(); err != nil || t != json.Delim('}') {
		return head, bad(fmt.Errorf("the top-level object does not end: %v %v", t, err))
	}
	return head, nil
}

// walkFeatures walks the features array, one feature at a time.
func walkFeatures(ctx context.Context, path string, dec *json.Decoder, elem func(i int, dec *json.Decoder) error) error {
	if t, err := dec.Token(); err != nil || t != json.Delim('[') {
		return fmt.Errorf("%w: %s: features is not an array (near byte %d)", ErrInput, path, dec.InputOffset())
	}
	for i := 0; dec.More(); i++ {
		if i%256 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		if err := elem(i, dec); err != nil {
			return err
		}
	}
	if t, err := dec.Token(); err != nil || t != json.Delim(']') {
		return fmt.Errorf("%w: %s: the features array does not end (near byte %d): %v", ErrInput, path, dec.InputOffset(), err)
	}
	return nil
}
