package exchange

import (
	"context"
	"io"
	"net"
	"net/http"
	"testing"
	"time"
)

// TestRunGraceful: cancelling Run's context lets an in-flight request
// finish with its answer, then refuses new connections.
func TestRunGraceful(t *testing.T) {
	started, release := make(chan struct{}), make(chan struct{})
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(started)
		<-release
		io.WriteString(w, "done")
	})
	ctx, cancel := context.WithCancel(context.Background())
	addrc := make(chan string, 1)
	runErr := make(chan error, 1)
	go func() {
		runErr <- Run(ctx, h, Config{Listen: "127.0.0.1:0", Ready: func(a net.Addr) { addrc <- a.String() }})
	}()
	addr := <-addrc
	type answer struct {
		body string
		err  error
	}
	got := make(chan answer, 1)
	go func() {
		res, err := http.Get("http://" + addr + "/")
		if err != nil {
			got <- answer{err: err}
			return
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		got <- answer{body: string(b)}
	}()
	<-started
	cancel()
	refused := false // Shutdown closes the listener first
	for deadline := time.Now().Add(2 * time.Second); !refused && time.Now().Before(deadline); {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if refused = err != nil; !refused {
			c.Close()
			time.Sleep(10 * time.Millisecond)
		}
	}
	if !refused {
		t.Error("new connections are still accepted during shutdown")
	}
	close(release)
	if a := <-got; a.err != nil || a.body != "done" {
		t.Errorf("in-flight request: %q %v, want done", a.body, a.err)
	}
	if err := <-runErr; err != nil {
		t.Errorf("Run: %v", err)
	}
}
