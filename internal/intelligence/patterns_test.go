package intelligence

import (
	"testing"
	"time"

	"github.com/pierre-fitness/pierre/internal/fitness"
)

func act(id string, d Date, hour int, secs int, meters float64, sport fitness.Sport) fitness.Activity {
	return fitness.Activity{ID: id, Sport: sport, StartTime: d.Time().Add(time.Duration(hour) * time.Hour), MovingSeconds: secs, ElapsedSeconds: secs, DistanceMeters: meters}
}

func TestTrainingConsistency(t *testing.T) {
	to := NewDate(2025, 6, 29) // a Sunday
	var acts []fitness.Activity
	for w := range 8 {
		for _, off := range []int{0, 2, 4, 6} { // 4 sessions in every 7-day block
			acts = append(acts, act("a", to-Date(7*w+off), 7, 3600, 10000, fitness.SportRun))
		}
	}
	r := must[ConsistencyResult](t)(TrainingConsistency(acts, to-55, to, nil))
	if r.Weeks != 8 || r.SessionsPerWeek != 4 || r.WeeklySessionsCV != 0 || r.ConsistencyScore != 100 || r.Band != "very_consistent" {
		t.Fatalf("%+v", r)
	}
	if r.CurrentTrainingWeekRun != 8 || r.CurrentStreakDays != 1 || r.LongestStreakDays != 2 || r.ActiveWeeksPercent != 100 {
		t.Fatalf("%+v", r)
	}
	// Irregular: 1, 5, 0, 6 sessions in four blocks.
	var irr []fitness.Activity
	for blk, n := range []int{6, 0, 5, 1} { // newest block first
		for i := range n {
			irr = append(irr, act("b", to-Date(7*blk+i), 7, 1800, 5000, fitness.SportRun))
		}
	}
	r = must[ConsistencyResult](t)(TrainingConsistency(irr, to-27, to, nil))
	if r.Band != "highly_variable" || r.WeeklySessionsCV < 0.7 || r.CurrentStreakDays != 6 || r.CurrentTrainingWeekRun != 1 {
		t.Fatalf("%+v", r)
	}
	// The current streak survives a rest-so-far today.
	r = must[ConsistencyResult](t)(TrainingConsistency(irr, to-26, to+1, nil))
	if r.CurrentStreakDays != 6 {
		t.Fatalf("streak %d", r.CurrentStreakDays)
	}
	_, err := TrainingConsistency(acts, to, to-10, nil)
	wantInputError(t, err, "to")
	_, err = TrainingConsistency(acts, to-3, to, nil)
	wantInsufficient(t, err)
}

func TestWeeklyRhythm(t *testing.T) {
	mon := NewDate(2025, 6, 2)
	var acts []fitness.Activity
	var loads []ActivityLoad
	for w := range 4 {
		for i, c := range []struct {
			off  int
			secs int
			tss  float64
		}{{0, 3600, 90}, {2, 2400, 40}, {5, 7200, 150}} {
			a := act(string(rune('a'+w*3+i)), mon+Date(7*w+c.off), 7, c.secs, 0, fitness.SportRide)
			acts = append(acts, a)
			loads = append(loads, ActivityLoad{ActivityID: a.ID, TSS: c.tss})
		}
	}
	r := must[WeeklyRhythmResult](t)(WeeklyRhythm(acts, loads, nil))
	if r.Days[0].Weekday != "Monday" || r.Days[0].Sessions != 4 || r.LongSessionDay != "Saturday" {
		t.Fatalf("%+v", r.Days)
	}
	if len(r.MostCommonDays) != 3 || len(r.UsualRestDays) != 4 {
		t.Fatalf("%+v %+v", r.MostCommonDays, r.UsualRestDays)
	}
	if r.HardEasyAlternation == nil {
		t.Fatal("no alternation")
	}
	_, err := WeeklyRhythm(nil, nil, nil)
	wantInsufficient(t, err)
}

func TestSeasonalTrends(t *testing.T) {
	acts := []fitness.Activity{
		act("a", NewDate(2024, 1, 10), 7, 3600, 10000, fitness.SportRun),
		act("b", NewDate(2024, 3, 10), 7, 7200, 20000, fitness.SportRun),
		act("c", NewDate(2025, 1, 10), 7, 5400, 15000, fitness.SportRun),
	}
	r := must[SeasonalResult](t)(SeasonalTrends(acts, nil))
	if len(r.Months) != 13 || r.Months[1].Sessions != 0 || r.PeakMonth != "2024-03" || r.LowestMonth != "2024-02" {
		t.Fatalf("%+v", r)
	}
	if r.ByCalendarMonth[0].Month != "January" || r.ByCalendarMonth[0].Years != 2 || r.ByCalendarMonth[0].AvgDurationSeconds != 4500 {
		t.Fatalf("%+v", r.ByCalendarMonth[0])
	}
	_, err := SeasonalTrends(nil, nil)
	wantInsufficient(t, err)
}

func TestDetectPlateau(t *testing.T) {
	asOf := day0.AddDays(83)
	daily := dailyOf(constant(70, 84)...)
	var flat, better []TrendPoint
	noise := []float64{1, -1, 0.5, -0.5, 0, 1, -1, 0.5, -0.5, 0}
	for i := range 10 {
		d := asOf - Date(40-4*i)
		flat = append(flat, TrendPoint{Time: d.Time(), Value: 1.60 + noise[i]*0.005})
		better = append(better, TrendPoint{Time: d.Time(), Value: 1.50 + 0.01*float64(i)})
	}
	r := must[PlateauResult](t)(DetectPlateau(PlateauInput{Performance: flat, Metric: "efficiency_factor", HigherIsBetter: true, Daily: daily, AsOf: asOf}))
	if !r.Plateau || r.Status != "plateau" || len(r.Suggestions) == 0 {
		t.Fatalf("%+v", r)
	}
	r = must[PlateauResult](t)(DetectPlateau(PlateauInput{Performance: better, Metric: "efficiency_factor", HigherIsBetter: true, Daily: daily, AsOf: asOf}))
	if r.Status != "improving" {
		t.Fatalf("%+v", r)
	}
	less := dailyOf(append(constant(70, 42), constant(40, 42)...)...)
	r = must[PlateauResult](t)(DetectPlateau(PlateauInput{Performance: flat, Metric: "efficiency_factor", HigherIsBetter: true, Daily: less, AsOf: asOf}))
	if r.Status != "reduced_load" || r.Plateau {
		t.Fatalf("%+v", r)
	}
	_, err := DetectPlateau(PlateauInput{Performance: flat[:2], Daily: daily, AsOf: asOf})
	wantInsufficient(t, err)
	_, err = DetectPlateau(PlateauInput{Performance: flat, Daily: daily[:50], AsOf: day0.AddDays(49)})
	wantInsufficient(t, err)
	_, err = DetectPlateau(PlateauInput{Weeks: 1})
	wantInputError(t, err, "weeks")
}

func TestInjuryRisk(t *testing.T) {
	end := NewDate(2025, 6, 29)
	var acts []fitness.Activity
	for blk := 5; blk >= 0; blk-- {
		secs := 5 * 3600
		if blk == 0 {
			secs = 7 * 3600 // +40 %
		}
		for i := range 5 {
			acts = append(acts, act("x", end-Date(7*blk+i), 7, secs/5, 0, fitness.SportRun))
		}
	}
	r := must[InjuryRiskResult](t)(InjuryRisk(acts, nil, end, nil))
	if r.RiskLevel != "high" || r.RampWeeks != 1 || len(r.WeeklyVolumes) != 6 {
		t.Fatalf("%+v", r)
	}
	approx(t, "ramp", *r.WeeklyVolumes[5].ChangePercent, 40, 1e-9)
	// A 15 % ramp is moderate.
	steady := []fitness.Activity{}
	for blk := 5; blk >= 0; blk-- {
		secs := 5 * 3600
		if blk == 0 {
			secs = int(5.75 * 3600) // +15 %
		}
		steady = append(steady, act("y", end-Date(7*blk), 7, secs, 0, fitness.SportRun))
	}
	r = must[InjuryRiskResult](t)(InjuryRisk(steady, nil, end, nil))
	if r.RiskLevel != "moderate" || r.ACWR != nil {
		t.Fatalf("%+v", r)
	}
	// A steady daily load keeps ACWR in the sweet spot: low.
	daily := dailyOf(constant(60, 60)...)
	r = must[InjuryRiskResult](t)(InjuryRisk(nil, daily, daily[59].Date, nil))
	if r.RiskLevel != "low" || r.ACWR.Zone != "sweet_spot" {
		t.Fatalf("%+v", r)
	}
	spike := dailyOf(append(constant(50, 21), constant(100, 7)...)...)
	r = must[InjuryRiskResult](t)(InjuryRisk(nil, spike, spike[27].Date, nil))
	if r.RiskLevel != "high" || r.ACWR == nil || r.ACWR.Zone != "danger" {
		t.Fatalf("%+v", r)
	}
	_, err := InjuryRisk(nil, nil, end, nil)
	wantInsufficient(t, err)
}
