package usersettings

import (
	"testing"
	"time"

	"github.com/pierre-fitness/pierre/internal/fitness"
	"github.com/pierre-fitness/pierre/internal/intelligence"
)

func TestOverridesWinOverProviderValues(t *testing.T) {
	on := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	a := &fitness.Athlete{BirthDate: "1990-01-01", Sex: fitness.SexMale, FTPWatts: fitness.Float(250), MaxHeartRate: fitness.Float(190), WeightKg: fitness.Float(70)}
	s := Settings{Algorithms: intelligence.DefaultAlgorithms(), Overrides: intelligence.AthleteProfile{FTPWatts: 265, RestingHeartRateBPM: 48}}
	p := s.AthleteProfile(a, on)
	if p.FTPWatts != 265 || p.MaxHeartRateBPM != 190 || p.RestingHeartRateBPM != 48 || p.WeightKg != 70 || p.AgeYears != 36 {
		t.Fatalf("merged profile %+v", p)
	}
	// Nothing known about max HR: estimated from age with the selected formula (tanaka: 208 - 0.7*36 = 182.8).
	p = Settings{Algorithms: intelligence.DefaultAlgorithms()}.AthleteProfile(&fitness.Athlete{BirthDate: "1990-01-01"}, on)
	if p.MaxHeartRateBPM < 182 || p.MaxHeartRateBPM > 183 {
		t.Fatalf("estimated max HR %v", p.MaxHeartRateBPM)
	}
}
