package intelligence

import (
	"math"
	"testing"
	"time"
)

var day0 = NewDate(2025, time.January, 1)

func dailyOf(tss ...float64) []DailyLoad {
	out := make([]DailyLoad, len(tss))
	for i, v := range tss {
		out[i] = DailyLoad{Date: day0.AddDays(i), TSS: v}
	}
	return out
}

func TestDailyTSSSeries(t *testing.T) {
	loads := []ActivityLoad{
		{ActivityID: "a", Date: day0, TSS: 60},
		{ActivityID: "b", Date: day0, TSS: 40}, // same day: summed
		{ActivityID: "c", Date: day0.AddDays(3), TSS: 80},
		{ActivityID: "d", Date: day0.AddDays(10), TSS: 999}, // outside: ignored
	}
	d := must[[]DailyLoad](t)(DailyTSSSeries(loads, day0, day0.AddDays(4)))
	want := []float64{100, 0, 0, 80, 0}
	if len(d) != 5 {
		t.Fatalf("%d days", len(d))
	}
	for i, w := range want {
		if d[i].TSS != w || d[i].Date != day0.AddDays(i) {
			t.Errorf("day %d = %+v, want TSS %v", i, d[i], w)
		}
	}
	if d[0].Activities != 2 {
		t.Errorf("activities %d", d[0].Activities)
	}
	_, err := DailyTSSSeries(loads, day0.AddDays(5), day0)
	ie := wantInputError(t, err, "to")
	if ie.Error() != "to (2025-01-01) must not be before from (2025-01-06)" {
		t.Fatal(ie.Error())
	}
	_, err = DailyTSSSeries([]ActivityLoad{{Date: day0, TSS: -1}}, day0, day0)
	wantInputError(t, err, "loads[0].tss")
	_, err = DailyTSSSeries(nil, day0, day0.AddDays(MaxSeriesDays))
	wantInputError(t, err, "to")
}

// 100 TSS a day for 42 days from zero (TrainingPeaks model):
// CTL = 100·(1 − (41/42)^42), ATL = 100·(1 − (6/7)^42).
func TestTrainingPeaks42Days(t *testing.T) {
	r := must[TrainingLoadResult](t)(ComputeTrainingLoad(LoadTrainingPeaks, dailyOf(constant(100, 42)...), LoadOptions{}))
	wantCTL := 100 * (1 - math.Pow(41.0/42, 42))
	wantATL := 100 * (1 - math.Pow(6.0/7, 42))
	approx(t, "CTL closed form", r.CTL, wantCTL, 1e-9)
	approx(t, "ATL closed form", r.ATL, wantATL, 1e-9)
	approx(t, "CTL", r.CTL, 63.7, 0.05)
	approx(t, "ATL", r.ATL, 99.85, 0.005)
	approx(t, "TSB", r.TSB, -36.19, 0.005)
	if r.FormStatus != "overreached" || r.RampRatePerWeek == nil {
		t.Fatalf("%+v", r.FormStatus)
	}
	// CTL rose from day 35 to day 42 by 100·((41/42)^35 − (41/42)^42).
	approx(t, "ramp", *r.RampRatePerWeek, 100*(math.Pow(41.0/42, 35)-math.Pow(41.0/42, 42)), 1e-9)

	// One rest day decays both: CTL × 41/42, ATL × 6/7.
	r2 := must[TrainingLoadResult](t)(ComputeTrainingLoad(LoadTrainingPeaks, dailyOf(append(constant(100, 42), 0)...), LoadOptions{}))
	approx(t, "CTL after rest", r2.CTL, wantCTL*41/42, 1e-9)
	approx(t, "ATL after rest", r2.ATL, wantATL*6/7, 1e-9)

	// Same-day sum: two 50s equal one 100.
	loads := []ActivityLoad{}
	for i := range 42 {
		loads = append(loads, ActivityLoad{Date: day0.AddDays(i), TSS: 50}, ActivityLoad{Date: day0.AddDays(i), TSS: 50})
	}
	d := must[[]DailyLoad](t)(DailyTSSSeries(loads, day0, day0.AddDays(41)))
	r3 := must[TrainingLoadResult](t)(ComputeTrainingLoad(LoadTrainingPeaks, d, LoadOptions{}))
	approx(t, "CTL same-day sum", r3.CTL, wantCTL, 1e-9)
}

// The seed's EMA (α = 2/(N+1)); values recomputed in ch18-22 §6.2.
func TestEMAVectors(t *testing.T) {
	r := must[TrainingLoadResult](t)(ComputeTrainingLoad(LoadEMA, dailyOf(100, 80, 120, 60, 110, 90, 140), LoadOptions{}))
	wantATL := []float64{25.0, 38.75, 59.06, 59.30, 71.97, 76.48, 92.36}
	wantCTL := []float64{4.65, 8.16, 13.36, 15.53, 19.92, 23.18, 28.61}
	for i, p := range r.Series {
		approx(t, "ATL", p.ATL, wantATL[i], 0.006)
		approx(t, "CTL", p.CTL, wantCTL[i], 0.006)
	}
	approx(t, "TSB", r.TSB, -63.75, 0.006)
	gap := must[TrainingLoadResult](t)(ComputeTrainingLoad(LoadEMA, dailyOf(append(constant(100, 7), constant(0, 7)...)...), LoadOptions{}))
	approx(t, "day-7 ATL", gap.Series[6].ATL, 86.65, 0.006)
	approx(t, "day-14 ATL", gap.ATL, 11.57, 0.006)
	approx(t, "day-14 CTL", gap.CTL, 20.31, 0.006)
	approx(t, "day-14 TSB", gap.TSB, 8.74, 0.01)
}

func TestSMAWMAKalman(t *testing.T) {
	tss := []float64{10, 20, 30, 40, 50, 60, 70, 80, 90, 100}
	opts := LoadOptions{CTLDays: 4, ATLDays: 2}
	sma := must[TrainingLoadResult](t)(ComputeTrainingLoad(LoadSMA, dailyOf(tss...), opts))
	approx(t, "SMA CTL", sma.CTL, (70+80+90+100)/4.0, 1e-9)
	approx(t, "SMA ATL", sma.ATL, 95, 1e-9)
	approx(t, "SMA day 1 zero-padded", sma.Series[0].CTL, 10.0/4, 1e-9)
	wma := must[TrainingLoadResult](t)(ComputeTrainingLoad(LoadWMA, dailyOf(tss...), opts))
	for i, p := range wma.Series {
		var num float64
		for k := 1; k <= 4; k++ { // brute force, zero padding
			if j := i - 4 + k; j >= 0 {
				num += float64(k) * tss[j]
			}
		}
		approx(t, "WMA CTL", p.CTL, num/10, 1e-9)
	}
	kal := must[TrainingLoadResult](t)(ComputeTrainingLoad(LoadKalman, dailyOf(constant(80, 200)...), LoadOptions{}))
	approx(t, "Kalman first day", kal.Series[0].CTL, 80, 1e-6)
	approx(t, "Kalman constant", kal.CTL, 80, 1e-6)
	// After convergence the gain is 1/42: one rest day takes 1/42 off.
	kal2 := must[TrainingLoadResult](t)(ComputeTrainingLoad(LoadKalman, dailyOf(append(constant(80, 2000), 0)...), LoadOptions{}))
	approx(t, "Kalman steady gain", kal2.CTL, 80*41.0/42, 1e-3)
}

func TestTrainingLoadBadInput(t *testing.T) {
	d := dailyOf(1, 2, 3)
	d[2].Date = d[1].Date
	_, err := ComputeTrainingLoad(LoadTrainingPeaks, d, LoadOptions{})
	wantInputError(t, err, "daily[2].date")
	_, err = ComputeTrainingLoad(LoadTrainingPeaks, dailyOf(1, -2), LoadOptions{})
	wantInputError(t, err, "daily[1].tss")
	_, err = ComputeTrainingLoad("banister", dailyOf(1), LoadOptions{})
	wantInputError(t, err, "algorithm")
	_, err = ComputeTrainingLoad(LoadTrainingPeaks, dailyOf(1), LoadOptions{CTLDays: -3})
	wantInputError(t, err, "ctl_days")
	_, err = ComputeTrainingLoad(LoadTrainingPeaks, nil, LoadOptions{})
	wantInsufficient(t, err)
}

func TestFormStatus(t *testing.T) {
	for _, c := range []struct {
		tsb  float64
		want string
	}{{30, "peaked"}, {25, "fresh"}, {12, "fresh"}, {10, "balanced"}, {-10, "balanced"}, {-10.5, "fatigued"}, {-30, "fatigued"}, {-31, "overreached"}} {
		s, msg := FormStatus(c.tsb)
		if s != c.want || msg == "" {
			t.Errorf("FormStatus(%v) = %s", c.tsb, s)
		}
	}
	if _, msg := FormStatus(12); msg != "Fresh: TSB +12 — good day for intensity or a race" {
		t.Error(msg)
	}
}

func TestFosterMonotony(t *testing.T) {
	d := dailyOf(100, 0, 100, 0, 100, 0, 100)
	m := must[MonotonyResult](t)(FosterMonotony(d, d[6].Date))
	mean := 400.0 / 7
	var ss float64
	for _, x := range []float64{100, 0, 100, 0, 100, 0, 100} {
		ss += (x - mean) * (x - mean)
	}
	sd := math.Sqrt(ss / 6)
	approx(t, "monotony", *m.Monotony, mean/sd, 1e-12)
	approx(t, "strain", *m.Strain, 400*mean/sd, 1e-9)
	if m.HighMonotony {
		t.Fatal("alternating week is not monotonous")
	}
	same := dailyOf(60, 60, 60, 60, 60, 60, 60)
	m = must[MonotonyResult](t)(FosterMonotony(same, same[6].Date))
	if m.Monotony != nil || !m.HighMonotony {
		t.Fatalf("%+v", m)
	}
	hi := dailyOf(90, 100, 110, 100, 95, 105, 100)
	m = must[MonotonyResult](t)(FosterMonotony(hi, hi[6].Date))
	if !m.HighMonotony {
		t.Fatal("similar loads should be monotonous")
	}
	_, err := FosterMonotony(d[:5], d[4].Date)
	wantInsufficient(t, err)
	_, err = FosterMonotony(d, d[6].Date+1)
	wantInputError(t, err, "end")
}

func TestACWR(t *testing.T) {
	d := dailyOf(append(constant(50, 21), constant(100, 7)...)...)
	a := must[ACWRResult](t)(AcuteChronicWorkloadRatio(d, d[27].Date, ""))
	approx(t, "acute", a.Acute, 100, 1e-9)
	approx(t, "chronic", a.Chronic, (21*50+7*100)/28.0, 1e-9)
	approx(t, "ACWR", a.ACWR, 1.6, 1e-9)
	if a.Zone != "danger" || a.Method != ACWRRollingAverage {
		t.Fatalf("%+v", a)
	}
	steady := dailyOf(constant(50, 60)...)
	e := must[ACWRResult](t)(AcuteChronicWorkloadRatio(steady, steady[59].Date, ACWREWMA))
	if e.Zone != "sweet_spot" || e.ACWR < 1 {
		t.Fatalf("steady EWMA %+v", e)
	}
	_, err := AcuteChronicWorkloadRatio(d[:20], d[19].Date, "")
	wantInsufficient(t, err)
	_, err = AcuteChronicWorkloadRatio(d, d[27].Date, "coupled")
	wantInputError(t, err, "method")
}

func TestConsecutiveHardDays(t *testing.T) {
	r := must[TrainingLoadResult](t)(ComputeTrainingLoad(LoadTrainingPeaks, dailyOf(append(constant(50, 42), 120, 130, 140)...), LoadOptions{}))
	if n := ConsecutiveHardDays(r.Series, HardDayOptions{}); n != 3 {
		t.Fatalf("hard days %d, want 3", n)
	}
	r = must[TrainingLoadResult](t)(ComputeTrainingLoad(LoadTrainingPeaks, dailyOf(constant(100, 200)...), LoadOptions{}))
	if n := ConsecutiveHardDays(r.Series, HardDayOptions{}); n != 0 {
		t.Fatalf("steady load: %d hard days", n)
	}
}
