package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/pflag"

	"lantu/layers"
)

// withStderr runs lantuctl with args, its stderr in a buffer that counts
// as a terminal when tty is set; it returns what was written there.
func withStderr(t *testing.T, tty bool, args ...string) string {
	t.Helper()
	var errBuf bytes.Buffer
	old := isTerminal
	isTerminal = func(w io.Writer) bool { return tty && w == &errBuf }
	root.SetErr(&errBuf)
	defer func() { isTerminal = old; root.SetErr(nil) }()
	if _, err := runOut(t, args...); err != nil {
		t.Fatalf("%v: %v", args, err)
	}
	return errBuf.String()
}

// TestProgressOnlyOnTerminal: a terrain command draws its bar on a
// terminal stderr, nothing when stderr is not one, nothing with --json.
func TestProgressOnlyOnTerminal(t *testing.T) {
	in := terrainFixture(t)
	out := filepath.Join(t.TempDir(), "s.tif")
	if got := withStderr(t, false, "terrain", "slope", in, "--out", out); got != "" {
		t.Errorf("non-terminal stderr got %q", got)
	}
	if got := withStderr(t, true, "terrain", "slope", in, "--out", out, "--force"); !strings.Contains(got, "slope") || !strings.Contains(got, "read") {
		t.Errorf("terminal stderr got %q, want the read and slope bars", got)
	}
	poly := "POLYGON((500100 4600100,500300 4600100,500300 4600300,500100 4600300,500100 4600100))"
	if got := withStderr(t, true, "terrain", "stats", in, "--json", "--polygon", poly); got != "" {
		t.Errorf("--json on a terminal got %q", got)
	}
	bp := filepath.Join(t.TempDir(), "bp.gpkg")
	b, err := layers.Create(bp, layers.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	b.Close()
	if got := withStderr(t, false, "info", bp); got != "" {
		t.Errorf("info on a non-terminal stderr got %q", got)
	}
	if got := withStderr(t, true, "info", bp); !strings.Contains(got, "index layers") {
		t.Errorf("info on a terminal got %q, want the indexing bar", got)
	}
}

// runCode runs lantuctl as main does, under ctx, and returns the exit code
// and stderr; flags are reset afterwards as runRoot does.
func runCode(t *testing.T, ctx context.Context, args ...string) (int, string) {
	t.Helper()
	var errBuf bytes.Buffer
	root.SetOut(io.Discard)
	defer root.SetOut(nil)
	// cobra keeps a subcommand's context from an earlier run: set it, and
	// give the next test an uncancelled one.
	cmd, _, ferr := root.Find(args)
	if ferr == nil {
		cmd.SetContext(ctx)
		defer cmd.SetContext(context.Background())
	}
	code := run(ctx, args, &errBuf)
	if ferr == nil {
		cmd.Flags().VisitAll(func(f *pflag.Flag) {
			_ = f.Value.Set(f.DefValue)
			f.Changed = false
		})
	}
	return code, errBuf.String()
}

// TestInterrupted: a command whose context is cancelled (Ctrl-C) exits
// 130 with "interrupted" and writes no output file.
func TestInterrupted(t *testing.T) {
	in := terrainFixture(t)
	dir := t.TempDir()
	bp := filepath.Join(dir, "bp.gpkg")
	b, err := layers.Create(bp, layers.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	b.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, c := range []struct {
		args []string
		out  string
	}{
		{[]string{"terrain", "slope", in}, "slope.tif"},
		{[]string{"terrain", "hillshade", in}, "hs.tif"},
		{[]string{"render", renderFixture(t), "--size", "64x64"}, "r.png"},
		{[]string{"terrain", "import", bp, in}, ""},
		{[]string{"info", bp}, ""},
		{[]string{"terrain", "stats", bp, "--polygon", "POLYGON((0 0,1 0,1 1,0 0))"}, ""},
	} {
		args := c.args
		if c.out != "" {
			args = append(args, "--out", filepath.Join(dir, c.out))
		}
		code, stderr := runCode(t, ctx, args...)
		if code != exitInterrupted || strings.TrimSpace(stderr) != "lantuctl: interrupted" {
			t.Errorf("%v: exit %d, stderr %q; want %d and interrupted", c.args, code, stderr, exitInterrupted)
		}
		if c.out != "" {
			if _, err := os.Stat(filepath.Join(dir, c.out)); !os.IsNotExist(err) {
				t.Errorf("%v: output file left behind (%v)", c.args, err)
			}
		}
	}
	if code, stderr := runCode(t, context.Background(), "terrain", "stats", bp, "--polygon", "POLYGON((0 0,1 0,1 1,0 0))"); code != 1 || strings.Contains(stderr, "interrupted") {
		t.Errorf("a plain failure: exit %d, %q", code, stderr)
	}
}
