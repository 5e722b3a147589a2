//go:build !race

package terrain

const raceEnabled = false
