package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkt"

	"lantu/layers"
	"lantu/sync/exchange"
	"lantu/sync/replica"
)

// exchangeFixture serves a published red line and a farmland patch 1 km
// apart, with two admin tokens.
func exchangeFixture(t *testing.T) (url string, tokens [2]string) {
	t.Helper()
	t.Setenv(replica.TokensEnv, filepath.Join(t.TempDir(), "tokens.json"))
	ctx := context.Background()
	src := filepath.Join(t.TempDir(), "src.gpkg")
	bp, err := layers.Create(src, layers.CreateOptions{User: "publisher"})
	if err != nil {
		t.Fatal(err)
	}
	w, err := bp.Bulk(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for code, s := range map[string]string{
		"GH_STBHHX": "POLYGON((500000 4600000,500100 4600000,500100 4600100,500000 4600100,500000 4600000))",
		"GH_YJJBNT": "POLYGON((501050 4600000,501150 4600000,501150 4600100,501050 4600100,501050 4600000))",
	} {
		g, _ := wkt.Unmarshal(s)
		if err := w.Insert(code, g, map[string]any{"uid": "00000000-0000-7000-8000-" + strings.Repeat("0", 8) + map[string]string{"GH_STBHHX": "0001", "GH_YJJBNT": "0002"}[code]}); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	bp.Close()
	s, err := exchange.OpenSQLite(ctx, filepath.Join(t.TempDir(), "ex.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := exchange.Publish(ctx, s, src, nil, "publisher"); err != nil {
		t.Fatal(err)
	}
	for i, name := range []string{"ada", "alan"} {
		if tokens[i], err = exchange.AddToken(ctx, s, exchange.Principal{Name: name, Role: exchange.RoleAdmin}); err != nil {
			t.Fatal(err)
		}
	}
	srv := httptest.NewServer(exchange.NewServer(s, exchange.Options{Rate: -1, ReadRate: -1}))
	t.Cleanup(srv.Close)
	return srv.URL, tokens
}

func runJSON(t *testing.T, v any, args ...string) {
	t.Helper()
	var out bytes.Buffer
	root.SetOut(&out)
	defer root.SetOut(nil)
	if err := runRoot(args...); err != nil {
		t.Fatalf("lantuctl %v: %v\n%s", args, err, out.String())
	}
	if err := json.Unmarshal(out.Bytes(), v); err != nil {
		t.Fatalf("lantuctl %v: output %q: %v", args, out.String(), err)
	}
}

func TestCloneSyncResolveCommands(t *testing.T) {
	ctx := context.Background()
	url, tok := exchangeFixture(t)
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.gpkg"), filepath.Join(dir, "b.gpkg")
	var rep syncReport
	runJSON(t, &rep, "clone", url, a, "--token", tok[0], "--json")
	if rep.Pulled != 2 {
		t.Fatalf("clone a: %+v", rep)
	}
	runJSON(t, &rep, "clone", url, b, "--token", tok[1], "--json", "--layers", "GH_YJJBNT")
	if rep.Pulled != 1 {
		t.Fatalf("clone b (one layer): %+v", rep)
	}
	farm := "00000000-0000-7000-8000-000000000002"
	// b moves the farmland onto the red line and renames it; a renames it too.
	moved := orb.MultiPolygon{{{{500050, 4600000}, {500150, 4600000}, {500150, 4600100}, {500050, 4600100}, {500050, 4600000}}}}
	runJSON(t, &rep, "sync", a, "--json") // the first check: a full run, no patch
	if len(rep.Patches) != 0 {
		t.Fatalf("patches before the move: %+v", rep.Patches)
	}
	editFile(t, b, layers.Edit{Op: layers.OpUpdate, Layer: "GH_YJJBNT", UID: farm, Geom: moved})
	runJSON(t, &rep, "sync", b, "--json", "--no-check")
	runJSON(t, &rep, "sync", a, "--json")
	if rep.Pulled != 1 || len(rep.Patches) != 1 || rep.Patches[0].Rule != "CL-RED-FARM" || rep.Patches[0].BUID != farm {
		t.Fatalf("sync a after the move: %+v", rep)
	}
	editFile(t, b, layers.Edit{Op: layers.OpUpdate, Layer: "GH_YJJBNT", UID: farm, Attrs: map[string]any{"mc": "B"}})
	editFile(t, a, layers.Edit{Op: layers.OpUpdate, Layer: "GH_YJJBNT", UID: farm, Attrs: map[string]any{"mc": "A"}})
	runJSON(t, &rep, "sync", b, "--json", "--no-check")
	if rep.Applied != 1 {
		t.Fatalf("sync b: %+v", rep)
	}
	runJSON(t, &rep, "sync", a, "--json")
	if rep.Conflicts != 1 || len(rep.Open) != 1 || rep.Open[0].Fields[0] != "mc" {
		t.Fatalf("sync a: %+v", rep)
	}
	var cs []replica.ConflictRecord
	runJSON(t, &cs, "conflicts", a, "--json")
	if len(cs) != 1 || !strings.Contains(string(cs[0].TheirsJSON), `"B"`) || !strings.Contains(string(cs[0].MineJSON), `"A"`) {
		t.Fatalf("conflicts: %+v", cs)
	}
	var out bytes.Buffer
	root.SetOut(&out)
	err := runRoot("resolve", a, "--layer", "GH_YJJBNT", "--uid", farm, "--take", "theirs")
	root.SetOut(nil)
	if err != nil || !strings.Contains(out.String(), "planning rules: 0 new patches") {
		t.Fatalf("resolve: %v\n%s", err, out.String())
	}
	runJSON(t, &rep, "sync", a, "--json")
	if len(rep.Open) != 0 || rep.Pushed != 0 {
		t.Fatalf("sync a after resolve: %+v", rep)
	}
	bp, err := layers.Open(a, layers.OpenOptions{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer bp.Close()
	f, err := bp.FeatureByUID(ctx, "GH_YJJBNT", farm)
	if err != nil || f.Attrs["mc"] != "B" || !replica.GeomEqual(f.Geom, moved) {
		t.Fatalf("a's farmland after taking theirs: %+v %v", f, err)
	}
	var ue usageError
	if err := runRoot("resolve", a, "--layer", "GH_YJJBNT", "--uid", farm, "--take", "mine"); err == nil || !errors.As(err, &ue) {
		t.Fatalf("resolving twice: %v, want a usage error", err)
	}
}

// TestTokenNeverPrinted: neither clone's nor sync's output (JSON or text,
// a failed sync's included) nor the blueprint's bytes hold the token.
func TestTokenNeverPrinted(t *testing.T) {
	url, tok := exchangeFixture(t)
	a := filepath.Join(t.TempDir(), "a.gpkg")
	var out bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&out)
	defer root.SetOut(nil)
	defer root.SetErr(nil)
	for _, args := range [][]string{{"clone", url, a, "--token", tok[0], "--json"}, {"sync", a, "--json"}, {"sync", a},
		{"sync", a, "--server", url + "/nowhere", "--token", tok[0], "--json"}, {"sync", a, "--server", url, "--token", tok[0]}} {
		err := runRoot(args...)
		if err != nil && args[len(args)-1] != "--json" {
			t.Fatalf("lantuctl %v: %v", args[:2], err)
		}
		if err != nil {
			out.WriteString(err.Error())
		}
	}
	if strings.Contains(out.String(), tok[0]) || strings.Contains(out.String(), tok[0][8:]) {
		t.Fatalf("the token is in the output:\n%s", out.String())
	}
	for _, p := range []string{a, a + "-wal"} {
		if b, _ := os.ReadFile(p); bytes.Contains(b, []byte(tok[0])) {
			t.Fatalf("the token is in %s", p)
		}
	}
}

func editFile(t *testing.T, path string, e layers.Edit) {
	t.Helper()
	bp, err := layers.Open(path, layers.OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer bp.Close()
	if _, err := bp.Apply(context.Background(), e); err != nil {
		t.Fatal(err)
	}
}

// TestTokenFromEnv: clone and sync --server take the token from
// $LANTU_TOKEN when --token is not given (so it stays out of ps), say so
// in their help, and name the variable when there is no token at all.
func TestTokenFromEnv(t *testing.T) {
	url, tok := exchangeFixture(t)
	a := filepath.Join(t.TempDir(), "a.gpkg")
	t.Setenv(tokenEnv, "")
	var ue usageError
	if err := runRoot("clone", url, a, "--json"); !errors.As(err, &ue) || !strings.Contains(err.Error(), tokenEnv) {
		t.Fatalf("clone without a token: %v, want a usage error naming %s", err, tokenEnv)
	}
	t.Setenv(tokenEnv, tok[0])
	var rep syncReport
	runJSON(t, &rep, "clone", url, a, "--json")
	if rep.Pulled != 2 {
		t.Fatalf("clone with the token in %s: %+v", tokenEnv, rep)
	}
	runJSON(t, &rep, "sync", a, "--server", url, "--json")
	if rep.Error != "" {
		t.Fatalf("sync --server with the token in %s: %+v", tokenEnv, rep)
	}
	for _, c := range []string{"clone", "sync"} {
		var out bytes.Buffer
		root.SetOut(&out)
		err := runRoot(c, "--help")
		root.SetOut(nil)
		if err != nil || !strings.Contains(out.String(), "$"+tokenEnv) || !strings.Contains(out.String(), "tokens.json") || !strings.Contains(out.String(), "ps") {
			t.Fatalf("lantuctl %s --help does not tell where the token comes from and goes (%v):\n%s", c, err, out.String())
		}
	}
}
