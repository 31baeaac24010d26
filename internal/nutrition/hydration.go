package nutrition

import (
	"fmt"
	"strings"
)

// SweatInput is a sweat test: weigh before and after a session (minimal
// clothing, towel-dried), note what was drunk and any urine passed.
type SweatInput struct {
	PreWeightKg     float64 `json:"pre_weight_kg"`
	PostWeightKg    float64 `json:"post_weight_kg"`
	FluidIntakeL    float64 `json:"fluid_intake_l"`
	UrineOutputL    float64 `json:"urine_output_l,omitempty"`
	DurationSeconds float64 `json:"duration_seconds"`
}

// SweatResult is the sweat rate and the loss it implies.
type SweatResult struct {
	SweatRateLPerHour   float64 `json:"sweat_rate_l_per_hour"`
	SweatLossL          float64 `json:"sweat_loss_l"`
	BodyMassLossKg      float64 `json:"body_mass_loss_kg"`
	BodyMassLossPercent float64 `json:"body_mass_loss_percent"`
	// RehydrationL is 150 % of the net body-mass deficit (1.5 L per kg
	// lost, Shirreffs et al. 1996; ACSM 2007).
	RehydrationL float64  `json:"rehydration_l"`
	Warnings     []string `json:"warnings,omitempty"`
}

// SweatRate computes (pre − post + fluid − urine) / hours, with 1 kg of
// body mass taken as 1 L of sweat. Pre 70.0 kg, post 69.2 kg, 0.5 L drunk,
// 1 h → 1.3 L/h (tutorial ch. 22).
func SweatRate(in SweatInput) (SweatResult, error) {
	if err := checkWeight(in.PreWeightKg); err != nil {
		return SweatResult{}, prefixField(err, "pre")
	}
	if err := checkWeight(in.PostWeightKg); err != nil {
		return SweatResult{}, prefixField(err, "post")
	}
	if !finite(in.FluidIntakeL) || in.FluidIntakeL < 0 || in.FluidIntakeL > 20 {
		return SweatResult{}, inputErr("fluid_intake_l", "must be between 0 and 20 L, got %v", in.FluidIntakeL)
	}
	if !finite(in.UrineOutputL) || in.UrineOutputL < 0 || in.UrineOutputL > 10 {
		return SweatResult{}, inputErr("urine_output_l", "must be between 0 and 10 L, got %v", in.UrineOutputL)
	}
	if !finite(in.DurationSeconds) || in.DurationSeconds < 600 || in.DurationSeconds > 24*3600 {
		return SweatResult{}, inputErr("duration_seconds", "must be between 10 minutes and 24 hours, got %v", in.DurationSeconds)
	}
	loss := in.PreWeightKg - in.PostWeightKg
	sweat := loss + in.FluidIntakeL - in.UrineOutputL
	if sweat < 0 {
		return SweatResult{}, inputErr("post_weight_kg", "weights and fluids give a negative sweat loss (%.2f L); check the numbers", sweat)
	}
	hours := in.DurationSeconds / 3600
	pct := 100 * loss / in.PreWeightKg
	r := SweatResult{
		SweatRateLPerHour:   round2(sweat / hours),
		SweatLossL:          round2(sweat),
		BodyMassLossKg:      round2(loss),
		BodyMassLossPercent: round2(pct),
		RehydrationL:        round2(max(loss, 0) * 1.5),
	}
	if pct > 2 {
		r.Warnings = append(r.Warnings, fmt.Sprintf("lost %.1f%% of body mass: over 2%% impairs endurance performance; drink more during sessions", pct))
	}
	if loss < 0 {
		r.Warnings = append(r.Warnings, "gained weight during the session: drinking more than sweat losses risks hyponatraemia")
	}
	return r, nil
}

// SweatProfile is how salty an athlete's sweat is.
type SweatProfile string

// Sweat profiles. "Salty" sweaters see white salt marks on kit.
const (
	SweatLow     SweatProfile = "low"
	SweatAverage SweatProfile = "average"
	SweatSalty   SweatProfile = "salty"
)

// sodium concentration of sweat-replacement fluid by profile, mg/L
// (tutorial ch. 22; Baker 2017 reports sweat [Na+] 230–2300 mg/L).
var sodiumByProfile = map[SweatProfile]Range{
	SweatLow:     rng(300, 500, 400),
	SweatAverage: rng(500, 800, 650),
	SweatSalty:   rng(800, 1200, 1000),
}

// HydrationInput is the input of [HydrationPlan].
type HydrationInput struct {
	WeightKg float64 `json:"weight_kg"`
	// SweatRateLPerHour from a sweat test; 0 when unknown.
	SweatRateLPerHour float64 `json:"sweat_rate_l_per_hour,omitempty"`
	// SessionSeconds of the planned session; 0 for daily advice only.
	SessionSeconds float64      `json:"session_seconds,omitempty"`
	Profile        SweatProfile `json:"sweat_profile,omitempty"` // default average
}

// HydrationGuidance is daily and per-session fluid and sodium advice.
type HydrationGuidance struct {
	DailyBaselineMl       Range    `json:"daily_baseline_ml"`
	PreExerciseMl         Range    `json:"pre_exercise_ml"`
	PreExerciseTiming     string   `json:"pre_exercise_timing"`
	DuringMlPerHour       Range    `json:"during_ml_per_hour"`
	DuringSodiumMgPerHour Range    `json:"during_sodium_mg_per_hour"`
	SodiumMgPerLitre      Range    `json:"sodium_mg_per_litre"`
	SessionTotalMl        *Range   `json:"session_total_ml,omitempty"`
	PostExercise          string   `json:"post_exercise"`
	Basis                 string   `json:"basis"`
	Notes                 []string `json:"notes,omitempty"`
}

// HydrationPlan gives fluid and sodium guidance: daily baseline 30–35 ml/kg;
// 5–7 ml/kg 2–4 h before exercise (ACSM 2007); during, replace 60–80 % of
// the measured sweat rate, or 400–800 ml/h when it is unknown; sodium by
// sweat profile; after, 1.5 L per kg of body mass lost.
func HydrationPlan(in HydrationInput) (HydrationGuidance, error) {
	if err := checkWeight(in.WeightKg); err != nil {
		return HydrationGuidance{}, err
	}
	if !finite(in.SweatRateLPerHour) || in.SweatRateLPerHour < 0 || in.SweatRateLPerHour > 5 {
		return HydrationGuidance{}, inputErr("sweat_rate_l_per_hour", "must be between 0 and 5 L/h, got %v", in.SweatRateLPerHour)
	}
	if !finite(in.SessionSeconds) || in.SessionSeconds < 0 || in.SessionSeconds > 48*3600 {
		return HydrationGuidance{}, inputErr("session_seconds", "must be between 0 and 48 hours, got %v", in.SessionSeconds)
	}
	profile := SweatProfile(strings.ToLower(string(in.Profile)))
	if profile == "" {
		profile = SweatAverage
	}
	na, ok := sodiumByProfile[profile]
	if !ok {
		return HydrationGuidance{}, inputErr("sweat_profile", "must be low, average or salty; got %q", string(in.Profile))
	}
	w := in.WeightKg
	g := HydrationGuidance{
		DailyBaselineMl:   rng(30*w, 35*w, 32.5*w).times(1),
		PreExerciseMl:     rng(5*w, 7*w, 6*w).times(1),
		PreExerciseTiming: "2-4 hours before; if no urine or it is dark, another 3-5 ml/kg 2 hours before",
		SodiumMgPerLitre:  na,
		PostExercise:      "Drink 1.5 L for every kg of body mass lost, with sodium, over the next 2-4 hours",
	}
	if in.SweatRateLPerHour > 0 {
		s := in.SweatRateLPerHour * 1000
		g.DuringMlPerHour = rng(0.6*s, 0.8*s, 0.7*s).times(1)
		g.Basis = fmt.Sprintf("measured sweat rate %.2f L/h, replacing 60-80%%", in.SweatRateLPerHour)
		if g.DuringMlPerHour.Max > 1000 {
			g.Notes = append(g.Notes, "above about 1 L/h the gut may not absorb it all; practise in training")
		}
	} else {
		g.DuringMlPerHour = rng(400, 800, 600)
		g.Basis = "no sweat rate measured: general 400-800 ml/h; do a sweat test (weigh before and after) to personalise"
	}
	g.DuringSodiumMgPerHour = Range{
		Min:   round1(g.DuringMlPerHour.Min / 1000 * na.Min),
		Max:   round1(g.DuringMlPerHour.Max / 1000 * na.Max),
		Point: round1(g.DuringMlPerHour.Point / 1000 * na.Point),
	}
	if in.SessionSeconds > 0 {
		h := in.SessionSeconds / 3600
		r := g.DuringMlPerHour.times(h)
		g.SessionTotalMl = &r
		if h < 1 {
			g.Notes = append(g.Notes, "under an hour: drinking to thirst is usually enough")
		}
	}
	return g, nil
}
