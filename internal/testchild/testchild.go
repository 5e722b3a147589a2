// Package testchild starts a test's own binary as a child process that
// runs one test, for the tests of what a process killed in the middle of
// a write leaves behind, or of two processes on one file. The child finds
// its part in the environment variable it is given.
package testchild

import (
	"bufio"
	"os"
	"os/exec"
	"testing"
)

// Start runs os.Args[0] -test.run=^test$ with env ("KEY=VALUE") added to
// this process's environment and its stderr ours. The scanner reads the
// child's stdout line by line; the caller waits for the child (Wait, after
// Process.Kill if it kills it).
func Start(tb testing.TB, test, env string) (*exec.Cmd, *bufio.Scanner) {
	tb.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^"+test+"$")
	cmd.Env = append(os.Environ(), env)
	out, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	return cmd, bufio.NewScanner(out)
}
