package intelligence

import (
	"math"
	"testing"
	"time"
)

// powerStream is a deterministic, variable 1 Hz power trace.
func powerStream(n int) []float64 {
	p := make([]float64, n)
	for i := range p {
		p[i] = 200 + 80*math.Sin(float64(i)/37) + 40*math.Sin(float64(i)/5.3)
		if i%600 < 30 {
			p[i] += 300
		}
	}
	return p
}

var sinkF float64

// Seed benchmark names (ch30 §1.2): one hour, FTP 250.
func BenchmarkTSSAvgPower(b *testing.B) {
	in := TSSInput{DurationSeconds: 3600, FTPWatts: 250, AveragePowerWatts: 210}
	for b.Loop() {
		r, _ := TrainingStressScore(TSSAvgPower, in)
		sinkF = r.TSS
	}
}

// The bare formula, comparable with the seed's O(1) avg-power benchmark.
func BenchmarkTSSFromPower(b *testing.B) {
	for b.Loop() {
		sinkF, _ = TSSFromPower(3600, 210, 250)
	}
}

func BenchmarkTSSNormalizedPower1h(b *testing.B) {
	in := TSSInput{FTPWatts: 250, PowerWatts: powerStream(3600)}
	for b.Loop() {
		r, _ := TrainingStressScore(TSSNormalizedPower, in)
		sinkF = r.TSS
	}
}

// NP + TSS on a 4-hour 1 Hz stream (target < 50 µs).
func BenchmarkNPTSS4h(b *testing.B) {
	in := TSSInput{FTPWatts: 250, PowerWatts: powerStream(4 * 3600)}
	for b.Loop() {
		r, _ := TrainingStressScore(TSSNormalizedPower, in)
		sinkF = r.TSS
	}
}

// CTL/ATL/TSB over ten years of daily TSS (target < 1 ms).
func BenchmarkTrainingLoad10Years(b *testing.B) {
	n := 3653
	tss := make([]float64, n)
	for i := range tss {
		tss[i] = 60 + 40*math.Sin(float64(i)/3)
	}
	daily := dailyOf(tss...)
	for b.Loop() {
		r, _ := ComputeTrainingLoad(LoadTrainingPeaks, daily, LoadOptions{})
		sinkF = r.TSB
	}
}

// Best 5 s / 1 / 5 / 20 / 60 min power over a 4-hour stream.
func BenchmarkBestPowerEfforts4h(b *testing.B) {
	p := powerStream(4 * 3600)
	for b.Loop() {
		r, _ := BestPowerEfforts(p, nil)
		sinkF = r[0].PowerWatts
	}
}

// Fastest 400 m … marathon over a 4-hour 1 Hz run.
func BenchmarkFastestDistances4h(b *testing.B) {
	n := 4 * 3600
	tm, d := make([]float64, n), make([]float64, n)
	for i := range n {
		tm[i] = float64(i)
		if i > 0 {
			d[i] = d[i-1] + 2.9 + 0.3*math.Sin(float64(i)/50)
		}
	}
	for b.Loop() {
		r, _ := FastestDistanceEfforts(tm, d, nil)
		sinkF = r[0].TimeSeconds
	}
}

func BenchmarkVDOTFromRace(b *testing.B) {
	for b.Loop() {
		r, _ := VDOTFromRace(Distance10K, 2400)
		sinkF = r.VDOT
	}
}

func BenchmarkRaceTimeFromVDOT(b *testing.B) {
	for b.Loop() {
		sinkF, _ = RaceTimeFromVDOT(50, DistanceMarathon)
	}
}

// Trend regression over a year of daily values.
func BenchmarkTrendOneYear(b *testing.B) {
	start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	pts := make([]TrendPoint, 365)
	for i := range pts {
		pts[i] = TrendPoint{Time: start.AddDate(0, 0, i), Value: 300 - 0.1*float64(i) + 5*math.Sin(float64(i))}
	}
	for b.Loop() {
		r, _ := AnalyzeTrend(pts, "pace", false)
		sinkF = r.SlopePerDay
	}
}
