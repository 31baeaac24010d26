// Package intelligence is Pierre's sports-science engine: pure functions over
// plain data (the common model in internal/fitness and plain slices), with no
// I/O, no database, no HTTP, no global state and no clock. Callers pass the
// current time or day explicitly.
//
// The package is organised by topic, one file each:
//
//   - algorithms.go: the PIERRE_*_ALGORITHM selection (Algorithms,
//     AlgorithmsFromEnv) and the catalog served by get_configuration_catalog.
//   - power.go: Coggan normalized power, IF, TSS, work, variability index,
//     efficiency factor, aerobic decoupling.
//   - heartrate.go: max-HR formulas, hrTSS, TRIMP (Banister, Edwards, Lucia).
//   - training_load.go: daily TSS series, CTL/ATL/TSB (TrainingPeaks,
//     ema, sma, wma, kalman), ramp rate, Foster monotony and strain, ACWR.
//   - running.go: Daniels–Gilbert VDOT, race prediction, Riegel, training paces.
//   - vo2max.go, thresholds.go: VO2max, FTP and LTHR estimators.
//   - zones.go: heart-rate, power and pace zones; time in zone.
//   - best_efforts.go: power-duration and fastest-distance bests, records.
//   - recovery.go, sleep.go, hrv.go, overtraining.go, fitness_score.go,
//     balance.go: recovery and readiness.
//   - statistics.go, patterns.go, goals.go: trends, patterns and goals.
//   - activity.go: one-call analysis of an activity.
//
// Every result names its units in its JSON fields (…_watts, …_seconds,
// …_bpm, …_per_km), says which method produced it, and where it helps carries
// a short plain-language interpretation an assistant can relay. Invalid input
// yields *InputError naming the field; missing data yields
// *InsufficientDataError. Formulas, constants and sources are documented in
// docs/methodology.md.
package intelligence
