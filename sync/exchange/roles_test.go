package exchange

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/paulmach/orb"

	"lantu/sync/wire"
)

// Test geometries in EPSG:4550 (sent with Content-Crs EPSG:4550).
var (
	inA      = square(501000, 4632000, 100)   // inside district A
	inB      = square(511000, 4632000, 100)   // inside district B
	straddle = square(509950, 4632000, 100)   // across the A/B boundary
	outside  = square(530000, 4632000, 100)   // in no district
	epsg4550 = "<" + wire.EPSGURI(4550) + ">" // a Content-Crs value
)

// featureBody is a feature for an OGC API write with Content-Crs
// EPSG:4550: g is given x=east, y=north and sent northing first, as EPSG
// orders that CRS's axes.
func featureBody(uid string, g orb.Geometry, props map[string]any) []byte {
	if g != nil {
		g = swapped(g, true)
	}
	f := &wire.Feature{UID: uid, Geometry: g, Properties: props}
	b, _ := f.MarshalJSON()
	return b
}

func newUID() string { u, _ := uuid.NewV7(); return u.String() }

// patchUID is the uid of the i-th published XZ_DLTB feature.
func patchUID(i int) string { return fmt.Sprintf("00000000-0000-7000-8000-%012d", i) }

// pushOne pushes one upsert as role and returns the HTTP status, or for a
// 200 the result mapped to 200 (applied), 412 (conflict), 403 (rejected).
func (e *env) pushOne(role, coll string, g orb.Geometry) int {
	uid := newUID()
	req := wire.PushRequest{CRS: wire.EPSGURI(4550), Changes: []wire.PushChange{{Key: newUID(), Collection: coll, Op: wire.OpUpsert, UID: uid,
		Feature: &wire.Feature{UID: uid, Geometry: g, Properties: map[string]any{}}}}}
	r := e.do(role, "POST", "/sync/push", req)
	if r.status != http.StatusOK {
		return r.status
	}
	var res wire.PushResponse
	r.json(e.t, &res)
	switch res.Results[0].Status {
	case wire.StatusApplied:
		return 200
	case wire.StatusConflict:
		return 412
	}
	return 403
}

// writeAt sends a Part 4 write of the i-th patch with its current ETag.
func (e *env) writeAt(role, method string, i int) int {
	uid := patchUID(i)
	cur := e.do("admin", "GET", "/collections/xz_dltb/items/"+uid, nil)
	var body []byte
	if method == "PUT" {
		body = featureBody(uid, orb.MultiPolygon{square(500100+float64(i)*10, 4631000, 300)}, map[string]any{"dlbm": "0201"})
	}
	return e.do(role, method, "/collections/xz_dltb/items/"+uid, body, "If-Match", cur.header.Get("ETag"), "Content-Crs", epsg4550).status
}

// TestRolesMatrix checks every role against every endpoint: reads, Part 4
// writes on an exchange layer, a local layer (inside and outside the
// district) and the review collection, and pushes.
func TestRolesMatrix(t *testing.T) {
	eachStore(t, func(t *testing.T, s Store) {
		e := newEnv(t, s, Options{})
		roles := []string{"", "reader", "district", "districtB", "bureau", "admin"}
		type cell func(role string, row int) int
		get := func(path string) cell {
			return func(role string, _ int) int { return e.do(role, "GET", path, nil).status }
		}
		post := func(coll string, g orb.Geometry) cell {
			return func(role string, _ int) int {
				return e.do(role, "POST", "/collections/"+coll+"/items", featureBody("", g, nil), "Content-Crs", epsg4550).status
			}
		}
		cols := []struct {
			name string
			do   cell
			want []int // per role, in roles order
		}{
			{"GET /", get("/"), []int{401, 200, 200, 200, 200, 200}},
			{"GET /api", get("/api"), []int{401, 200, 200, 200, 200, 200}},
			{"GET /collections", get("/collections"), []int{401, 200, 200, 200, 200, 200}},
			{"GET items", get("/collections/xz_dltb/items"), []int{401, 200, 200, 200, 200, 200}},
			{"GET item", get("/collections/xz_dltb/items/" + patchUID(0)), []int{401, 200, 200, 200, 200, 200}},
			{"GET changes", get("/collections/xz_dltb/changes"), []int{401, 200, 200, 200, 200, 200}},
			{"POST exchange layer", post("xz_dltb", orb.MultiPolygon{inA}), []int{401, 403, 403, 403, 403, 201}},
			{"PUT exchange layer", func(r string, i int) int { return e.writeAt(r, "PUT", i) }, []int{401, 403, 403, 403, 403, 200}},
			{"DELETE exchange layer", func(r string, i int) int { return e.writeAt(r, "DELETE", 12+i) }, []int{401, 403, 403, 403, 403, 204}},
			{"POST local in A", post("gl_xzfa", orb.MultiPolygon{inA}), []int{401, 403, 201, 403, 403, 201}},
			{"POST local outside", post("gl_xzfa", orb.MultiPolygon{outside}), []int{401, 403, 403, 403, 403, 201}},
			{"POST review", post("lantu_reviews", nil), []int{401, 403, 403, 403, 201, 201}},
			{"push local in A", func(r string, _ int) int { return e.pushOne(r, "gl_xzfa", orb.MultiPolygon{inA}) }, []int{401, 403, 200, 403, 403, 200}},
			{"push local in B", func(r string, _ int) int { return e.pushOne(r, "gl_bzm", orb.Polygon(inB)) }, []int{401, 403, 403, 200, 403, 200}},
			{"push exchange layer", func(r string, _ int) int { return e.pushOne(r, "xz_dltb", orb.MultiPolygon{inA}) }, []int{401, 403, 403, 403, 403, 200}},
			{"push review", func(r string, _ int) int { return e.pushOne(r, "lantu_reviews", orb.Polygon(inA)) }, []int{401, 403, 403, 403, 200, 200}},
		}
		for _, c := range cols {
			for i, role := range roles {
				name := role
				if name == "" {
					name = "none"
				}
				t.Run(c.name+"/"+name, func(t *testing.T) {
					if got := c.do(role, i); got != c.want[i] {
						t.Errorf("%s as %s: status %d, want %d", c.name, name, got, c.want[i])
					}
				})
			}
		}
	})
}

// TestPublicRead: without a token reads work and writes are refused.
func TestPublicRead(t *testing.T) {
	e := newEnv(t, openTestSQLite(t), Options{PublicRead: true})
	if r := e.do("", "GET", "/collections/xz_dltb/items", nil); r.status != 200 {
		t.Errorf("anonymous read with PublicRead: %d %s", r.status, r.body)
	}
	r := e.do("", "POST", "/collections/gl_xzfa/items", featureBody("", orb.MultiPolygon{inA}, nil), "Content-Crs", epsg4550)
	if r.status != 403 {
		t.Errorf("anonymous write with PublicRead: %d %s, want 403", r.status, r.body)
	}
	if r := e.do("", "GET", "/collections", nil, "Authorization", "Bearer nonsense"); r.status != 401 {
		t.Errorf("a wrong token with PublicRead: %d, want 401", r.status)
	}
}

// TestTokensStoredHashed: no store keeps a token itself, only its
// SHA-256; the token authenticates, a token one character off does not.
func TestTokensStoredHashed(t *testing.T) {
	eachStore(t, func(t *testing.T, s Store) {
		e := newEnv(t, s, Options{})
		tok := e.tokens["reader"]
		var rows []string
		switch st := s.(type) {
		case *SQLite:
			rs, err := st.r.Query(`SELECT name || ' ' || hash FROM tokens`)
			if err != nil {
				t.Fatal(err)
			}
			for rs.Next() {
				var r string
				rs.Scan(&r)
				rows = append(rows, r)
			}
			rs.Close()
		case *Postgres:
			rs, err := st.pool.Query(t.Context(), `SELECT name || ' ' || hash FROM tokens`)
			if err != nil {
				t.Fatal(err)
			}
			for rs.Next() {
				var r string
				rs.Scan(&r)
				rows = append(rows, r)
			}
			rs.Close()
		}
		found := false
		for _, r := range rows {
			if strings.Contains(r, tok) || strings.Contains(r, tok[6:]) {
				t.Fatalf("a token is stored as it is: %s", r)
			}
			found = found || strings.HasSuffix(r, " "+HashToken(tok))
		}
		if !found {
			t.Fatalf("no row holds the reader token's hash: %v", rows)
		}
		if r := e.do("reader", "GET", "/collections", nil); r.status != 200 {
			t.Fatalf("the token: %d", r.status)
		}
		e.tokens["off"] = tok[:len(tok)-1] + string(rune('A'+(tok[len(tok)-1]+1)%26))
		if r := e.do("off", "GET", "/collections", nil); r.status != http.StatusUnauthorized {
			t.Fatalf("a token one character off: %d, want 401", r.status)
		}
	})
}
