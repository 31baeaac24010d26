package intelligence

import "testing"

// The tutorial's rest-day vectors (ch18-22 §6.1 T10).
func TestSuggestRestDayVectors(t *testing.T) {
	for _, c := range []struct {
		rs, tsb float64
		hard    int
		want    string
	}{
		{25, 0, 0, RestImmediate},
		{80, -41, 0, RestImmediate},
		{45, 0, 3, RestSoon},
		{45, 0, 2, RestNone},
		{80, 0, 6, RestNextDay},
		{80, -25, 0, RestNextDay},
		{80, 0, 2, RestNone},
		{30, -20, 0, RestNone}, // boundaries are strict
	} {
		r := must[RestDayRecommendation](t)(SuggestRestDay(RestDayInput{RecoveryScore: c.rs, TSB: c.tsb, ConsecutiveHardDays: c.hard}))
		if r.Urgency != c.want || r.RestRecommended != (c.want != RestNone) || r.Interpretation == "" {
			t.Errorf("(rs=%v, tsb=%v, hard=%d) → %s, want %s", c.rs, c.tsb, c.hard, r.Urgency, c.want)
		}
	}
	_, err := SuggestRestDay(RestDayInput{RecoveryScore: 120})
	wantInputError(t, err, "recovery_score")
	_, err = SuggestRestDay(RestDayInput{RecoveryScore: 50, ConsecutiveHardDays: -1})
	wantInputError(t, err, "consecutive_hard_days")
}

func TestOvertrainingFactors(t *testing.T) {
	r := must[OvertrainingResult](t)(OvertrainingRisk(OvertrainingInput{CTL: 60, ATL: 65, TSB: -5}))
	if r.RiskLevel != "low" || r.Triggered != 0 {
		t.Fatalf("%+v", r)
	}
	r = must[OvertrainingResult](t)(OvertrainingRisk(OvertrainingInput{CTL: 60, ATL: 82, TSB: -22}))
	if r.RiskLevel != "moderate" || r.Triggered != 1 {
		t.Fatalf("%+v", r)
	}
	// The tutorial's physiological rule.
	r = must[OvertrainingResult](t)(OvertrainingRisk(OvertrainingInput{CTL: 80, ATL: 100, TSB: -35,
		RestingHRBPM: fp(60), RestingHRBaselineBPM: fp(50), HRVRMSSDMs: fp(42), HRVBaselineMs: fp(60)}))
	if !r.PhysiologicalAlert || r.RiskLevel != "high" {
		t.Fatalf("%+v", r)
	}
	_, err := OvertrainingRisk(OvertrainingInput{CTL: -1})
	wantInputError(t, err, "ctl")
}

// An athlete on a steady 60 TSS/day who then ramps sharply for three weeks
// (120 → 225 TSS/day) ends deeply fatigued: TSB below −30, high
// overtraining risk and a rest day.
func TestScenarioOvertrainingAthlete(t *testing.T) {
	var tss []float64
	tss = append(tss, constant(60, 56)...)
	for i := range 21 {
		tss = append(tss, 120+5*float64(i))
	}
	load := must[TrainingLoadResult](t)(ComputeTrainingLoad(LoadTrainingPeaks, dailyOf(tss...), LoadOptions{}))
	if load.TSB >= -30 {
		t.Fatalf("TSB %v, want < −30", load.TSB)
	}
	acwr := must[ACWRResult](t)(AcuteChronicWorkloadRatio(dailyOf(tss...), day0.AddDays(len(tss)-1), ""))
	mono := must[MonotonyResult](t)(FosterMonotony(dailyOf(tss...), day0.AddDays(len(tss)-1)))
	risk := must[OvertrainingResult](t)(OvertrainingRisk(OvertrainingInput{CTL: load.CTL, ATL: load.ATL, TSB: load.TSB, ACWR: &acwr.ACWR, Monotony: mono.Monotony}))
	if risk.RiskLevel != "high" {
		t.Fatalf("risk %s: %s", risk.RiskLevel, risk.Interpretation)
	}
	hard := ConsecutiveHardDays(load.Series, HardDayOptions{})
	if hard < 6 {
		t.Fatalf("hard days %d", hard)
	}
	rec := must[RecoveryScoreResult](t)(RecoveryScore(RecoveryWeighted, RecoveryInput{SleepQualityScore: fp(70), TSB: &load.TSB}))
	rest := must[RestDayRecommendation](t)(SuggestRestDay(RestDayInput{RecoveryScore: rec.Score, TSB: load.TSB, ConsecutiveHardDays: hard}))
	if !rest.RestRecommended || (rest.Urgency != RestImmediate && rest.Urgency != RestNextDay) {
		t.Fatalf("%+v", rest)
	}
	bal := must[BalanceResult](t)(AssessTrainingBalance(load.Series))
	if bal.Phase != "overreaching" {
		t.Fatalf("phase %s", bal.Phase)
	}
}
