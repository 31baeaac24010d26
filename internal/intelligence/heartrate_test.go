package intelligence

import (
	"strings"
	"testing"

	"github.com/pierre-fitness/pierre/internal/fitness"
)

// ch01-04 §8 item 22 (age 30) and §4.5 (age 40).
func TestMaxHeartRateVectors(t *testing.T) {
	cases := []struct {
		algo MaxHRAlgorithm
		sex  fitness.Sex
		age  int
		want int
		used MaxHRAlgorithm
	}{
		{MaxHRFox, fitness.SexMale, 30, 190, MaxHRFox},
		{MaxHRTanaka, fitness.SexMale, 30, 187, MaxHRTanaka},
		{MaxHRNes, fitness.SexMale, 30, 191, MaxHRNes},
		{MaxHRGulati, fitness.SexFemale, 30, 179, MaxHRGulati},
		{MaxHRGulati, fitness.SexMale, 30, 187, MaxHRTanaka},
		{MaxHRGulati, fitness.SexUnknown, 30, 187, MaxHRTanaka},
		{MaxHRFox, fitness.SexMale, 40, 180, MaxHRFox},
		{MaxHRTanaka, fitness.SexMale, 40, 180, MaxHRTanaka},
		{MaxHRNes, fitness.SexMale, 40, 185, MaxHRNes},
		{MaxHRGulati, fitness.SexFemale, 40, 170, MaxHRGulati},
	}
	for _, c := range cases {
		r := must[MaxHRResult](t)(MaxHeartRate(c.algo, c.age, c.sex))
		if r.MaxHeartRateBPM != c.want || r.FormulaUsed != c.used {
			t.Errorf("%s(%s, %d) = %d via %s, want %d via %s", c.algo, c.sex, c.age, r.MaxHeartRateBPM, r.FormulaUsed, c.want, c.used)
		}
	}
	// Truncation toward zero, not rounding: nes(30) = 191.8 → 191.
	r := must[MaxHRResult](t)(MaxHeartRate(MaxHRNes, 30, ""))
	approx(t, "nes formula", r.FormulaValueBPM, 191.8, 1e-9)
}

func TestMaxHeartRateBadInput(t *testing.T) {
	_, err := MaxHeartRate(MaxHRTanaka, 5, "")
	wantInputError(t, err, "age")
	_, err = MaxHeartRate("unknown", 30, "")
	wantInputError(t, err, "algorithm")
}

func TestHeartRateTSS(t *testing.T) {
	approx(t, "1 h at LTHR", must[HRTSSResult](t)(HeartRateTSS(3600, 165, 165)).HRTSS, 100, 1e-9)
	approx(t, "135 bpm 1 h", must[HRTSSResult](t)(HeartRateTSS(3600, 135, 165)).HRTSS, 66.94, 0.005)
	approx(t, "155 bpm 1.5 h", must[HRTSSResult](t)(HeartRateTSS(5400, 155, 165)).HRTSS, 132.37, 0.005)
	_, err := HeartRateTSS(3600, 135, 0)
	wantInputError(t, err, "lthr_bpm")
	_, err = HeartRateTSS(-1, 135, 165)
	wantInputError(t, err, "duration_seconds")
}

func TestTRIMPBanister(t *testing.T) {
	// HR 125 with rest 60, max 190: ΔHRr = 0.5.
	base := TRIMPInput{DurationSeconds: 3600, AverageHeartRateBPM: 125, RestingHeartRateBPM: 60, MaxHeartRateBPM: 190}
	male := base
	male.Sex = fitness.SexMale
	r := must[TRIMPResult](t)(TRIMP(TRIMPBannister, male))
	approx(t, "male", r.TRIMP, 50.14457, 1e-4) // 60 × 0.5 × 0.64 × e^0.96
	if r.Method != "bannister_male" || r.Note != "" {
		t.Fatalf("%+v", r)
	}
	female := base
	female.Sex = fitness.SexFemale
	r = must[TRIMPResult](t)(TRIMP(TRIMPBannister, female))
	approx(t, "female", r.TRIMP, 59.46420, 1e-4) // 60 × 0.5 × 0.86 × e^0.835
	// Forced constants ignore the athlete's sex.
	r = must[TRIMPResult](t)(TRIMP(TRIMPBannisterMale, female))
	if r.Method != "bannister_male" {
		t.Fatal(r.Method)
	}
	// Unknown sex: male constants, said so.
	r = must[TRIMPResult](t)(TRIMP(TRIMPBannister, base))
	if !strings.Contains(r.Note, "sex unknown") {
		t.Fatal(r.Note)
	}
	// A constant stream gives the same TRIMP as its average.
	s := male
	s.HeartRateBPM = constant(125, 3600)
	rs := must[TRIMPResult](t)(TRIMP(TRIMPBannister, s))
	approx(t, "stream", rs.TRIMP, 50.14457, 1e-4)
	if !rs.FromStream {
		t.Fatal("stream not used")
	}
}

func TestTRIMPZoneModels(t *testing.T) {
	// 30 min at 65 % of max (zone 2) and 30 min at 85 % (zone 4).
	hr := append(constant(0.65*200, 1800), constant(0.85*200, 1800)...)
	r := must[TRIMPResult](t)(TRIMP(TRIMPEdwards, TRIMPInput{HeartRateBPM: hr, MaxHeartRateBPM: 200}))
	approx(t, "edwards", r.TRIMP, 30*2+30*4, 1e-9)
	if len(r.ZoneMinutes) != 5 {
		t.Fatal(r.ZoneMinutes)
	}
	// Lucia with measured thresholds VT1 140, VT2 165.
	hr = append(append(constant(130, 1200), constant(150, 1200)...), constant(170, 1200)...)
	r = must[TRIMPResult](t)(TRIMP(TRIMPLucia, TRIMPInput{HeartRateBPM: hr, VT1BPM: 140, VT2BPM: 165}))
	approx(t, "lucia", r.TRIMP, 20*1+20*2+20*3, 1e-9)
	// Hybrid without resting HR falls back to Edwards.
	r = must[TRIMPResult](t)(TRIMP(TRIMPHybrid, TRIMPInput{HeartRateBPM: constant(130, 600), MaxHeartRateBPM: 200}))
	if r.Method != "edwards" || r.Algorithm != TRIMPHybrid {
		t.Fatalf("%+v", r)
	}
}

func TestTRIMPBadInput(t *testing.T) {
	_, err := TRIMP(TRIMPBannister, TRIMPInput{DurationSeconds: 60, AverageHeartRateBPM: 150, RestingHeartRateBPM: 140, MaxHeartRateBPM: 130})
	ie := wantInputError(t, err, "resting_heart_rate_bpm")
	if ie.Error() != "resting_heart_rate_bpm (140) must be less than max_heart_rate_bpm (130)" {
		t.Fatal(ie.Error())
	}
	_, err = TRIMP(TRIMPBannister, TRIMPInput{DurationSeconds: 60, AverageHeartRateBPM: 150})
	wantInsufficient(t, err)
	_, err = TRIMP(TRIMPEdwards, TRIMPInput{})
	wantInsufficient(t, err)
	_, err = TRIMP(TRIMPEdwards, TRIMPInput{HeartRateBPM: []float64{120, 300}, MaxHeartRateBPM: 190})
	wantInputError(t, err, "heart_rate_bpm[1]")
	_, err = TRIMP(TRIMPLucia, TRIMPInput{HeartRateBPM: []float64{120}, VT1BPM: 170, VT2BPM: 160})
	wantInputError(t, err, "vt1_bpm")
	_, err = TRIMP("trimp", TRIMPInput{DurationSeconds: 60, AverageHeartRateBPM: 150})
	wantInputError(t, err, "algorithm")
}
