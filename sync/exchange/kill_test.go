package exchange

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"lantu/sync/wire"
)

const killChildEnv = "LANTU_EXCHANGE_KILL_CHILD"

// TestKillAfterAck kills a serving child process with SIGKILL while two
// clients push; every change the server acknowledged is in the store
// afterwards, at the version it acknowledged.
func TestKillAfterAck(t *testing.T) {
	if db := os.Getenv(killChildEnv); db != "" {
		killChild(db)
		return
	}
	db := filepath.Join(t.TempDir(), "exchange.db")
	s, err := OpenSQLite(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Publish(context.Background(), s, fixtureBlueprint(t), nil, "publisher"); err != nil {
		t.Fatal(err)
	}
	token, err := AddToken(context.Background(), s, Principal{Name: "ada", Role: RoleAdmin})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()

	cmd := exec.Command(os.Args[0], "-test.run=^TestKillAfterAck$")
	cmd.Env = append(os.Environ(), killChildEnv+"="+db)
	out, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	addr := childAddr(t, out)
	acked := pushUntilKilled(t, cmd, "http://"+addr, token)

	s, err = OpenSQLite(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var check string
	if err := s.r.QueryRow("PRAGMA integrity_check").Scan(&check); err != nil || check != "ok" {
		t.Fatalf("integrity_check: %s %v", check, err)
	}
	for uid, v := range acked {
		rec, err := s.Item(context.Background(), "gl_xzfa", uid)
		if err != nil || rec.Version != v {
			t.Errorf("acknowledged %s at version %d: after the kill %+v %v", uid, v, rec.Version, err)
		}
	}
	t.Logf("%d acknowledged changes survived SIGKILL", len(acked))
}

func childAddr(t *testing.T, out interface{ Read([]byte) (int, error) }) string {
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if a, ok := strings.CutPrefix(sc.Text(), "listening "); ok {
			return a
		}
	}
	t.Fatal("the child never listened")
	return ""
}

// pushUntilKilled pushes batches from two clients and kills the child once
// 40 batches are acknowledged; it returns uid -> acknowledged version.
func pushUntilKilled(t *testing.T, cmd *exec.Cmd, base, token string) map[string]int64 {
	var mu sync.Mutex
	acked := map[string]int64{}
	batches := 0
	var wg sync.WaitGroup
	killed := make(chan struct{})
	var once sync.Once
	for w := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-killed:
					return
				default:
				}
				req := wire.PushRequest{CRS: wire.EPSGURI(4550)}
				for k := range 10 {
					x := 500100 + float64((w*1000+i*10+k)%9000)
					req.Changes = append(req.Changes, upsert("gl_xzfa", newUID(), 0, orb.MultiPolygon{square(x, 4632000, 50)}, nil))
				}
				res, err := postPush(base, token, req)
				if err != nil {
					return // the server is gone
				}
				mu.Lock()
				for _, r := range res.Results {
					if r.Status == wire.StatusApplied {
						acked[r.UID] = r.Version
					}
				}
				batches++
				if batches >= 40 {
					once.Do(func() { cmd.Process.Signal(os.Kill); close(killed) })
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	cmd.Wait()
	if batches < 40 {
		t.Fatalf("only %d batches acknowledged", batches)
	}
	return acked
}

func postPush(base, token string, req wire.PushRequest) (wire.PushResponse, error) {
	var res wire.PushResponse
	body := mustJSON(req)
	hr, _ := http.NewRequest("POST", base+"/sync/push", strings.NewReader(string(body)))
	hr.Header.Set("Authorization", "Bearer "+token)
	c := &http.Client{Timeout: 10 * time.Second}
	resp, err := c.Do(hr)
	if err != nil {
		return res, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		return res, fmt.Errorf("push: %s", resp.Status)
	}
	err = jsonDecode(resp.Body, &res)
	return res, err
}

// killChild serves the store until killed.
func killChild(db string) {
	s, err := OpenSQLite(context.Background(), db)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	srv := NewServer(s, Options{Rate: -1})
	err = Run(context.Background(), srv, Config{Listen: "127.0.0.1:0", Ready: func(a net.Addr) { fmt.Printf("listening %s\n", a) }})
	fmt.Fprintln(os.Stderr, err)
	os.Exit(3)
}
