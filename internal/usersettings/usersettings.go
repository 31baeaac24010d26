// Package usersettings is the contract between the tools that store a
// user's configuration (update_user_configuration, set_fitness_config) and
// the analyses that read it: algorithm choices and physiological values
// that override what the provider reports.
package usersettings

import (
	"context"
	"time"

	"github.com/pierre-fitness/pierre/internal/auth"
	"github.com/pierre-fitness/pierre/internal/fitness"
	"github.com/pierre-fitness/pierre/internal/intelligence"
)

// Settings are what an analysis needs to know about the user beyond the
// provider's data.
type Settings struct {
	// Algorithms are the server defaults (PIERRE_*_ALGORITHM) with the
	// user's own choices applied.
	Algorithms intelligence.Algorithms `json:"algorithms"`
	// Profile names the configuration profile the user chose ("" = none).
	Profile string `json:"profile,omitempty"`
	// Overrides holds values the user set; zero fields are unset.
	Overrides intelligence.AthleteProfile `json:"overrides"`
}

// Reader returns a user's settings.
type Reader interface {
	Settings(ctx context.Context, p auth.Principal) (Settings, error)
}

// Defaults is a Reader giving every user the server's algorithm defaults
// and no overrides. It stands in where no stored configuration exists.
type Defaults struct{ Algorithms intelligence.Algorithms }

// Settings implements Reader.
func (d Defaults) Settings(context.Context, auth.Principal) (Settings, error) {
	return Settings{Algorithms: d.Algorithms}, nil
}

// AthleteProfile is the profile analyses use: the provider's athlete, then
// the user's overrides on top, then estimates for what is still missing
// (with the selected estimation algorithms).
func (s Settings) AthleteProfile(a *fitness.Athlete, on time.Time) intelligence.AthleteProfile {
	p := intelligence.ProfileFromAthlete(a, on)
	o := s.Overrides
	set := func(dst *float64, v float64) {
		if v > 0 {
			*dst = v
		}
	}
	if o.AgeYears > 0 {
		p.AgeYears = o.AgeYears
	}
	if o.Sex != fitness.SexUnknown {
		p.Sex = o.Sex
	}
	set(&p.WeightKg, o.WeightKg)
	set(&p.FTPWatts, o.FTPWatts)
	set(&p.LTHRBPM, o.LTHRBPM)
	set(&p.MaxHeartRateBPM, o.MaxHeartRateBPM)
	set(&p.RestingHeartRateBPM, o.RestingHeartRateBPM)
	set(&p.VO2maxMlKgMin, o.VO2maxMlKgMin)
	return p.WithEstimates(s.Algorithms)
}
