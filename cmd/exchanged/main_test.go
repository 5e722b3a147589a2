package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"lantu/layers"
	"lantu/sync/exchange"
)

func exec(t *testing.T, ctx context.Context, out io.Writer, args ...string) error {
	root := newRoot()
	root.SetArgs(args)
	root.SetOut(out)
	root.SetErr(io.Discard)
	return root.ExecuteContext(ctx)
}

func blueprint(t *testing.T) string {
	path := filepath.Join(t.TempDir(), "bp.gpkg")
	bp, err := layers.Create(path, layers.CreateOptions{User: "t"})
	if err != nil {
		t.Fatal(err)
	}
	defer bp.Close()
	w, err := bp.Bulk(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	sq := orb.MultiPolygon{{{{500000, 4630000}, {501000, 4630000}, {501000, 4631000}, {500000, 4630000}}}}
	for _, code := range []string{"XZ_QXXZQ", "XZ_DLTB", "GL_YDYS"} {
		if err := w.Insert(code, sq, nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestCommands: token add prints the token last; publish loads the
// exchange layers (all, then one by --layers); audit lists the publishes;
// serve answers with the token and stops on cancel.
func TestCommands(t *testing.T) {
	db := "sqlite:" + filepath.Join(t.TempDir(), "x.db")
	ctx := context.Background()
	var out bytes.Buffer
	if err := exec(t, ctx, &out, "token", "add", "--db", db, "--role", "district", "--district", "210102", "--name", "和平区"); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	token := lines[len(lines)-1]
	if !strings.HasPrefix(token, "lantu_") || len(token) < 40 {
		t.Fatalf("last line %q is not a token", token)
	}
	if err := exec(t, ctx, io.Discard, "token", "add", "--db", db, "--role", "mayor", "--name", "x"); err == nil {
		t.Error("an unknown role was accepted")
	}
	bp := blueprint(t)
	out.Reset()
	if err := exec(t, ctx, &out, "publish", "--db", db, bp); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "3 features written") {
		t.Errorf("publish said:\n%s", out.String())
	}
	out.Reset()
	if err := exec(t, ctx, &out, "publish", "--db", db, bp, "--layers", "GL_YDYS"); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "published 1 layers, 0 features written") {
		t.Errorf("republishing unchanged data said:\n%s", out.String())
	}
	if err := exec(t, ctx, io.Discard, "publish", "--db", db, bp, "--layers", "GL_XZFA"); err == nil {
		t.Error("publishing a local layer was accepted")
	}
	out.Reset()
	if err := exec(t, ctx, &out, "audit", "--db", db, "--json"); err != nil {
		t.Fatal(err)
	}
	var n int
	for _, l := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		var e exchange.AuditEntry
		if err := json.Unmarshal([]byte(l), &e); err != nil {
			t.Fatalf("audit line %q: %v", l, err)
		}
		if e.Action == "publish" {
			n++
		}
	}
	if n != 4 {
		t.Errorf("%d publish entries in the audit log, want 4: one per layer with features, per publish", n)
	}
	serve(t, db, token)
}

func serve(t *testing.T, db, token string) {
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() { done <- exec(t, ctx, pw, "serve", "--db", db, "--listen", "127.0.0.1:0"); pw.Close() }()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	go io.Copy(io.Discard, pr)
	addr := strings.TrimSpace(strings.TrimPrefix(line, "listening on "))
	req, _ := http.NewRequest("GET", "http://"+addr+"/collections/xz_dltb/items", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.Contains(string(body), `"numberMatched":1`) {
		t.Errorf("serve: %d %s", res.StatusCode, body)
	}
	if res, err := http.Get("http://" + addr + "/collections"); err != nil || res.StatusCode != 401 {
		t.Errorf("serve without --public-read answered a request without a token: %v %v", res.Status, err)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("serve after cancel: %v", err)
	}
}
