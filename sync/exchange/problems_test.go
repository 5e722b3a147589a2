package exchange

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"lantu/sync/wire"
)

// TestProblems: every bad request gets a 4xx problem+json body whose type
// and detail say what is wrong.
func TestProblems(t *testing.T) {
	eachStore(t, func(t *testing.T, s Store) {
		e := newEnv(t, s, Options{MaxBody: 4096})
		item := "/collections/xz_dltb/items/" + patchUID(0)
		big := `{"type":"Feature","properties":{"bz":"` + strings.Repeat("x", 5000) + `"}}`
		cases := []struct {
			name, role, method, path, body string
			headers                        []string
			status                         int
			typ, detail                    string
		}{
			{"malformed JSON", "admin", "POST", "/collections/gl_xzfa/items", `{"type":"Feature",,}`, nil, 400, wire.ProblemMalformed, "byte 19"},
			{"malformed push", "admin", "POST", "/sync/push", `{"changes":[{]}`, nil, 400, wire.ProblemMalformed, "byte 14"},
			{"wrong JSON type", "admin", "POST", "/sync/push", `{"changes":{}}`, nil, 400, wire.ProblemMalformed, "changes"},
			{"empty body", "admin", "POST", "/collections/gl_xzfa/items", ``, nil, 400, wire.ProblemMalformed, "empty body"},
			{"ring not closed", "admin", "POST", "/collections/gl_xzfa/items",
				`{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[123,41],[123.1,41],[123.1,41.1],[123,41.2]]]},"properties":{}}`, nil, 400, wire.ProblemGeometry, "not closed"},
			{"wrong geometry kind", "admin", "POST", "/collections/gl_xzfa/items",
				`{"type":"Feature","geometry":{"type":"Point","coordinates":[123,41]},"properties":{}}`, nil, 400, wire.ProblemGeometry, "is a Point"},
			{"unknown field", "admin", "POST", "/collections/gl_pzd/items",
				`{"type":"Feature","geometry":{"type":"Point","coordinates":[123.05,41.8]},"properties":{"nope":1}}`, nil, 400, wire.ProblemInvalid, `no field "nope"`},
			{"wrong field type", "admin", "POST", "/collections/gl_pzd/items",
				`{"type":"Feature","geometry":{"type":"Point","coordinates":[123.05,41.8]},"properties":{"nr":5}}`, nil, 400, wire.ProblemInvalid, `field "nr"`},
			{"unknown crs", "reader", "GET", "/collections/xz_dltb/items?crs=EPSG:3857", "", nil, 400, wire.ProblemCRS, "EPSG/0/3857"},
			{"not a crs", "reader", "GET", "/collections/xz_dltb/items?bbox=1,2,3,4&bbox-crs=mercator", "", nil, 400, wire.ProblemCRS, "mercator"},
			{"bad Content-Crs", "admin", "POST", "/collections/gl_xzfa/items", `{}`, []string{"Content-Crs", "<EPSG:2000>"}, 400, wire.ProblemCRS, "Content-Crs"},
			{"bad bbox", "reader", "GET", "/collections/xz_dltb/items?bbox=1,2,x,4", "", nil, 400, wire.ProblemParameter, `"x"`},
			{"bbox min > max", "reader", "GET", "/collections/xz_dltb/items?bbox=3,2,1,4", "", nil, 400, wire.ProblemParameter, "min <= max"},
			{"bad limit", "reader", "GET", "/collections/xz_dltb/items?limit=0", "", nil, 400, wire.ProblemParameter, "limit"},
			{"bad cursor", "reader", "GET", "/collections/xz_dltb/changes?since=abc", "", nil, 400, wire.ProblemParameter, "since"},
			{"unknown collection", "reader", "GET", "/collections/nope/items", "", nil, 404, wire.ProblemCollection, `"nope"`},
			{"unknown feature", "reader", "GET", "/collections/xz_dltb/items/nope", "", nil, 404, wire.ProblemFeature, `"nope"`},
			{"unknown path", "reader", "GET", "/nowhere", "", nil, 404, wire.ProblemNotFound, "/nowhere"},
			{"wrong method", "reader", "DELETE", "/collections", "", nil, 405, wire.ProblemMethod, "DELETE"},
			{"bad If-Match", "admin", "DELETE", item, "", []string{"If-Match", "yesterday"}, 400, wire.ProblemParameter, "If-Match"},
			{"no token", "", "GET", "/collections", "", nil, 401, wire.ProblemUnauthorized, "no bearer token"},
			{"bad token", "", "GET", "/collections", "", []string{"Authorization", "Bearer xyz"}, 401, wire.ProblemUnauthorized, "unknown bearer token"},
			{"forbidden", "reader", "DELETE", item, "", []string{"If-Match", `"1"`}, 403, wire.ProblemForbidden, "only reads"},
			{"too large", "admin", "POST", "/collections/gl_xzfa/items", big, nil, 413, wire.ProblemTooLarge, "4096"},
			{"patch not an object", "admin", "PATCH", item, `[1]`, []string{"If-Match", `"1"`}, 400, wire.ProblemInvalid, "object"},
			{"duplicate push key", "admin", "POST", "/sync/push", `{"changes":[{"key":"k","collection":"x","op":"delete","uid":"u"},{"key":"k"}]}`, nil, 400, wire.ProblemInvalid, "repeats the key"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				r := e.do(c.role, c.method, c.path, c.body, c.headers...)
				if r.status != c.status {
					t.Fatalf("status %d, want %d: %s", r.status, c.status, r.body)
				}
				if ct := r.header.Get("Content-Type"); ct != wire.MediaProblem {
					t.Errorf("Content-Type %q", ct)
				}
				var p wire.Problem
				if err := json.Unmarshal(r.body, &p); err != nil {
					t.Fatalf("not a problem body: %v %s", err, r.body)
				}
				if p.Status != c.status || (c.typ != "" && p.Type != c.typ) || !strings.Contains(p.Detail, c.detail) || p.Title != http.StatusText(c.status) {
					t.Errorf("problem %+v, want type %s and detail with %q", p, c.typ, c.detail)
				}
			})
		}
	})
}

// TestRateLimit: past the burst a token gets 429 with Retry-After; reads
// and writes have their own buckets.
func TestRateLimit(t *testing.T) {
	e := newEnv(t, openTestSQLite(t), Options{ReadRate: 1, ReadBurst: 3, Rate: 1, Burst: 1})
	var codes []int
	for range 5 {
		codes = append(codes, e.do("reader", "GET", "/conformance", nil).status)
	}
	if codes[2] != 200 || codes[3] != 429 || codes[4] != 429 {
		t.Errorf("statuses %v, want three 200s then 429s", codes)
	}
	if r := e.do("admin", "GET", "/conformance", nil); r.status != 200 {
		t.Errorf("another token is limited too: %d", r.status)
	}
	r := e.do("reader", "GET", "/conformance", nil)
	if r.header.Get("Retry-After") == "" || !strings.Contains(string(r.body), wire.ProblemRateLimited) {
		t.Errorf("429 without Retry-After or problem: %v %s", r.header, r.body)
	}
	var writes []int
	for range 2 {
		writes = append(writes, e.do("reader", "POST", "/sync/push", `{"changes":[]}`).status)
	}
	if writes[0] != 200 || writes[1] != 429 {
		t.Errorf("writes after the reads ran out: %v, want 200 then 429", writes)
	}
}
