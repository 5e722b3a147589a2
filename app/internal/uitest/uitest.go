// Package uitest helps panel tests stand in for the UI goroutine: Fyne's
// test driver runs fyne.Do on the calling goroutine, so a panel's updates
// from its workers and the test's reads are serialised here instead.
package uitest

import (
	"sync"
	"testing"
	"time"
)

// UI serialises functions as the real driver's UI goroutine does. The zero
// value is ready; it is safe for concurrent use.
type UI struct{ mu sync.Mutex }

// Do runs fn while holding the UI; give it to a panel as its fyne.Do.
func (u *UI) Do(fn func()) {
	u.mu.Lock()
	defer u.mu.Unlock()
	fn()
}

// Post is Do for a panel's workers that may outlive the test (a typing
// delay, rows still being computed): once the test is cleaned up their
// functions are dropped, so they never touch Fyne while the next test
// builds its widgets outside any UI.
func (u *UI) Post(tb testing.TB) func(func()) {
	ended := false
	tb.Cleanup(func() { u.Do(func() { ended = true }) })
	return func(fn func()) {
		u.Do(func() {
			if !ended {
				fn()
			}
		})
	}
}

// Eventually waits for cond, checked on the UI, and fails the test after
// 10 s (a safety net, not a speed claim).
func (u *UI) Eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	for end := time.Now().Add(10 * time.Second); time.Now().Before(end); time.Sleep(5 * time.Millisecond) {
		ok := false
		u.Do(func() { ok = cond() })
		if ok {
			return
		}
	}
	t.Fatalf("gave up waiting for %s", what)
}
