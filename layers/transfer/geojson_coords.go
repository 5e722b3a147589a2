package transfer

import (
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

// fastFeature is a feature as the streamed reader decodes it: the
// geometry's coordinates are parsed by coordParser rather than through
// encoding/json's reflection (which took most of a big import's time).
type fastFeature struct {
	ID       any              `json:"id"`
	Geometry *json.RawMessage `json:"geometry"`
	// Properties as orb decodes them.
	Properties map[string]any `json:"properties"`
}

// fastGeometry is a geometry's type and unparsed coordinates.
type fastGeometry struct {
	Type        string          `json:"type"`
	Coordinates json.RawMessage `json:"coordinates"`
	Geometries  json.RawMessage `json:"geometries"`
}

// parseGeometry builds the geometry of raw: the six simple types by
// coordParser, a GeometryCollection (or anything odd) through orb.
func parseGeometry(raw json.RawMessage) (orb.Geometry, error) {
	var g fastGeometry
	if err := json.Unmarshal(raw, &g); err != nil {
		return nil, err
	}
	p := &coordParser{b: g.Coordinates}
	var out orb.Geometry
	var err error
	switch g.Type {
	case "Point":
		out, err = p.position()
	case "MultiPoint":
		var pts []orb.Point
		pts, err = p.positions()
		out = orb.MultiPoint(pts)
	case "LineString":
		var pts []orb.Point
		pts, err = p.positions()
		out = orb.LineString(pts)
	case "MultiLineString":
		out, err = p.lines()
	case "Polygon":
		out, err = p.polygon()
	case "MultiPolygon":
		out, err = p.multiPolygon()
	default:
		gg, err := geojson.UnmarshalGeometry(raw)
		if err != nil {
			return nil, err
		}
		return gg.Geometry(), nil
	}
	if err == nil {
		err = p.end()
	}
	if err != nil {
		return nil, fmt.Errorf("%s coordinates: %v", g.Type, err)
	}
	return out, nil
}

// coordParser reads nested arrays of numbers.
type coordParser struct {
	b []byte
	i int
}

func (p *coordParser) space() {
	for p.i < len(p.b) && (p.b[p.i] == ' ' || p.b[p.i] == '\n' || p.b[p.i] == '\t' || p.b[p.i] == '\r') {
		p.i++
	}
}

func (p *coordParser) end() error {
	if p.space(); p.i != len(p.b) {
		return fmt.Errorf("unexpected %q at %d", p.b[p.i], p.i)
	}
	return nil
}

// list reads '[' item (',' item)* ']' or '[]', calling item for each.
func (p *coordParser) list(item func() error) error {
	if p.space(); p.i >= len(p.b) || p.b[p.i] != '[' {
		return fmt.Errorf("want [ at %d", p.i)
	}
	p.i++
	if p.space(); p.i < len(p.b) && p.b[p.i] == ']' {
		p.i++
		return nil
	}
	for {
		if err := item(); err != nil {
			return err
		}
		p.space()
		if p.i >= len(p.b) {
			return fmt.Errorf("unterminated array")
		}
		switch p.b[p.i] {
		case ',':
			p.i++
		case ']':
			p.i++
			return nil
		default:
			return fmt.Errorf("unexpected %q at %d", p.b[p.i], p.i)
		}
	}
}

func (p *coordParser) number() (float64, error) {
	p.space()
	j := p.i
	for j < len(p.b) && isNumberByte(p.b[j]) {
		j++
	}
	v, err := strconv.ParseFloat(string(p.b[p.i:j]), 64)
	if err != nil {
		return 0, fmt.Errorf("number at %d: %v", p.i, err)
	}
	p.i = j
	return v, nil
}

// position reads [x, y, ...]: at least two numbers, the rest dropped.
func (p *coordParser) position() (orb.Point, error) {
	var pt orb.Point
	n := 0
	err := p.list(func() error {
		v, err := p.number()
		if n < 2 {
			pt[n] = v
		}
		n++
		return err
	})
	if err == nil && n < 2 {
		err = fmt.Errorf("a position of %d numbers", n)
	}
	return pt, err
}

func (p *coordParser) positions() ([]orb.Point, error) {
	var pts []orb.Point
	err := p.list(func() error {
		pt, err := p.position()
		pts = append(pts, pt)
		return err
	})
	return pts, err
}

func (p *coordParser) lines() (orb.MultiLineString, error) {
	var ml orb.MultiLineString
	err := p.list(func() error {
		pts, err := p.positions()
		ml = append(ml, orb.LineString(pts))
		return err
	})
	return ml, err
}

func (p *coordParser) polygon() (orb.Polygon, error) {
	var poly orb.Polygon
	err := p.list(func() error {
		pts, err := p.positions()
		poly = append(poly, orb.Ring(pts))
		return err
	})
	return poly, err
}

func (p *coordParser) multiPolygon() (orb.MultiPolygon, error) {
	var mp orb.MultiPolygon
	err := p.list(func() error {
		poly, err := p.polygon()
		mp = append(mp, poly)
		return err
	})
	return mp, err
}
