package conflict

import (
	"context"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// The admin-division layer patches are attributed to, unless Options name
// another: its district code and name fields.
const (
	DistrictLayer     = "XZ_QXXZQ"
	DistrictCodeField = "xzqdm"
	DistrictNameField = "xzqmc"
)

// districts are the admin divisions patches are attributed to.
type districts struct {
	codes  []string
	shapes []orb.Geometry
	bounds []orb.Bound
}

func loadDistricts(ctx context.Context, src Source, opt Options) (*districts, error) {
	layer, field := opt.DistrictLayer, opt.DistrictField
	if layer == "" {
		layer = DistrictLayer
	}
	if field == "" {
		field = DistrictCodeField
	}
	d := &districts{}
	if cols, _, ok := src.Columns(layer); !ok || !contains(cols, field) {
		return d, nil
	}
	fs, err := loadLayer(ctx, src, Selector{Layer: layer}, orb.Bound{}, []string{field})
	for _, f := range fs {
		if f.Geom == nil {
			continue
		}
		d.codes = append(d.codes, toText(f.Attrs[field]))
		d.shapes = append(d.shapes, f.Geom)
		d.bounds = append(d.bounds, f.Geom.Bound())
	}
	return d, err
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// bound is the box of a district (zero: everything).
func (d *districts) bound(code string) orb.Bound {
	var b orb.Bound
	for i, c := range d.codes {
		if c == code && code != "" {
			if b == (orb.Bound{}) {
				b = d.bounds[i]
			} else {
				b = b.Union(d.bounds[i])
			}
		}
	}
	return b
}

// of returns the district containing p.
func (d *districts) of(p orb.Point) string {
	for i, s := range d.shapes {
		if !d.bounds[i].Contains(p) {
			continue
		}
		switch g := s.(type) {
		case orb.Polygon:
			if planar.PolygonContains(g, p) {
				return d.codes[i]
			}
		case orb.MultiPolygon:
			if planar.MultiPolygonContains(g, p) {
				return d.codes[i]
			}
		}
	}
	return ""
}

// assign sets each patch's district and keeps those in only (all when
// empty), in place.
func (d *districts) assign(ps []Patch, only string) []Patch {
	n := 0
	for i := range ps {
		ps[i].District = d.of(ps[i].Centroid)
		if only != "" && ps[i].District != only {
			continue
		}
		if n != i {
			ps[n] = ps[i]
		}
		n++
	}
	clear(ps[n:])
	return ps[:n]
}
