package replica

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"lantu/layers"
	"lantu/sync/wire"
)

// cloneVia clones the env's layers XZ_DLTB and GL_NZY as admin through
// url, every collection by its snapshot, the client retrying retries times.
func cloneVia(e *env, url, path string, retries int) (*layers.Blueprint, error) {
	c, err := NewClient(url, e.tokens["admin"], nil)
	if err != nil {
		return nil, err
	}
	c.SetRetry(retries, time.Millisecond)
	opt := CloneOptions{Token: e.tokens["admin"], User: "admin", Layers: []string{"XZ_DLTB", "GL_NZY"},
		Sync: Options{Client: c, SnapshotMin: 1}}
	bp, _, err := Clone(context.Background(), url, path, opt)
	return bp, err
}

// converged checks the replica holds every patch and approval at the
// server's version and content.
func converged(t *testing.T, e *env, bp *layers.Blueprint) {
	t.Helper()
	for i := range nPatches {
		r, f := e.serverFeature("xz_dltb", patchUID(i)), feature(t, bp, "xz_dltb", patchUID(i))
		if f.Version != r.Version || f.Attrs["tbbh"] != r.Props["tbbh"] {
			t.Fatalf("patch %d: replica version %d %v, server %d %v", i, f.Version, f.Attrs["tbbh"], r.Version, r.Props["tbbh"])
		}
	}
	for i := range nApprovals {
		if f := feature(t, bp, "gl_nzy", approvalUID(i)); f.Version != e.serverFeature("gl_nzy", approvalUID(i)).Version {
			t.Fatalf("approval %d: replica version %d", i, f.Version)
		}
	}
}

// TestSnapshotCloneResumes: a proxy cuts every snapshot download after
// 1200 bytes of answer. Each clone call stops at the cut, keeping the
// partial file beside the target, and the next resumes it where it
// stopped (no single call could fetch the whole file); the clone ends
// with every feature, the files removed, and a later sync continues the
// feed from the snapshot's cursor.
func TestSnapshotCloneResumes(t *testing.T) {
	e := newSQLiteEnv(t)
	proxy := newCutProxy(t, targetOf(e))
	proxy.only = "/snapshot"
	proxy.setLimit(1200)
	path := filepath.Join(t.TempDir(), "resumed.gpkg")
	part := SnapshotPath(path, "xz_dltb") + ".part"
	var bp *layers.Blueprint
	var err error
	calls, last := 0, int64(0)
	for calls = 1; calls <= 40; calls++ {
		if bp, err = cloneVia(e, proxy.url(), path, 0); err == nil {
			break
		}
		if KindOf(err) != Transient {
			t.Fatalf("clone %d: %v is not transient", calls, err)
		}
		if n := fileSize(part); n >= 0 {
			if n < last {
				t.Fatalf("clone %d: the partial file shrank from %d to %d bytes: not resumed", calls, last, n)
			}
			last = n
		}
		if bp != nil {
			bp.Close()
		}
	}
	if err != nil {
		t.Fatalf("no clone finished in 40 calls: %v", err)
	}
	defer bp.Close()
	if calls < 3 || proxy.cuts.Load() < 2 {
		t.Fatalf("%d calls, %d cuts: the downloads were not cut", calls, proxy.cuts.Load())
	}
	t.Logf("%d clone calls, %d cuts", calls, proxy.cuts.Load())
	converged(t, e, bp)
	for _, p := range []string{SnapshotPath(path, "xz_dltb"), SnapshotPath(path, "xz_dltb") + ".json", part} {
		if _, err := os.Stat(p); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s is still there after the clone: %v", p, err)
		}
	}
	if cur, _ := bp.Cursor(context.Background(), RemoteName, "xz_dltb"); cur == "" {
		t.Error("no feed cursor after the snapshot")
	}
	other := e.clone("admin2", CloneOptions{Layers: []string{"XZ_DLTB"}})
	edit(t, other, "xz_dltb", patchUID(3), map[string]any{"tbbh": "after"})
	syncOnce(t, other)
	proxy.setLimit(0)
	if _, err := syncVia(bp, proxy.url()); err != nil {
		t.Fatal(err)
	}
	if f := feature(t, bp, "xz_dltb", patchUID(3)); f.Attrs["tbbh"] != "after" || f.Version != 2 {
		t.Errorf("the change after the snapshot: %v version %d", f.Attrs["tbbh"], f.Version)
	}
	converged(t, e, bp)
}

// TestSnapshotCloneRetries: with retries the same cuts are resumed within
// one clone call.
func TestSnapshotCloneRetries(t *testing.T) {
	e := newSQLiteEnv(t)
	proxy := newCutProxy(t, targetOf(e))
	proxy.only = "/snapshot"
	proxy.setLimit(1500)
	bp, err := cloneVia(e, proxy.url(), filepath.Join(t.TempDir(), "r.gpkg"), 40)
	if err != nil {
		t.Fatal(err)
	}
	defer bp.Close()
	if proxy.cuts.Load() < 2 {
		t.Fatalf("%d cuts: not cut", proxy.cuts.Load())
	}
	converged(t, e, bp)
}

// corrupter flips one byte of every snapshot answer at offset at while
// on is set, and counts snapshot requests.
type corrupter struct {
	h    http.Handler
	at   int64
	on   atomic.Bool
	seen atomic.Int64
}

func (c *corrupter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !strings.HasSuffix(r.URL.Path, "/snapshot") {
		c.h.ServeHTTP(w, r)
		return
	}
	c.seen.Add(1)
	if !c.on.Load() {
		c.h.ServeHTTP(w, r)
		return
	}
	c.h.ServeHTTP(&flipWriter{ResponseWriter: w, at: c.at}, r)
}

type flipWriter struct {
	http.ResponseWriter
	at, off int64
}

func (f *flipWriter) Write(b []byte) (int, error) {
	if f.at >= f.off && f.at < f.off+int64(len(b)) {
		b = append([]byte(nil), b...)
		b[f.at-f.off] ^= 0x20
	}
	f.off += int64(len(b))
	return f.ResponseWriter.Write(b)
}

// TestSnapshotChecksum: one byte changed in transit fails the clone with
// an error naming the file and the checksum, wrapping wire.ErrChecksum,
// writes none of it, and removes the download; the next clone succeeds.
func TestSnapshotChecksum(t *testing.T) {
	e := newSQLiteEnv(t)
	cor := &corrupter{h: e.srv.Config.Handler, at: 700}
	cor.on.Store(true)
	srv := httptest.NewServer(cor)
	defer srv.Close()
	path := filepath.Join(t.TempDir(), "corrupt.gpkg")
	bp, err := cloneVia(e, srv.URL, path, 3)
	if bp != nil {
		defer bp.Close()
	}
	if !errors.Is(err, wire.ErrChecksum) || !strings.Contains(err.Error(), "SHA-256") || !strings.Contains(err.Error(), path+".snapshot-") {
		t.Fatalf("clone of a corrupted snapshot: %v, want a checksum error naming the file", err)
	}
	if cor.seen.Load() == 0 {
		t.Fatal("the clone never asked for a snapshot")
	}
	if f, err := bp.FeatureByUID(context.Background(), "xz_dltb", patchUID(0)); err == nil && f != nil {
		t.Errorf("a feature of the corrupted snapshot was written: %v", f.Attrs)
	}
	for _, p := range []string{SnapshotPath(path, "gl_nzy") + ".part", SnapshotPath(path, "gl_nzy") + ".json"} {
		if _, err := os.Stat(p); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s kept after the checksum failed", p)
		}
	}
	bp.Close()
	cor.on.Store(false)
	if bp, err = cloneVia(e, srv.URL, path, 3); err != nil {
		t.Fatalf("clone after the corruption: %v", err)
	}
	converged(t, e, bp)
}
