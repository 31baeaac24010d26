package intelligence

import "testing"

func TestAssessTrainingBalanceBuild(t *testing.T) {
	// Six weeks at ~70/day with a weekly pattern, then a week 8 % harder.
	week := []float64{0, 90, 60, 110, 30, 120, 80}
	var tss []float64
	for range 6 {
		tss = append(tss, week...)
	}
	for _, v := range week {
		tss = append(tss, v*1.08)
	}
	load := must[TrainingLoadResult](t)(ComputeTrainingLoad(LoadTrainingPeaks, dailyOf(tss...), LoadOptions{}))
	b := must[BalanceResult](t)(AssessTrainingBalance(load.Series))
	if len(b.WeeklyTSS) != 4 || b.WeekOverWeekChangePercent == nil {
		t.Fatalf("%+v", b)
	}
	approx(t, "weekly growth", *b.WeekOverWeekChangePercent, 8, 1e-9)
	checks := map[string]BalanceCheck{}
	for _, c := range b.Checks {
		checks[c.Name] = c
	}
	if !checks["weekly_tss_growth"].OK || !checks["recovery_days"].OK {
		t.Fatalf("%+v", b.Checks)
	}
	if b.RecoveryDaysLast7 != 2 {
		t.Fatalf("recovery days %d", b.RecoveryDaysLast7)
	}
}

func TestAssessTrainingBalanceRecoveryWeek(t *testing.T) {
	var tss []float64
	tss = append(tss, constant(80, 42)...)
	tss = append(tss, constant(44, 7)...) // −45 %
	load := must[TrainingLoadResult](t)(ComputeTrainingLoad(LoadTrainingPeaks, dailyOf(tss...), LoadOptions{InitialCTL: 80, InitialATL: 80}))
	b := must[BalanceResult](t)(AssessTrainingBalance(load.Series))
	if b.Phase != "recovery_week" {
		t.Fatalf("phase %s (TSB %.1f, change %.0f)", b.Phase, b.TSB, *b.WeekOverWeekChangePercent)
	}
	_, err := AssessTrainingBalance(load.Series[:10])
	wantInsufficient(t, err)
	s := append([]LoadPoint(nil), load.Series[:20]...)
	s[5].Date = s[4].Date
	_, err = AssessTrainingBalance(s)
	wantInputError(t, err, "series[5].date")
}
