package intelligence

import (
	"strings"
	"testing"
	"time"

	"github.com/pierre-fitness/pierre/internal/fitness"
)

func sleepIn(h, deep, rem, light, awake, eff float64) SleepInput {
	return SleepInput{DurationHours: h, DeepPercent: fp(deep), REMPercent: fp(rem), LightPercent: fp(light), AwakePercent: fp(awake), EfficiencyPercent: fp(eff)}
}

// The upstream worked examples (ch18-22 §6.2) with light sleep scored
// against its 45–60 % target instead of the seed's raw 0.2 × light %.
func TestSleepQualityVectors(t *testing.T) {
	cases := []struct {
		in           SleepInput
		dur, stages  float64
		eff, quality float64
		band         string
	}{
		{sleepIn(8.5, 20, 25, 52, 3, 94.44), 100, 100, 100, 100, "excellent"},
		{sleepIn(7.5, 18, 22, 54, 6, 90), 92.5, 86, 100, 92.1, "excellent"},
		{sleepIn(5.5, 12, 18, 60, 10, 78.57), 45, 57.6, 72.14, 56.195, "fair"},
		{sleepIn(7.0, 15, 20, 60, 5, 85), 85, 76, 85, 81.85, "good"},
	}
	for _, c := range cases {
		r := must[SleepQualityResult](t)(SleepQuality(c.in))
		approx(t, "duration score", r.DurationScore, c.dur, 1e-9)
		approx(t, "stages score", *r.StagesScore, c.stages, 1e-9)
		approx(t, "efficiency score", *r.EfficiencyScore, c.eff, 1e-9)
		approx(t, "quality", r.QualityScore, c.quality, 1e-9)
		if r.Band != c.band || r.Method != "duration_stages_efficiency" {
			t.Errorf("%v: band %s method %s", c.in.DurationHours, r.Band, r.Method)
		}
	}
	// Without stages: 0.6 × duration + 0.4 × efficiency.
	r := must[SleepQualityResult](t)(SleepQuality(SleepInput{DurationHours: 6.5, EfficiencyPercent: fp(80)}))
	approx(t, "no stages", r.QualityScore, 0.6*72.5+0.4*75, 1e-9)
	if r.Method != "duration_efficiency" || !strings.Contains(r.Interpretation, "short sleep") {
		t.Fatalf("%+v", r)
	}
	// Very long sleep is not "better" (NSF: > 10 h not recommended).
	approx(t, "11 h", must[SleepQualityResult](t)(SleepQuality(SleepInput{DurationHours: 11})).QualityScore, 90, 1e-9)
	_, err := SleepQuality(SleepInput{DurationHours: 7, DeepPercent: fp(120), REMPercent: fp(20)})
	wantInputError(t, err, "deep_percent")
	_, err = SleepQuality(SleepInput{DurationHours: -1})
	wantInputError(t, err, "duration_hours")
}

func TestSleepInputFromSession(t *testing.T) {
	s := &fitness.SleepSession{AsleepSeconds: 27000, InBedSeconds: 28800,
		DeepSeconds: fitness.Int(5400), REMSeconds: fitness.Int(6480), LightSeconds: fitness.Int(15120), AwakeSeconds: fitness.Int(1800)}
	in := must[SleepInput](t)(SleepInputFromSession(s))
	approx(t, "hours", in.DurationHours, 7.5, 1e-12)
	approx(t, "deep % of sleep", *in.DeepPercent, 20, 1e-9)
	approx(t, "REM %", *in.REMPercent, 24, 1e-9)
	approx(t, "awake % of bed", *in.AwakePercent, 6.25, 1e-9)
	approx(t, "efficiency", *in.EfficiencyPercent, 93.75, 1e-9)
	_, err := SleepInputFromSession(&fitness.SleepSession{AsleepSeconds: 100, InBedSeconds: 50})
	wantInputError(t, err, "time_in_bed_seconds")
	_, err = SleepInputFromSession(&fitness.SleepSession{})
	wantInputError(t, err, "total_sleep_seconds")
}

func TestSleepDebt(t *testing.T) {
	end := NewDate(2025, 6, 10)
	h := []SleepNight{{end - 8, 3, nil}, {end - 3, 7, nil}, {end - 2, 8, nil}, {end - 1, 6, nil}, {end, 7.5, nil}}
	r := must[SleepDebtResult](t)(SleepDebt(h, end, 7, 0))
	approx(t, "debt", r.DebtHours, 1+0+2+0.5, 1e-12)
	approx(t, "score", r.Score, 65, 1e-9)
	if r.NightsCounted != 4 || r.TargetHours != 8 {
		t.Fatalf("%+v", r)
	}
	_, err := SleepDebt(h, end-20, 7, 8)
	wantInsufficient(t, err)
	_, err = SleepDebt(h, end, 7, 20)
	wantInputError(t, err, "target_hours")
}

func TestRecommendSleep(t *testing.T) {
	wake := 390.0 // 06:30
	r := must[SleepRecommendations](t)(RecommendSleep(SleepRecommendationInput{WakeTimeMinutes: &wake}))
	if r.SuggestedBedtime != "22:15" || r.TargetSleepHours != 8 {
		t.Fatalf("%+v", r)
	}
	bed := func(m float64) *float64 { return &m }
	nights := []SleepNight{{1, 6.5, bed(22 * 60)}, {2, 6.0, bed(24*60 + 45)}, {3, 7.0, bed(23 * 60)}, {4, 6.2, bed(25 * 60)}}
	r = must[SleepRecommendations](t)(RecommendSleep(SleepRecommendationInput{RecentNights: nights, WakeTimeMinutes: &wake, RaceOrKeyWorkoutTomorrow: true}))
	if r.TargetSleepHours != 8.5 || r.SuggestedBedtime != "21:45" {
		t.Fatalf("%+v", r)
	}
	cats := map[string]bool{}
	for _, tip := range r.Tips {
		cats[tip.Category] = true
	}
	for _, c := range []string{"timing", "duration", "consistency", "environment", "caffeine", "screens", "naps"} {
		if !cats[c] {
			t.Errorf("missing %s tip in %+v", c, r.Tips)
		}
	}
	r = must[SleepRecommendations](t)(RecommendSleep(SleepRecommendationInput{HardTrainingToday: true}))
	if r.TargetSleepHours != 9 {
		t.Fatal(r.TargetSleepHours)
	}
	_, err := RecommendSleep(SleepRecommendationInput{TargetSleepHours: 3})
	wantInputError(t, err, "target_sleep_hours")
}

func TestNightsFromSessions(t *testing.T) {
	s := []fitness.SleepSession{
		{Date: "2025-06-02", StartTime: time.Date(2025, 6, 2, 0, 30, 0, 0, time.UTC), AsleepSeconds: 25200},
		{Date: "2025-06-02", StartTime: time.Date(2025, 6, 2, 14, 0, 0, 0, time.UTC), AsleepSeconds: 1200, Nap: true},
	}
	n := must[[]SleepNight](t)(NightsFromSessions(s, nil))
	if len(n) != 1 || *n[0].BedtimeMinutes != 24*60+30 || n[0].DurationHours != 7 {
		t.Fatalf("%+v", n)
	}
}
