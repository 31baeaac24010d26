package intelligence

import "testing"

// The tutorial's adjustment table (ch18-22 §6.1 T11).
func TestRecoveryAdjustment(t *testing.T) {
	for rs, want := range map[float64]float64{95: 5, 90: 5, 75: 0, 70: 0, 55: -5, 50: -5, 40: -10} {
		if got := RecoveryAdjustmentPercent(rs); got != want {
			t.Errorf("recovery %v → %v, want %v", rs, got, want)
		}
	}
}

func TestFitnessScore(t *testing.T) {
	// An experienced, consistent cyclist scores 70–90 (upstream test).
	r := must[FitnessScoreResult](t)(FitnessScore(FitnessScoreInput{CTL: 80, CTL28DaysAgo: fp(76), WeeklySessions: []int{5, 5, 6, 5, 5, 4, 5, 6}}))
	if r.Score < 70 || r.Score > 90 || r.Level != "good" {
		t.Fatalf("%+v", r)
	}
	base := r.BaseScore
	approx(t, "base", base, 0.6*100*(1-exp(-80.0/50))+0.25*100+0.15*(60+8*1), 1e-9)
	with := must[FitnessScoreResult](t)(FitnessScore(FitnessScoreInput{CTL: 80, CTL28DaysAgo: fp(76), WeeklySessions: []int{5, 5, 6, 5, 5, 4, 5, 6}, RecoveryScore: fp(40)}))
	approx(t, "−10 %", with.Score, base*0.9, 1e-9)
	with = must[FitnessScoreResult](t)(FitnessScore(FitnessScoreInput{CTL: 80, CTL28DaysAgo: fp(76), WeeklySessions: []int{5, 5, 6, 5, 5, 4, 5, 6}, RecoveryScore: fp(95)}))
	approx(t, "+5 %", with.Score, base*1.05, 1e-9)
	beginner := must[FitnessScoreResult](t)(FitnessScore(FitnessScoreInput{CTL: 15, WeeklySessions: []int{2, 3, 1, 2}}))
	if beginner.Score >= 50 || beginner.Level != "developing" {
		t.Fatalf("%+v", beginner)
	}
	_, err := FitnessScore(FitnessScoreInput{CTL: 50})
	wantInsufficient(t, err)
	_, err = FitnessScore(FitnessScoreInput{CTL: 50, WeeklySessions: []int{3, -1}})
	wantInputError(t, err, "weekly_sessions[1]")
	_, err = FitnessScore(FitnessScoreInput{CTL: 50, WeeklySessions: []int{3}, RecoveryScore: fp(101)})
	wantInputError(t, err, "recovery_score")
}
