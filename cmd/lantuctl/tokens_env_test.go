package main

import (
	"testing"

	"lantu/sync/replica/replicatest"
)

// TestMain keeps the tests' bearer tokens out of the user's own token file.
func TestMain(m *testing.M) { replicatest.Main(m) }
