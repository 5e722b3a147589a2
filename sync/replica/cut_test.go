package replica

import (
	"context"
	"fmt"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"lantu/layers"
	"lantu/sync/exchange"
)

// cutProxy forwards loopback TCP to target and cuts every connection
// once limit bytes have passed through it (both directions counted).
type cutProxy struct {
	ln     net.Listener
	target string
	limit  atomic.Int64 // <= 0: never cut
	// only, when set, cuts only connections whose requests contained it,
	// counting the answer bytes that follow it.
	only  string
	cuts  atomic.Int64
	wg    sync.WaitGroup
	mu    sync.Mutex
	conns map[net.Conn]bool
}

// setLimit sets the cut for connections from now on and closes the open
// ones, so that none carries an older limit.
func (p *cutProxy) setLimit(n int64) {
	p.limit.Store(n)
	p.mu.Lock()
	defer p.mu.Unlock()
	for c := range p.conns {
		c.Close()
	}
}

func newCutProxy(t testing.TB, target string) *cutProxy {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &cutProxy{ln: ln, target: target, conns: map[net.Conn]bool{}}
	go p.serve()
	t.Cleanup(func() { ln.Close(); p.setLimit(0); p.wg.Wait() })
	return p
}

func (p *cutProxy) url() string { return "http://" + p.ln.Addr().String() }

func (p *cutProxy) serve() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.wg.Add(1)
		go func() { defer p.wg.Done(); p.handle(c) }()
	}
}

func (p *cutProxy) handle(c net.Conn) {
	p.mu.Lock()
	p.conns[c] = true
	p.mu.Unlock()
	defer func() {
		p.mu.Lock()
		delete(p.conns, c)
		p.mu.Unlock()
		c.Close()
	}()
	s, err := net.Dial("tcp", p.target)
	if err != nil {
		return
	}
	defer s.Close()
	var passed atomic.Int64
	var armed atomic.Bool
	armed.Store(p.only == "")
	limit := p.limit.Load()
	copyCut := func(dst, src net.Conn, answer bool) {
		buf := make([]byte, 512)
		for {
			n, err := src.Read(buf)
			if n > 0 && !answer && !armed.Load() && strings.Contains(string(buf[:n]), p.only) {
				armed.Store(true)
			}
			if n > 0 && armed.Load() && (answer || p.only == "") {
				if limit > 0 && passed.Add(int64(n)) > limit {
					p.cuts.Add(1)
					c.Close()
					s.Close()
					return
				}
			}
			if n > 0 {
				if _, werr := dst.Write(buf[:n]); werr != nil {
					return
				}
			}
			if err != nil {
				return
			}
		}
	}
	done := make(chan struct{})
	go func() { copyCut(s, c, false); c.Close(); s.Close(); close(done) }()
	copyCut(c, s, true)
	c.Close()
	s.Close()
	<-done
}

func targetOf(e *env) string { return e.srv.Listener.Addr().String() }

// syncVia syncs bp through url with no retries.
func syncVia(bp *layers.Blueprint, url string) (Result, error) {
	r, err := LoadRemote(context.Background(), bp, RemoteName)
	if err != nil {
		return Result{}, err
	}
	c, err := NewClient(url, r.Token, nil)
	if err != nil {
		return Result{}, err
	}
	c.SetRetry(0, time.Millisecond)
	s, err := NewSyncer(context.Background(), bp, Options{Client: c, PageSize: 4})
	if err != nil {
		return Result{}, err
	}
	return s.Sync(context.Background(), nil)
}

// The connection cut after N bytes during push and pull: the sync reports
// the error, loses nothing, and the next sync completes.
func TestCutConnection(t *testing.T) {
	ctx := context.Background()
	e := newSQLiteEnv(t)
	mine := e.clone("admin", CloneOptions{Layers: []string{"GL_NZY", "XZ_DLTB"}})
	other := e.clone("admin2", CloneOptions{Layers: []string{"GL_NZY", "XZ_DLTB"}})
	proxy := newCutProxy(t, targetOf(e))
	failures := 0
	for trial, limit := range []int64{300, 700, 1500, 2500, 4000, 6000, 9000, 14000, 20000, 30000} {
		for i := range nPatches {
			edit(t, mine, "xz_dltb", patchUID(i), map[string]any{"tbbh": fmt.Sprintf("m%d-%d", trial, i)})
		}
		for i := range nApprovals {
			edit(t, other, "gl_nzy", approvalUID(i), map[string]any{"pzwh": fmt.Sprintf("o%d-%d", trial, i)})
		}
		syncOnce(t, other)
		proxy.setLimit(limit)
		if _, err := syncVia(mine, proxy.url()); err != nil {
			failures++
			if KindOf(err) != Transient {
				t.Fatalf("trial %d (cut at %d bytes): %v is not transient", trial, limit, err)
			}
		}
		proxy.setLimit(0)
		if _, err := syncVia(mine, proxy.url()); err != nil {
			t.Fatalf("trial %d: the sync after the cut: %v", trial, err)
		}
		for i := range nPatches {
			want := fmt.Sprintf("m%d-%d", trial, i)
			if r := e.serverFeature("xz_dltb", patchUID(i)); r.Props["tbbh"] != want || r.Version != int64(trial+2) {
				t.Fatalf("trial %d: server patch %d: version %d %v, want version %d %s", trial, i, r.Version, r.Props["tbbh"], trial+2, want)
			}
		}
		for i := range nApprovals {
			if f := feature(t, mine, "gl_nzy", approvalUID(i)); f.Attrs["pzwh"] != fmt.Sprintf("o%d-%d", trial, i) {
				t.Fatalf("trial %d: pulled approval %d: %v", trial, i, f.Attrs)
			}
		}
		if n, _ := PendingCount(ctx, mine); n != 0 {
			t.Fatalf("trial %d: %d pending", trial, n)
		}
	}
	if failures < 5 || proxy.cuts.Load() < 5 {
		t.Fatalf("only %d syncs failed (%d cuts): the proxy did not cut", failures, proxy.cuts.Load())
	}
	// Exactly once: one audited push per patch per trial.
	audit, err := e.store.Audit(ctx, exchange.AuditQuery{})
	if err != nil {
		t.Fatal(err)
	}
	pushes := map[string]int{}
	for _, a := range audit {
		if a.Action == "push" && a.Collection == "xz_dltb" {
			pushes[a.UID]++
		}
	}
	for i := range nPatches {
		if pushes[patchUID(i)] != 10 {
			t.Fatalf("patch %d was written %d times by 10 edits", i, pushes[patchUID(i)])
		}
	}
}
