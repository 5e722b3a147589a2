package main

import (
	"os"
	"path/filepath"
	"testing"

	"lantu/sync/replica"
)

// TestMain keeps the tests' bearer tokens out of the user's own token file
// (replica keeps them in the config folder unless $LANTU_TOKENS names one).
func TestMain(m *testing.M) {
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
