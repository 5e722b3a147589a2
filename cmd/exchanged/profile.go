package main

import (
	"fmt"
	"os"
	"runtime/pprof"
)

// startProfile starts a CPU profile into $LANTU_CPUPROFILE when it is set
// (a developer's aid for timing whole commands as a user runs them) and
// returns the function that stops it. Without the variable it does nothing.
func startProfile() (stop func()) {
	path := os.Getenv("LANTU_CPUPROFILE")
	if path == "" {
		return func() {}
	}
	f, err := os.Create(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, "exchanged: LANTU_CPUPROFILE:", err)
		return func() {}
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		fmt.Fprintln(os.Stderr, "exchanged: LANTU_CPUPROFILE:", err)
		f.Close()
		return func() {}
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}
}
