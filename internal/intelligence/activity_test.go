package intelligence

import (
	"testing"
	"time"

	"github.com/pierre-fitness/pierre/internal/fitness"
)

func rideWithStreams() (*fitness.Activity, *fitness.Streams) {
	n := 3600
	s := &fitness.Streams{ActivityID: "ride1", TimeSeconds: make([]int32, n), PowerWatts: make([]int16, n), HeartRate: make([]int16, n)}
	for i := range n {
		s.TimeSeconds[i] = int32(i)
		s.PowerWatts[i] = 200
		if (i/60)%2 == 1 {
			s.PowerWatts[i] = 300
		}
		s.HeartRate[i] = 140
		if i >= n/2 {
			s.HeartRate[i] = 145
		}
	}
	a := &fitness.Activity{ID: "ride1", Sport: fitness.SportRide, StartTime: time.Date(2025, 5, 3, 8, 0, 0, 0, time.UTC),
		ElapsedSeconds: n, MovingSeconds: n, DistanceMeters: 36000, HasStreams: true}
	return a, s
}

func TestAnalyzeRide(t *testing.T) {
	a, s := rideWithStreams()
	p := AthleteProfile{FTPWatts: 250, WeightKg: 70, MaxHeartRateBPM: 190, RestingHeartRateBPM: 50, AgeYears: 40}
	r := must[ActivityAnalysis](t)(AnalyzeActivity(a, s, p, DefaultAlgorithms(), nil))
	if r.Power == nil || r.HeartRate == nil || r.TSS == nil || r.TRIMP == nil || r.Decoupling == nil || r.EfficiencyFactor == nil {
		t.Fatalf("%+v", r)
	}
	approx(t, "avg power", r.Power.AveragePowerWatts, 250, 1e-9)
	if r.Power.NormalizedPowerWatts <= 250 || r.Power.VariabilityIndex <= 1 || *r.Power.IntensityFactor <= 1 {
		t.Fatalf("%+v", r.Power)
	}
	approx(t, "TSS", r.TSS.TSS, 100*(*r.Power.IntensityFactor)*(*r.Power.IntensityFactor), 1e-9)
	if r.TrainingStress == nil || r.TrainingStress.Method != StressPowerNP || r.TrainingStress.TSS != r.TSS.TSS {
		t.Fatalf("%+v", r.TrainingStress)
	}
	approx(t, "work", r.Power.WorkKilojoules, 900, 1e-9)
	if len(r.Power.Bests) != 5 || len(r.Power.TimeInZones) == 0 || len(r.HeartRate.TimeInZones) == 0 || r.HeartRate.ZoneMethod != "karvonen" {
		t.Fatalf("%+v", r.Power)
	}
	approx(t, "decoupling", r.Decoupling.DecouplingPercent, (1-140.0/145)*100, 1e-9)
	if r.HRTSS == nil || r.TRIMP.Method != "bannister_male" || r.Summary == "" {
		t.Fatalf("%+v %+v", r.HRTSS, r.TRIMP)
	}
}

func TestAnalyzeRunWithoutPower(t *testing.T) {
	n := 2400
	s := &fitness.Streams{TimeSeconds: make([]int32, n), HeartRate: make([]int16, n), DistanceMeters: make([]float32, n), SpeedMPS: make([]float32, n)}
	for i := range n {
		s.TimeSeconds[i], s.HeartRate[i], s.DistanceMeters[i], s.SpeedMPS[i] = int32(i), 150, float32(i)*3.5, 3.5
	}
	a := &fitness.Activity{ID: "run1", Sport: fitness.SportRun, StartTime: time.Date(2025, 5, 4, 7, 0, 0, 0, time.UTC),
		MovingSeconds: n, ElapsedSeconds: n, DistanceMeters: 3.5 * float64(n), AverageHeartRate: fitness.Float(150)}
	p := AthleteProfile{AgeYears: 35, Sex: fitness.SexFemale}
	r := must[ActivityAnalysis](t)(AnalyzeActivity(a, s, p, DefaultAlgorithms(), nil))
	if r.Power != nil || r.TSS != nil || r.HRTSS == nil || r.PacePerKmSeconds == nil || len(r.FastestEfforts) == 0 {
		t.Fatalf("%+v", r)
	}
	approx(t, "pace", *r.PacePerKmSeconds, 1000/3.5, 1e-9)
	// LTHR estimated from Tanaka max HR: 208 − 24.5 = 183 → 0.88 × 183.
	approx(t, "hrTSS LTHR", r.HRTSS.LTHRBPM, 0.88*183, 1e-9)
	if r.TrainingStress.Method != StressHRTSS {
		t.Fatal(r.TrainingStress.Method)
	}
	approx(t, "EF m/min per bpm", *r.EfficiencyFactor, 210.0/150, 1e-9)
	if r.Decoupling == nil || r.Decoupling.Method != "pa_hr" {
		t.Fatalf("%+v", r.Decoupling)
	}
	// TRIMP: no resting HR → hybrid is not the default; bannister needs it.
	if r.TRIMP != nil || len(r.Notes) == 0 {
		t.Fatalf("%+v %v", r.TRIMP, r.Notes)
	}
	if _, err := AnalyzeActivity(nil, nil, p, DefaultAlgorithms(), nil); err == nil {
		t.Fatal("nil activity")
	}
}

func TestActivityTrainingStressAndLoads(t *testing.T) {
	a, s := rideWithStreams()
	algos := DefaultAlgorithms()
	l := must[ActivityLoad](t)(ActivityTrainingStress(a, s, AthleteProfile{FTPWatts: 250}, algos, nil))
	if l.Method != StressPowerNP || l.Date != NewDate(2025, 5, 3) {
		t.Fatalf("%+v", l)
	}
	algos.TSS = TSSAvgPower
	l = must[ActivityLoad](t)(ActivityTrainingStress(a, s, AthleteProfile{FTPWatts: 250}, algos, nil))
	approx(t, "avg TSS", l.TSS, 100, 1e-9)
	bare := fitness.Activity{ID: "walk", Sport: fitness.SportWalk, StartTime: a.StartTime, MovingSeconds: 1800}
	_, err := ActivityTrainingStress(&bare, nil, AthleteProfile{}, algos, nil)
	wantInsufficient(t, err)
	loads, skipped := LoadsFromActivities([]fitness.Activity{*a, bare}, map[string]*fitness.Streams{"ride1": s}, AthleteProfile{FTPWatts: 250}, algos, nil)
	if len(loads) != 1 || len(skipped) != 1 || skipped[0] != "walk" {
		t.Fatalf("%v %v", loads, skipped)
	}
	zero := fitness.Activity{ID: "z"}
	_, err = ActivityTrainingStress(&zero, nil, AthleteProfile{}, algos, nil)
	wantInputError(t, err, "moving_time_seconds")
}
