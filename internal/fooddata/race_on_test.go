//go:build race

package fooddata

const raceEnabled = true
