package intelligence

import "testing"

func TestTSBScore(t *testing.T) {
	for _, c := range []struct{ tsb, want float64 }{
		{0, 85}, {-10, 60}, {-15, 30}, {-30, 0}, {-45, 0}, {20, 95}, {8, 100}, {2, 91}, {-12, 48}, {-7, 67.5}, {-25, 10},
		{25, 90}, {30, 80}, {60, 60}, // seed: 30 → 90 with a jump at 25; continuous here
	} {
		approx(t, "TSBScore", TSBScore(c.tsb), c.want, 1e-9)
	}
	approx(t, "continuous at 25", TSBScore(25.0001), 90, 1e-3)
}

func TestRecoveryScoreWeighted(t *testing.T) {
	in := RecoveryInput{SleepQualityScore: fp(80), HRVRMSSDMs: fp(60), HRVBaselineMs: fp(60), RestingHRBPM: fp(50),
		RestingHRBaselineBPM: fp(50), TSB: fp(0), SleepDebtHours: fp(2)}
	r := must[RecoveryScoreResult](t)(RecoveryScore(RecoveryWeighted, in))
	approx(t, "all factors", r.Score, 0.30*80+0.25*100+0.20*100+0.15*85+0.10*80, 1e-9)
	if r.Band != "good" || r.Confidence != "high" || len(r.Factors) != 5 || len(r.Missing) != 0 {
		t.Fatalf("%+v", r)
	}
	// Missing factors: weights renormalised over sleep and load.
	r = must[RecoveryScoreResult](t)(RecoveryScore(RecoveryWeighted, RecoveryInput{SleepQualityScore: fp(80), TSB: fp(0)}))
	approx(t, "renormalised", r.Score, (0.30*80+0.15*85)/0.45, 1e-9)
	if r.Confidence != "medium" || len(r.Missing) != 3 {
		t.Fatalf("%+v", r)
	}
	// HRV 10 % below baseline → 60; resting HR +5 → 50.
	r = must[RecoveryScoreResult](t)(RecoveryScore(RecoveryAdditive, RecoveryInput{HRVRMSSDMs: fp(54), HRVBaselineMs: fp(60), RestingHRBPM: fp(55), RestingHRBaselineBPM: fp(50)}))
	approx(t, "additive", r.Score, (60+50)/2.0, 1e-9)
	r = must[RecoveryScoreResult](t)(RecoveryScore(RecoveryMinMax, RecoveryInput{HRVRMSSDMs: fp(54), HRVBaselineMs: fp(60), RestingHRBPM: fp(55), RestingHRBaselineBPM: fp(50)}))
	approx(t, "minmax", r.Score, 50, 1e-9)
	r = must[RecoveryScoreResult](t)(RecoveryScore(RecoveryMultiplicative, RecoveryInput{SleepQualityScore: fp(81), TSB: fp(8)}))
	approx(t, "multiplicative", r.Score, 100*pow(0.81, 0.30/0.45), 1e-9)
}

func TestRecoveryBands(t *testing.T) {
	for _, c := range []struct {
		s    float64
		band string
	}{{95, "fully_recovered"}, {90, "fully_recovered"}, {89.9, "good"}, {70, "good"}, {50, "partial"}, {49, "poor"}} {
		r := must[RecoveryScoreResult](t)(RecoveryScore(RecoveryWeighted, RecoveryInput{SleepQualityScore: fp(c.s)}))
		if r.Band != c.band || r.Confidence != "low" {
			t.Errorf("%v → %s", c.s, r.Band)
		}
	}
}

func TestRecoveryBadInput(t *testing.T) {
	_, err := RecoveryScore(RecoveryWeighted, RecoveryInput{})
	wantInsufficient(t, err)
	_, err = RecoveryScore(RecoveryWeighted, RecoveryInput{HRVRMSSDMs: fp(50)})
	wantInputError(t, err, "hrv_baseline_ms")
	_, err = RecoveryScore(RecoveryWeighted, RecoveryInput{SleepQualityScore: fp(120)})
	wantInputError(t, err, "sleep_quality_score")
	_, err = RecoveryScore("neural", RecoveryInput{SleepQualityScore: fp(80)})
	wantInputError(t, err, "algorithm")
}
