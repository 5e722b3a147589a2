// Package profile is the commands' developer aid for timing whole
// commands as a user runs them: a CPU profile of the process into
// $LANTU_CPUPROFILE.
package profile

import (
	"fmt"
	"os"
	"runtime/pprof"
)

// Start starts a CPU profile into $LANTU_CPUPROFILE when it is set and
// returns the function that stops it (and closes the file); a failure is
// printed to stderr prefixed with cmd and the command runs unprofiled.
// Without the variable it does nothing. Call it once, from main.
func Start(cmd string) (stop func()) {
	path := os.Getenv("LANTU_CPUPROFILE")
	if path == "" {
		return func() {}
	}
	f, err := os.Create(path)
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: LANTU_CPUPROFILE: %v\n", cmd, err)
		return func() {}
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		fmt.Fprintf(os.Stderr, "%s: LANTU_CPUPROFILE: %v\n", cmd, err)
		f.Close()
		return func() {}
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}
}
