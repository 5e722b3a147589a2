package exchange

import (
	"context"
	"net/http"
	"sync"
	"time"

	"github.com/paulmach/orb"

	"lantu/sync/wire"
)

// districtCache keeps the district regions, reloaded when the district
// collection's high-water mark moves (a publish in another process
// included). The mark is read at most once per districtFresh, so a batch
// of changes costs one look-up. Safe for concurrent use.
type districtCache struct {
	s       Store
	mu      sync.Mutex
	high    int64
	checked time.Time
	srid    int
	codes   map[string]*region
}

// districtFresh is how long a read of the high-water mark is trusted.
const districtFresh = time.Second

func newDistrictCache(s Store) *districtCache { return &districtCache{s: s, high: -1} }

// region returns the region of a district code (nil if it has none) and
// the SRID it is in.
func (d *districtCache) region(ctx context.Context, code string) (*region, int, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if time.Since(d.checked) < districtFresh && d.high >= 0 {
		return d.codes[code], d.srid, nil
	}
	high, err := d.s.HighWater(ctx, DistrictCollection)
	if err != nil {
		return nil, 0, err
	}
	if high != d.high {
		if err := d.reload(ctx); err != nil {
			return nil, 0, err
		}
		d.high = high
	}
	d.checked = time.Now()
	return d.codes[code], d.srid, nil
}

func (d *districtCache) reload(ctx context.Context) error {
	c, err := d.s.Collection(ctx, DistrictCollection)
	if err != nil {
		return err
	}
	polys := map[string]orb.MultiPolygon{}
	var after int64
	for {
		page, err := d.s.Items(ctx, ItemQuery{Collection: DistrictCollection, Limit: 1000, After: after})
		if err != nil {
			return err
		}
		for _, r := range page.Records {
			code, _ := r.Props[DistrictCodeField].(string)
			switch g := r.Geom.(type) {
			case orb.Polygon:
				polys[code] = append(polys[code], g)
			case orb.MultiPolygon:
				polys[code] = append(polys[code], g...)
			}
			after = r.RowID
		}
		if !page.More {
			break
		}
	}
	d.codes, d.srid = map[string]*region{}, c.SRID
	for code, mp := range polys {
		d.codes[code] = newRegion(mp)
	}
	return nil
}

// districtRejection refuses a district principal's geometry outside its
// district; which names the geometry in the reason (new or current).
func (s *Server) districtRejection(ctx context.Context, p Principal, c Collection, uid string, g orb.Geometry, which string) *rejection {
	if p.Role != RoleDistrict {
		return nil
	}
	if g == nil {
		return reject(http.StatusForbidden, wire.ProblemForbidden, "outside district: feature %s in %s has no geometry to place in district %s", uid, c.ID, p.District)
	}
	reg, srid, err := s.districts.region(ctx, p.District)
	if err != nil {
		return reject(http.StatusServiceUnavailable, wire.ProblemUnavailable, "district %s: %v", p.District, err)
	}
	if reg == nil {
		return reject(http.StatusForbidden, wire.ProblemForbidden, "outside district: district %s has no boundary in %s", p.District, DistrictCollection)
	}
	if srid != c.SRID {
		if g, err = s.crs.reproject(g, c.SRID, srid); err != nil {
			return reject(http.StatusBadRequest, wire.ProblemCRS, "feature %s: %v", uid, err)
		}
	}
	if !reg.contains(g) {
		return reject(http.StatusForbidden, wire.ProblemForbidden, "outside district: the %s geometry of feature %s in %s is not inside district %s", which, uid, c.ID, p.District)
	}
	return nil
}
