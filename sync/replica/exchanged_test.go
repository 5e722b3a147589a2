package replica

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// exchangedBin builds cmd/exchanged into the test's temporary folder.
func exchangedBin(tb testing.TB) string {
	tb.Helper()
	bin := filepath.Join(tb.TempDir(), "exchanged")
	if out, err := exec.Command("go", "build", "-o", bin, "lantu/cmd/exchanged").CombinedOutput(); err != nil {
		tb.Fatalf("go build exchanged: %v\n%s", err, out)
	}
	return bin
}

// exchangedRun runs one exchanged command to its end and returns its
// standard output.
func exchangedRun(tb testing.TB, bin string, args ...string) string {
	tb.Helper()
	out, err := exec.Command(bin, args...).Output()
	if err != nil {
		var stderr []byte
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = ee.Stderr
		}
		tb.Fatalf("exchanged %s: %v\n%s", strings.Join(args, " "), err, stderr)
	}
	return string(out)
}

// exchangedProc is an `exchanged serve` child process. Not safe for
// concurrent use.
type exchangedProc struct {
	cmd  *exec.Cmd
	URL  string
	logs *syncBuffer
}

// serveExchanged starts `exchanged serve --db db` on a free loopback port
// (no rate limits) and returns once it listens. The test's cleanup kills
// it if stop was not called.
func serveExchanged(tb testing.TB, bin, db string, env ...string) *exchangedProc {
	tb.Helper()
	cmd := exec.Command(bin, "serve", "--db", db, "--listen", "127.0.0.1:0", "--rate", "-1", "--read-rate", "-1",
		"--snapshot-dir", tb.TempDir())
	cmd.Env = append(os.Environ(), env...)
	p := &exchangedProc{cmd: cmd, logs: &syncBuffer{}}
	cmd.Stderr = p.logs
	out, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
	})
	sc := bufio.NewScanner(out)
	if !sc.Scan() || !strings.HasPrefix(sc.Text(), "listening on ") {
		tb.Fatalf("exchanged serve did not start: %q\n%s", sc.Text(), p.logs)
	}
	p.URL = "http://" + strings.TrimPrefix(sc.Text(), "listening on ")
	go func() {
		for sc.Scan() {
		}
	}()
	return p
}

// serverUsage is what an exchanged process used: its peak resident set
// read from /proc just before SIGTERM, its CPU time told at its exit.
type serverUsage struct {
	MaxRSSMiB float64
	CPU       time.Duration // user + system
}

// stop sends SIGTERM, waits for the graceful shutdown and returns the
// process's peak resident set and CPU time.
func (p *exchangedProc) stop(tb testing.TB) serverUsage {
	tb.Helper()
	hwm := vmHWMMiB(p.cmd.Process.Pid) // a high-water mark: shutdown adds little
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		tb.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- p.cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			tb.Fatalf("exchanged serve after SIGTERM: %v\n%s", err, p.logs)
		}
	case <-time.After(time.Minute):
		p.cmd.Process.Kill()
		tb.Fatalf("exchanged serve did not stop within a minute of SIGTERM\n%s", p.logs)
	}
	st := p.cmd.ProcessState
	u := serverUsage{CPU: st.UserTime() + st.SystemTime()}
	u.MaxRSSMiB = hwm
	return u
}

// vmHWMMiB is the peak resident set of process pid so far (VmHWM), 0
// where /proc does not tell. (The kernel's getrusage of a child is no
// use here: Go starts a child with vfork, and exec folds the parent's
// peak into the child's Maxrss.)
func vmHWMMiB(pid int) float64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 64)
			return kb / 1024
		}
	}
	return 0
}

// syncBuffer is a bytes.Buffer safe for concurrent use.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// selfCPU is the CPU time (user + system) this process has used.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// publishedExchange publishes the fixture to db with the exchanged
// binary and returns an admin token made by `exchanged token add`.
func publishedExchange(tb testing.TB, bin, db string) string {
	tb.Helper()
	exchangedRun(tb, bin, "publish", "--db", db, fixture(tb))
	out := strings.Split(strings.TrimSpace(exchangedRun(tb, bin, "token", "add", "--db", db, "--role", "admin", "--name", "ada")), "\n")
	return out[len(out)-1]
}
