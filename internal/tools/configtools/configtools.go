// Package configtools declares the goal and configuration tools: goals
// (set_goal, suggest_goals, analyze_goal_feasibility, track_progress), the
// user's algorithm configuration and physiological overrides
// (get_configuration_catalog, get_configuration_profiles,
// get_user_configuration, update_user_configuration,
// calculate_personalized_zones, validate_configuration) and named fitness
// configurations (get/set/list/delete_fitness_config), plus the REST routes
// /api/fitness-configurations. State is kept per tenant and user in a
// usersettings.Store; the formulas are those of package intelligence.
package configtools

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/pierre-fitness/pierre/internal/athletedata"
	"github.com/pierre-fitness/pierre/internal/auth"
	"github.com/pierre-fitness/pierre/internal/fitness"
	"github.com/pierre-fitness/pierre/internal/intelligence"
	"github.com/pierre-fitness/pierre/internal/tools"
	"github.com/pierre-fitness/pierre/internal/tools/fitnesstools"
	"github.com/pierre-fitness/pierre/internal/usersettings"
)

// Categories of these tools in listings.
const (
	CategoryGoals         = "goals"
	CategoryConfiguration = "configuration"
	CategoryFitnessConfig = "fitness_configuration"
)

// Store is the persistence these tools need.
type Store = usersettings.Store

// service holds the dependencies shared by the tools and the REST routes.
type service struct {
	data     *athletedata.Service
	st       Store
	settings usersettings.Reader
	now      func() time.Time
}

// Register adds the 14 goal and configuration tools. settings is the
// reader analyses use (usersettings.Stored over st), so answers show the
// same effective configuration.
func Register(r *tools.Registry, data *athletedata.Service, st Store, settings usersettings.Reader, opts ...Option) {
	s := &service{data: data, st: st, settings: settings, now: time.Now}
	for _, o := range opts {
		o(s)
	}
	s.register(r)
}

// Option adjusts Register.
type Option func(*service)

// WithClock sets the clock that defines "today" for goals (the app passes
// the synthetic provider's clock, so tests with a fixed date see the same
// days as the data). The default is time.Now.
func WithClock(now func() time.Time) Option {
	return func(s *service) {
		if now != nil {
			s.now = now
		}
	}
}

func (s *service) register(r *tools.Registry) {
	s.registerGoals(r)
	s.registerConfiguration(r)
	s.registerFitnessConfigs(r)
}

func (s *service) today() intelligence.Date { return intelligence.DateOf(s.now(), nil) }

// number is an unbounded number argument; the handler validates the value
// so that tools and REST share one set of rules and messages.
func number(desc string) *tools.Schema { return &tools.Schema{Type: "number", Description: desc} }

// physiologyProps are the physiological parameters shared by
// update_user_configuration, validate_configuration and set_fitness_config.
func physiologyProps() map[string]*tools.Schema {
	return map[string]*tools.Schema{
		"ftp":        number("Functional threshold power, watts (50–600)."),
		"lthr":       number("Lactate threshold heart rate, bpm (100–200)."),
		"max_hr":     number("Maximum heart rate, bpm (100–220)."),
		"resting_hr": number("Resting heart rate, bpm (30–100)."),
		"weight_kg":  number("Body mass, kg (20–300)."),
		"vo2_max":    number("VO2max, ml/kg/min (20–90)."),
		"age":        tools.Integer("Age in years.", 0, 150),
		"sex":        tools.Enum("Sex, for sex-specific formulas (Gulati max HR, Banister TRIMP).", "male", "female"),
	}
}

// invalid turns validation errors (joined *intelligence.InputError) into an
// argument error naming the first bad field under prefix and listing every
// problem.
func invalid(prefix string, err error) error {
	if err == nil {
		return nil
	}
	parts := []error{err}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		parts = j.Unwrap()
	}
	field := ""
	msgs := make([]string, 0, len(parts))
	for _, e := range parts {
		var ie *intelligence.InputError
		if errors.As(e, &ie) {
			if field == "" {
				field = prefix + ie.Field
			}
			msgs = append(msgs, prefix+ie.Error())
			continue
		}
		msgs = append(msgs, e.Error())
	}
	if field == "" {
		return err
	}
	return tools.Invalid(field, strings.TrimPrefix(strings.Join(msgs, "; "), field+" "))
}

// fieldErrors lists validation problems as {field, message} pairs, for
// answers that report rather than refuse (validate_configuration).
func fieldErrors(prefix string, err error) []fieldError {
	out := []fieldError{}
	if err == nil {
		return out
	}
	parts := []error{err}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		parts = j.Unwrap()
	}
	for _, e := range parts {
		var ie *intelligence.InputError
		if errors.As(e, &ie) {
			out = append(out, fieldError{Field: prefix + ie.Field, Message: prefix + ie.Error()})
		} else {
			out = append(out, fieldError{Message: e.Error()})
		}
	}
	return out
}

type fieldError struct {
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
}

// athleteProfile is the user's effective physiology: provider athlete,
// stored overrides, then estimates. A provider failure is tolerated when no
// provider was named (the configuration alone may be enough); the note
// says so.
func (s *service) athleteProfile(ctx context.Context, p auth.Principal, requested string, set usersettings.Settings) (prof intelligence.AthleteProfile, ath fitness.Athlete, providerName, note string, err error) {
	providerName, ath, err = s.data.Athlete(ctx, p, requested)
	if err != nil {
		if requested != "" {
			return prof, ath, "", "", err
		}
		providerName, ath = "", fitness.Athlete{}
		note = "no provider profile was available; using your configuration only"
	}
	return set.AthleteProfile(&ath, s.now()), ath, providerName, note, nil
}

// providerArg is the optional provider argument.
func (s *service) providerArg() *tools.Schema { return fitnesstools.ProviderArg(s.data.Registry()) }
