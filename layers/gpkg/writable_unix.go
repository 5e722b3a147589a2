//go:build unix

package gpkg

import "golang.org/x/sys/unix"

// writable reports whether the current user may write path (false on
// read-only mounts even for root).
func writable(path string) bool {
	return unix.Access(path, unix.W_OK) == nil
}
