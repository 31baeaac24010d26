package configtools

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/pierre-fitness/pierre/internal/auth"
	"github.com/pierre-fitness/pierre/internal/fitness"
	"github.com/pierre-fitness/pierre/internal/intelligence"
	"github.com/pierre-fitness/pierre/internal/store"
	"github.com/pierre-fitness/pierre/internal/tools"
	"github.com/pierre-fitness/pierre/internal/usersettings"
)

// parameterBound documents one validated parameter.
type parameterBound struct {
	Name        string  `json:"name"`
	Unit        string  `json:"unit"`
	Min         float64 `json:"min"`
	Max         float64 `json:"max"`
	Description string  `json:"description"`
}

// parameterBounds mirror usersettings.Physiology.Validate.
var parameterBounds = []parameterBound{
	{"ftp", "W", 50, 600, "functional threshold power"},
	{"lthr", "bpm", 100, 200, "lactate threshold heart rate; must lie between resting_hr and max_hr"},
	{"max_hr", "bpm", 100, 220, "maximum heart rate"},
	{"resting_hr", "bpm", 30, 100, "resting heart rate; must be below lthr and max_hr"},
	{"weight_kg", "kg", 20, 300, "body mass"},
	{"vo2_max", "ml/kg/min", 20, 90, "maximal oxygen uptake"},
	{"age", "years", 10, 120, "age, for age-predicted max HR"},
}

func (s *service) registerConfiguration(r *tools.Registry) {
	params := physiologyProps()
	r.Add(
		tools.New(tools.Spec{
			Name: "get_configuration_catalog", Title: "Configuration catalog", Category: CategoryConfiguration,
			Description: "List every selectable algorithm (max HR, TRIMP, TSS, VDOT, training load, recovery, FTP, LTHR, " +
				"VO2max) with its variants, formulas, published sources, the server default and the variant currently " +
				"used for this user, plus the configuration profiles and the physiological parameters with their valid " +
				"ranges. Use it before update_user_configuration. Returns {algorithms[], profiles[], parameters[]}.",
			Input:       tools.Object(nil),
			Annotations: tools.Annotations{ReadOnly: true, Idempotent: true},
		}, s.catalog),
		tools.New(tools.Spec{
			Name: "get_configuration_profiles", Title: "Configuration profiles", Category: CategoryConfiguration,
			Description: "List the configuration profiles (research, elite, recreational, beginner, medical): who each is " +
				"for and which algorithms it selects, and which one the user has chosen. Returns {profiles[], current_profile}.",
			Input:       tools.Object(nil),
			Annotations: tools.Annotations{ReadOnly: true, Idempotent: true},
		}, s.profiles),
		tools.New(tools.Spec{
			Name: "get_user_configuration", Title: "Get user configuration", Category: CategoryConfiguration,
			Description: "Show the user's stored configuration (profile, algorithm choices, physiological overrides), the " +
				"algorithms in effect, and the resulting athlete profile (FTP, LTHR, max and resting HR, weight, VO2max) " +
				"with where each value comes from. Returns {stored, effective_algorithms, athlete_profile}.",
			Input:       tools.Object(map[string]*tools.Schema{"provider": s.providerArg()}),
			Annotations: tools.Annotations{ReadOnly: true, Idempotent: true, OpenWorld: true},
		}, s.getUserConfiguration),
		tools.New(tools.Spec{
			Name: "update_user_configuration", Title: "Update user configuration", Category: CategoryConfiguration,
			Description: "Change the user's configuration: choose a profile, choose algorithms per category " +
				"(algorithms: {\"tss\": \"normalized_power\"}; \"default\" removes a choice), and set physiological values " +
				"that override the provider (parameters: {\"ftp\": 250, \"max_hr\": 188}; 0 removes a value). The merged " +
				"result is validated first; nothing is stored when anything is wrong. Every analysis uses the new values. " +
				"Returns {stored, effective_algorithms}.",
			Input: tools.Object(map[string]*tools.Schema{
				"profile":    tools.StringLen("Profile name: research, elite, recreational, beginner or medical (any case); empty removes it.", 0, 40),
				"parameters": tools.Object(params),
				"algorithms": tools.FreeObject("Algorithm choice per catalog key (maxhr, trimp, tss, vdot, training_load, recovery, ftp, lthr, vo2max).", tools.StringLen("variant", 0, 40)),
				"reset":      tools.Boolean("Clear the stored configuration before applying the rest of this call."),
			}),
			Annotations: tools.Annotations{Destructive: true, Idempotent: true},
		}, s.updateUserConfiguration),
		tools.New(tools.Spec{
			Name: "calculate_personalized_zones", Title: "Personalized training zones", Category: CategoryConfiguration,
			Description: "Compute the user's training zones: heart rate (Karvonen from max and resting HR, or % of max), " +
				"Coggan LTHR heart-rate zones, Coggan's seven power zones from FTP, and Daniels running paces from " +
				"VO2max (as VDOT). Values come from the arguments, else the user's configuration, else the provider, " +
				"else estimates. Returns {inputs, heart_rate_zones, lthr_zones, power_zones, pace_zones, unavailable}.",
			Input: tools.Object(map[string]*tools.Schema{
				"vo2_max":    number("VO2max (ml/kg/min), used as VDOT for running paces."),
				"resting_hr": number("Resting heart rate, bpm."),
				"max_hr":     number("Maximum heart rate, bpm."),
				"ftp":        number("Functional threshold power, watts."),
				"lthr":       number("Lactate threshold heart rate, bpm."),
				"provider":   s.providerArg(),
			}),
			Annotations: tools.Annotations{ReadOnly: true, Idempotent: true, OpenWorld: true},
		}, s.personalizedZones),
		tools.New(tools.Spec{
			Name: "validate_configuration", Title: "Validate configuration", Category: CategoryConfiguration,
			Description: "Check physiological parameters (ranges and resting_hr < threshold_hr < max_hr), and optionally a " +
				"profile and algorithm choices, without storing anything. Returns {valid, errors[{field, message}]}.",
			Input: tools.Object(map[string]*tools.Schema{
				"parameters": tools.Object(withThreshold(physiologyProps())),
				"profile":    tools.StringLen("Profile name to check.", 0, 40),
				"algorithms": tools.FreeObject("Algorithm choices to check.", tools.StringLen("variant", 0, 40)),
			}, "parameters"),
			Annotations: tools.Annotations{ReadOnly: true, Idempotent: true},
		}, s.validateConfiguration),
	)
}

func withThreshold(m map[string]*tools.Schema) map[string]*tools.Schema {
	m["threshold_hr"] = number("Threshold heart rate, bpm (the seed's name for lthr).")
	return m
}

func (s *service) catalog(ctx context.Context, c *tools.Call, _ struct{}) (any, error) {
	set, err := s.settings.Settings(ctx, c.Principal)
	if err != nil {
		return nil, err
	}
	return map[string]any{"algorithms": set.Algorithms.Catalog(), "profiles": usersettings.ProfileNames(),
		"current_profile": set.Profile, "parameters": parameterBounds}, nil
}

func (s *service) profiles(ctx context.Context, c *tools.Call, _ struct{}) (any, error) {
	set, err := s.settings.Settings(ctx, c.Principal)
	if err != nil {
		return nil, err
	}
	return map[string]any{"profiles": usersettings.Profiles(), "current_profile": set.Profile}, nil
}

// stored returns the user's stored configuration (zero when none).
func (s *service) stored(ctx context.Context, p auth.Principal) (usersettings.UserConfig, error) {
	cfg, err := s.st.UserConfig(ctx, p.TenantID, p.UserID)
	if errors.Is(err, store.ErrNotFound) {
		return usersettings.UserConfig{Algorithms: map[string]string{}}, nil
	}
	if cfg.Algorithms == nil {
		cfg.Algorithms = map[string]string{}
	}
	return cfg, err
}

type sourcedValue struct {
	Value  float64 `json:"value"`
	Unit   string  `json:"unit"`
	Source string  `json:"source"`
}

// sourced reports each effective value with its origin: an argument, the
// user's configuration, the provider, or an estimate.
func sourced(args, overrides, fromProvider, final intelligence.AthleteProfile, providerName string, algos intelligence.Algorithms) map[string]sourcedValue {
	out := map[string]sourcedValue{}
	add := func(name, unit string, arg, ov, prov, fin float64, estimate string) {
		if fin <= 0 {
			return
		}
		src := estimate
		switch {
		case arg > 0:
			src = "argument"
		case ov > 0:
			src = "your configuration"
		case prov > 0:
			src = "provider " + providerName
		}
		out[name] = sourcedValue{Value: fin, Unit: unit, Source: src}
	}
	add("ftp", "W", args.FTPWatts, overrides.FTPWatts, fromProvider.FTPWatts, final.FTPWatts, "")
	add("lthr", "bpm", args.LTHRBPM, overrides.LTHRBPM, 0, final.LTHRBPM, "estimated ("+string(algos.LTHR)+" from max HR)")
	add("max_hr", "bpm", args.MaxHeartRateBPM, overrides.MaxHeartRateBPM, fromProvider.MaxHeartRateBPM, final.MaxHeartRateBPM, "estimated from age ("+string(algos.MaxHR)+")")
	add("resting_hr", "bpm", args.RestingHeartRateBPM, overrides.RestingHeartRateBPM, fromProvider.RestingHeartRateBPM, final.RestingHeartRateBPM, "")
	add("weight_kg", "kg", 0, overrides.WeightKg, fromProvider.WeightKg, final.WeightKg, "")
	add("vo2_max", "ml/kg/min", args.VO2maxMlKgMin, overrides.VO2maxMlKgMin, 0, final.VO2maxMlKgMin, "")
	add("age", "years", 0, float64(overrides.AgeYears), float64(fromProvider.AgeYears), float64(final.AgeYears), "")
	return out
}

func (s *service) getUserConfiguration(ctx context.Context, c *tools.Call, in struct {
	Provider string `json:"provider"`
}) (any, error) {
	cfg, err := s.stored(ctx, c.Principal)
	if err != nil {
		return nil, err
	}
	set, err := s.settings.Settings(ctx, c.Principal)
	if err != nil {
		return nil, err
	}
	prof, ath, providerName, note, err := s.athleteProfile(ctx, c.Principal, in.Provider, set)
	if err != nil {
		return nil, err
	}
	out := map[string]any{"stored": cfg, "profile": set.Profile, "effective_algorithms": set.Algorithms,
		"athlete_profile": sourced(intelligence.AthleteProfile{}, set.Overrides, intelligence.ProfileFromAthlete(&ath, s.now()), prof, providerName, set.Algorithms)}
	if prof.Sex != fitness.SexUnknown {
		out["sex"] = prof.Sex
	}
	if note != "" {
		out["note"] = note
	}
	return out, nil
}

type paramArgs struct {
	FTP       *float64 `json:"ftp"`
	LTHR      *float64 `json:"lthr"`
	MaxHR     *float64 `json:"max_hr"`
	RestingHR *float64 `json:"resting_hr"`
	WeightKg  *float64 `json:"weight_kg"`
	VO2max    *float64 `json:"vo2_max"`
	Age       *int     `json:"age"`
	Sex       *string  `json:"sex"`
	// ThresholdHR is validate_configuration's name for LTHR.
	ThresholdHR *float64 `json:"threshold_hr"`
}

// apply sets every given field on p (0 clears a value).
func (a *paramArgs) apply(p usersettings.Physiology) usersettings.Physiology {
	set := func(dst *float64, v *float64) {
		if v != nil {
			*dst = *v
		}
	}
	set(&p.FTPWatts, a.FTP)
	set(&p.LTHR, a.LTHR)
	set(&p.LTHR, a.ThresholdHR)
	set(&p.MaxHR, a.MaxHR)
	set(&p.RestingHR, a.RestingHR)
	set(&p.WeightKg, a.WeightKg)
	set(&p.VO2max, a.VO2max)
	if a.Age != nil {
		p.AgeYears = *a.Age
	}
	if a.Sex != nil {
		p.Sex = fitness.Sex(*a.Sex)
	}
	return p
}

type updateArgs struct {
	Profile    *string           `json:"profile"`
	Parameters *paramArgs        `json:"parameters"`
	Algorithms map[string]string `json:"algorithms"`
	Reset      bool              `json:"reset"`
}

// merge applies an update to the stored configuration and validates the
// result; it changes nothing in the store.
func merge(cfg usersettings.UserConfig, in updateArgs) (usersettings.UserConfig, error) {
	if in.Reset {
		cfg = usersettings.UserConfig{Algorithms: map[string]string{}}
	}
	if in.Profile != nil {
		cfg.Profile = ""
		if name := strings.TrimSpace(*in.Profile); name != "" {
			p, ok := usersettings.ProfileByName(name)
			if !ok {
				return cfg, tools.Invalid("profile", fmt.Sprintf("%q is not a known profile; allowed values: %s", name, strings.Join(usersettings.ProfileNames(), ", ")))
			}
			cfg.Profile = p.Name
		}
	}
	algos := make(map[string]string, len(cfg.Algorithms)+len(in.Algorithms))
	for k, v := range cfg.Algorithms {
		algos[k] = v
	}
	for k, v := range in.Algorithms {
		k = strings.ToLower(strings.TrimSpace(k))
		if v = strings.TrimSpace(v); v == "" || strings.EqualFold(v, "default") {
			delete(algos, k)
			continue
		}
		// Store the canonical variant name, not an alias or another case.
		if _, err := (usersettings.UserConfig{Algorithms: map[string]string{k: v}}).Apply(intelligence.DefaultAlgorithms()); err != nil {
			return cfg, invalid("", err)
		}
		a, _ := intelligence.DefaultAlgorithms().WithChoice(k, v)
		algos[k] = choiceName(a, k)
	}
	cfg.Algorithms = algos
	if in.Parameters != nil {
		if in.Parameters.ThresholdHR != nil && in.Parameters.LTHR != nil && *in.Parameters.ThresholdHR != *in.Parameters.LTHR {
			return cfg, tools.Invalid("parameters.threshold_hr", "is another name for lthr; give only one")
		}
		cfg.Parameters = in.Parameters.apply(cfg.Parameters)
	}
	if err := cfg.Parameters.Validate(); err != nil {
		return cfg, invalid("parameters.", err)
	}
	if _, err := cfg.Apply(intelligence.DefaultAlgorithms()); err != nil {
		return cfg, invalid("", err)
	}
	return cfg, nil
}

// choiceName reads back the canonical variant of category key.
func choiceName(a intelligence.Algorithms, key string) string {
	for _, c := range a.Catalog() {
		if c.Key == key {
			return c.Current
		}
	}
	return ""
}

func (s *service) updateUserConfiguration(ctx context.Context, c *tools.Call, in updateArgs) (any, error) {
	if in.Profile == nil && in.Parameters == nil && len(in.Algorithms) == 0 && !in.Reset {
		return nil, tools.Invalid("", "nothing to change: give profile, parameters, algorithms or reset")
	}
	cur, err := s.stored(ctx, c.Principal)
	if err != nil {
		return nil, err
	}
	next, err := merge(cur, in)
	if err != nil {
		return nil, err
	}
	next.UpdatedAt = s.now().UTC()
	if err := s.st.PutUserConfig(ctx, c.Principal.TenantID, c.Principal.UserID, next); err != nil {
		return nil, fmt.Errorf("store user configuration: %w", err)
	}
	set, err := s.settings.Settings(ctx, c.Principal)
	if err != nil {
		return nil, err
	}
	return map[string]any{"updated": true, "stored": next, "profile": set.Profile, "effective_algorithms": set.Algorithms,
		"message": "Configuration saved; every analysis now uses it."}, nil
}

type zonesArgs struct {
	VO2max    float64 `json:"vo2_max"`
	RestingHR float64 `json:"resting_hr"`
	MaxHR     float64 `json:"max_hr"`
	FTP       float64 `json:"ftp"`
	LTHR      float64 `json:"lthr"`
	Provider  string  `json:"provider"`
}

func (s *service) personalizedZones(ctx context.Context, c *tools.Call, in zonesArgs) (any, error) {
	args := usersettings.Physiology{FTPWatts: in.FTP, LTHR: in.LTHR, MaxHR: in.MaxHR, RestingHR: in.RestingHR, VO2max: in.VO2max}
	if err := args.Validate(); err != nil {
		return nil, invalid("", err)
	}
	set, err := s.settings.Settings(ctx, c.Principal)
	if err != nil {
		return nil, err
	}
	stored := set.Overrides
	// Arguments win over the stored configuration for this answer only.
	argProf := args.Overrides()
	set.Overrides = usersettings.Physiology{FTPWatts: in.FTP, LTHR: in.LTHR, MaxHR: in.MaxHR, RestingHR: in.RestingHR, VO2max: in.VO2max}.
		FillFrom(physiologyOf(stored)).Overrides()
	prof, ath, providerName, note, err := s.athleteProfile(ctx, c.Principal, in.Provider, set)
	if err != nil {
		return nil, err
	}
	if args != (usersettings.Physiology{}) {
		// The arguments must also agree with the values they are combined
		// with (a max_hr argument below the stored resting HR).
		final := physiologyOf(prof)
		final.AgeYears, final.Sex, final.WeightKg = 0, "", 0
		if err := final.Validate(); err != nil {
			return nil, invalid("", err)
		}
	}
	out := map[string]any{"inputs": sourced(argProf, stored, intelligence.ProfileFromAthlete(&ath, s.now()), prof, providerName, set.Algorithms)}
	unavailable := map[string]string{}
	switch {
	case prof.MaxHeartRateBPM > 0 && prof.RestingHeartRateBPM > 0:
		z, err := intelligence.HeartRateZonesKarvonen(prof.MaxHeartRateBPM, prof.RestingHeartRateBPM)
		if err != nil {
			return nil, invalid("", err)
		}
		out["heart_rate_zones"] = z
	case prof.MaxHeartRateBPM > 0:
		z, err := intelligence.HeartRateZonesPercentMax(prof.MaxHeartRateBPM)
		if err != nil {
			return nil, invalid("", err)
		}
		out["heart_rate_zones"] = z
	default:
		unavailable["heart_rate_zones"] = "needs max_hr (or an age to estimate it)"
	}
	if prof.LTHRBPM > 0 {
		z, err := intelligence.HeartRateZonesLTHR(prof.LTHRBPM)
		if err != nil {
			return nil, invalid("", err)
		}
		out["lthr_zones"] = z
	} else {
		unavailable["lthr_zones"] = "needs lthr or max_hr"
	}
	if prof.FTPWatts > 0 {
		z, err := intelligence.CogganPowerZones(prof.FTPWatts)
		if err != nil {
			return nil, invalid("", err)
		}
		out["power_zones"] = z
	} else {
		unavailable["power_zones"] = "needs ftp (argument, or set it with update_user_configuration)"
	}
	if prof.VO2maxMlKgMin > 0 {
		z, err := intelligence.DanielsTrainingPaces(prof.VO2maxMlKgMin)
		if err != nil {
			return nil, invalid("", err)
		}
		out["pace_zones"] = z
	} else {
		unavailable["pace_zones"] = "needs vo2_max (used as VDOT)"
	}
	if len(unavailable) == 4 {
		return nil, tools.NotEnoughData("no zones can be computed: no heart rate, FTP or VO2max is known",
			"pass max_hr, ftp, lthr or vo2_max, or store them with update_user_configuration")
	}
	if len(unavailable) > 0 {
		out["unavailable"] = unavailable
	}
	if note != "" {
		out["note"] = note
	}
	return out, nil
}

// physiologyOf converts an athlete profile back to the wire parameters.
func physiologyOf(p intelligence.AthleteProfile) usersettings.Physiology {
	return usersettings.Physiology{FTPWatts: p.FTPWatts, LTHR: p.LTHRBPM, MaxHR: p.MaxHeartRateBPM, RestingHR: p.RestingHeartRateBPM,
		WeightKg: p.WeightKg, VO2max: p.VO2maxMlKgMin, AgeYears: p.AgeYears, Sex: p.Sex}
}

type validateArgs struct {
	Parameters paramArgs         `json:"parameters"`
	Profile    string            `json:"profile"`
	Algorithms map[string]string `json:"algorithms"`
}

func (s *service) validateConfiguration(_ context.Context, _ *tools.Call, in validateArgs) (any, error) {
	p := in.Parameters.apply(usersettings.Physiology{})
	errs := fieldErrors("parameters.", p.Validate())
	if in.Parameters.ThresholdHR != nil && in.Parameters.LTHR == nil {
		// Answer in the caller's vocabulary.
		for i := range errs {
			errs[i].Field = strings.ReplaceAll(errs[i].Field, "lthr", "threshold_hr")
			errs[i].Message = strings.ReplaceAll(errs[i].Message, "lthr", "threshold_hr")
		}
	}
	if in.Parameters.ThresholdHR != nil && in.Parameters.LTHR != nil && *in.Parameters.ThresholdHR != *in.Parameters.LTHR {
		errs = append(errs, fieldError{Field: "parameters.threshold_hr", Message: "parameters.threshold_hr is another name for lthr; give only one"})
	}
	if _, err := (usersettings.UserConfig{Profile: in.Profile, Algorithms: in.Algorithms}).Apply(intelligence.DefaultAlgorithms()); err != nil {
		errs = append(errs, fieldErrors("", err)...)
	}
	out := map[string]any{"valid": len(errs) == 0, "errors": errs, "parameters": p}
	if len(errs) == 0 {
		out["message"] = "The configuration is valid."
	} else {
		out["message"] = fmt.Sprintf("%d problem(s) found; fix them before update_user_configuration.", len(errs))
	}
	return out, nil
}
