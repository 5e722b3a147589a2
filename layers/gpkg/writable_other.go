//go:build !unix

package gpkg

import "os"

// writable reports whether path is writable, judged by its permission bits.
func writable(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.Mode().Perm()&0o200 != 0
}
