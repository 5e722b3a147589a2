//go:build race

package terrain

// raceEnabled: the race detector drops sync.Pool items at random, so
// pooled buffers are allocated again and total allocation overstates what
// is held at once.
const raceEnabled = true
