// Package replicatest is for the tests of packages that sync replicas: it
// keeps their bearer tokens out of the user's own token file. Safe for
// concurrent use (it only sets the environment once, before the tests).
package replicatest

import (
	"os"
	"path/filepath"
	"testing"

	"lantu/sync/replica"
)

// Main runs the tests with $LANTU_TOKENS naming a temporary token file
// (unless it is set already), removes it after, and exits with the tests'
// code. Call it from TestMain.
func Main(m *testing.M) {
	dir := ""
	if os.Getenv(replica.TokensEnv) == "" {
		var err error
		if dir, err = os.MkdirTemp("", "lantu-test-tokens"); err != nil {
			panic(err)
		}
		os.Setenv(replica.TokensEnv, filepath.Join(dir, "tokens.json"))
	}
	code := m.Run()
	if dir != "" {
		os.RemoveAll(dir)
	}
	os.Exit(code)
}
