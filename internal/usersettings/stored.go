package usersettings

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/pierre-fitness/pierre/internal/auth"
	"github.com/pierre-fitness/pierre/internal/fitness"
	"github.com/pierre-fitness/pierre/internal/intelligence"
	"github.com/pierre-fitness/pierre/internal/store"
)

// Physiology holds the values a user sets to override what providers
// report, with the wire names of update_user_configuration and the seed's
// fitness-configuration object. Zero means not set.
type Physiology struct {
	FTPWatts  float64     `json:"ftp,omitempty"`
	LTHR      float64     `json:"lthr,omitempty"`
	MaxHR     float64     `json:"max_hr,omitempty"`
	RestingHR float64     `json:"resting_hr,omitempty"`
	WeightKg  float64     `json:"weight_kg,omitempty"`
	VO2max    float64     `json:"vo2_max,omitempty"`
	AgeYears  int         `json:"age,omitempty"`
	Sex       fitness.Sex `json:"sex,omitempty"`
}

// Validate applies validate_configuration's bounds (intelligence
// .ValidateConfiguration: ftp 50–600 W, max_hr 100–220, resting_hr 30–100,
// lthr 100–200 bpm, vo2_max 20–90, weight_kg 20–300, resting < lthr <
// max) plus age 10–120 and a known sex. Every problem is reported; each is
// an *intelligence.InputError naming the field (LTHR is named "lthr").
func (p Physiology) Validate() error {
	var errs []error
	err := intelligence.ValidateConfiguration(intelligence.ConfigurationParameters{
		MaxHR: p.MaxHR, RestingHR: p.RestingHR, ThresholdHR: p.LTHR, VO2max: p.VO2max, FTP: p.FTPWatts, WeightKg: p.WeightKg,
	})
	for _, e := range unjoin(err) {
		var ie *intelligence.InputError
		if errors.As(e, &ie) {
			// The engine's name is threshold_hr; Pierre's parameter is lthr.
			e = &intelligence.InputError{Field: strings.ReplaceAll(ie.Field, "threshold_hr", "lthr"), Reason: strings.ReplaceAll(ie.Reason, "threshold_hr", "lthr")}
		}
		errs = append(errs, e)
	}
	if p.AgeYears != 0 && (p.AgeYears < 10 || p.AgeYears > 120) {
		errs = append(errs, &intelligence.InputError{Field: "age", Reason: fmt.Sprintf("must be between 10 and 120 years, got %d", p.AgeYears)})
	}
	if p.Sex != fitness.SexUnknown && p.Sex != fitness.SexMale && p.Sex != fitness.SexFemale {
		errs = append(errs, &intelligence.InputError{Field: "sex", Reason: fmt.Sprintf("must be male or female, got %q", p.Sex)})
	}
	return errors.Join(errs...)
}

// unjoin splits an errors.Join result into its parts.
func unjoin(err error) []error {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

// FillFrom sets every unset field of p from o.
func (p Physiology) FillFrom(o Physiology) Physiology {
	fill := func(dst *float64, v float64) {
		if *dst == 0 {
			*dst = v
		}
	}
	fill(&p.FTPWatts, o.FTPWatts)
	fill(&p.LTHR, o.LTHR)
	fill(&p.MaxHR, o.MaxHR)
	fill(&p.RestingHR, o.RestingHR)
	fill(&p.WeightKg, o.WeightKg)
	fill(&p.VO2max, o.VO2max)
	if p.AgeYears == 0 {
		p.AgeYears = o.AgeYears
	}
	if p.Sex == fitness.SexUnknown {
		p.Sex = o.Sex
	}
	return p
}

// Overrides converts p to the profile fields Settings.Overrides holds.
func (p Physiology) Overrides() intelligence.AthleteProfile {
	return intelligence.AthleteProfile{AgeYears: p.AgeYears, Sex: p.Sex, WeightKg: p.WeightKg, FTPWatts: p.FTPWatts,
		LTHRBPM: p.LTHR, MaxHeartRateBPM: p.MaxHR, RestingHeartRateBPM: p.RestingHR, VO2maxMlKgMin: p.VO2max}
}

// UserConfig is a user's stored configuration: a profile (a preset of
// algorithm choices), per-algorithm choices on top of it (catalog key →
// variant), and physiological overrides.
type UserConfig struct {
	Profile    string            `json:"profile,omitempty"`
	Algorithms map[string]string `json:"algorithms,omitempty"`
	Parameters Physiology        `json:"parameters"`
	UpdatedAt  time.Time         `json:"updated_at"`
}

// Apply resolves c against the server's algorithm defaults: defaults, then
// the profile's choices, then the user's own. An unknown profile or
// algorithm is an error naming it ("profile", "algorithms.<key>").
func (c UserConfig) Apply(defaults intelligence.Algorithms) (Settings, error) {
	s := Settings{Algorithms: defaults, Overrides: c.Parameters.Overrides()}
	if c.Profile != "" {
		p, ok := ProfileByName(c.Profile)
		if !ok {
			return s, &intelligence.InputError{Field: "profile", Reason: fmt.Sprintf("%q is not a known profile; allowed values: %s", c.Profile, profileNames())}
		}
		s.Profile = p.Name
		for _, k := range intelligence.AlgorithmKeys() {
			if v, ok := p.Algorithms[k]; ok {
				a, err := s.Algorithms.WithChoice(k, v)
				if err != nil {
					return s, fmt.Errorf("profile %s: %w", p.Name, err)
				}
				s.Algorithms = a
			}
		}
	}
	keys := make([]string, 0, len(c.Algorithms))
	for k := range c.Algorithms {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		a, err := s.Algorithms.WithChoice(k, c.Algorithms[k])
		if err != nil {
			return s, algorithmInputError(err)
		}
		s.Algorithms = a
	}
	return s, nil
}

// algorithmInputError turns an *intelligence.AlgorithmError into an input
// error naming "algorithms.<key>" and listing the allowed values.
func algorithmInputError(err error) error {
	var ae *intelligence.AlgorithmError
	if !errors.As(err, &ae) {
		return err
	}
	field := "algorithms." + ae.Variable
	if ae.Variable == "algorithm" {
		field = "algorithms." + ae.Value
		return &intelligence.InputError{Field: field, Reason: "is not a known algorithm; allowed keys: " + joinNames(ae.Allowed)}
	}
	reason := fmt.Sprintf("%q is not a known algorithm; allowed values: %s", ae.Value, joinNames(ae.Allowed))
	if ae.Reason != "" {
		reason = fmt.Sprintf("%q is not supported (%s); allowed values: %s", ae.Value, ae.Reason, joinNames(ae.Allowed))
	}
	return &intelligence.InputError{Field: field, Reason: reason}
}

// DefaultFitnessConfig is the fitness configuration analyses read.
const DefaultFitnessConfig = "default"

// ZoneRange is one zone of a fitness configuration, in bpm or watts.
type ZoneRange struct {
	Min float64 `json:"min"`
	Max float64 `json:"max"`
}

// FitnessConfiguration is the seed's named fitness configuration: custom
// heart-rate and power zones plus physiological values.
type FitnessConfiguration struct {
	Physiology
	HeartRateZones map[string]ZoneRange `json:"heart_rate_zones,omitempty"`
	PowerZones     map[string]ZoneRange `json:"power_zones,omitempty"`
}

// Validate checks the physiology and every zone (0 ≤ min < max, at most
// ten zones, names of 1–32 characters).
func (f FitnessConfiguration) Validate() error {
	errs := unjoin(f.Physiology.Validate())
	check := func(field string, zones map[string]ZoneRange, hi float64) {
		if len(zones) > 10 {
			errs = append(errs, &intelligence.InputError{Field: field, Reason: fmt.Sprintf("must have at most 10 zones, got %d", len(zones))})
			return
		}
		for name, z := range zones {
			f := field + "." + name
			switch {
			case name == "" || len(name) > 32:
				errs = append(errs, &intelligence.InputError{Field: field, Reason: "zone names must be 1–32 characters"})
			case z.Min < 0 || z.Max > hi:
				errs = append(errs, &intelligence.InputError{Field: f, Reason: fmt.Sprintf("must lie between 0 and %g, got %g–%g", hi, z.Min, z.Max)})
			case z.Max <= z.Min:
				errs = append(errs, &intelligence.InputError{Field: f, Reason: fmt.Sprintf("max (%g) must be greater than min (%g)", z.Max, z.Min)})
			}
		}
	}
	check("heart_rate_zones", f.HeartRateZones, 250)
	check("power_zones", f.PowerZones, 3000)
	return errors.Join(errs...)
}

// FitnessConfig is a stored, named fitness configuration.
type FitnessConfig struct {
	Name          string               `json:"configuration_name"`
	Configuration FitnessConfiguration `json:"configuration"`
	CreatedAt     time.Time            `json:"created_at"`
	UpdatedAt     time.Time            `json:"updated_at"`
}

// ConfigStore stores each user's configuration. Every method is scoped by
// tenant and user; another user's or tenant's data is store.ErrNotFound.
type ConfigStore interface {
	// UserConfig returns store.ErrNotFound when the user has stored none.
	UserConfig(ctx context.Context, tenantID, userID string) (UserConfig, error)
	PutUserConfig(ctx context.Context, tenantID, userID string, c UserConfig) error
}

// FitnessConfigStore stores named fitness configurations.
type FitnessConfigStore interface {
	// PutFitnessConfig creates or replaces the configuration c.Name; it
	// reports whether it was created.
	PutFitnessConfig(ctx context.Context, tenantID, userID string, c FitnessConfig) (created bool, err error)
	FitnessConfig(ctx context.Context, tenantID, userID, name string) (FitnessConfig, error)
	// ListFitnessConfigs lists by name.
	ListFitnessConfigs(ctx context.Context, tenantID, userID string) ([]FitnessConfig, error)
	DeleteFitnessConfig(ctx context.Context, tenantID, userID, name string) error
}

// ConfigSource is what Stored reads.
type ConfigSource interface {
	UserConfig(ctx context.Context, tenantID, userID string) (UserConfig, error)
	FitnessConfig(ctx context.Context, tenantID, userID, name string) (FitnessConfig, error)
}

// Stored is the Reader over stored configurations: the server defaults,
// then the user's profile and algorithm choices, then the overrides of
// update_user_configuration, with values still unset taken from the
// "default" fitness configuration (set_fitness_config).
type Stored struct {
	Store    ConfigSource
	Defaults Defaults
}

// Settings implements Reader.
func (s Stored) Settings(ctx context.Context, p auth.Principal) (Settings, error) {
	c, err := s.Store.UserConfig(ctx, p.TenantID, p.UserID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return Settings{}, fmt.Errorf("load user configuration: %w", err)
	}
	fc, err := s.Store.FitnessConfig(ctx, p.TenantID, p.UserID, DefaultFitnessConfig)
	switch {
	case err == nil:
		c.Parameters = c.Parameters.FillFrom(fc.Configuration.Physiology)
	case !errors.Is(err, store.ErrNotFound):
		return Settings{}, fmt.Errorf("load fitness configuration: %w", err)
	}
	set, err := c.Apply(s.Defaults.Algorithms)
	if err != nil {
		return Settings{}, fmt.Errorf("stored configuration: %w", err)
	}
	return set, nil
}

func joinNames(n []string) string { return strings.Join(n, ", ") }
