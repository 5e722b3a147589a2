package render

import (
	"context"
	"encoding/json"
	"io/fs"
	"testing"

	"github.com/paulmach/orb"

	"lantu/assets"
	"lantu/layers/crs"
)

// geojsonFeature is the part of a GeoJSON feature the real-data test reads.
type geojsonFeature struct {
	Properties map[string]any `json:"properties"`
	Geometry   struct {
		Type        string          `json:"type"`
		Coordinates json.RawMessage `json:"coordinates"`
	} `json:"geometry"`
}

// readGeoJSON loads Polygon and LineString features of a lon/lat file of
// the demo's embedded source data (assets.DemoSource), projected to
// EPSG:4550, into a memLayer labelled by the "name" property.
func readGeoJSON(t *testing.T, path string) *memLayer {
	t.Helper()
	b, err := fs.ReadFile(assets.DemoSource(), path)
	if err != nil {
		t.Fatal(err)
	}
	var fc struct {
		Features []geojsonFeature `json:"features"`
	}
	if err := json.Unmarshal(b, &fc); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	tr, err := crs.NewTransformer(crs.WGS84, crs.CGCS2000GK)
	if err != nil {
		t.Fatal(err)
	}
	m := &memLayer{origin: orb.Point{500000, 4600000}}
	for k, f := range fc.Features {
		g, err := decodeGeometry(f.Geometry.Type, f.Geometry.Coordinates)
		if err != nil {
			t.Fatalf("%s feature %d: %v", path, k, err)
		}
		if g, err = tr.Geometry(g); err != nil {
			t.Fatalf("%s feature %d: %v", path, k, err)
		}
		name, _ := f.Properties["name"].(string)
		ft := memFeat{fid: int64(k + 1), label: name}
		ft.add(g, m.origin)
		ft.bound()
		m.feats = append(m.feats, ft)
	}
	return m.index()
}

func decodeGeometry(typ string, raw json.RawMessage) (orb.Geometry, error) {
	switch typ {
	case "Polygon":
		var c [][][2]float64
		err := json.Unmarshal(raw, &c)
		p := orb.Polygon{}
		for _, r := range c {
			p = append(p, orb.Ring(points(r)))
		}
		return p, err
	case "LineString":
		var c [][2]float64
		err := json.Unmarshal(raw, &c)
		return orb.LineString(points(c)), err
	}
	return orb.Collection{}, nil
}

func points(c [][2]float64) []orb.Point {
	ps := make([]orb.Point, len(c))
	for i, p := range c {
		ps[i] = orb.Point(p)
	}
	return ps
}

// TestRealShenyang draws the real Shenyang outline and rivers (projected
// to EPSG:4550) with the city's name.
func TestRealShenyang(t *testing.T) {
	outline := readGeoJSON(t, "vector/shenyang_outline_echarts.geojson")
	rivers := readGeoJSON(t, "vector/shenyang_rivers_gshhg.geojson")
	src := LayerList{
		{Code: "city", Kind: Polygon, Visible: true, Labels: true, Data: outline, Style: Style{
			Fill: rgb("#f7f1e1"), Stroke: rgb("#9b59b6"), Width: 2, Dash: []float64{10, 3, 2, 3}}},
		{Code: "rivers", Kind: Line, Visible: true, Data: rivers, Style: Style{Stroke: rgb("#5b9bd5"), Width: 1.2}},
	}
	var ext orb.Bound
	outline.Read(func(g Geometry) {
		b := g.Box(0)
		o := g.Origin()
		ext = orb.Bound{Min: orb.Point{o[0] + float64(b[0]), o[1] + float64(b[1])}, Max: orb.Point{o[0] + float64(b[2]), o[1] + float64(b[3])}}
	})
	img, err := New(src, Options{}).Render(context.Background(), Request{View: Fit(ext.Pad(3000), 640, 640), Labels: true})
	if err != nil {
		t.Fatal(err)
	}
	assertGolden(t, "real_shenyang", img)
}
