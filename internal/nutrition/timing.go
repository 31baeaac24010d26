package nutrition

import (
	"fmt"
	"math"
	"strings"
)

// Intensity of the training being fuelled.
type Intensity string

// Intensities (wire enum of get_nutrient_timing's workout_intensity).
const (
	IntensityLow      Intensity = "low"
	IntensityModerate Intensity = "moderate"
	IntensityHigh     Intensity = "high"
)

// ParseIntensity validates an intensity (case-insensitive).
func ParseIntensity(s string) (Intensity, error) {
	switch v := Intensity(strings.ToLower(strings.TrimSpace(s))); v {
	case IntensityLow, IntensityModerate, IntensityHigh:
		return v, nil
	}
	return "", inputErr("workout_intensity", "must be one of low, moderate, high; got %q", s)
}

// Intensity sources reported by [NutrientTiming].
const (
	IntensityGiven    = "given"
	IntensityInferred = "inferred"
)

// TrainingSummary is a plain summary of recent training, used to infer the
// intensity when none is given. The tool layer builds it from the user's
// activities over the last Days days.
type TrainingSummary struct {
	Days                 int     `json:"days"`
	TotalDurationSeconds float64 `json:"total_duration_seconds"`
	// AverageHeartRate is the duration-weighted mean of the sessions'
	// average heart rates, 0 when unknown.
	AverageHeartRate float64 `json:"average_heart_rate,omitempty"`
	Sessions         int     `json:"sessions"`
}

// InferIntensity classifies recent training (tutorial ch. 22 table):
// high when volume > 2 h/day or average HR > 150 bpm; moderate when
// volume ≥ 1 h/day or HR ≥ 130 bpm; low otherwise (volume < 1 h/day and
// HR < 130 bpm). Either signal can raise the class; both must be low for
// "low". The reason string explains the call.
func InferIntensity(s TrainingSummary) (Intensity, string, error) {
	if s.Days <= 0 || s.Days > 366 {
		return "", "", inputErr("days_back", "must be between 1 and 366, got %d", s.Days)
	}
	if !finite(s.TotalDurationSeconds) || s.TotalDurationSeconds < 0 {
		return "", "", inputErr("total_duration_seconds", "must be non-negative, got %v", s.TotalDurationSeconds)
	}
	if !finite(s.AverageHeartRate) || s.AverageHeartRate < 0 || s.AverageHeartRate > 250 {
		return "", "", inputErr("average_heart_rate", "must be between 0 and 250 bpm, got %v", s.AverageHeartRate)
	}
	hoursPerDay := s.TotalDurationSeconds / 3600 / float64(s.Days)
	hr := s.AverageHeartRate
	reason := fmt.Sprintf("%.1f h/day over %d days", hoursPerDay, s.Days)
	if hr > 0 {
		reason += fmt.Sprintf(", average HR %.0f bpm", hr)
	}
	switch {
	case hoursPerDay > 2 || hr > 150:
		return IntensityHigh, reason, nil
	case hoursPerDay >= 1 || hr >= 130:
		return IntensityModerate, reason, nil
	}
	return IntensityLow, reason, nil
}

// TimingInput is the input of [NutrientTiming] (get_nutrient_timing).
type TimingInput struct {
	WeightKg      float64 `json:"weight_kg"`
	DailyProteinG float64 `json:"daily_protein_g"`
	// Intensity, when set, is used as given; otherwise Summary must be set
	// and the intensity is inferred from it.
	Intensity Intensity        `json:"workout_intensity,omitempty"`
	Summary   *TrainingSummary `json:"training_summary,omitempty"`
	// MealsPerDay for the protein distribution; 0 means 4.
	MealsPerDay int `json:"meals_per_day,omitempty"`
}

// Window is the fuelling advice for one phase around a session.
type Window struct {
	Timing        string   `json:"timing"`
	CarbsG        Range    `json:"carbs_g"`
	ProteinG      Range    `json:"protein_g"`
	CarbsGPerKg   float64  `json:"carbs_g_per_kg,omitempty"`
	ProteinGPerKg float64  `json:"protein_g_per_kg,omitempty"`
	Guidance      []string `json:"guidance"`
	Examples      []string `json:"examples,omitempty"`
}

// DuringWindow is the advice for the session itself.
type DuringWindow struct {
	AppliesWhen      string   `json:"applies_when"`
	CarbsGPerHour    Range    `json:"carbs_g_per_hour"`
	FluidMlPerHour   Range    `json:"fluid_ml_per_hour"`
	SodiumMgPerLitre Range    `json:"sodium_mg_per_litre"`
	Guidance         []string `json:"guidance"`
}

// ProteinDistribution spreads the daily protein over meals.
type ProteinDistribution struct {
	DailyProteinG float64 `json:"daily_protein_g"`
	MealsPerDay   int     `json:"meals_per_day"`
	PerMealG      float64 `json:"per_meal_g"`
	Strategy      string  `json:"strategy"`
}

// TimingPlan is the answer of get_nutrient_timing.
type TimingPlan struct {
	Intensity       Intensity           `json:"workout_intensity"`
	IntensitySource string              `json:"intensity_source"`
	IntensityReason string              `json:"intensity_reason,omitempty"`
	PreWorkout      Window              `json:"pre_workout"`
	DuringWorkout   DuringWindow        `json:"during_workout"`
	PostWorkout     Window              `json:"post_workout"`
	Protein         ProteinDistribution `json:"daily_protein_distribution"`
	Notes           []string            `json:"notes"`
}

type timingRow struct {
	pre, preProtein, post, postProtein float64 // g/kg points
	duringCarbs                        Range   // g/h
}

// Per-intensity points inside the published ranges:
//   - pre, 1–4 h before: carbohydrate 1–4 g/kg (ACSM/AND/DC 2016), protein
//     0.15–0.25 g/kg (tutorial ch. 22);
//   - during, sessions > 60–90 min: 30–60 g/h, up to 90 g/h of mixed
//     glucose–fructose for > 2.5 h (Jeukendrup 2014); fluid 400–800 ml/h,
//     sodium 500–700 mg/L (ACSM 2007 fluid replacement stand);
//   - post, within 2 h: carbohydrate 1.0–1.2 g/kg/h when glycogen must be
//     restored quickly (ACSM/AND/DC 2016), protein 0.25–0.3 g/kg
//     (ISSN 2017; Moore et al. 2015), carb:protein about 3–4:1.
var timingTable = map[Intensity]timingRow{
	IntensityLow:      {pre: 1.0, preProtein: 0.15, post: 0.8, postProtein: 0.25, duringCarbs: rng(0, 30, 0)},
	IntensityModerate: {pre: 2.0, preProtein: 0.2, post: 1.0, postProtein: 0.3, duringCarbs: rng(30, 60, 45)},
	IntensityHigh:     {pre: 3.0, preProtein: 0.25, post: 1.2, postProtein: 0.3, duringCarbs: rng(60, 90, 75)},
}

// NutrientTiming gives pre-, during- and post-session fuelling for an
// athlete and intensity, and the daily protein spread. 70 kg, moderate:
// post-session 70 g carbohydrate and 21 g protein (ranges 70–84 g and
// 17.5–21 g, tutorial ch. 22).
func NutrientTiming(in TimingInput) (TimingPlan, error) {
	if err := checkWeight(in.WeightKg); err != nil {
		return TimingPlan{}, err
	}
	if !finite(in.DailyProteinG) || in.DailyProteinG <= 0 || in.DailyProteinG > 4*in.WeightKg {
		return TimingPlan{}, inputErr("daily_protein_g", "must be positive and at most 4 g/kg body mass (%.0f g), got %v", 4*in.WeightKg, in.DailyProteinG)
	}
	meals := in.MealsPerDay
	if meals == 0 {
		meals = 4
	}
	if meals < 3 || meals > 8 {
		return TimingPlan{}, inputErr("meals_per_day", "must be between 3 and 8, got %d", in.MealsPerDay)
	}
	plan := TimingPlan{}
	switch {
	case in.Intensity != "":
		it, err := ParseIntensity(string(in.Intensity))
		if err != nil {
			return TimingPlan{}, err
		}
		plan.Intensity, plan.IntensitySource = it, IntensityGiven
	case in.Summary != nil:
		it, why, err := InferIntensity(*in.Summary)
		if err != nil {
			return TimingPlan{}, err
		}
		plan.Intensity, plan.IntensitySource, plan.IntensityReason = it, IntensityInferred, why
	default:
		return TimingPlan{}, inputErr("workout_intensity", "required when no activity provider can be read to infer it; use low, moderate or high")
	}
	row := timingTable[plan.Intensity]
	w := in.WeightKg
	pre := rng(1.0*w, 4.0*w, row.pre*w).times(1)
	preP := rng(0.15*w, 0.25*w, row.preProtein*w).times(1)
	post := rng(1.0*w, 1.2*w, row.post*w).times(1)
	if plan.Intensity == IntensityLow {
		post = rng(0.5*w, 1.0*w, row.post*w).times(1)
	}
	postP := rng(0.25*w, 0.3*w, row.postProtein*w).times(1)
	plan.PreWorkout = Window{
		Timing: "1-4 hours before", CarbsG: pre, ProteinG: preP,
		CarbsGPerKg: row.pre, ProteinGPerKg: row.preProtein,
		Guidance: []string{
			fmt.Sprintf("Consume %.0fg carbs 1-3 hours before workout", pre.Point),
			"Focus on easily digestible carbs (banana, oatmeal, toast)",
			"Keep fat and fibre low in the last 2 hours",
		},
		Examples: []string{"60 g oats cooked with milk + 1 banana", "2 slices toast with honey + yogurt"},
	}
	plan.DuringWorkout = DuringWindow{
		AppliesWhen:      "sessions longer than 60-90 minutes",
		CarbsGPerHour:    row.duringCarbs,
		FluidMlPerHour:   rng(400, 800, 600),
		SodiumMgPerLitre: rng(500, 700, 600),
		Guidance: []string{
			"Under 60 minutes: water is enough",
			"Above 2.5 hours take up to 90 g/h as a glucose-fructose mix",
			"Drink to limit body-mass loss to under 2%",
		},
	}
	plan.PostWorkout = Window{
		Timing: "within 2 hours", CarbsG: post, ProteinG: postP,
		CarbsGPerKg: row.post, ProteinGPerKg: row.postProtein,
		Guidance: []string{
			fmt.Sprintf("Consume %.0fg protein + %.0fg carbs within 2 hours", postP.Point, post.Point),
			"Window is flexible - total daily intake matters most",
			"Aim for a carb:protein ratio of about 3-4:1 after hard or long sessions",
		},
		Examples: []string{"chocolate milk 500 ml", "rice bowl with chicken", "Greek yogurt with granola and fruit"},
	}
	per := in.DailyProteinG / float64(meals)
	plan.Protein = ProteinDistribution{
		DailyProteinG: round1(in.DailyProteinG),
		MealsPerDay:   meals,
		PerMealG:      round1(per),
		Strategy:      fmt.Sprintf("Distribute %.0fg protein across %d meals (~%.0fg each)", in.DailyProteinG, meals, math.Round(per)),
	}
	plan.Notes = []string{
		"Protein synthesis stays elevated 24-48 h after training; daily totals matter more than exact timing",
		"Glycogen resynthesis is fastest in the first 2 hours; prioritise it when the next session is within 24 h",
	}
	return plan, nil
}
