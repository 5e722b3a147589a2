package exchange

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"lantu/sync/wire"
)

// TestPart4ETags: writes need If-Match (428 without), a stale ETag gets
// 412 with the current ETag, a matching one writes and moves the ETag on;
// PATCH is a JSON merge patch; DELETE leaves a 404.
func TestPart4ETags(t *testing.T) {
	eachStore(t, func(t *testing.T, s Store) {
		e := newEnv(t, s, Options{})
		path := "/collections/xz_dltb/items/" + patchUID(3)
		body := featureBody(patchUID(3), orb.MultiPolygon{square(501000, 4631000, 200)}, map[string]any{"dlbm": "0301", "tbbh": "3"})
		for _, m := range []string{"PUT", "PATCH", "DELETE"} {
			if r := e.do("admin", m, path, body, "Content-Crs", epsg4550); r.status != http.StatusPreconditionRequired {
				t.Errorf("%s without If-Match: %d %s, want 428", m, r.status, r.body)
			}
		}
		get := e.do("admin", "GET", path, nil)
		if get.status != 200 || get.header.Get("ETag") != `"1"` {
			t.Fatalf("GET: %d ETag %q, want 200 \"1\"", get.status, get.header.Get("ETag"))
		}
		if r := e.do("admin", "GET", path, nil, "If-None-Match", `"1"`); r.status != http.StatusNotModified {
			t.Errorf("GET If-None-Match current: %d, want 304", r.status)
		}
		put := e.do("admin", "PUT", path, body, "If-Match", `"1"`, "Content-Crs", epsg4550)
		if put.status != 200 || put.header.Get("ETag") != `"2"` {
			t.Fatalf("PUT If-Match \"1\": %d ETag %q %s, want 200 \"2\"", put.status, put.header.Get("ETag"), put.body)
		}
		for _, m := range []string{"PUT", "PATCH", "DELETE"} {
			r := e.do("admin", m, path, body, "If-Match", `"1"`, "Content-Crs", epsg4550, "Content-Type", wire.MediaPatch)
			if r.status != http.StatusPreconditionFailed || r.header.Get("ETag") != `"2"` {
				t.Errorf("%s with stale If-Match: %d ETag %q %s, want 412 \"2\"", m, r.status, r.header.Get("ETag"), r.body)
			}
		}
		patch := e.do("admin", "PATCH", path, `{"properties":{"dlbm":"0401","tbbh":null}}`, "If-Match", `"2"`, "Content-Type", wire.MediaPatch)
		if patch.status != 200 || patch.header.Get("ETag") != `"3"` {
			t.Fatalf("PATCH: %d ETag %q %s, want 200 \"3\"", patch.status, patch.header.Get("ETag"), patch.body)
		}
		rec, err := s.Item(t.Context(), "xz_dltb", patchUID(3))
		if err != nil {
			t.Fatal(err)
		}
		if rec.Props["dlbm"] != "0401" || rec.Props["tbbh"] != nil {
			t.Errorf("after the merge patch: %v, want dlbm 0401 and no tbbh", rec.Props)
		}
		if want := (orb.MultiPolygon{square(501000, 4631000, 200)}); !orb.Equal(rec.Geom, want) {
			t.Errorf("a patch without geometry changed it: %v, want %v", rec.Geom, want)
		}
		del := e.do("admin", "DELETE", path, nil, "If-Match", `"3"`)
		if del.status != http.StatusNoContent {
			t.Fatalf("DELETE: %d %s", del.status, del.body)
		}
		if r := e.do("admin", "GET", path, nil); r.status != 404 {
			t.Errorf("GET after DELETE: %d, want 404", r.status)
		}
		if r := e.do("admin", "PUT", path, body, "If-Match", `"4"`, "Content-Crs", epsg4550); r.status != 404 {
			t.Errorf("PUT of a deleted feature: %d %s, want 404", r.status, r.body)
		}
	})
}

// TestPart4CreateAndCRS: POST answers 201 with Location and ETag "1"; a
// body in EPSG:4490 (latitude first) is stored in EPSG:4550 and read back
// in every offered CRS; an existing id is a 409.
func TestPart4CreateAndCRS(t *testing.T) {
	eachStore(t, func(t *testing.T, s Store) {
		e := newEnv(t, s, Options{})
		uid := newUID()
		// 123.05E 41.84N as latitude, longitude
		body := `{"type":"Feature","id":"` + uid + `","geometry":{"type":"Point","coordinates":[41.84,123.05]},"properties":{"nr":"看这里"}}`
		r := e.do("district", "POST", "/collections/gl_pzd/items", body, "Content-Crs", "<"+wire.EPSGURI(4490)+">")
		if r.status != 201 || r.header.Get("ETag") != `"1"` || r.header.Get("Location") == "" {
			t.Fatalf("POST: %d ETag %q Location %q %s", r.status, r.header.Get("ETag"), r.header.Get("Location"), r.body)
		}
		rec, err := s.Item(t.Context(), "gl_pzd", uid)
		if err != nil {
			t.Fatal(err)
		}
		tr, err := e.srvCRS().transformer(4490, 4550)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := tr.Point(orb.Point{123.05, 41.84})
		if p := rec.Geom.(orb.Point); planar.Distance(p, want) > 1e-6 {
			t.Errorf("stored %v, want %v (EPSG:4550 x=east)", p, want)
		}
		for _, c := range []struct {
			crs  string
			want orb.Point
		}{{wire.CRS84, orb.Point{123.05, 41.84}}, {wire.EPSGURI(4490), orb.Point{41.84, 123.05}}, {wire.EPSGURI(4550), orb.Point{want[1], want[0]}}} {
			got := e.do("reader", "GET", "/collections/gl_pzd/items/"+uid+"?crs="+c.crs, nil)
			var f wire.Feature
			if err := json.Unmarshal(got.body, &f); err != nil {
				t.Fatalf("crs=%s: %v %s", c.crs, err, got.body)
			}
			if got.header.Get("Content-Crs") != "<"+c.crs+">" {
				t.Errorf("crs=%s: Content-Crs %q", c.crs, got.header.Get("Content-Crs"))
			}
			if p := f.Geometry.(orb.Point); planar.Distance(p, c.want) > 1e-6 {
				t.Errorf("crs=%s: %v, want %v", c.crs, p, c.want)
			}
		}
		if r := e.do("district", "POST", "/collections/gl_pzd/items", body, "Content-Crs", "<"+wire.EPSGURI(4490)+">"); r.status != 409 {
			t.Errorf("POST of an existing id: %d %s, want 409", r.status, r.body)
		}
	})
}

func (e *env) srvCRS() *crsSet { return newCRSSet() }
