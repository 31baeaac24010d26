package usersettings

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/pierre-fitness/pierre/internal/auth"
	"github.com/pierre-fitness/pierre/internal/intelligence"
	"github.com/pierre-fitness/pierre/internal/store"
)

type memSource struct {
	cfg *UserConfig
	fc  *FitnessConfig
}

func (m memSource) UserConfig(context.Context, string, string) (UserConfig, error) {
	if m.cfg == nil {
		return UserConfig{}, store.ErrNotFound
	}
	return *m.cfg, nil
}

func (m memSource) FitnessConfig(context.Context, string, string, string) (FitnessConfig, error) {
	if m.fc == nil {
		return FitnessConfig{}, store.ErrNotFound
	}
	return *m.fc, nil
}

func TestStoredFallsBackToServerDefaults(t *testing.T) {
	def := intelligence.DefaultAlgorithms()
	def.TSS = intelligence.TSSAvgPower // as if PIERRE_TSS_ALGORITHM=avg_power
	s, err := Stored{Store: memSource{}, Defaults: Defaults{Algorithms: def}}.Settings(context.Background(), auth.Principal{})
	if err != nil || s.Algorithms != def || s.Overrides != (intelligence.AthleteProfile{}) {
		t.Fatalf("no stored configuration gives the env defaults: %+v %v", s, err)
	}
}

func TestStoredAppliesProfileThenChoicesThenOverrides(t *testing.T) {
	src := memSource{
		cfg: &UserConfig{Profile: "Elite", Algorithms: map[string]string{"tss": "avg_power"}, Parameters: Physiology{FTPWatts: 300}},
		fc:  &FitnessConfig{Configuration: FitnessConfiguration{Physiology: Physiology{FTPWatts: 250, RestingHR: 44}}},
	}
	s, err := Stored{Store: src, Defaults: Defaults{Algorithms: intelligence.DefaultAlgorithms()}}.Settings(context.Background(), auth.Principal{})
	if err != nil {
		t.Fatal(err)
	}
	// Profile elite picks nes and 20min_test; the user's own tss choice wins over the profile's normalized_power.
	if s.Profile != "elite" || s.Algorithms.MaxHR != intelligence.MaxHRNes || s.Algorithms.FTP != intelligence.FTP20MinTest || s.Algorithms.TSS != intelligence.TSSAvgPower {
		t.Fatalf("algorithms: %+v", s)
	}
	// The configuration's FTP wins; the default fitness configuration fills the resting HR.
	if s.Overrides.FTPWatts != 300 || s.Overrides.RestingHeartRateBPM != 44 {
		t.Fatalf("overrides: %+v", s.Overrides)
	}
}

func TestApplyNamesTheBadField(t *testing.T) {
	_, err := UserConfig{Profile: "pro"}.Apply(intelligence.DefaultAlgorithms())
	var ie *intelligence.InputError
	if !errors.As(err, &ie) || ie.Field != "profile" || !strings.Contains(err.Error(), "research, elite, recreational, beginner, medical") {
		t.Fatalf("unknown profile: %v", err)
	}
	_, err = UserConfig{Algorithms: map[string]string{"maxhr": "astrand"}}.Apply(intelligence.DefaultAlgorithms())
	if !errors.As(err, &ie) || ie.Field != "algorithms.maxhr" || !strings.Contains(err.Error(), "fox, tanaka, nes, gulati") {
		t.Fatalf("unknown algorithm: %v", err)
	}
	_, err = UserConfig{Algorithms: map[string]string{"speed": "x"}}.Apply(intelligence.DefaultAlgorithms())
	if !errors.As(err, &ie) || ie.Field != "algorithms.speed" || !strings.Contains(err.Error(), "tss") {
		t.Fatalf("unknown key: %v", err)
	}
	if err := checkProfiles(); err != nil {
		t.Fatalf("every profile names real variants: %v", err)
	}
}

func TestPhysiologyValidate(t *testing.T) {
	err := Physiology{FTPWatts: -5, MaxHR: 150, RestingHR: 160, LTHR: 155, AgeYears: 5}.Validate()
	for _, want := range []string{"ftp must be between 50 and 600 W, got -5", "resting_hr (160) must be less than max_hr (150)",
		"lthr (155) must be less than max_hr (150)", "age must be between 10 and 120"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("want %q in %v", want, err)
		}
	}
	if err := (Physiology{FTPWatts: 250, LTHR: 165, MaxHR: 190, RestingHR: 50, WeightKg: 70}).Validate(); err != nil {
		t.Fatal(err)
	}
	bad := FitnessConfiguration{PowerZones: map[string]ZoneRange{"z1": {Min: 200, Max: 100}}}
	if err := bad.Validate(); err == nil || !strings.Contains(err.Error(), "power_zones.z1 max (100) must be greater than min (200)") {
		t.Fatalf("zone: %v", err)
	}
}
