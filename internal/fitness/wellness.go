package fitness

import "time"

// SleepSession is one main sleep (or nap) as the provider scored it.
// Stage durations are seconds; they need not sum exactly to AsleepSeconds
// because vendors round differently.
type SleepSession struct {
	ID       string `json:"id"`
	Provider string `json:"provider"`
	// Date is the calendar day the sleep ended on (the "night of" the
	// previous day), YYYY-MM-DD in the athlete's local time.
	Date                string    `json:"date"`
	StartTime           time.Time `json:"start_time"` // UTC
	EndTime             time.Time `json:"end_time"`   // UTC
	InBedSeconds        int       `json:"time_in_bed_seconds"`
	AsleepSeconds       int       `json:"total_sleep_seconds"`
	DeepSeconds         *int      `json:"deep_sleep_seconds,omitempty"`
	REMSeconds          *int      `json:"rem_sleep_seconds,omitempty"`
	LightSeconds        *int      `json:"light_sleep_seconds,omitempty"`
	AwakeSeconds        *int      `json:"awake_seconds,omitempty"`
	Awakenings          *int      `json:"awakenings,omitempty"`
	OnsetLatencySeconds *int      `json:"sleep_onset_latency_seconds,omitempty"`
	// EfficiencyPercent is asleep / in bed × 100.
	EfficiencyPercent *float64 `json:"efficiency_percent,omitempty"`
	// HRVRMSSDMs is the overnight heart-rate variability (RMSSD), in ms.
	HRVRMSSDMs       *float64 `json:"hrv_rmssd_ms,omitempty"`
	RestingHeartRate *float64 `json:"resting_heart_rate,omitempty"`
	RespiratoryRate  *float64 `json:"respiratory_rate_bpm,omitempty"`
	// VendorScore is the vendor's own 0–100 sleep score, when it gives one.
	VendorScore *float64 `json:"vendor_sleep_score,omitempty"`
	Nap         bool     `json:"nap,omitempty"`
}

// Efficiency returns EfficiencyPercent, or computes it from the durations.
func (s *SleepSession) Efficiency() (float64, bool) {
	if s.EfficiencyPercent != nil {
		return *s.EfficiencyPercent, true
	}
	if s.InBedSeconds > 0 {
		return float64(s.AsleepSeconds) / float64(s.InBedSeconds) * 100, true
	}
	return 0, false
}

// DailyRecovery is a provider's morning readiness record for one day.
type DailyRecovery struct {
	Provider         string   `json:"provider"`
	Date             string   `json:"date"` // YYYY-MM-DD, local
	HRVRMSSDMs       *float64 `json:"hrv_rmssd_ms,omitempty"`
	RestingHeartRate *float64 `json:"resting_heart_rate,omitempty"`
	// VendorRecoveryScore is e.g. WHOOP recovery or Garmin body battery /
	// training readiness, 0–100. Not comparable across vendors.
	VendorRecoveryScore *float64 `json:"vendor_recovery_score,omitempty"`
	SkinTempDeviationC  *float64 `json:"skin_temp_deviation_celsius,omitempty"`
	SpO2Percent         *float64 `json:"spo2_percent,omitempty"`
	// StrainScore is the vendor's daily strain/stress (WHOOP 0–21 strain,
	// Garmin 0–100 stress), when given.
	StrainScore *float64 `json:"vendor_strain,omitempty"`
}

// HealthMetrics are body measurements for one day.
type HealthMetrics struct {
	Provider          string   `json:"provider"`
	Date              string   `json:"date"` // YYYY-MM-DD, local
	WeightKg          *float64 `json:"weight_kg,omitempty"`
	BodyFatPercent    *float64 `json:"body_fat_percent,omitempty"`
	MuscleMassKg      *float64 `json:"muscle_mass_kg,omitempty"`
	BoneMassKg        *float64 `json:"bone_mass_kg,omitempty"`
	BodyWaterPercent  *float64 `json:"body_water_percent,omitempty"`
	BMIKgM2           *float64 `json:"bmi,omitempty"`
	Steps             *int     `json:"steps,omitempty"`
	ActiveEnergyKcal  *float64 `json:"active_energy_kcal,omitempty"`
	RestingEnergyKcal *float64 `json:"resting_energy_kcal,omitempty"`
	VO2MaxMlKgMin     *float64 `json:"vo2max_ml_kg_min,omitempty"`
	SystolicMmHg      *float64 `json:"systolic_mmhg,omitempty"`
	DiastolicMmHg     *float64 `json:"diastolic_mmhg,omitempty"`
}

// Float returns a pointer to v; handy for optional fields.
func Float(v float64) *float64 { return &v }

// Int returns a pointer to v; handy for optional fields.
func Int(v int) *int { return &v }
