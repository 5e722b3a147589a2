package uitest

import (
	"sync/atomic"
	"testing"
)

// TestEventuallySeesAnUpdate checks that a worker's update through Do is
// seen by Eventually, under the race detector.
func TestEventuallySeesAnUpdate(t *testing.T) {
	var u UI
	n := 0
	var started atomic.Bool
	go func() {
		started.Store(true)
		for range 100 {
			u.Do(func() { n++ })
		}
	}()
	u.Eventually(t, "100 updates", func() bool { return started.Load() && n == 100 })
}
