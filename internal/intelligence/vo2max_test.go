package intelligence

import (
	"testing"

	"github.com/pierre-fitness/pierre/internal/fitness"
)

func TestVO2maxEstimators(t *testing.T) {
	// VDOT is already ml/kg/min (the seed's ×3.5 is a bug).
	approx(t, "from VDOT", must[VO2maxEstimate](t)(VDOTAsVO2max(50)).VO2maxMlKgMin, 50, 0)
	// Tutorial T1: 3000 m in 12 min → 55.78.
	approx(t, "Cooper", must[VO2maxEstimate](t)(CooperTestVO2max(3000)).VO2maxMlKgMin, 55.7814, 1e-4)
	// Kline et al. in lb and minutes: 70 kg (154.3 lb), 40 y, male, 15:00, 130 bpm.
	approx(t, "Rockport", must[VO2maxEstimate](t)(RockportWalkVO2max(RockportTest{WeightKg: 70, AgeYears: 40, Sex: fitness.SexMale, TimeSeconds: 900, HeartRateBPM: 130})).VO2maxMlKgMin, 42.4740, 1e-4)
	approx(t, "Uth–Sørensen", must[VO2maxEstimate](t)(UthSorensenVO2max(190, 50)).VO2maxMlKgMin, 58.14, 1e-9)
	approx(t, "Bruce men 12 min", must[VO2maxEstimate](t)(BruceTreadmillVO2max(12, fitness.SexMale)).VO2maxMlKgMin, 42.42, 1e-9)
	approx(t, "Bruce women 10 min", must[VO2maxEstimate](t)(BruceTreadmillVO2max(10, fitness.SexFemale)).VO2maxMlKgMin, 39.9, 1e-9)
	// 150 W at 140 bpm, 70 kg man aged 30 (age factor 0.935).
	approx(t, "Åstrand", must[VO2maxEstimate](t)(AstrandRyhmingVO2max(AstrandTest{Sex: fitness.SexMale, AgeYears: 30, WeightKg: 70, PowerWatts: 150, HeartRateBPM: 140})).VO2maxMlKgMin, 47.805, 1e-3)
	e := must[VO2maxEstimate](t)(CooperTestVO2max(3000))
	if e.Level != "well-trained" || e.Method != VO2maxCooper {
		t.Fatalf("%+v", e)
	}
}

func TestEstimateVO2maxDispatch(t *testing.T) {
	e := must[VO2maxEstimate](t)(EstimateVO2max(VO2maxHybrid, VO2maxInput{CooperDistanceMeters: 2800, MaxHeartRateBPM: 190, RestingHeartRateBPM: 50}))
	if e.Method != VO2maxCooper {
		t.Fatalf("hybrid picked %s", e.Method)
	}
	e = must[VO2maxEstimate](t)(EstimateVO2max(VO2maxHybrid, VO2maxInput{MaxHeartRateBPM: 190, RestingHeartRateBPM: 50}))
	if e.Method != VO2maxUthSorensen {
		t.Fatalf("hybrid picked %s", e.Method)
	}
	_, err := EstimateVO2max(VO2maxHybrid, VO2maxInput{})
	wantInsufficient(t, err)
	_, err = EstimateVO2max(VO2maxFromVDOT, VO2maxInput{CooperDistanceMeters: 3000})
	wantInsufficient(t, err)
	// Invalid data is an input error, not silently skipped by hybrid.
	_, err = EstimateVO2max(VO2maxHybrid, VO2maxInput{CooperDistanceMeters: 100})
	wantInputError(t, err, "cooper_distance_meters")
	_, err = EstimateVO2max("from_pace", VO2maxInput{})
	wantInputError(t, err, "algorithm")
}

func TestVO2maxBadInput(t *testing.T) {
	_, err := UthSorensenVO2max(50, 60)
	wantInputError(t, err, "max_heart_rate_bpm")
	_, err = UthSorensenVO2max(150, 149.5)
	if err != nil {
		t.Fatal(err)
	}
	_, err = UthSorensenVO2max(140, 145)
	wantInputError(t, err, "resting_heart_rate_bpm")
	_, err = RockportWalkVO2max(RockportTest{WeightKg: 70, AgeYears: 40, TimeSeconds: 900, HeartRateBPM: 130})
	wantInputError(t, err, "sex")
	_, err = AstrandRyhmingVO2max(AstrandTest{Sex: fitness.SexFemale, AgeYears: 30, WeightKg: 60, PowerWatts: 100, HeartRateBPM: 185})
	wantInputError(t, err, "steady_state_heart_rate_bpm")
	_, err = BruceTreadmillVO2max(12, "")
	wantInputError(t, err, "sex")
}
