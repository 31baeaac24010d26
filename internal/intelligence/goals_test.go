package intelligence

import (
	"testing"

	"github.com/pierre-fitness/pierre/internal/fitness"
)

func TestGoalFeasibilityPerformance(t *testing.T) {
	today := NewDate(2025, 3, 1)
	in := GoalFeasibilityInput{Kind: GoalPerformance, CurrentValue: 1500, TargetValue: 1440, LowerIsBetter: true,
		Today: today, TargetDate: today + 84, Experience: ExperienceIntermediate}
	r := must[GoalFeasibilityResult](t)(GoalFeasibility(in))
	approx(t, "required", r.RequiredChangePercent, 4, 1e-9)
	approx(t, "expected", r.ExpectedChangePercent, 12.0/4.345, 1e-9)
	if r.Level != "challenging" || r.Feasible {
		t.Fatalf("%+v", r)
	}
	in.Experience = ExperienceBeginner
	if r = must[GoalFeasibilityResult](t)(GoalFeasibility(in)); r.Level != "achievable" || !r.Feasible {
		t.Fatalf("%+v", r)
	}
	// 20 % in a year: above the 10 % rule — unlikely unless a beginner.
	in = GoalFeasibilityInput{Kind: GoalPerformance, CurrentValue: 1500, TargetValue: 1200, LowerIsBetter: true,
		Today: today, TargetDate: today + 365, CTL: 80}
	if r = must[GoalFeasibilityResult](t)(GoalFeasibility(in)); r.Level != "unlikely" || r.Experience != ExperienceAdvanced {
		t.Fatalf("%+v", r)
	}
	in.CTL = 10
	if r = must[GoalFeasibilityResult](t)(GoalFeasibility(in)); r.Level != "challenging" {
		t.Fatalf("beginner above 10%%: %+v", r)
	}
	// Already there.
	in.TargetValue = 1600
	if r = must[GoalFeasibilityResult](t)(GoalFeasibility(in)); r.Level != "achieved" || r.FeasibilityScore != 100 {
		t.Fatalf("%+v", r)
	}
	// FTP (higher is better): 250 → 260 W in 20 weeks, intermediate.
	r = must[GoalFeasibilityResult](t)(GoalFeasibility(GoalFeasibilityInput{Kind: GoalPerformance, CurrentValue: 250, TargetValue: 260, Today: today, TargetDate: today + 140, CTL: 50}))
	approx(t, "FTP required", r.RequiredChangePercent, 4, 1e-9)
	if r.Level != "achievable" {
		t.Fatalf("%+v", r)
	}
}

func TestGoalFeasibilityVolumeFrequency(t *testing.T) {
	today := NewDate(2025, 3, 1)
	r := must[GoalFeasibilityResult](t)(GoalFeasibility(GoalFeasibilityInput{Kind: GoalVolume, CurrentValue: 30000, TargetValue: 40000, Today: today, TargetDate: today + 56}))
	approx(t, "weeks needed at 10 %/week", r.WeeksNeeded, 3.0184, 1e-4)
	if r.Level != "likely" {
		t.Fatalf("%+v", r)
	}
	r = must[GoalFeasibilityResult](t)(GoalFeasibility(GoalFeasibilityInput{Kind: GoalVolume, CurrentValue: 30000, TargetValue: 60000, Today: today, TargetDate: today + 28}))
	if r.Level != "unlikely" || r.FeasibilityScore != 100*clamp(1.25-0.5*r.WeeksNeeded/4, 0, 1) {
		t.Fatalf("%+v", r)
	}
	r = must[GoalFeasibilityResult](t)(GoalFeasibility(GoalFeasibilityInput{Kind: GoalFrequency, CurrentValue: 3, TargetValue: 5, Today: today, TargetDate: today + 56}))
	if r.Level != "likely" || r.WeeksNeeded != 4 {
		t.Fatalf("%+v", r)
	}
	_, err := GoalFeasibility(GoalFeasibilityInput{Kind: GoalVolume, TargetValue: 10, Today: today, TargetDate: today + 7})
	wantInsufficient(t, err)
	_, err = GoalFeasibility(GoalFeasibilityInput{Kind: GoalVolume, CurrentValue: 1, TargetValue: 10, Today: today, TargetDate: today})
	wantInputError(t, err, "target_date")
	_, err = GoalFeasibility(GoalFeasibilityInput{Kind: "custom", CurrentValue: 1, TargetValue: 10, Today: today, TargetDate: today + 7})
	wantInputError(t, err, "kind")
	_, err = GoalFeasibility(GoalFeasibilityInput{Kind: GoalVolume, CurrentValue: 1, TargetValue: 10, Today: today, TargetDate: today + 7, Experience: "pro"})
	wantInputError(t, err, "experience")
	_, err = GoalFeasibility(GoalFeasibilityInput{Kind: GoalVolume, CurrentValue: 1, TargetValue: -10, Today: today, TargetDate: today + 7})
	wantInputError(t, err, "target_value")
}

func TestGoalProgress(t *testing.T) {
	start := NewDate(2025, 1, 1)
	r := must[GoalProgressResult](t)(GoalProgress(GoalProgressInput{StartValue: 0, CurrentValue: 55, TargetValue: 100, StartDate: start, TargetDate: start + 60, Today: start + 30}))
	approx(t, "progress", r.ProgressPercent, 55, 1e-9)
	approx(t, "elapsed", r.TimeElapsedPercent, 50, 1e-9)
	approx(t, "required rate", r.RequiredRatePerWeek, 45.0/30*7, 1e-9)
	approx(t, "current rate", r.CurrentRatePerWeek, 55.0/30*7, 1e-9)
	if r.Status != "on_track" || *r.ProjectedCompletion != start+55 {
		t.Fatalf("%+v", r)
	}
	r = must[GoalProgressResult](t)(GoalProgress(GoalProgressInput{StartValue: 0, CurrentValue: 60, TargetValue: 100, StartDate: start, TargetDate: start + 60, Today: start + 30}))
	if r.Status != "ahead" {
		t.Fatal(r.Status)
	}
	// Decreasing goal (race time 25:00 → 23:00), behind.
	r = must[GoalProgressResult](t)(GoalProgress(GoalProgressInput{StartValue: 1500, CurrentValue: 1470, TargetValue: 1380, StartDate: start, TargetDate: start + 100, Today: start + 60}))
	approx(t, "progress", r.ProgressPercent, 25, 1e-9)
	if r.Status != "behind" || r.OnTrack {
		t.Fatalf("%+v", r)
	}
	r = must[GoalProgressResult](t)(GoalProgress(GoalProgressInput{StartValue: 0, CurrentValue: 100, TargetValue: 100, StartDate: start, TargetDate: start + 10, Today: start + 20}))
	if r.Status != "achieved" {
		t.Fatal(r.Status)
	}
	_, err := GoalProgress(GoalProgressInput{StartValue: 5, TargetValue: 5, StartDate: start, TargetDate: start + 1, Today: start})
	wantInputError(t, err, "target_value")
	_, err = GoalProgress(GoalProgressInput{StartValue: 0, TargetValue: 5, StartDate: start, TargetDate: start - 1, Today: start})
	wantInputError(t, err, "target_date")
	_, err = GoalProgress(GoalProgressInput{StartValue: 0, TargetValue: 5, StartDate: start, TargetDate: start + 10, Today: start - 1})
	wantInputError(t, err, "today")
}

func TestSuggestGoals(t *testing.T) {
	today := NewDate(2025, 6, 29)
	var acts []fitness.Activity
	for w := range 4 {
		for _, off := range []int{0, 2, 4} {
			acts = append(acts, act("r", today-Date(7*w+off), 7, 2880, 8000, fitness.SportRun))
		}
	}
	g := must[[]GoalSuggestion](t)(SuggestGoals(GoalSuggestionInput{Activities: acts, Today: today, VDOT: 45}))
	byTitle := map[string]GoalSuggestion{}
	for _, x := range g {
		byTitle[x.Title] = x
	}
	if d := byTitle["110 km of running in the next 4 weeks"]; d.TargetValue != 110000 || d.Sport != fitness.SportRun {
		t.Fatalf("%+v", g)
	}
	if d := byTitle["A 10 km long run"]; d.TargetValue != 10000 {
		t.Fatalf("%+v", g)
	}
	for _, x := range g {
		byTitle[x.Category+"/"+x.GoalType+"/"+x.Unit] = x
	}
	if c := byTitle["consistency/frequency/sessions_per_week"]; c.TargetValue != 4 {
		t.Fatalf("%+v", c)
	}
	p := byTitle["performance/time/seconds"]
	approx(t, "5K goal", p.TargetValue, must[float64](t)(RaceTimeFromVDOT(46, Distance5K)), 0.5)
	only := must[[]GoalSuggestion](t)(SuggestGoals(GoalSuggestionInput{Activities: acts, Today: today, Category: "consistency"}))
	if len(only) != 1 {
		t.Fatalf("%+v", only)
	}
	_, err := SuggestGoals(GoalSuggestionInput{Today: today})
	wantInsufficient(t, err)
	_, err = SuggestGoals(GoalSuggestionInput{Activities: acts, Today: today, Category: "speed"})
	wantInputError(t, err, "category")
}

func TestPredictPerformance(t *testing.T) {
	today := NewDate(2025, 3, 1)
	p := must[PerformancePrediction](t)(PredictPerformance(PerformancePredictionInput{KnownDistanceMeters: Distance10K, KnownTimeSeconds: 2400, TargetDistanceMeters: DistanceHalfMarathon, Today: today}))
	if p.Current.Method != "daniels" || p.AtTargetDate != nil || p.UncertaintyPercent != 4 {
		t.Fatalf("%+v", p)
	}
	target := today + 91
	f := must[PerformancePrediction](t)(PredictPerformance(PerformancePredictionInput{KnownDistanceMeters: Distance10K, KnownTimeSeconds: 2400, TargetDistanceMeters: Distance5K,
		Today: today, TargetDate: &target, Experience: ExperienceIntermediate, Algorithm: VDOTRiegel}))
	approx(t, "improvement", f.ExpectedImprovementPercent, 91/30.44, 1e-9)
	approx(t, "projected", f.AtTargetDate.TimeSeconds, f.Current.TimeSeconds*(1-f.ExpectedImprovementPercent/100), 1e-9)
	if f.FastSeconds >= f.AtTargetDate.TimeSeconds || f.SlowSeconds <= f.AtTargetDate.TimeSeconds || f.Current.Method != "riegel" {
		t.Fatalf("%+v", f)
	}
	_, err := PredictPerformance(PerformancePredictionInput{KnownDistanceMeters: -1, KnownTimeSeconds: 2400, TargetDistanceMeters: 5000})
	wantInputError(t, err, "distance_meters")
}
