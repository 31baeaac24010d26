package intelligence

import (
	"errors"
	"time"

	"github.com/pierre-fitness/pierre/internal/fitness"
)

// AthleteProfile is the physiology the calculations need. Zero means
// unknown.
type AthleteProfile struct {
	AgeYears            int         `json:"age_years,omitempty"`
	Sex                 fitness.Sex `json:"sex,omitempty"`
	WeightKg            float64     `json:"weight_kg,omitempty"`
	FTPWatts            float64     `json:"ftp_watts,omitempty"`
	LTHRBPM             float64     `json:"lthr_bpm,omitempty"`
	MaxHeartRateBPM     float64     `json:"max_heart_rate_bpm,omitempty"`
	RestingHeartRateBPM float64     `json:"resting_heart_rate_bpm,omitempty"`
	VO2maxMlKgMin       float64     `json:"vo2max_ml_kg_min,omitempty"`
}

// ProfileFromAthlete copies what a provider knows about the athlete (age on
// the given day).
func ProfileFromAthlete(a *fitness.Athlete, on time.Time) AthleteProfile {
	if a == nil {
		return AthleteProfile{}
	}
	p := AthleteProfile{AgeYears: a.Age(on), Sex: a.Sex}
	if a.WeightKg != nil {
		p.WeightKg = *a.WeightKg
	}
	if a.FTPWatts != nil {
		p.FTPWatts = *a.FTPWatts
	}
	if a.MaxHeartRate != nil {
		p.MaxHeartRateBPM = *a.MaxHeartRate
	}
	if a.RestingHeartRate != nil {
		p.RestingHeartRateBPM = *a.RestingHeartRate
	}
	return p
}

// WithEstimates fills unknown max HR (from age with the selected formula)
// and LTHR (with the selected estimator, usually 0.88 × max HR). It never
// overwrites known values.
func (p AthleteProfile) WithEstimates(algos Algorithms) AthleteProfile {
	if p.MaxHeartRateBPM == 0 && p.AgeYears > 0 {
		if r, err := MaxHeartRate(algos.MaxHR, p.AgeYears, p.Sex); err == nil {
			p.MaxHeartRateBPM = float64(r.MaxHeartRateBPM)
		}
	}
	if p.LTHRBPM == 0 && p.MaxHeartRateBPM > 0 {
		if r, err := EstimateLTHR(algos.LTHR, LTHRInput{MaxHeartRateBPM: p.MaxHeartRateBPM}); err == nil {
			p.LTHRBPM = r.LTHRBPM
		}
	}
	return p
}

// Validate checks plausible ranges and resting < LTHR < max; it returns
// every problem (joined *InputError).
func (p AthleteProfile) Validate() error {
	return ValidateConfiguration(ConfigurationParameters{
		MaxHR: p.MaxHeartRateBPM, RestingHR: p.RestingHeartRateBPM, ThresholdHR: p.LTHRBPM,
		VO2max: p.VO2maxMlKgMin, FTP: p.FTPWatts, WeightKg: p.WeightKg,
	})
}

// ConfigurationParameters are the physiological parameters of
// validate_configuration / update_user_configuration, with the seed's wire
// names. Zero means not set.
type ConfigurationParameters struct {
	MaxHR       float64 `json:"max_hr,omitempty"`
	RestingHR   float64 `json:"resting_hr,omitempty"`
	ThresholdHR float64 `json:"threshold_hr,omitempty"`
	VO2max      float64 `json:"vo2_max,omitempty"`
	FTP         float64 `json:"ftp,omitempty"`
	WeightKg    float64 `json:"weight_kg,omitempty"`
}

// ValidateConfiguration applies the seed's bounds (max_hr 100–220,
// resting_hr 30–100, threshold_hr 100–200 bpm, vo2_max 20–90, ftp 50–600 W,
// weight_kg 20–300) and resting_hr < threshold_hr < max_hr, with the seed's
// messages, e.g. "resting_hr (160) must be less than max_hr (150)". All
// problems are reported (joined *InputError).
func ValidateConfiguration(c ConfigurationParameters) error {
	var errs []error
	chk := func(name string, v, lo, hi float64, unit string) {
		if v != 0 {
			if err := checkRange(name, v, lo, hi, unit); err != nil {
				errs = append(errs, err)
			}
		}
	}
	chk("max_hr", c.MaxHR, 100, 220, "bpm")
	chk("resting_hr", c.RestingHR, 30, 100, "bpm")
	chk("threshold_hr", c.ThresholdHR, 100, 200, "bpm")
	chk("vo2_max", c.VO2max, 20, 90, "ml/kg/min")
	chk("ftp", c.FTP, 50, 600, "W")
	chk("weight_kg", c.WeightKg, 20, 300, "kg")
	if c.RestingHR != 0 && c.MaxHR != 0 && c.RestingHR >= c.MaxHR {
		errs = append(errs, inputErr("resting_hr", "(%s) must be less than max_hr (%s)", num(c.RestingHR), num(c.MaxHR)))
	}
	if c.RestingHR != 0 && c.ThresholdHR != 0 && c.RestingHR >= c.ThresholdHR {
		errs = append(errs, inputErr("resting_hr", "(%s) must be less than threshold_hr (%s)", num(c.RestingHR), num(c.ThresholdHR)))
	}
	if c.ThresholdHR != 0 && c.MaxHR != 0 && c.ThresholdHR >= c.MaxHR {
		errs = append(errs, inputErr("threshold_hr", "(%s) must be less than max_hr (%s)", num(c.ThresholdHR), num(c.MaxHR)))
	}
	return errors.Join(errs...)
}
