package replica

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/paulmach/orb"

	"lantu/layers"
	"lantu/sync/exchange"
)

// The fixture: two districts side by side in EPSG:4550 (A from x 500000
// to 510000, B to 520000), land-use patches (XZ_DLTB) across both and
// farmland-conversion approvals (GL_NZY), published to a fresh exchange.
const (
	distA, distB = "210102", "210103"
	nPatches     = 12
	nApprovals   = 4
)

func square(x, y, d float64) orb.Polygon {
	return orb.Polygon{{{x, y}, {x + d, y}, {x + d, y + d}, {x, y + d}, {x, y}}}
}

func patchUID(i int) string    { return fmt.Sprintf("00000000-0000-7000-8000-%012d", i) }
func approvalUID(i int) string { return fmt.Sprintf("00000000-0000-7000-9000-%012d", i) }

var (
	fixtureOnce sync.Once
	fixtureDir  string
	fixtureErr  error
)

func fixture(t testing.TB) string {
	t.Helper()
	fixtureOnce.Do(func() {
		if fixtureDir, fixtureErr = os.MkdirTemp("", "replica-fixture"); fixtureErr == nil {
			fixtureErr = writeFixture(filepath.Join(fixtureDir, "city.gpkg"))
		}
	})
	if fixtureErr != nil {
		t.Fatal(fixtureErr)
	}
	return filepath.Join(fixtureDir, "city.gpkg")
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
	insert := func(code string, g orb.Geometry, a map[string]any) {
		if err == nil {
			err = w.Insert(code, g, a)
		}
	}
	for i, code := range []string{distA, distB} {
		insert("XZ_QXXZQ", orb.MultiPolygon{square(500000+float64(i)*10000, 4630000, 10000)}, map[string]any{"xzqdm": code, "xzqmc": "区" + code})
	}
	for i := range nPatches {
		insert("XZ_DLTB", orb.MultiPolygon{square(500100+float64(i)*1600, 4631000, 500)}, map[string]any{"uid": patchUID(i), "dlbm": "0101", "tbbh": fmt.Sprint(i)})
	}
	for i := range nApprovals {
		insert("GL_NZY", orb.MultiPolygon{square(500200+float64(i)*4000, 4635000, 300)},
			map[string]any{"uid": approvalUID(i), "xmmc": fmt.Sprint("项目", i), "pzwh": "原", "mj": 90000.0, "ydw": "单位"})
	}
	if err != nil {
		w.Rollback()
		return err
	}
	return w.Commit()
}

// env is a published exchange behind a test server, with tokens.
type env struct {
	t      testing.TB
	store  exchange.Store
	srv    *httptest.Server
	tokens map[string]string // admin, admin2, bureau, district (A), reader
}

func newEnv(t testing.TB, s exchange.Store) *env {
	t.Helper()
	ctx := context.Background()
	if _, err := exchange.Publish(ctx, s, fixture(t), nil, "publisher"); err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, store: s, tokens: map[string]string{}}
	for name, p := range map[string]exchange.Principal{
		"admin": {Name: "ada", Role: exchange.RoleAdmin}, "admin2": {Name: "alan", Role: exchange.RoleAdmin},
		"bureau":   {Name: "bo", Role: exchange.RoleBureau},
		"district": {Name: "di", Role: exchange.RoleDistrict, District: distA},
		"reader":   {Name: "re", Role: exchange.RoleReader},
	} {
		tok, err := exchange.AddToken(ctx, s, p)
		if err != nil {
			t.Fatal(err)
		}
		e.tokens[name] = tok
	}
	e.srv = httptest.NewServer(exchange.NewServer(s, exchange.Options{Rate: -1, ReadRate: -1}))
	t.Cleanup(e.srv.Close)
	return e
}

func newSQLiteEnv(t testing.TB) *env {
	s, err := exchange.OpenSQLite(context.Background(), filepath.Join(t.TempDir(), "exchange.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return newEnv(t, s)
}

// clone makes a replica of the env's server as role.
func (e *env) clone(role string, opt CloneOptions) *layers.Blueprint {
	e.t.Helper()
	opt.Token = e.tokens[role]
	if opt.User == "" {
		opt.User = role
	}
	bp, _, err := Clone(context.Background(), e.srv.URL, filepath.Join(e.t.TempDir(), role+".gpkg"), opt)
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { bp.Close() })
	return bp
}

func syncOnce(t testing.TB, bp *layers.Blueprint) Result {
	t.Helper()
	s, err := NewSyncer(context.Background(), bp, Options{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := s.Sync(context.Background(), nil)
	if err != nil {
		t.Fatalf("sync %s: %v", bp.Path(), err)
	}
	return res
}

func feature(t testing.TB, bp *layers.Blueprint, layer, uid string) *layers.Feature {
	t.Helper()
	f, err := bp.FeatureByUID(context.Background(), layer, uid)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func edit(t testing.TB, bp *layers.Blueprint, layer, uid string, a map[string]any) {
	t.Helper()
	if _, err := bp.Apply(context.Background(), layers.Edit{Op: layers.OpUpdate, Layer: layer, UID: uid, Attrs: a}); err != nil {
		t.Fatal(err)
	}
}

// serverFeature reads a feature from the store.
func (e *env) serverFeature(layer, uid string) exchange.Record {
	e.t.Helper()
	r, err := e.store.Item(context.Background(), layer, uid)
	if err != nil {
		e.t.Fatal(err)
	}
	return r
}

func TestMain(m *testing.M) {
	tokenDir := ""
	if os.Getenv(TokensEnv) == "" { // the tests' tokens stay out of the user's own file
		var err error
		if tokenDir, err = os.MkdirTemp("", "replica-tokens"); err != nil {
			panic(err)
		}
		os.Setenv(TokensEnv, filepath.Join(tokenDir, "tokens.json"))
	}
	code := m.Run()
	if tokenDir != "" {
		os.RemoveAll(tokenDir)
	}
	if fixtureDir != "" {
		os.RemoveAll(fixtureDir)
	}
	os.Exit(code)
}
