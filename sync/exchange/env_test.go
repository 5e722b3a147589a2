package exchange

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"

	"lantu/layers"
	"lantu/layers/peer/peertest"
)

// The fixture blueprint: two districts side by side in EPSG:4550 (A from
// x 500000 to 510000, B to 520000), land-use patches (XZ_DLTB, an exchange
// layer) of 500 m in two rows across both (see patchX).
const (
	distA, distB = "210102", "210103"
	patches      = 24 // XZ_DLTB features, half in each district
)

// patchX is the west edge of the i-th patch.
func patchX(i int) float64 { return 500100 + float64(i%12)*1600 + float64(i/12)*50 }

var (
	fixtureOnce sync.Once
	fixturePath string
	fixtureErr  error
)

func square(x, y, d float64) orb.Polygon {
	return orb.Polygon{{{x, y}, {x + d, y}, {x + d, y + d}, {x, y + d}, {x, y}}}
}

// fixtureBlueprint makes the fixture once per test binary.
func fixtureBlueprint(t testing.TB) string {
	t.Helper()
	fixtureOnce.Do(func() {
		dir, err := os.MkdirTemp("", "exchange-fixture")
		if err != nil {
			fixtureErr = err
			return
		}
		fixturePath = filepath.Join(dir, "fixture.gpkg")
		fixtureErr = writeFixture(fixturePath)
	})
	if fixtureErr != nil {
		t.Fatal(fixtureErr)
	}
	return fixturePath
}

func writeFixture(path string) error {
	bp, err := layers.Create(path, layers.CreateOptions{User: "fixture"})
	if err != nil {
		return err
	}
	defer bp.Close()
	w, err := bp.Bulk(context.Background())
	if err != nil {
		return err
	}
	for i, code := range []string{distA, distB} {
		x := 500000 + float64(i)*10000
		g := orb.MultiPolygon{square(x, 4630000, 10000)}
		if err := w.Insert("XZ_QXXZQ", g, map[string]any{"xzqdm": code, "xzqmc": "区" + code}); err != nil {
			w.Rollback()
			return err
		}
	}
	for i := range patches {
		g := orb.MultiPolygon{square(patchX(i), 4631000+float64(i/12)*2000, 500)}
		attrs := map[string]any{"uid": fmt.Sprintf("00000000-0000-7000-8000-%012d", i), "dlbm": "0101", "tbbh": fmt.Sprint(i)}
		if err := w.Insert("XZ_DLTB", g, attrs); err != nil {
			w.Rollback()
			return err
		}
	}
	return w.Commit()
}

// storeCase opens a fresh, empty store.
type storeCase struct {
	name string
	open func(t testing.TB) Store
}

var storeCases = []storeCase{
	{"sqlite", openTestSQLite},
	{"postgres", openTestPostgres},
}

// eachStore runs fn as a subtest per storage.
func eachStore(t *testing.T, fn func(t *testing.T, s Store)) {
	for _, sc := range storeCases {
		t.Run(sc.name, func(t *testing.T) { fn(t, sc.open(t)) })
	}
}

func openTestSQLite(t testing.TB) Store {
	s, err := OpenSQLite(context.Background(), filepath.Join(t.TempDir(), "exchange.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// testPostgresURL makes a fresh schema in the test database and returns a
// URL whose search_path is it (then public, for PostGIS).
func testPostgresURL(t testing.TB) string {
	base := peertest.PostGIS(t)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		peertest.Missing(t, "PostgreSQL at LANTU_PG_URL not reachable: %v", err)
	}
	var b [6]byte
	rand.Read(b[:])
	schema := "lantu_ex_" + hex.EncodeToString(b[:])
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		conn.Close(ctx)
		t.Fatal(err)
	}
	t.Cleanup(func() {
		conn.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE")
		conn.Close(ctx)
	})
	sep := "?"
	if strings.Contains(base, "?") {
		sep = "&"
	}
	return base + sep + "search_path=" + schema + ",public"
}

func openTestPostgres(t testing.TB) Store {
	s, err := OpenPostgres(context.Background(), testPostgresURL(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// env is a published store behind a running test server, with a token per
// role.
type env struct {
	t      testing.TB
	store  Store
	srv    *httptest.Server
	tokens map[string]string // admin, bureau, district (distA), districtB, reader
}

func newEnv(t testing.TB, s Store, opt Options) *env {
	t.Helper()
	ctx := context.Background()
	if _, err := Publish(ctx, s, fixtureBlueprint(t), nil, "publisher"); err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, store: s, tokens: map[string]string{}}
	for name, p := range map[string]Principal{
		"admin": {Name: "ada", Role: RoleAdmin}, "bureau": {Name: "bo", Role: RoleBureau},
		"district": {Name: "di", Role: RoleDistrict, District: distA}, "districtB": {Name: "db", Role: RoleDistrict, District: distB},
		"reader": {Name: "re", Role: RoleReader},
	} {
		tok, err := AddToken(ctx, s, p)
		if err != nil {
			t.Fatal(err)
		}
		e.tokens[name] = tok
	}
	if opt.Rate == 0 {
		opt.Rate = -1
	}
	if opt.ReadRate == 0 {
		opt.ReadRate = -1
	}
	e.srv = httptest.NewServer(NewServer(s, opt))
	t.Cleanup(e.srv.Close)
	return e
}

// response is a finished HTTP exchange.
type response struct {
	status int
	header http.Header
	body   []byte
}

func (r response) json(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("answer is not JSON (%v): %s", err, r.body)
	}
}

// do sends a request as a role ("" for none) with optional headers
// (name, value pairs).
func (e *env) do(role, method, path string, body any, headers ...string) response {
	e.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, e.srv.URL+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if role != "" {
		req.Header.Set("Authorization", "Bearer "+e.tokens[role])
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return response{status: res.StatusCode, header: res.Header, body: data}
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

func jsonDecode(r io.Reader, v any) error { return json.NewDecoder(r).Decode(v) }

// TestMain removes the fixture blueprint after the tests.
func TestMain(m *testing.M) {
	code := m.Run()
	if fixturePath != "" {
		os.RemoveAll(filepath.Dir(fixturePath))
	}
	os.Exit(code)
}
