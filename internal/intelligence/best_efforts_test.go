package intelligence

import (
	"testing"
	"time"

	"github.com/pierre-fitness/pierre/internal/fitness"
)

func TestBestPowerEfforts(t *testing.T) {
	p := constant(200, 3600)
	for i := 600; i < 1800; i++ { // 20 min at 300 W
		p[i] = 300
	}
	for i := 3000; i < 3005; i++ { // 5 s sprint
		p[i] = 900
	}
	b := must[[]PowerBest](t)(BestPowerEfforts(p, nil))
	got := map[int]PowerBest{}
	for _, x := range b {
		got[x.DurationSeconds] = x
	}
	approx(t, "5 s", got[5].PowerWatts, 900, 1e-9)
	approx(t, "20 min", got[1200].PowerWatts, 300, 1e-9)
	if got[1200].StartOffsetSeconds != 600 || got[1200].Label != "20 min" || got[5].Label != "5 s" {
		t.Fatalf("%+v", got[1200])
	}
	approx(t, "60 min", got[3600].PowerWatts, (200*3600+100*1200+700*5)/3600.0, 1e-9)
	if len(must[[]PowerBest](t)(BestPowerEfforts(constant(100, 100), nil))) != 2 {
		t.Fatal("durations longer than the series must be left out")
	}
	_, err := BestPowerEfforts(p, []int{0})
	wantInputError(t, err, "durations[0]")
}

func TestFastestDistanceEfforts(t *testing.T) {
	// 4 m/s, except 1000 m at 5 m/s from 2000 m; 1 Hz samples.
	var tm, d []float64
	dist := 0.0
	for s := 0; dist < 6000; s++ {
		tm, d = append(tm, float64(s)), append(d, dist)
		if dist >= 2000 && dist < 3000 {
			dist += 5
		} else {
			dist += 4
		}
	}
	b := must[[]DistanceBest](t)(FastestDistanceEfforts(tm, d, []float64{1000, 5000, 10000}))
	if len(b) != 2 {
		t.Fatalf("%+v", b)
	}
	approx(t, "1 km", b[0].TimeSeconds, 200, 1e-9)
	approx(t, "1 km start", b[0].StartOffsetSeconds, 500, 1e-9)
	approx(t, "5 km", b[1].TimeSeconds, 200+4000.0/4, 1e-9)
	// Interpolation: 2.5 m/s sampled every 2 s (5 m per sample), 400 m in 160 s.
	tm, d = nil, nil
	for s := 0; s <= 400; s += 2 {
		tm, d = append(tm, float64(s)), append(d, float64(s)*2.5)
	}
	b = must[[]DistanceBest](t)(FastestDistanceEfforts(tm, d, []float64{Distance400m, 333}))
	approx(t, "400 m", b[0].TimeSeconds, 160, 1e-9)
	approx(t, "333 m interpolated", b[1].TimeSeconds, 133.2, 1e-9)
	_, err := FastestDistanceEfforts([]float64{0, 1, 1}, []float64{0, 1, 2}, nil)
	wantInputError(t, err, "time_seconds[2]")
	_, err = FastestDistanceEfforts([]float64{0, 1}, []float64{0}, nil)
	wantInputError(t, err, "distance_meters")
}

func TestBiggestClimb(t *testing.T) {
	approx(t, "climb", must[float64](t)(BiggestClimbMeters([]float64{100, 150, 120, 300, 250, 90, 200})), 200, 1e-12)
	_, err := BiggestClimbMeters(nil)
	wantInputError(t, err, "altitude_meters")
}

func TestBestsAndPersonalRecords(t *testing.T) {
	start := time.Date(2025, 5, 1, 7, 0, 0, 0, time.UTC)
	n := 1300
	s := &fitness.Streams{TimeSeconds: make([]int32, n), DistanceMeters: make([]float32, n), AltitudeMeters: make([]float32, n)}
	for i := range n {
		s.TimeSeconds[i] = int32(i)
		s.DistanceMeters[i] = float32(4 * i)
		s.AltitudeMeters[i] = float32(100 + i/10)
	}
	run := fitness.Activity{ID: "r1", Sport: fitness.SportRun, StartTime: start, MovingSeconds: n - 1, DistanceMeters: 4 * float64(n-1), ElevationGainMeters: 130}
	b := must[ActivityBests](t)(BestsFromActivity(&run, s, nil))
	if len(b.Fastest) != 4 || b.Fastest[3].Label != "5 km" {
		t.Fatalf("%+v", b.Fastest)
	}
	approx(t, "1 km", b.Fastest[1].TimeSeconds, 250, 1e-6)
	approx(t, "climb", b.BiggestClimbMeters, 129, 1e-9)
	other := ActivityBests{ActivityID: "r2", Date: b.Date + 3, Sport: fitness.SportTrailRun, DistanceMeters: 12000,
		Fastest: []DistanceBest{{DistanceMeters: 1000, Label: "1 km", TimeSeconds: 240, Time: "4:00"}}}
	tie := ActivityBests{ActivityID: "r3", Date: b.Date + 5, Sport: fitness.SportRun, DistanceMeters: 12000}
	ride := ActivityBests{ActivityID: "b1", Date: b.Date, Sport: fitness.SportRide, DistanceMeters: 80000,
		Power: []PowerBest{{DurationSeconds: 1200, Label: "20 min", PowerWatts: 280}}}
	recs := PersonalRecords([]ActivityBests{b, other, tie, ride})
	find := func(fam fitness.Sport, cat string) PersonalRecord {
		for _, r := range recs {
			if r.Family == fam && r.Category == cat {
				return r
			}
		}
		t.Fatalf("no %s/%s record in %+v", fam, cat, recs)
		return PersonalRecord{}
	}
	if r := find(fitness.SportRun, "fastest_1_km"); r.ActivityID != "r2" || r.Value != 240 {
		t.Fatalf("%+v", r)
	}
	if r := find(fitness.SportRun, "fastest_5_km"); r.ActivityID != "r1" {
		t.Fatalf("%+v", r)
	}
	if r := find(fitness.SportRun, "longest_distance"); r.ActivityID != "r2" {
		t.Fatalf("tie must keep the earlier record: %+v", r)
	}
	if r := find(fitness.SportRide, "power_20_min"); r.Value != 280 || r.Unit != "watts" {
		t.Fatalf("%+v", r)
	}
	if _, err := BestsFromActivity(nil, nil, nil); err == nil {
		t.Fatal("nil activity")
	}
}
