package exchange

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"lantu/sync/wire"
)

type itemsPage struct {
	Type           string              `json:"type"`
	Features       []json2Feature      `json:"features"`
	NumberMatched  int                 `json:"numberMatched"`
	NumberReturned int                 `json:"numberReturned"`
	Links          []map[string]string `json:"links"`
}

type json2Feature struct {
	ID string `json:"id"`
}

// walkItems follows next links from path and returns every feature id and
// the numberMatched of the first page.
func (e *env) walkItems(path string) ([]string, int) {
	e.t.Helper()
	var ids []string
	matched := -1
	for range 100 {
		r := e.do("reader", "GET", path, nil)
		if r.status != 200 || r.header.Get("Content-Type") != wire.MediaGeoJSON {
			e.t.Fatalf("GET %s: %d %s %s", path, r.status, r.header.Get("Content-Type"), r.body)
		}
		var p itemsPage
		r.json(e.t, &p)
		if matched < 0 {
			matched = p.NumberMatched
		}
		if p.Type != "FeatureCollection" || p.NumberReturned != len(p.Features) {
			e.t.Fatalf("GET %s: type %q, numberReturned %d for %d features", path, p.Type, p.NumberReturned, len(p.Features))
		}
		for _, f := range p.Features {
			ids = append(ids, f.ID)
		}
		next := ""
		for _, l := range p.Links {
			if l["rel"] == "next" {
				next = l["href"]
			}
		}
		if next == "" {
			return ids, matched
		}
		path = strings.TrimPrefix(next, e.srv.URL)
	}
	e.t.Fatal("more than 100 pages")
	return nil, 0
}

// TestItemsPagingAndBBox: next links visit every feature once; bbox in
// CRS84, in EPSG:4550 (northing first) and in EPSG:4490 (latitude first)
// select the same features, those that meet district A.
func TestItemsPagingAndBBox(t *testing.T) {
	eachStore(t, func(t *testing.T, s Store) {
		e := newEnv(t, s, Options{})
		ids, matched := e.walkItems("/collections/xz_dltb/items?limit=5")
		seen := map[string]bool{}
		for _, id := range ids {
			seen[id] = true
		}
		if len(ids) != patches || len(seen) != patches || matched != patches {
			t.Errorf("paging: %d ids (%d distinct), numberMatched %d; want %d", len(ids), len(seen), matched, patches)
		}
		box := orb.Bound{Min: orb.Point{500000, 4630000}, Max: orb.Point{510000, 4640000}} // district A in EPSG:4550
		cs := newCRSSet()
		inner := orb.Bound{Min: orb.Point{500050, 4630050}, Max: orb.Point{509950, 4639950}}
		b84, err := cs.crs84Bound(inner, 4550)
		if err != nil {
			t.Fatal(err)
		}
		boxes := map[string]string{
			"CRS84":     fmt.Sprintf("%f,%f,%f,%f", b84.Min[0], b84.Min[1], b84.Max[0], b84.Max[1]),
			"EPSG:4550": fmt.Sprintf("%f,%f,%f,%f&bbox-crs=%s", box.Min[1]+50, box.Min[0]+50, box.Max[1]-50, box.Max[0]-50, url.QueryEscape(wire.EPSGURI(4550))),
			"EPSG:4490": fmt.Sprintf("%f,%f,%f,%f&bbox-crs=%s", b84.Min[1], b84.Min[0], b84.Max[1], b84.Max[0], url.QueryEscape(wire.EPSGURI(4490))),
		}
		want := 0 // the fixture's patches whose box meets inner
		for i := range patches {
			if x := patchX(i); x <= inner.Max[0] && x+500 >= inner.Min[0] {
				want++
			}
		}
		for name, q := range boxes {
			ids, matched := e.walkItems("/collections/xz_dltb/items?limit=5&bbox=" + q)
			if len(ids) != want || matched != want {
				t.Errorf("bbox in %s: %d features (numberMatched %d), want %d", name, len(ids), matched, want)
			}
		}
	})
}
