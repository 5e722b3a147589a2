package main

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
)

const lantuctlChildEnv = "LANTU_TEST_LANTUCTL_ARGS"

// TestChecksAndReviewsInParallelProcesses runs `lantuctl check` twice at
// once beside `lantuctl review`, each its own process, on one blueprint:
// every one succeeds (writers wait for each other instead of failing with
// "database is locked" after their work).
func TestChecksAndReviewsInParallelProcesses(t *testing.T) {
	if args := os.Getenv(lantuctlChildEnv); args != "" {
		if err := runRoot(strings.Split(args, "\x1f")...); err != nil {
			fmt.Fprintln(os.Stderr, "lantuctl:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	path := conflictFixture(t)
	child := func(args ...string) *exec.Cmd {
		cmd := exec.Command(os.Args[0], "-test.run=^TestChecksAndReviewsInParallelProcesses$")
		cmd.Env = append(os.Environ(), lantuctlChildEnv+"="+strings.Join(args, "\x1f"))
		return cmd
	}
	if out, err := child("check", path, "--rule", "CL-RED-FARM").CombinedOutput(); err != nil {
		t.Fatalf("first check: %v\n%s", err, out)
	}
	for round := range 4 {
		cmds := []*exec.Cmd{
			child("check", path, "--rule", "CL-RED-FARM", "--json"),
			child("check", path, "--json"),
			child("review", path, "--id", "1", "--status", "confirmed", "--reviewer", "li"),
			child("review", path, "--id", "1", "--status", "waived", "--comment", "批准", "--reviewer", "wang"),
		}
		var wg sync.WaitGroup
		for _, c := range cmds {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if out, err := c.CombinedOutput(); err != nil {
					t.Errorf("round %d: lantuctl %s: %v\n%s", round, strings.Join(c.Env[len(c.Env)-1:], " "), err, out)
				}
			}()
		}
		wg.Wait()
	}
}
