package intelligence

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/pierre-fitness/pierre/internal/fitness"
)

// The seed's validation messages (ch18-22 §3.12 and §6.2).
func TestValidateConfiguration(t *testing.T) {
	err := ValidateConfiguration(ConfigurationParameters{MaxHR: 150, RestingHR: 60})
	if err != nil {
		t.Fatal(err)
	}
	err = ValidateConfiguration(ConfigurationParameters{MaxHR: 150, RestingHR: 160})
	if err == nil || !strings.Contains(err.Error(), "resting_hr (160) must be less than max_hr (150)") {
		t.Fatalf("%v", err)
	}
	err = ValidateConfiguration(ConfigurationParameters{MaxHR: 250})
	if err == nil || err.Error() != "max_hr must be between 100 and 220 bpm, got 250" {
		t.Fatalf("%v", err)
	}
	var ie *InputError
	if !errors.As(err, &ie) || ie.Field != "max_hr" {
		t.Fatalf("%#v", err)
	}
	err = ValidateConfiguration(ConfigurationParameters{MaxHR: 180, RestingHR: 50, ThresholdHR: 185})
	if err == nil || err.Error() != "threshold_hr (185) must be less than max_hr (180)" {
		t.Fatalf("%v", err)
	}
	err = ValidateConfiguration(ConfigurationParameters{RestingHR: 60, ThresholdHR: 55, FTP: 700, VO2max: 10})
	for _, s := range []string{"threshold_hr must be between 100 and 200 bpm, got 55", "ftp must be between 50 and 600 W, got 700", "vo2_max must be", "resting_hr (60) must be less than threshold_hr (55)"} {
		if err == nil || !strings.Contains(err.Error(), s) {
			t.Errorf("%v lacks %q", err, s)
		}
	}
}

func TestProfile(t *testing.T) {
	a := &fitness.Athlete{Sex: fitness.SexFemale, BirthDate: "1995-06-15", WeightKg: fitness.Float(60), FTPWatts: fitness.Float(220), RestingHeartRate: fitness.Float(52)}
	p := ProfileFromAthlete(a, time.Date(2025, 6, 14, 0, 0, 0, 0, time.UTC))
	if p.AgeYears != 29 || p.FTPWatts != 220 || p.WeightKg != 60 || p.MaxHeartRateBPM != 0 {
		t.Fatalf("%+v", p)
	}
	algos := DefaultAlgorithms()
	algos.MaxHR = MaxHRGulati
	e := p.WithEstimates(algos)
	if e.MaxHeartRateBPM != 180 || e.LTHRBPM != 0.88*180 { // 206 − 0.88 × 29 = 180.48
		t.Fatalf("%+v", e)
	}
	if err := e.Validate(); err != nil {
		t.Fatal(err)
	}
	e.RestingHeartRateBPM = 190
	if err := e.Validate(); err == nil {
		t.Fatal("resting above max accepted")
	}
	if (ProfileFromAthlete(nil, time.Now()) != AthleteProfile{}) {
		t.Fatal("nil athlete")
	}
}
