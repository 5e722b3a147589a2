package conflict

import (
	"context"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkt"
)

// memLayer is an in-memory layer; the first column is its class field.
type memLayer struct {
	cols  []string
	srid  int
	feats []Feature
}

// memSource is an in-memory Source for tests.
type memSource struct {
	srid   int
	layers map[string]*memLayer
}

func (m *memSource) SRID() int { return m.srid }

func (m *memSource) LayerSRID(layer string) int {
	if l := m.layers[layer]; l != nil && l.srid != 0 {
		return l.srid
	}
	return m.srid
}

func (m *memSource) Columns(layer string) ([]string, string, bool) {
	l, ok := m.layers[layer]
	if !ok {
		return nil, "", false
	}
	if len(l.cols) == 0 {
		return nil, "", true
	}
	return l.cols, l.cols[0], true
}

func (m *memSource) Scan(ctx context.Context, layer string, where *Expr, bbox orb.Bound, fn func(Feature) error) error {
	for _, f := range m.layers[layer].feats {
		if !where.Match(f.Attrs) {
			continue
		}
		if bbox != (orb.Bound{}) && f.Geom != nil && !bbox.Intersects(f.Geom.Bound()) {
			continue
		}
		if err := fn(f); err != nil {
			return err
		}
	}
	return ctx.Err()
}

// add appends a feature given as WKT ("" for a NULL geometry) with class cls.
func (m *memSource) add(t testing.TB, layer, geom string, cls any) {
	t.Helper()
	if m.layers == nil {
		m.layers = map[string]*memLayer{}
	}
	l := m.layers[layer]
	if l == nil {
		l = &memLayer{cols: []string{"cls", "name"}}
		m.layers[layer] = l
	}
	var g orb.Geometry
	if geom != "" {
		var err error
		if g, err = wkt.Unmarshal(geom); err != nil {
			t.Fatalf("%s: %v", geom, err)
		}
	}
	fid := int64(len(l.feats) + 1)
	l.feats = append(l.feats, Feature{FID: fid, UID: layer + "-" + string(rune('a'+fid-1)), Geom: g,
		Attrs: map[string]any{"cls": cls, "name": nil}})
}

func mustGeom(t testing.TB, s string) orb.Geometry {
	t.Helper()
	g, err := wkt.Unmarshal(s)
	if err != nil {
		t.Fatal(err)
	}
	return g
}
